import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';
import { createMapping, createOAuth, createSaml, createUser, flowUuid, PERMISSION_DENIED } from '../../../http/api/v3/sources/helpers.js';

const WELL_KNOWN = {
  issuer: 'https://idp.example.test',
  authorization_endpoint: 'https://idp.example.test/authorize',
  token_endpoint: 'https://idp.example.test/token',
  userinfo_endpoint: 'https://idp.example.test/userinfo',
  jwks_uri: 'https://idp.example.test/jwks',
  code_challenge_methods_supported: ['plain', 'S256'],
};
const JWKS = { keys: [{ kty: 'RSA', kid: 'k1', n: 'abc', e: 'AQAB' }] };

/** The outbound-HTTP port: a tiny router over fixed documents. */
const fakeFetch: typeof fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  switch (url) {
    case 'https://idp.example.test/.well-known/openid-configuration':
      return json(WELL_KNOWN);
    case 'https://idp.example.test/jwks':
      return json(JWKS);
    case 'https://empty.example.test/.well-known/openid-configuration':
      return json({});
    case 'https://broken.example.test/.well-known/openid-configuration':
      return new Response('upstream exploded', { status: 500 });
    case 'https://nojwks.example.test/jwks':
      return new Response('gone', { status: 404 });
    default:
      throw new TypeError(`fetch failed: ${url}`);
  }
};

let app: TestApp;
let userToken: string;
beforeAll(async () => {
  app = await createTestApp({ fetch: fakeFetch });
  userToken = (await createUser(app, 'plain')).token;
});
afterAll(async () => app?.close());

const post = (payload: Record<string, unknown>) => app.request({ method: 'POST', url: '/api/v3/sources/oauth/', payload });
const base = { provider_type: 'openidconnect', consumer_key: 'client', consumer_secret: 's3cret' };

