/**
 * The per-(kind, source) connection counters (migration 004 triggers) stay equal to count(*)
 * through inserts, updates that move a connection, deletes and cascades — and the index-friendly
 * search returns what a plain contains-search over the join returns.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../../src/domain/entities.js';
import type { ListQuery } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function counters(): Promise<Record<string, number>> {
  const rows = await sql<{ kind: string; slug: string; n: unknown }>`SELECT c.kind, s.slug, c.n FROM user_source_connection_counts c JOIN sources s ON s.pbm_uuid = c.source_uuid`.execute(app.db);
  return Object.fromEntries(rows.rows.map((r) => [`${r.kind}:${r.slug}`, Number(r.n)]));
}

async function actual(): Promise<Record<string, number>> {
  const rows = await sql<{ kind: string; slug: string; n: unknown }>`SELECT c.kind, s.slug, count(*) AS n FROM user_source_connections c JOIN sources s ON s.pbm_uuid = c.source_uuid GROUP BY c.kind, s.slug`.execute(app.db);
  return Object.fromEntries(rows.rows.map((r) => [`${r.kind}:${r.slug}`, Number(r.n)]));
}

const query = (q: Partial<ListQuery> = {}): ListQuery => ({ filters: [], search: null, ordering: [{ field: 'pk', desc: false }], offset: 0, limit: 100, ...q });

describe('connection counters', () => {
  it('track inserts, moves, deletes and cascades exactly', async () => {
    const repos = app.ctx.store.repos;
    const a = await repos.kindSources.oauth.create({ name: 'A', slug: 'a' }, { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' });
    const b = await repos.kindSources.oauth.create({ name: 'B', slug: 'b' }, { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' });
    const users: User[] = [];
    for (let i = 0; i < 5; i++) users.push(await repos.users.create({ username: `cnt${i}` }));
    const conns = [];
    for (const u of users) conns.push(await repos.userConnections.create({ kind: 'oauth', userId: u.id, sourceUuid: a.uuid, identifier: `a-${u.id}` }));
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
    expect(list.items.map((c) => c.id)).toEqual((await sql<{ id: number }>`SELECT id FROM user_source_connections ORDER BY id`.execute(app.db)).rows.map((r) => r.id));
    expect((await repos.userConnections.list('saml', query())).total).toBe(0);
    expect((await repos.userConnections.list(null, query({ offset: 5 }))).items).toEqual([]);
  });

  it('searches username, slug and identifier like a contains-search over the join, escaping wildcards', async () => {
    const repos = app.ctx.store.repos;
    const src = await repos.kindSources.oauth.create({ name: 'Search', slug: 'search_src' }, { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' });
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
