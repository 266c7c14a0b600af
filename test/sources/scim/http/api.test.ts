import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';
import { createMapping, createScim, createUser, PERMISSION_DENIED } from '../../../http/api/v3/sources/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('/api/v3/sources/scim/', () => {
  it('creates a SCIM source with its service account and non-expiring API token', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/sources/scim/', payload: { name: 'SCIM One', slug: 'scim-one' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(missingRequiredKeys('SCIMSource', body)).toEqual([]);
    expect(body).toMatchObject({
      component: 'ak-source-scim-form',
      verbose_name: 'SCIM Source',
      verbose_name_plural: 'SCIM Sources',
      meta_model_name: 'authentik_sources_scim.scimsource',
    });
    expect(body.root_url).toBe('http://testserver/source/scim/scim-one/v2');
    const account = `ak-source-scim-${body.pk}`;
    expect(body.token_obj).toMatchObject({
      identifier: account,
      intent: 'api',
      expiring: false,
      expires: null,
      managed: `goauthentik.io/sources/scim/${body.pk}`,
    });
    expect(body.token_obj.user_obj).toMatchObject({
      username: account,
      type: 'internal_service_account',
      name: 'SCIM Source SCIM One Service-Account',
      path: 'goauthentik.io/sources/scim',
    });
    expect(body.token_obj.user).toBe(body.token_obj.user_obj.pk);
    const key = await app.ctx.store.repos.tokens.viewKey(account);
    expect(key).toMatch(/^[A-Za-z0-9]{60}$/);
  });

  it('looks up by slug or pbm_uuid, renames the service account with the source', async () => {
    const src = await createScim(app, 'renamed');
    const byUuid = await app.request({ method: 'GET', url: `/api/v3/sources/scim/${src.pk}/` });
    expect(byUuid.json().slug).toBe('renamed');
    const patch = await app.request({ method: 'PATCH', url: `/api/v3/sources/scim/${src.pk}/`, payload: { name: 'New Name' } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().token_obj.user_obj.name).toBe('SCIM Source New Name Service-Account');
    expect(patch.json().token_obj.pk).toBe(src.token_obj.pk);
  });

  it('recreates a token deleted by hand on the next save', async () => {
    const src = await createScim(app, 'healing');
    await app.ctx.store.repos.tokens.delete(`ak-source-scim-${src.pk}`);
    const put = await app.request({ method: 'PUT', url: '/api/v3/sources/scim/healing/', payload: { name: 'SCIM healing', slug: 'healing' } });
    expect(put.statusCode).toBe(200);
    expect(put.json().token_obj.identifier).toBe(`ak-source-scim-${src.pk}`);
  });

  it('validates property mappings to be SCIM mappings', async () => {
    const oauth = await createMapping(app, 'oauth', 'wrong kind');
    const scim = await createMapping(app, 'scim', 'right kind');
    const bad = await app.request({
      method: 'POST',
      url: '/api/v3/sources/scim/',
      payload: { name: 'M', slug: 'm', user_property_mappings: [oauth] },
    });
    expect(bad.json()).toEqual({ user_property_mappings: [`Invalid pk "${oauth}" - object does not exist.`] });
    const ok = await app.request({ method: 'POST', url: '/api/v3/sources/scim/', payload: { name: 'M', slug: 'm', user_property_mappings: [scim] } });
    expect(ok.json().user_property_mappings).toEqual([scim]);
  });

  it('searches over name, slug, token identifier and token user; filters and orders', async () => {
    const src = await createScim(app, 'searchable');
    const byToken = await app.request({ method: 'GET', url: `/api/v3/sources/scim/?search=${src.pk.slice(0, 13)}` });
    expect(byToken.json().results.map((s: { slug: string }) => s.slug)).toEqual(['searchable']);
    const bySlug = await app.request({ method: 'GET', url: '/api/v3/sources/scim/?slug=searchable' });
    expect(bySlug.json().pagination.count).toBe(1);
    const byPk = await app.request({ method: 'GET', url: `/api/v3/sources/scim/?pbm_uuid=${src.pk}` });
    expect(byPk.json().pagination.count).toBe(1);
    const desc = (await app.request({ method: 'GET', url: '/api/v3/sources/scim/?ordering=-name' }))
      .json()
      .results.map((s: { name: string }) => s.name);
    expect(desc).toEqual([...desc].sort().reverse());
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/scim/?ordering=token' })).statusCode).toBe(200);
  });

  it('deletes the source with its service account, token and SCIM links; used_by lists them first', async () => {
    const src = await createScim(app, 'doomed');
    const user = await createUser(app, 'provisioned');
    await app.ctx.store.repos.scimUsers.create({ id: 'ext-1', externalId: 'ext-1', targetId: user.id, sourceUuid: src.pk });
    const usedBy = await app.request({ method: 'GET', url: '/api/v3/sources/scim/doomed/used_by/' });
    expect(usedBy.json().map((u: { model_name: string }) => u.model_name)).toEqual(['scimsourceuser', 'user', 'token']);
    expect((await app.request({ method: 'DELETE', url: '/api/v3/sources/scim/doomed/' })).statusCode).toBe(204);
    expect(await app.ctx.store.repos.users.byUsername(`ak-source-scim-${src.pk}`)).toBeNull();
    expect(await app.ctx.store.repos.tokens.byIdentifier(`ak-source-scim-${src.pk}`)).toBeNull();
    expect(await app.ctx.store.repos.scimUsers.byId('ext-1')).toBeNull();
    expect(await app.ctx.store.repos.users.byId(user.id)).not.toBeNull();
  });

  it('is admin-only', async () => {
    const { token } = await createUser(app, 'plain');
    for (const [method, url] of [
      ['GET', '/api/v3/sources/scim/'],
      ['POST', '/api/v3/sources/scim/'],
      ['GET', '/api/v3/sources/scim/scim-one/'],
    ] as const) {
      const res = await app.request({ method, url, token, payload: method === 'POST' ? { name: 'x', slug: 'x' } : undefined });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(PERMISSION_DENIED);
    }
  });
});
