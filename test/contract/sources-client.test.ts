/**
 * Every /sources/{all,oauth,saml,scim}/ operation of the 2024.8.3 client against a listening
 * app: the client's FromJSON parses each response, `instanceOf…` holds, and the raw JSON has
 * every key the client's model requires.
 */
import {
  instanceOfOAuthSource,
  instanceOfSAMLMetadata,
  instanceOfSAMLSource,
  instanceOfSCIMSource,
  instanceOfSource,
  instanceOfSourceType,
  instanceOfTypeCreate,
  instanceOfUsedBy,
  instanceOfUserSetting,
  ProviderTypeEnum,
} from '@goauthentik/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, flowUuid } from '../http/api/v3/sources/helpers.js';
import { call, failure, requiredKeysMissing, startContractApp, type ContractApp } from './support.js';

let c: ContractApp;
let preAuth: string;
beforeAll(async () => {
  c = await startContractApp();
  preAuth = await flowUuid(c.app, 'default-source-pre-authentication');
});
afterAll(async () => c?.close());

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

describe('/sources/oauth/ through the client', () => {
  it('create, list, retrieve, update, partial_update, used_by, source_types, destroy', async () => {
    const s = c.sources;
    const created = await call(() =>
      s.sourcesOauthCreateRaw({
        oAuthSourceRequest: {
          name: 'Client OAuth',
          slug: 'client-oauth',
          providerType: ProviderTypeEnum.Github,
          consumerKey: 'ck',
          consumerSecret: 'cs',
        },
      }),
    );
    expect(created.status).toBe(201);
    expect(instanceOfOAuthSource(created.value)).toBe(true);
    expect(requiredKeysMissing('OAuthSource', created.json)).toEqual([]);
    expect(created.value.callbackUrl).toMatch(/\/source\/oauth\/callback\/client-oauth\/$/);
    expect(created.value.type.name).toBe('github');

    const list = await call(() => s.sourcesOauthListRaw({ providerType: 'github', ordering: '-name', search: 'client', pageSize: 10 }));
    expect(requiredKeysMissing('PaginatedOAuthSourceList', list.json)).toEqual([]);
    expect(list.value.results.map((r) => r.slug)).toEqual(['client-oauth']);
    const retrieved = await call(() => s.sourcesOauthRetrieveRaw({ slug: 'client-oauth' }));
    expect(instanceOfOAuthSource(retrieved.value)).toBe(true);
    const updated = await call(() =>
      s.sourcesOauthUpdateRaw({
        slug: 'client-oauth',
        oAuthSourceRequest: {
          name: 'Client OAuth 2',
          slug: 'client-oauth',
          providerType: ProviderTypeEnum.Github,
          consumerKey: 'ck2',
          consumerSecret: 'cs2',
        },
      }),
    );
    expect(updated.value.consumerKey).toBe('ck2');
    const patched = await call(() =>
      s.sourcesOauthPartialUpdateRaw({ slug: 'client-oauth', patchedOAuthSourceRequest: { additionalScopes: 'read:org' } }),
    );
    expect(patched.value.additionalScopes).toBe('read:org');
    expect(requiredKeysMissing('OAuthSource', patched.json)).toEqual([]);
    const usedBy = await call(() => s.sourcesOauthUsedByListRaw({ slug: 'client-oauth' }));
    expect(usedBy.value).toEqual([]);
    const types = await call(() => s.sourcesOauthSourceTypesListRaw({}));
    expect(types.value.length).toBe(16);
    for (const t of types.json) expect(requiredKeysMissing('SourceType', t)).toEqual([]);
    expect(types.value.every(instanceOfSourceType)).toBe(true);
    const one = await s.sourcesOauthSourceTypesList({ name: 'okta' });
    expect(one.map((t) => t.name)).toEqual(['okta']);
    const invalid = await failure(() =>
      s.sourcesOauthCreate({
        oAuthSourceRequest: { name: 'x', slug: 'x', providerType: ProviderTypeEnum.Openidconnect, consumerKey: 'k', consumerSecret: 's' },
      }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.non_field_errors).toHaveLength(3);
    const del = await s.sourcesOauthDestroyRaw({ slug: 'client-oauth' });
    expect(del.raw.status).toBe(204);
  });
});

describe('/sources/saml/ through the client', () => {
  it('create, list, retrieve, update, partial_update, metadata, used_by, destroy', async () => {
    const s = c.sources;
    const created = await call(() =>
      s.sourcesSamlCreateRaw({
        sAMLSourceRequest: {
          name: 'Client SAML',
          slug: 'client-saml',
          preAuthenticationFlow: preAuth,
          ssoUrl: 'https://idp.example.com/sso',
          issuer: 'urn:c',
        },
      }),
    );
    expect(created.status).toBe(201);
    expect(instanceOfSAMLSource(created.value)).toBe(true);
    expect(requiredKeysMissing('SAMLSource', created.json)).toEqual([]);
    const list = await call(() => s.sourcesSamlListRaw({ bindingType: 'REDIRECT', issuer: 'urn:c', preAuthenticationFlow: preAuth }));
    expect(requiredKeysMissing('PaginatedSAMLSourceList', list.json)).toEqual([]);
    expect(list.value.results.map((r) => r.slug)).toEqual(['client-saml']);
    expect(instanceOfSAMLSource((await call(() => s.sourcesSamlRetrieveRaw({ slug: 'client-saml' }))).value)).toBe(true);
    const updated = await s.sourcesSamlUpdate({
      slug: 'client-saml',
      sAMLSourceRequest: { name: 'Client SAML', slug: 'client-saml', preAuthenticationFlow: preAuth, ssoUrl: 'https://idp.example.com/sso2' },
    });
    expect(updated.ssoUrl).toBe('https://idp.example.com/sso2');
    const patched = await s.sourcesSamlPartialUpdate({ slug: 'client-saml', patchedSAMLSourceRequest: { allowIdpInitiated: true } });
    expect(patched.allowIdpInitiated).toBe(true);
    const metadata = await call(() => s.sourcesSamlMetadataRetrieveRaw({ slug: 'client-saml' }));
    expect(instanceOfSAMLMetadata(metadata.value)).toBe(true);
    expect(requiredKeysMissing('SAMLMetadata', metadata.json)).toEqual([]);
    expect(metadata.value.downloadUrl).toBe('/source/saml/client-saml/metadata/');
    expect(await s.sourcesSamlUsedByList({ slug: 'client-saml' })).toEqual([]);
    expect((await s.sourcesSamlDestroyRaw({ slug: 'client-saml' })).raw.status).toBe(204);
  });
});

describe('/sources/scim/ through the client', () => {
  it('create, list, retrieve, update, partial_update, used_by, destroy', async () => {
    const s = c.sources;
    const created = await call(() => s.sourcesScimCreateRaw({ sCIMSourceRequest: { name: 'Client SCIM', slug: 'client-scim' } }));
    expect(created.status).toBe(201);
    expect(instanceOfSCIMSource(created.value)).toBe(true);
    expect(requiredKeysMissing('SCIMSource', created.json)).toEqual([]);
    expect(created.value.tokenObj.userObj.username).toBe(`ak-source-scim-${created.value.pk}`);
    const list = await call(() => s.sourcesScimListRaw({ name: 'Client SCIM', slug: 'client-scim', search: 'client' }));
    expect(requiredKeysMissing('PaginatedSCIMSourceList', list.json)).toEqual([]);
    expect(list.value.pagination.count).toBe(1);
    expect((await s.sourcesScimRetrieve({ slug: 'client-scim' })).rootUrl).toMatch(/\/source\/scim\/client-scim\/v2$/);
    expect((await s.sourcesScimUpdate({ slug: 'client-scim', sCIMSourceRequest: { name: 'Client SCIM 2', slug: 'client-scim' } })).name).toBe(
      'Client SCIM 2',
    );
    expect((await s.sourcesScimPartialUpdate({ slug: 'client-scim', patchedSCIMSourceRequest: { enabled: false } })).enabled).toBe(false);
    const usedBy = await call(() => s.sourcesScimUsedByListRaw({ slug: 'client-scim' }));
    expect(usedBy.value.every(instanceOfUsedBy)).toBe(true);
    for (const u of usedBy.json) expect(requiredKeysMissing('UsedBy', u)).toEqual([]);
    expect((await s.sourcesScimDestroyRaw({ slug: 'client-scim' })).raw.status).toBe(204);
  });
});

describe('/sources/all/ through the client', () => {
  it('list, retrieve, types, user_settings, set_icon_url, set_icon, used_by, destroy', async () => {
    const s = c.sources;
    await s.sourcesOauthCreate({
      oAuthSourceRequest: { name: 'All OAuth', slug: 'all-oauth', providerType: ProviderTypeEnum.Discord, consumerKey: 'k', consumerSecret: 's' },
    });
    const list = await call(() => s.sourcesAllListRaw({ ordering: 'slug', search: 'all', pageSize: 5 }));
    expect(requiredKeysMissing('PaginatedSourceList', list.json)).toEqual([]);
    expect(list.value.results.map((r) => r.slug)).toEqual(['all-oauth']);
    expect(list.value.results.every(instanceOfSource)).toBe(true);
    const builtIn = await call(() => s.sourcesAllRetrieveRaw({ slug: 'authentik-built-in' }));
    expect(requiredKeysMissing('Source', builtIn.json)).toEqual([]);
    expect(builtIn.value.component).toBe('');
    const types = await call(() => s.sourcesAllTypesListRaw());
    expect(types.value.every(instanceOfTypeCreate)).toBe(true);
    for (const t of types.json) expect(requiredKeysMissing('TypeCreate', t)).toEqual([]);
    const asUser = c.sourcesAs((await createUser(c.app, 'settings-user')).token);
    const settings = await call(() => asUser.sourcesAllUserSettingsListRaw());
    expect(settings.value.map((u) => u.objectUid)).toEqual(['all-oauth']);
    expect(settings.value.every(instanceOfUserSetting)).toBe(true);
    for (const u of settings.json) expect(requiredKeysMissing('UserSetting', u)).toEqual([]);

    await s.sourcesAllSetIconUrlCreate({ slug: 'all-oauth', filePathRequest: { url: 'https://cdn.example.com/icon.svg' } });
    expect((await s.sourcesAllRetrieve({ slug: 'all-oauth' })).icon).toBe('https://cdn.example.com/icon.svg');
    await s.sourcesAllSetIconCreate({ slug: 'all-oauth', file: new Blob([PNG], { type: 'image/png' }) });
    expect((await s.sourcesAllRetrieve({ slug: 'all-oauth' })).icon).toMatch(/^data:image\/png;base64,/);
    const notImage = await failure(() => s.sourcesAllSetIconCreate({ slug: 'all-oauth', file: new Blob(['plain text'], { type: 'image/png' }) }));
    expect(notImage.status).toBe(400);
    await s.sourcesAllSetIconCreate({ slug: 'all-oauth', clear: true });
    expect((await s.sourcesAllRetrieve({ slug: 'all-oauth' })).icon).toBeNull();

    expect(await s.sourcesAllUsedByList({ slug: 'all-oauth' })).toEqual([]);
    const protectedDelete = await failure(() => s.sourcesAllDestroy({ slug: 'authentik-built-in' }));
    expect(protectedDelete).toEqual({ status: 400, body: { detail: 'Built-in sources cannot be deleted', code: 'protected' } });
    expect((await s.sourcesAllDestroyRaw({ slug: 'all-oauth' })).raw.status).toBe(204);
  });
});
