/**
 * The per-(kind, source) connection counts (slots summed; migration 011 triggers) stay equal to
 * count(*) through inserts, updates that move a connection, deletes and cascades, and under
 * concurrent writers through one source, who do not wait for each other — and the
 * index-friendly search returns what a plain contains-search over the join returns.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/domain/entities.js';
import type { ListQuery } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { DB_KIND, TEST_DATABASE_URL } from '../../support/db.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function counters(): Promise<Record<string, number>> {
  const rows = await sql<{
    kind: string;
    slug: string;
    n: unknown;
  }>`SELECT c.kind, s.slug, sum(c.n) AS n FROM user_source_connection_count_slots c JOIN sources s ON s.pbm_uuid = c.source_uuid GROUP BY c.kind, s.slug HAVING sum(c.n) <> 0`.execute(
    app.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [`${r.kind}:${r.slug}`, Number(r.n)]));
}

async function actual(): Promise<Record<string, number>> {
  const rows = await sql<{
    kind: string;
    slug: string;
    n: unknown;
  }>`SELECT c.kind, s.slug, count(*) AS n FROM user_source_connections c JOIN sources s ON s.pbm_uuid = c.source_uuid GROUP BY c.kind, s.slug`.execute(
    app.db,
  );
  return Object.fromEntries(rows.rows.map((r) => [`${r.kind}:${r.slug}`, Number(r.n)]));
}

const query = (q: Partial<ListQuery> = {}): ListQuery => ({
  filters: [],
  search: null,
  ordering: [{ field: 'pk', desc: false }],
  offset: 0,
  limit: 100,
  ...q,
});

describe('connection counters', () => {
  it('track inserts, moves, deletes and cascades exactly', async () => {
    const repos = app.ctx.store.repos;
    const a = await repos.kindSources.oauth.create({ name: 'A', slug: 'a' }, { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' });
    const b = await repos.kindSources.oauth.create({ name: 'B', slug: 'b' }, { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' });
    const users: User[] = [];
    for (let i = 0; i < 5; i++) users.push(await repos.users.create({ username: `cnt${i}` }));
    const conns = [];
    for (const u of users)
      conns.push(await repos.userConnections.create({ kind: 'oauth', userId: u.id, sourceUuid: a.uuid, identifier: `a-${u.id}` }));
    await repos.userConnections.create({ kind: 'oauth', userId: users[0].id, sourceUuid: b.uuid, identifier: 'b-0' });
    expect(await counters()).toEqual({ 'oauth:a': 5, 'oauth:b': 1 });

    await repos.userConnections.update(conns[1].id, { sourceUuid: b.uuid });
    await repos.userConnections.update(conns[2].id, { identifier: 'renamed' });
    expect(await counters()).toEqual(await actual());
    expect(await counters()).toEqual({ 'oauth:a': 4, 'oauth:b': 2 });

    await repos.users.delete(users[3].id); // cascades to its connection
    await repos.userConnections.delete(conns[4].id);
    expect(await counters()).toEqual({ 'oauth:a': 2, 'oauth:b': 2 });

    // A failed transaction leaves the counters untouched.
    await app.ctx.store
      .transaction(async (trx) => {
        await trx.userConnections.create({ kind: 'oauth', userId: users[4].id, sourceUuid: a.uuid, identifier: 'rolled-back' });
        throw new Error('boom');
      })
      .catch(() => undefined);
    expect(await counters()).toEqual({ 'oauth:a': 2, 'oauth:b': 2 });

    await repos.sources.delete(a.uuid); // cascades to its connections; its counter row goes
    expect(await counters()).toEqual({ 'oauth:b': 2 });
    const list = await repos.userConnections.list('oauth', query());
    expect(list.total).toBe(2);
    expect(list.items.map((c) => c.id)).toEqual(
      (await sql<{ id: number }>`SELECT id FROM user_source_connections ORDER BY id`.execute(app.db)).rows.map((r) => r.id),
    );
    expect((await repos.userConnections.list('saml', query())).total).toBe(0);
    expect((await repos.userConnections.list(null, query({ offset: 5 }))).items).toEqual([]);
  });

  it('searches username, slug and identifier like a contains-search over the join, escaping wildcards', async () => {
    const repos = app.ctx.store.repos;
    const src = await repos.kindSources.oauth.create(
      { name: 'Search', slug: 'search_src' },
      { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' },
    );
    const ann = await repos.users.create({ username: 'ann%wild' });
    const bo = await repos.users.create({ username: 'bo' });
    const c1 = await repos.userConnections.create({ kind: 'oauth', userId: ann.id, sourceUuid: src.uuid, identifier: 'x-1' });
    const c2 = await repos.userConnections.create({ kind: 'oauth', userId: bo.id, sourceUuid: src.uuid, identifier: 'id_100%' });
    const ids = async (search: string) => (await repos.userConnections.list('oauth', query({ search }))).items.map((c) => c.id);
    expect(await ids('ANN%')).toEqual([c1.id]);
    expect(await ids('_100%')).toEqual([c2.id]);
    expect(await ids('h_sr')).toEqual([c1.id, c2.id]);
    expect(await ids('d_1')).toEqual([c2.id]);
    expect(await ids('%')).toEqual([c1.id, c2.id]);
    expect(await ids('zzz')).toEqual([]);
    expect((await repos.userConnections.list('oauth', query({ search: 'bo', filters: [{ field: 'user', value: ann.id }] }))).total).toBe(0);
  });
});

/** Raw sessions on the test schema (the app's pool hides which backend runs a statement). */
async function session(): Promise<{ client: pg.Client; slot: number }> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL!, options: `-c search_path=${app.schema.schema}` });
  await client.connect();
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  return { client, slot: pid % 16 };
}

