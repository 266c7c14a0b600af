/** Source repositories: per-kind rows, mappings, SAML extra certificates, constraints, cascades. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/index.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
let preAuth: string;
beforeAll(async () => {
  app = await createTestApp();
  preAuth = (await app.ctx.store.repos.flows.bySlug('default-source-pre-authentication'))!.uuid;
});
afterAll(async () => app?.close());

describe('source repositories', () => {
  it('stores OAuth settings, seals the secret and replaces mappings per target, ordered by name', async () => {
    const repos = app.ctx.store.repos;
    const b = await repos.propertyMappings.create({ kind: 'oauth', name: 'b', expression: 'return {}' });
    const a = await repos.propertyMappings.create({ kind: 'oauth', name: 'a', expression: 'return {}' });
    const src = await repos.oauthSources.create(
      { name: 'O', slug: 'o', userPropertyMappings: [b.uuid, a.uuid], groupPropertyMappings: [b.uuid] },
      { providerType: 'github', consumerKey: 'ck', consumerSecret: 'cs', oidcJwks: { keys: [] } },
    );
    expect(src).toMatchObject({ kind: 'oauth', slug: 'o', userPropertyMappings: [a.uuid, b.uuid], groupPropertyMappings: [b.uuid] });
    expect(src.oauth).toMatchObject({ providerType: 'github', consumerKey: 'ck', oidcJwks: { keys: [] }, pkce: 'none', authorizationCodeAuthMethod: 'basic_auth', additionalScopes: '' });
    expect(await repos.oauthSources.consumerSecret(src.uuid)).toBe('cs');
    const updated = await repos.oauthSources.update(src.uuid, { groupPropertyMappings: [] }, { consumerSecret: 'cs2', profileUrl: 'https://p' });
    expect(updated.userPropertyMappings).toEqual([a.uuid, b.uuid]);
    expect(updated.groupPropertyMappings).toEqual([]);
    expect(updated.oauth.profileUrl).toBe('https://p');
    expect(updated.lastUpdated.getTime()).toBeGreaterThanOrEqual(src.lastUpdated.getTime());
    expect(await repos.oauthSources.consumerSecret(src.uuid)).toBe('cs2');
    expect((await repos.sources.usingPropertyMapping(a.uuid)).map((s) => s.slug)).toEqual(['o']);
    expect(await repos.samlSources.bySlug('o')).toBeNull();
  });

  it('round-trips SAML settings including the extra verification key pairs', async () => {
    const repos = app.ctx.store.repos;
    const k1 = await repos.keypairs.create({ name: 'k1', certificateData: 'x' });
    const k2 = await repos.keypairs.create({ name: 'k2', certificateData: 'x' });
    const src = await repos.samlSources.create({ name: 'S', slug: 's' }, { ssoUrl: 'https://i/s', preAuthenticationFlow: preAuth, verificationKp: k1.uuid, verificationKps: [k2.uuid] });
    expect(src.saml).toMatchObject({ ssoUrl: 'https://i/s', verificationKp: k1.uuid, verificationKps: [k2.uuid], bindingType: 'REDIRECT', signedAssertion: true });
    await repos.keypairs.delete(k1.uuid);
    await repos.keypairs.delete(k2.uuid);
    const after = await repos.samlSources.byUuid(src.uuid);
    expect(after!.saml.verificationKp).toBeNull();
    expect(after!.saml.verificationKps).toEqual([]);
  });

  it('turns unique and foreign-key violations into ValidationErrors naming the field', async () => {
    const repos = app.ctx.store.repos;
    const err = await repos.scimSources.create({ name: 'dup', slug: 'o' }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fields).toEqual({ slug: ['source with this slug already exists.'] });
    const fk = await repos.samlSources.create({ name: 'fk', slug: 'fk' }, { ssoUrl: 'https://i', preAuthenticationFlow: '00000000-0000-4000-8000-000000000000' }).catch((e) => e);
    expect(fk.fields).toEqual({ pre_authentication_flow: ['Invalid pk - object does not exist.'] });
  });

  it('lists by kind, finds enabled sources for user settings and cascades deletes to kind rows', async () => {
    const repos = app.ctx.store.repos;
    const q = { filters: [], search: null, ordering: [{ field: 'name', desc: false }], offset: 0, limit: 100 };
    expect((await repos.sources.list('oauth', q)).items.map((s) => s.slug)).toEqual(['o']);
    expect((await repos.sources.list(null, q)).total).toBe(3);
    expect((await repos.sources.enabledOfKinds(['oauth', 'saml'])).map((s) => s.slug)).toEqual(['o', 's']);
    const o = await repos.sources.bySlug('o');
    expect(await repos.sources.delete(o!.uuid)).toBe(true);
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM oauth_sources WHERE source_uuid = ${o!.uuid}`.execute(app.db);
    expect(rows.rows[0].n).toBe(0);
  });
});
