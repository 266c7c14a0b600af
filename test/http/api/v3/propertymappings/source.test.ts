import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';
import { createOAuth, createUser, PERMISSION_DENIED } from '../sources/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

const KINDS = [
  [
    'oauth',
    'OAuthSourcePropertyMapping',
    'ak-property-mapping-source-oauth-form',
    'OAuth Source Property Mapping',
    'authentik_sources_oauth.oauthsourcepropertymapping',
  ],
  [
    'saml',
    'SAMLSourcePropertyMapping',
    'ak-property-mapping-source-saml-form',
    'SAML Source Property Mapping',
    'authentik_sources_saml.samlsourcepropertymapping',
  ],
  [
    'scim',
    'SCIMSourcePropertyMapping',
    'ak-property-mapping-source-scim-form',
    'SCIM Source Property Mapping',
    'authentik_sources_scim.scimsourcepropertymapping',
  ],
] as const;

describe('/api/v3/propertymappings/source/{oauth,saml,scim}/', () => {
  for (const [kind, model, component, verbose, meta] of KINDS) {
    it(`${kind}: CRUD with the 2024.8 shape`, async () => {
      const url = `/api/v3/propertymappings/source/${kind}/`;
      const created = await app.request({ method: 'POST', url, payload: { name: `${kind} email`, expression: 'return {email: info.email}' } });
      expect(created.statusCode).toBe(201);
      const body = created.json();
      expect(missingRequiredKeys(model, body)).toEqual([]);
      expect(body).toMatchObject({ managed: null, component, verbose_name: verbose, verbose_name_plural: `${verbose}s`, meta_model_name: meta });
      const got = await app.request({ method: 'GET', url: `${url}${body.pk}/` });
      expect(got.json()).toEqual(body);
      const put = await app.request({ method: 'PUT', url: `${url}${body.pk}/`, payload: { name: `${kind} email2`, expression: 'return {}' } });
      expect(put.json()).toMatchObject({ name: `${kind} email2`, expression: 'return {}' });
      expect((await app.request({ method: 'DELETE', url: `${url}${body.pk}/` })).statusCode).toBe(204);
      expect((await app.request({ method: 'GET', url: `${url}${body.pk}/` })).json()).toEqual({ detail: `No ${model} matches the given query.` });
    });
  }

  it('keeps kinds apart, names unique across kinds, and validates required fields', async () => {
    const oauth = (
      await app.request({ method: 'POST', url: '/api/v3/propertymappings/source/oauth/', payload: { name: 'shared', expression: 'return {}' } })
    ).json();
    expect((await app.request({ method: 'GET', url: `/api/v3/propertymappings/source/saml/${oauth.pk}/` })).statusCode).toBe(404);
    const dup = await app.request({
      method: 'POST',
      url: '/api/v3/propertymappings/source/saml/',
      payload: { name: 'shared', expression: 'return {}' },
    });
    expect(dup.json()).toEqual({ name: ['property mapping with this name already exists.'] });
    const missing = await app.request({ method: 'POST', url: '/api/v3/propertymappings/source/saml/', payload: {} });
    expect(missing.json()).toEqual({ name: ['This field is required.'], expression: ['This field is required.'] });
  });

  it('filters by name and managed, searches, orders; used_by lists the sources using it', async () => {
    const url = '/api/v3/propertymappings/source/scim/';
    for (const name of ['b-map', 'a-map', 'c-map']) await app.request({ method: 'POST', url, payload: { name, expression: 'return {}' } });
    await app.ctx.store.repos.propertyMappings.create({
      kind: 'scim',
      name: 'managed-map',
      expression: 'return {}',
      managed: 'goauthentik.io/sources/scim/user',
    });
    const names = async (q: string) => (await app.request({ method: 'GET', url: `${url}${q}` })).json().results.map((m: { name: string }) => m.name);
    expect(await names('')).toEqual(['a-map', 'b-map', 'c-map', 'managed-map']);
    expect(await names('?ordering=-name')).toEqual(['managed-map', 'c-map', 'b-map', 'a-map']);
    expect(await names('?name=b-map')).toEqual(['b-map']);
    expect(await names('?search=C-M')).toEqual(['c-map']);
    expect(await names('?managed=goauthentik.io/sources/scim/user')).toEqual(['managed-map']);
    expect(await names('?managed__isnull=true')).toEqual(['a-map', 'b-map', 'c-map']);
    expect(await names('?managed__isnull=false')).toEqual(['managed-map']);
    expect((await app.request({ method: 'GET', url: `${url}?ordering=expression` })).statusCode).toBe(200);

    const oauthMap = (
      await app.request({ method: 'POST', url: '/api/v3/propertymappings/source/oauth/', payload: { name: 'used', expression: 'return {}' } })
    ).json();
    const src = await createOAuth(app, 'uses-it', { user_property_mappings: [oauthMap.pk] });
    const usedBy = await app.request({ method: 'GET', url: `/api/v3/propertymappings/source/oauth/${oauthMap.pk}/used_by/` });
    expect(usedBy.json()).toEqual([
      { app: 'authentik_sources_oauth', model_name: 'oauthsource', pk: src.pk, name: src.name, action: 'cascade_many' },
    ]);
    await app.request({ method: 'DELETE', url: `/api/v3/propertymappings/source/oauth/${oauthMap.pk}/` });
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/oauth/uses-it/' })).json().user_property_mappings).toEqual([]);
  });

  it('is admin-only', async () => {
    const { token } = await createUser(app, 'plain');
    const res = await app.request({ method: 'GET', url: '/api/v3/propertymappings/source/oauth/', token });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(PERMISSION_DENIED);
  });
});
