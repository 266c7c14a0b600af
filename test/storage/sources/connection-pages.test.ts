/**
 * The connection lists' fast path for `source__slug, pk` ordering (connection-pages.ts) must
 * return exactly what one ORDER BY over the join returns (the oracle below), for every offset,
 * direction and filter combination, on both databases.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListQuery } from '../../../src/storage/ports.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
const sources: string[] = [];
const users: number[] = [];

beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  // Slugs deliberately not in creation order, one source without connections, one of another kind.
  for (const slug of ['m-src', 'a-src', 'z-src', 'empty-src']) {
    sources.push(
      (await repos.sources.bySlug(slug))?.uuid ??
        (await repos.kindSources.oauth.create({ name: slug, slug }, { provider_type: 'google', consumer_key: 'k', consumer_secret: 's' })).uuid,
    );
  }
  const saml = await repos.kindSources.saml.create(
    { name: 's-src', slug: 's-src' },
    { sso_url: 'https://i/s', pre_authentication_flow: (await repos.flows.bySlug('default-source-pre-authentication'))!.uuid },
  );
  for (let i = 0; i < 7; i++) users.push((await repos.users.create({ username: `u${i}` })).id);
  let n = 0;
  for (const u of users) {
    for (const s of sources.slice(0, 3)) {
      if ((u + n++) % 4 === 0) continue; // holes, so groups have different sizes
      await repos.userConnections.create({ kind: 'oauth', userId: u, sourceUuid: s, identifier: `id-${u}-${s.slice(0, 4)}` });
    }
    await repos.userConnections.create({ kind: 'saml', userId: u, sourceUuid: saml.uuid, identifier: `saml-${u}` });
  }
});
afterAll(async () => app?.close());

/** The oracle: one SQL statement ordering over the join. */
async function oracle(kind: string | null, q: ListQuery): Promise<{ ids: number[]; total: number }> {
  const slugDir = q.ordering[0]?.desc ? sql`DESC` : sql`ASC`;
  const idDir = q.ordering[1]?.desc ? sql`DESC` : sql`ASC`;
  const user = q.filters.find((f) => f.field === 'user')?.value ?? null;
  const slug = q.filters.find((f) => f.field === 'source__slug')?.value ?? null;
  const where = sql`(${kind}::text IS NULL OR c.kind = ${kind}) AND (${user}::int IS NULL OR c.user_id = ${user}) AND (${slug}::text IS NULL OR s.slug = ${slug})`;
  const rows = await sql<{
    id: number;
  }>`SELECT c.id FROM user_source_connections c JOIN sources s ON s.pbm_uuid = c.source_uuid WHERE ${where} ORDER BY s.slug ${slugDir}, c.id ${idDir}`.execute(
    app.db,
  );
  const all = rows.rows.map((r) => r.id);
  return { ids: all.slice(q.offset, q.offset + q.limit), total: all.length };
}

describe('connection list fast path (source__slug, pk)', () => {
  const cases: Array<{ kind: string | null; slugDesc: boolean; idDesc: boolean | null; filters: ListQuery['filters'] }> = [];
  for (const kind of ['oauth', 'saml', null]) {
    for (const slugDesc of [false, true]) {
      for (const idDesc of [null, false, true]) {
        cases.push({ kind, slugDesc, idDesc, filters: [] });
      }
    }
    cases.push({ kind, slugDesc: false, idDesc: false, filters: [{ field: 'user', value: 3 }] });
    cases.push({ kind, slugDesc: true, idDesc: true, filters: [{ field: 'source__slug', value: 'a-src' }] });
    cases.push({ kind, slugDesc: false, idDesc: false, filters: [{ field: 'source__slug', value: 'no-such-slug' }] });
  }

  it('matches the SQL oracle for every page of every case', async () => {
    for (const c of cases) {
      const ordering = [{ field: 'source__slug', desc: c.slugDesc }, ...(c.idDesc === null ? [] : [{ field: 'pk', desc: c.idDesc }])];
      for (const [offset, limit] of [
        [0, 100],
        [0, 4],
        [4, 4],
        [5, 3],
        [9, 7],
        [18, 5],
        [40, 5],
      ]) {
        const q: ListQuery = { filters: c.filters, search: null, ordering, offset, limit };
        const got = await app.ctx.store.repos.userConnections.list(c.kind, q);
        const want = await oracle(c.kind, q);
        expect({ ids: got.items.map((i) => i.id), total: got.total }, JSON.stringify({ ...c, offset, limit })).toEqual(want);
      }
    }
  });

  it('falls back to the generic path for search and other orderings, with the same results', async () => {
    const q: ListQuery = {
      filters: [],
      search: 'id-',
      ordering: [
        { field: 'source__slug', desc: false },
        { field: 'pk', desc: false },
      ],
      offset: 2,
      limit: 5,
    };
    const got = await app.ctx.store.repos.userConnections.list('oauth', q);
    const want = await oracle('oauth', { ...q, search: null });
    expect(got.items.map((i) => i.id)).toEqual(want.ids);
    const byPk = await app.ctx.store.repos.userConnections.list(null, {
      filters: [],
      search: null,
      ordering: [{ field: 'pk', desc: true }],
      offset: 0,
      limit: 3,
    });
    const max = await sql<{ id: number }>`SELECT id FROM user_source_connections ORDER BY id DESC LIMIT 3`.execute(app.db);
    expect(byPk.items.map((i) => i.id)).toEqual(max.rows.map((r) => r.id));
  });
});