describe('/api/v3/sources/oauth/ create and validation (discovery, required URLs)', () => {
  it('creates a google source from the basic fields only; secret write-only and sealed', async () => {
    const res = await post({ name: 'Google', slug: 'google', provider_type: 'google', consumer_key: 'gk', consumer_secret: 'top-secret' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(missingRequiredKeys('OAuthSource', body)).toEqual([]);
    expect(body).not.toHaveProperty('consumer_secret');
    expect(body).toMatchObject({
      component: 'ak-source-oauth-form',
      verbose_name: 'OAuth Source',
      verbose_name_plural: 'OAuth Sources',
      meta_model_name: 'authentik_sources_oauth.oauthsource',
      callback_url: 'http://testserver/source/oauth/callback/google/',
      icon: null,
      managed: null,
      user_matching_mode: 'identifier',
      group_matching_mode: 'identifier',
      policy_engine_mode: 'any',
    });
    expect(body.type).toMatchObject({
      name: 'google',
      verbose_name: 'Google',
      urls_customizable: false,
      authorization_url: 'https://accounts.google.com/o/oauth2/auth',
    });
    const row = await app.db
      .selectFrom('oauth_sources')
      .select('consumer_secret_sealed')
      .where('source_uuid', '=', body.pk)
      .executeTakeFirstOrThrow();
    expect(row.consumer_secret_sealed).not.toContain('top-secret');
    expect(await app.ctx.store.repos.kindSources.oauth.secret(body.pk, 'consumer_secret')).toBe('top-secret');
  });

  it('requires consumer_secret and the other required fields on create', async () => {
    const res = await post({});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      name: ['This field is required.'],
      slug: ['This field is required.'],
      provider_type: ['This field is required.'],
      consumer_key: ['This field is required.'],
      consumer_secret: ['This field is required.'],
    });
    const badType = await post({ ...base, name: 'x', slug: 'x', provider_type: 'myspace' });
    expect(badType.json()).toEqual({ provider_type: ['"myspace" is not a valid choice.'] });
  });

  it('rejects openidconnect without URLs and without well-known', async () => {
    const res = await post({ ...base, name: 'Bare OIDC', slug: 'bare-oidc' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      non_field_errors: [
        'authorization_url is required for provider OpenID Connect',
        'access_token_url is required for provider OpenID Connect',
        'profile_url is required for provider OpenID Connect',
      ],
    });
  });

  it('fills URLs, JWKS, issuer and PKCE from the well-known document', async () => {
    const res = await post({ ...base, name: 'OIDC', slug: 'oidc', oidc_well_known_url: 'https://idp.example.test/.well-known/openid-configuration' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      authorization_url: WELL_KNOWN.authorization_endpoint,
      access_token_url: WELL_KNOWN.token_endpoint,
      profile_url: WELL_KNOWN.userinfo_endpoint,
      oidc_jwks_url: WELL_KNOWN.jwks_uri,
      oidc_jwks: JWKS,
      pkce: 'S256',
    });
    const stored = await app.ctx.store.repos.kindSources.oauth.bySlug('oidc');
    expect(stored!.settings.oidc_issuer).toBe('https://idp.example.test');
  });

  it('rejects an empty or failing well-known document and a failing JWKS URL', async () => {
    const empty = await post({ ...base, name: 'E', slug: 'e', oidc_well_known_url: 'https://empty.example.test/.well-known/openid-configuration' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ oidc_well_known_url: ["Invalid well-known configuration: 'authorization_endpoint'"] });
    const broken = await post({ ...base, name: 'B', slug: 'b', oidc_well_known_url: 'https://broken.example.test/.well-known/openid-configuration' });
    // The status, never the upstream body (an admin-set URL must not read internal services).
    expect(broken.json()).toEqual({ oidc_well_known_url: ['The server answered HTTP 500 Internal Server Error.'] });
    const jwks = await post({ ...base, provider_type: 'google', name: 'J', slug: 'j', oidc_jwks_url: 'https://nojwks.example.test/jwks' });
    expect(jwks.json()).toEqual({ jwks_url: ['The server answered HTTP 404 Not Found.'] });
  });

  it('accepts explicit URLs for customizable types and keeps the 2024.8 azuread type as sent', async () => {
    const res = await post({
      ...base,
      provider_type: 'okta',
      name: 'Okta',
      slug: 'okta',
      authorization_url: 'https://o/a',
      access_token_url: 'https://o/t',
      profile_url: 'https://o/p',
    });
    expect(res.statusCode).toBe(201);
    const azure = await post({ ...base, provider_type: 'azuread', name: 'Azure', slug: 'azure' });
    expect(azure.statusCode).toBe(201);
    expect(azure.json().provider_type).toBe('azuread');
    const entra = await post({ ...base, provider_type: 'entraid', name: 'Entra', slug: 'entra' });
    expect(entra.json().provider_type).toBe('entraid');
  });

  it('validates references: flows and property mappings of the right kind', async () => {
    const samlMapping = await createMapping(app, 'saml', 'saml mapping');
    const oauthMapping = await createMapping(app, 'oauth', 'oauth mapping');
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await post({
      ...base,
      provider_type: 'google',
      name: 'Refs',
      slug: 'refs',
      authentication_flow: missing,
      user_property_mappings: [oauthMapping, samlMapping],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      authentication_flow: [`Invalid pk "${missing}" - object does not exist.`],
      user_property_mappings: [`Invalid pk "${samlMapping}" - object does not exist.`],
    });
    const ok = await post({
      ...base,
      provider_type: 'google',
      name: 'Refs',
      slug: 'refs',
      authentication_flow: await flowUuid(app),
      user_property_mappings: [oauthMapping],
      group_property_mappings: [oauthMapping],
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().user_property_mappings).toEqual([oauthMapping]);
    expect(ok.json().group_property_mappings).toEqual([oauthMapping]);
  });

  it('enforces slug rules and uniqueness across every source kind', async () => {
    await createSaml(app, 'taken-by-saml', { name: 'Taken SAML' });
    const dup = await post({ ...base, provider_type: 'google', name: 'Other', slug: 'taken-by-saml' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ slug: ['source with this slug already exists.'] });
    const dupName = await post({ ...base, provider_type: 'google', name: 'Taken SAML', slug: 'fresh' });
    expect(dupName.json()).toEqual({ name: ['source with this name already exists.'] });
    const long = await post({ ...base, provider_type: 'google', name: 'Long', slug: 'x'.repeat(51) });
    expect(long.json()).toEqual({ slug: ['Ensure this field has no more than 50 characters.'] });
    const pattern = await post({ ...base, provider_type: 'google', name: 'Pattern', slug: 'no spaces!' });
    expect(pattern.json().slug).toHaveLength(1);
    expect(pattern.statusCode).toBe(400);
  });

  it('is admin-only', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/', token: userToken });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual(PERMISSION_DENIED);
    const create = await app.request({ method: 'POST', url: '/api/v3/sources/oauth/', token: userToken, payload: { ...base, name: 'n', slug: 'n' } });
    expect(create.statusCode).toBe(403);
  });
});

