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
    const src = await repos.kindSources.oauth.create(
      { name: 'O', slug: 'o', userPropertyMappings: [b.uuid, a.uuid], groupPropertyMappings: [b.uuid] },
      { provider_type: 'github', consumer_key: 'ck', consumer_secret: 'cs', oidc_jwks: { keys: [] } },
    );
    expect(src).toMatchObject({ kind: 'oauth', slug: 'o', userPropertyMappings: [a.uuid, b.uuid], groupPropertyMappings: [b.uuid] });
    expect(src.settings).toMatchObject({
      provider_type: 'github',
      consumer_key: 'ck',
      oidc_jwks: { keys: [] },
      pkce: 'none',
      authorization_code_auth_method: 'basic_auth',
      additional_scopes: '',
    });
    expect(await repos.kindSources.oauth.secret(src.uuid, 'consumer_secret')).toBe('cs');
    const updated = await repos.kindSources.oauth.update(
      src.uuid,
      { groupPropertyMappings: [] },
      { consumer_secret: 'cs2', profile_url: 'https://p' },
    );
    expect(updated.userPropertyMappings).toEqual([a.uuid, b.uuid]);
    expect(updated.groupPropertyMappings).toEqual([]);
    expect(updated.settings.profile_url).toBe('https://p');
    expect(updated.lastUpdated.getTime()).toBeGreaterThanOrEqual(src.lastUpdated.getTime());
    expect(await repos.kindSources.oauth.secret(src.uuid, 'consumer_secret')).toBe('cs2');
    expect((await repos.sources.usingPropertyMapping(a.uuid)).map((s) => s.slug)).toEqual(['o']);
    expect(await repos.kindSources.saml.bySlug('o')).toBeNull();
  });

  it('round-trips SAML settings including the extra verification key pairs', async () => {
    const repos = app.ctx.store.repos;
    const k1 = await repos.keypairs.create({ name: 'k1', certificateData: 'x' });
    const k2 = await repos.keypairs.create({ name: 'k2', certificateData: 'x' });
    const src = await repos.kindSources.saml.create(
      { name: 'S', slug: 's' },
      { sso_url: 'https://i/s', pre_authentication_flow: preAuth, verification_kp: k1.uuid, verification_kps: [k2.uuid] },
    );
    expect(src.settings).toMatchObject({
      sso_url: 'https://i/s',
      verification_kp: k1.uuid,
      verification_kps: [k2.uuid],
      binding_type: 'REDIRECT',
      signed_assertion: true,
    });
    await repos.keypairs.delete(k1.uuid);
    await repos.keypairs.delete(k2.uuid);
    const after = await repos.kindSources.saml.byUuid(src.uuid);
    expect(after!.settings.verification_kp).toBeNull();
    expect(after!.settings.verification_kps).toEqual([]);
  });

  it('turns unique and foreign-key violations into ValidationErrors naming the field', async () => {
    const repos = app.ctx.store.repos;
    const err = await repos.kindSources.scim.create({ name: 'dup', slug: 'o' }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fields).toEqual({ slug: ['source with this slug already exists.'] });
    const fk = await repos.kindSources.saml
      .create({ name: 'fk', slug: 'fk' }, { sso_url: 'https://i', pre_authentication_flow: '00000000-0000-4000-8000-000000000000' })
      .catch((e) => e);
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
