/** Who may call /source/scim/<slug>/v2: only the source's own token (issue 6 auth matrix). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, ERROR_SCHEMA, scimClient, type TestScimSource } from './support.js';

let app: TestApp;
let source: TestScimSource;
let other: TestScimSource;

beforeAll(async () => {
  app = await createTestApp();
  source = await createScimSource(app);
  other = await createScimSource(app);
});
afterAll(async () => app?.close());

function expectUnauthenticated(r: { status: number; headers: Record<string, unknown>; body: any }) {
  expect(r.status).toBe(401);
  expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
  expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
  expect(typeof r.body.detail).toBe('string');
}

describe('SCIM authentication', () => {
  it('accepts the source token on every endpoint', async () => {
    const scim = scimClient(app, source);
    for (const path of ['', '/', '/ServiceProviderConfig', '/ResourceTypes', '/Schemas', '/Users', '/Groups']) {
      expect((await scim('GET', path)).status, path).toBe(200);
    }
  });

  it('401 without an Authorization header', async () => {
    expectUnauthenticated(await scimClient(app, { slug: source.slug, key: null })('GET', '/Users'));
  });

  it('401 for a wrong token, a malformed header and Basic credentials', async () => {
    const scim = scimClient(app, { slug: source.slug, key: null });
    expectUnauthenticated(await scim('GET', '/Users', undefined, { authorization: 'Bearer not-a-token' }));
    expectUnauthenticated(await scim('GET', '/Users', undefined, { authorization: 'Bearer' }));
    expectUnauthenticated(await scim('GET', '/Users', undefined, { authorization: `Token ${source.key}` }));
    const basic = Buffer.from(`user:${source.key}`).toString('base64');
    expectUnauthenticated(await scim('GET', '/Users', undefined, { authorization: `Basic ${basic}` }));
  });

  it("401 for another source's token, in both directions", async () => {
    expectUnauthenticated(await scimClient(app, { slug: source.slug, key: other.key })('GET', '/Users'));
    expectUnauthenticated(await scimClient(app, { slug: other.slug, key: source.key })('GET', '/Users'));
  });

  it('401 for the bootstrap admin API token', async () => {
    expectUnauthenticated(await scimClient(app, { slug: source.slug, key: ADMIN_TOKEN })('POST', '/Users', { userName: 'x' }));
  });

  it('authenticates before parsing: an anonymous garbage body is a 401, not a 400', async () => {
    expectUnauthenticated(await scimClient(app, { slug: source.slug, key: null })('POST', '/Users', '{not json'));
  });

  it('401 for an expired token or an inactive service account', async () => {
    const s = await createScimSource(app);
    await app.db
      .updateTable('tokens')
      .set({ expiring: true, expires: new Date(Date.now() - 1000) })
      .where('token_uuid', '=', s.tokenUuid)
      .execute();
    expectUnauthenticated(await scimClient(app, s)('GET', '/Users'));
    const t = await createScimSource(app);
    await app.db.updateTable('users').set({ is_active: false }).where('id', '=', t.serviceAccountId).execute();
    expectUnauthenticated(await scimClient(app, t)('GET', '/Users'));
  });

  it('403 for a disabled source (with its own valid token), 401 without one', async () => {
    const disabled = await createScimSource(app, { enabled: false });
    const r = await scimClient(app, disabled)('GET', '/Users');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '403' });
    expectUnauthenticated(await scimClient(app, { slug: disabled.slug, key: null })('GET', '/Users'));
  });

  it('404 SCIM error for an unknown slug and for a source of another kind', async () => {
    const r = await scimClient(app, { slug: 'no-such-source', key: source.key })('GET', '/Users');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    await app.db.insertInto('sources').values({ kind: 'oauth', name: 'Not SCIM', slug: 'not-scim' }).execute();
    expect((await scimClient(app, { slug: 'not-scim', key: source.key })('GET', '/Users')).status).toBe(404);
  });

  it('a token detached from its source (deleted) no longer authenticates', async () => {
    const s = await createScimSource(app);
    await app.db.updateTable('scim_sources').set({ token_uuid: null }).where('source_uuid', '=', s.uuid).execute();
    expectUnauthenticated(await scimClient(app, s)('GET', '/Users'));
  });
});