/** `count` sessions whose backends write different count slots (pids that differ mod 16). */
async function sessionsInDistinctSlots(count: number): Promise<pg.Client[]> {
  const picked = new Map<number, pg.Client>();
  const spare: pg.Client[] = [];
  try {
    for (let tries = 0; picked.size < count && tries < 64; tries++) {
      const s = await session();
      if (picked.has(s.slot)) spare.push(s.client);
      else picked.set(s.slot, s.client);
    }
  } finally {
    await Promise.all(spare.map((c) => c.end()));
  }
  if (picked.size < count) throw new Error('could not open sessions in distinct slots');
  return [...picked.values()];
}

const insertConnection = (c: pg.Client, userId: number, sourceUuid: string, identifier: string) =>
  c.query("INSERT INTO user_source_connections (kind, user_id, source_uuid, identifier) VALUES ('oauth', $1, $2, $3)", [
    userId,
    sourceUuid,
    identifier,
  ]);

describe.skipIf(DB_KIND === 'pglite')('connection counts under concurrent writers (PostgreSQL)', () => {
  it('a first login through a source does not wait for another open transaction inserting through the same source', async () => {
    const repos = app.ctx.store.repos;
    const src = await repos.kindSources.oauth.create(
      { name: 'Busy', slug: 'busy' },
      { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' },
    );
    const first = await repos.users.create({ username: 'busy-first' });
    const second = await repos.users.create({ username: 'busy-second' });
    const [a, b] = await sessionsInDistinctSlots(2);
    const total = async () => (await repos.userConnections.list('oauth', query({ filters: [{ field: 'source__slug', value: 'busy' }] }))).total;
    try {
      await a.query('BEGIN');
      await insertConnection(a, first.id, src.uuid, 'busy-a');
      // A's transaction stays open. B's insert through the same source must not queue behind it
      // (with one counter row per source it waits for A's row lock until lock_timeout).
      await b.query("SET lock_timeout = '2s'");
      const started = Date.now();
      await b.query('BEGIN');
      await insertConnection(b, second.id, src.uuid, 'busy-b');
      await b.query('COMMIT');
      expect(Date.now() - started).toBeLessThan(2_000);
      // Exact for every reader while A is open: B's row counts, A's does not yet.
      expect(await total()).toBe(1);
      await a.query('COMMIT');
      expect(await total()).toBe(2);
    } finally {
      await a.query('ROLLBACK').catch(() => undefined);
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('keeps totals exact through concurrent inserts, deletes and rollbacks in several slots', async () => {
    const repos = app.ctx.store.repos;
    const x = await repos.kindSources.oauth.create(
      { name: 'Race X', slug: 'race-x' },
      { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' },
    );
    const y = await repos.kindSources.oauth.create(
      { name: 'Race Y', slug: 'race-y' },
      { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' },
    );
    const users: User[] = [];
    for (let i = 0; i < 24; i++) users.push(await repos.users.create({ username: `race${i}` }));
    const sessions = await sessionsInDistinctSlots(4);
    try {
      // Each session inserts six connections (one transaction rolled back), then deletes two of
      // the connections another session inserted: deltas land in several slots, some negative.
      await Promise.all(
        sessions.map(async (c, si) => {
          for (let j = 0; j < 6; j++) {
            const u = users[si * 6 + j];
            const source = j % 2 === 0 ? x : y;
            await c.query('BEGIN');
            await insertConnection(c, u.id, source.uuid, `race-${u.id}`);
            await c.query(j === 5 ? 'ROLLBACK' : 'COMMIT');
          }
        }),
      );
      await Promise.all(
        sessions.map(async (c, si) => {
          const victims = users.slice(((si + 1) % sessions.length) * 6, ((si + 1) % sessions.length) * 6 + 2).map((u) => u.id);
          await c.query('DELETE FROM user_source_connections WHERE user_id = ANY($1::int[])', [victims]);
        }),
      );
    } finally {
      await Promise.all(sessions.map((c) => c.end()));
    }
    const counted = await actual();
    // Per session: j = 0..4 committed (x: 0, 2, 4; y: 1, 3); the next session deleted its j = 0 (x) and 1 (y).
    expect([counted['oauth:race-x'], counted['oauth:race-y']]).toEqual([8, 4]);
    expect(await counters()).toEqual(counted);
    const slots = await sql<{
      slot: number;
      n: unknown;
    }>`SELECT slot, n FROM user_source_connection_count_slots WHERE source_uuid = ${x.uuid}`.execute(app.db);
    expect(slots.rows.length).toBeGreaterThan(1);
    const listed = async (slug: string) =>
      (
        await repos.userConnections.list(
          'oauth',
          query({ filters: [{ field: 'source__slug', value: slug }], ordering: [{ field: 'source__slug', desc: false }] }),
        )
      ).total;
    expect([await listed('race-x'), await listed('race-y')]).toEqual([8, 4]);
    const everything = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM user_source_connections WHERE kind = 'oauth'`.execute(app.db)).rows[0]
      .n;
    expect((await repos.userConnections.list('oauth', query())).total).toBe(everything);
    expect((await repos.userConnections.list(null, query({ ordering: [{ field: 'source__slug', desc: false }] }))).total).toBe(everything);

    // Deleting a source takes its slots with it.
    await repos.sources.delete(y.uuid);
    expect(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM user_source_connection_count_slots WHERE source_uuid = ${y.uuid}`.execute(app.db))
        .rows[0].n,
    ).toBe(0);
    expect((await repos.userConnections.list('oauth', query())).total).toBe(everything - 4);
  });
});