describe('/api/v3/sources/oauth/ update, list and delete', () => {
  it('patches without re-sending the secret; PUT needs it; re-validates the merged URLs', async () => {
    await createOAuth(app, 'patchme', {
      provider_type: 'openidconnect',
      authorization_url: 'https://a/a',
      access_token_url: 'https://a/t',
      profile_url: 'https://a/p',
    });
    const patch = await app.request({
      method: 'PATCH',
      url: '/api/v3/sources/oauth/patchme/',
      payload: { name: 'Patched', additional_scopes: 'groups' },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ name: 'Patched', additional_scopes: 'groups', authorization_url: 'https://a/a' });
    const clear = await app.request({ method: 'PATCH', url: '/api/v3/sources/oauth/patchme/', payload: { profile_url: '' } });
    expect(clear.json()).toEqual({ non_field_errors: ['profile_url is required for provider OpenID Connect'] });
    const put = await app.request({
      method: 'PUT',
      url: '/api/v3/sources/oauth/patchme/',
      payload: { name: 'Put', slug: 'patchme', provider_type: 'google', consumer_key: 'k' },
    });
    expect(put.json()).toEqual({ consumer_secret: ['This field is required.'] });
    const put2 = await app.request({
      method: 'PUT',
      url: '/api/v3/sources/oauth/patchme/',
      payload: { name: 'Put', slug: 'patchme', provider_type: 'google', consumer_key: 'k', consumer_secret: 'new' },
    });
    expect(put2.statusCode).toBe(200);
    expect(await app.ctx.store.repos.kindSources.oauth.secret(put2.json().pk, 'consumer_secret')).toBe('new');
  });

  it('filters (provider_type, has_jwks, enabled), searches and orders both ways', async () => {
    const google = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?provider_type=google&ordering=slug' });
    expect(google.json().results.map((s: { slug: string }) => s.slug)).toEqual(['google', 'patchme', 'refs']);
    const jwks = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?has_jwks=true' });
    expect(jwks.json().results.map((s: { slug: string }) => s.slug)).toEqual(['oidc']);
    const noJwks = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?has_jwks=false' });
    expect(noJwks.json().results.map((s: { slug: string }) => s.slug)).not.toContain('oidc');
    const search = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?search=kta' });
    expect(search.json().results.map((s: { slug: string }) => s.slug)).toEqual(['okta']);
    const asc = (await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?ordering=slug' }))
      .json()
      .results.map((s: { slug: string }) => s.slug);
    const desc = (await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?ordering=-slug' }))
      .json()
      .results.map((s: { slug: string }) => s.slug);
    expect(desc).toEqual([...asc].reverse());
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?ordering=consumer_secret' })).statusCode).toBe(200);
    const badBool = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?enabled=maybe' });
    expect(badBool.statusCode).toBe(400);
    const page = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/?page_size=2&page=2&ordering=slug' });
    expect(page.json().pagination).toMatchObject({ current: 2, previous: 1, start_index: 3, end_index: 4 });
    expect(page.json().results.map((s: { slug: string }) => s.slug)).toEqual(asc.slice(2, 4));
  });

  it('lists provider types with their defaults; ?name= returns one, unknown names the generic type', async () => {
    const all = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/source_types/' });
    expect(all.statusCode).toBe(200);
    const names = all.json().map((t: { name: string }) => t.name);
    expect(names).toHaveLength(16);
    expect(names).toEqual(
      expect.arrayContaining([
        'openidconnect',
        'apple',
        'discord',
        'azuread',
        'facebook',
        'github',
        'gitlab',
        'google',
        'mailcow',
        'okta',
        'patreon',
        'reddit',
        'slack',
        'twitch',
        'twitter',
        'wechat',
      ]),
    );
    for (const t of all.json()) expect(missingRequiredKeys('SourceType', t)).toEqual([]);
    const github = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/source_types/?name=github' });
    expect(github.json()).toEqual([expect.objectContaining({ name: 'github', urls_customizable: true, profile_url: 'https://api.github.com/user' })]);
    const unknown = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/source_types/?name=nope' });
    expect(unknown.json()).toEqual([expect.objectContaining({ name: 'default', urls_customizable: false, authorization_url: null })]);
  });

  it('deletes a source with its connections and reports them in used_by first', async () => {
    const src = await createOAuth(app, 'gone');
    const user = await createUser(app, 'connected');
    await app.ctx.store.repos.userConnections.create({ kind: 'oauth', userId: user.id, sourceUuid: src.pk, identifier: 'abc' });
    const usedBy = await app.request({ method: 'GET', url: '/api/v3/sources/oauth/gone/used_by/' });
    expect(usedBy.json()).toHaveLength(1);
    expect((await app.request({ method: 'DELETE', url: '/api/v3/sources/oauth/gone/' })).statusCode).toBe(204);
    expect(await app.ctx.store.repos.userConnections.bySourceIdentifier(src.pk, 'abc')).toBeNull();
    expect((await app.request({ method: 'GET', url: '/api/v3/sources/oauth/gone/' })).json()).toEqual({
      detail: 'No OAuthSource matches the given query.',
    });
  });
});
