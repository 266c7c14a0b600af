/**
 * End to end against an IdP that issues crafted id_tokens (test/fakes/crafted-oidc-idp.ts):
 * every id_token defect must fail the login with its reason and write nothing; a broken token
 * or profile endpoint fails cleanly (never a 500); and a good login stores the IdP's tokens
 * sealed, with the real expiry (docs/behaviour.md#oauth-callback,
 * docs/behaviour.md#oauth-id-tokens).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningTestApp, type TestApp } from '../../../support/app.js';
import { TestBrowser } from '../../../support/browser.js';
import { createOidcSource } from '../../../support/oauth-source.js';
import { startCraftedIdp, type CraftedIdp, type IdTokenKind } from '../../../fakes/crafted-oidc-idp.js';
import { expectLoginFailure, expectNothingWritten, whoAmI } from './helpers.js';

let app: TestApp;
let idp: CraftedIdp;
let base: string;
let sourceUuid: string;

beforeAll(async () => {
  ({ app, base } = await createListeningTestApp());
  idp = await startCraftedIdp({ clientId: 'crafted-client', clientSecret: 'crafted-secret' });
  sourceUuid = (
    await createOidcSource(app, { slug: 'crafted', clientId: 'crafted-client', clientSecret: 'crafted-secret', wellKnownUrl: idp.wellKnownUrl })
  ).uuid;
}, 60_000);

afterAll(async () => {
  await idp?.close();
  await app?.close();
});

afterEach(() => idp.reset());

const login = (browser = new TestBrowser()) => browser.get(`${base}/source/oauth/login/crafted/`);

describe('id_token verification', () => {
  it('accepts a well-formed id_token (control for the cases below)', async () => {
    idp.claims = { ...idp.claims, sub: 'good-sub', preferred_username: 'good' };
    const browser = new TestBrowser();
    const page = await login(browser);
    expect(page.url, page.body).toBe(`${base}/if/user/`);
    expect(await whoAmI({ base }, browser)).toBe('good');
    // PKCE: the verifier was sent (the fake refuses one that does not match the challenge).
    expect(idp.tokenRequests.at(-1)?.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
  });

  const cases: Array<[IdTokenKind, string]> = [
    ['wrong-nonce', 'ID token nonce mismatch.'],
    ['no-nonce', 'ID token nonce mismatch.'],
    ['hs256-public-key', 'ID token algorithm is not allowed.'],
    ['foreign-signature', 'ID token signature is invalid.'],
    ['none', 'ID token algorithm is not allowed.'],
    ['wrong-iss', 'ID token issuer mismatch.'],
    ['wrong-aud', 'ID token audience mismatch.'],
    ['expired', 'ID token has expired.'],
  ];
  for (const [kind, reason] of cases) {
    it(`refuses an id_token with ${kind}, although userinfo answers`, async () => {
      idp.idToken = kind;
      idp.claims = { ...idp.claims, sub: `sub-${kind}`, preferred_username: `user-${kind}` };
      const browser = new TestBrowser();
      const page = await expectNothingWritten(app, () => login(browser));
      expectLoginFailure({ base }, page, reason);
      expect(await whoAmI({ base }, browser)).toBeNull();
    });
  }

  it('refuses userinfo about another subject than the id_token (OIDC Core §5.3.2)', async () => {
    idp.claims = { ...idp.claims, sub: 'token-subject', preferred_username: 'subject' };
    idp.userinfo = { sub: 'someone-else', preferred_username: 'someone-else' };
    const page = await expectNothingWritten(app, () => login());
    expectLoginFailure({ base }, page, 'Could not retrieve profile.');
  });

  it('falls back to the verified id_token when userinfo fails', async () => {
    idp.claims = { ...idp.claims, sub: 'fallback-sub', preferred_username: 'fallback' };
    idp.userinfo = null;
    const browser = new TestBrowser();
    expect((await login(browser)).url).toBe(`${base}/if/user/`);
    expect(await whoAmI({ base }, browser)).toBe('fallback');
  });
});

describe('manually configured sources (no discovery): an id_token is verified or the login is refused', () => {
  /** An OIDC source typed in by hand: endpoint URLs, and only the key/issuer settings given. */
  async function manualSource(slug: string, extra: { oidc_jwks_url?: string; oidc_well_known_url?: string }) {
    const repos = app.ctx.store.repos;
    const flows = { auth: await repos.flows.bySlug('default-source-authentication'), enroll: await repos.flows.bySlug('default-source-enrollment') };
    return repos.kindSources.oauth.create(
      {
        name: `Manual ${slug}`,
        slug,
        authenticationFlow: flows.auth!.uuid,
        enrollmentFlow: flows.enroll!.uuid,
        userMatchingMode: 'identifier',
        groupMatchingMode: 'identifier',
        userPropertyMappings: [],
        groupPropertyMappings: [],
      },
      {
        provider_type: 'openidconnect',
        consumer_key: 'crafted-client',
        consumer_secret: 'crafted-secret',
        authorization_url: `${idp.issuer}/authorize`,
        access_token_url: idp.tokenUrl,
        profile_url: `${idp.issuer}/userinfo`,
        oidc_well_known_url: extra.oidc_well_known_url ?? '',
        oidc_jwks_url: extra.oidc_jwks_url ?? '',
        oidc_jwks: {},
        oidc_issuer: '',
        pkce: 'S256',
        authorization_code_auth_method: 'basic_auth',
      },
    );
  }
  const loginAt = (slug: string, browser = new TestBrowser()) => browser.get(`${base}/source/oauth/login/${slug}/`);

  beforeAll(async () => {
    await manualSource('manual-no-keys', {});
    await manualSource('manual-jwks-url', { oidc_jwks_url: `${idp.issuer}/jwks` });
    await manualSource('manual-well-known', { oidc_jwks_url: `${idp.issuer}/jwks`, oidc_well_known_url: idp.wellKnownUrl });
  });

  for (const kind of ['foreign-signature', 'wrong-nonce', 'valid'] as const) {
    it(`no JWKS at all: refuses an id_token (${kind}) instead of ignoring it, although userinfo answers`, async () => {
      idp.idToken = kind;
      idp.claims = { ...idp.claims, sub: `manual-${kind}`, preferred_username: `manual-${kind}` };
      const browser = new TestBrowser();
      const page = await expectNothingWritten(app, () => loginAt('manual-no-keys', browser));
      expectLoginFailure({ base }, page, 'No keys are available to verify the ID token.');
      expect(await whoAmI({ base }, browser)).toBeNull();
    });
  }

  it('no JWKS at all and no id_token: userinfo alone signs in', async () => {
    idp.idToken = 'omit';
    idp.claims = { ...idp.claims, sub: 'manual-no-id-token', preferred_username: 'manual-no-id-token' };
    const browser = new TestBrowser();
    expect((await loginAt('manual-no-keys', browser)).url).toBe(`${base}/if/user/`);
    expect(await whoAmI({ base }, browser)).toBe('manual-no-id-token');
  });

  for (const kind of ['wrong-iss', 'valid'] as const) {
    it(`only a JWKS URL, no issuer: refuses an id_token (${kind}) with "no issuer configured"`, async () => {
      idp.idToken = kind;
      idp.claims = { ...idp.claims, sub: `jwks-only-${kind}`, preferred_username: `jwks-only-${kind}` };
      const page = await expectNothingWritten(app, () => loginAt('manual-jwks-url'));
      expectLoginFailure({ base }, page, 'This source has no issuer configured, so its ID tokens cannot be verified.');
    });
  }

  it('a well-known URL but no stored issuer: the issuer it implies is checked, and the fetched JWKS is kept', async () => {
    idp.idToken = 'wrong-iss';
    idp.claims = { ...idp.claims, sub: 'derived-wrong', preferred_username: 'derived-wrong' };
    expectLoginFailure({ base }, await expectNothingWritten(app, () => loginAt('manual-well-known')), 'ID token issuer mismatch.');

    idp.reset();
    idp.claims = { ...idp.claims, sub: 'derived-ok', preferred_username: 'derived-ok' };
    const browser = new TestBrowser();
    expect((await loginAt('manual-well-known', browser)).url).toBe(`${base}/if/user/`);
    expect(await whoAmI({ base }, browser)).toBe('derived-ok');
    const stored = await app.ctx.store.repos.kindSources.oauth.bySlug('manual-well-known');
    expect((stored?.settings.oidc_jwks as { keys?: unknown[] }).keys).toHaveLength(1);
  });
});

describe('token and profile endpoint failures', () => {
  it('says it could not retrieve a token when the connection is reset', async () => {
    idp.tokenEndpoint = 'down';
    const page = await expectNothingWritten(app, () => login());
    expectLoginFailure({ base }, page, 'Could not retrieve token.');
  });

  it('says it could not retrieve a token when the endpoint answers 503 with HTML', async () => {
    idp.tokenEndpoint = 'html-503';
    const page = await expectNothingWritten(app, () => login());
    expectLoginFailure({ base }, page, 'Could not retrieve token.');
  });

  it('says it could not retrieve the profile when userinfo fails and there is no id_token', async () => {
    idp.idToken = 'omit';
    idp.userinfo = null;
    const page = await expectNothingWritten(app, () => login());
    expectLoginFailure({ base }, page, 'Could not retrieve profile.');
  });

  it('says it could not determine the id when the profile has no identifier', async () => {
    idp.idToken = 'omit';
    idp.userinfo = { email: 'anonymous@example.com', name: 'No Sub' };
    const page = await expectNothingWritten(app, () => login());
    expectLoginFailure({ base }, page, 'Could not determine id.');
  });
});

describe('tokens on the connection', () => {
  it('stores access and refresh token sealed, with expires = now + expires_in, and refreshes them on the next login', async () => {
    idp.claims = { ...idp.claims, sub: 'token-sub', preferred_username: 'tokenuser' };
    idp.tokens = { access_token: 'plain-access-token-AAAA', refresh_token: 'plain-refresh-token-BBBB', expires_in: 1234 };
    const before = Date.now();
    expect((await login()).url).toBe(`${base}/if/user/`);
    const after = Date.now();

    const repos = app.ctx.store.repos;
    const user = (await repos.users.byUsername('tokenuser'))!;
    const conn = (await repos.userConnections.byUserSource(user.id, sourceUuid))!;
    expect(conn.expires!.getTime()).toBeGreaterThanOrEqual(before + 1234_000 - 1000);
    expect(conn.expires!.getTime()).toBeLessThanOrEqual(after + 1234_000 + 1000);
    expect(await repos.userConnections.tokens(conn.id)).toEqual({ accessToken: 'plain-access-token-AAAA', refreshToken: 'plain-refresh-token-BBBB' });

    // Neither the connection row nor anything else we persist holds the plaintext.
    const raw = await app.db.selectFrom('user_source_connections').selectAll().where('id', '=', conn.id).executeTakeFirstOrThrow();
    expect(raw.access_token_sealed).toBeTruthy();
    for (const table of ['user_source_connections', 'sessions', 'flow_states', 'events'] as const) {
      const dump = JSON.stringify(await app.db.selectFrom(table).selectAll().execute());
      expect(dump, table).not.toContain('plain-access-token');
      expect(dump, table).not.toContain('plain-refresh-token');
    }

    // The next login (AUTH) replaces the stored tokens.
    idp.tokens = { access_token: 'second-access-token', expires_in: 60 };
    expect((await login()).url).toBe(`${base}/if/user/`);
    const again = (await repos.userConnections.byUserSource(user.id, sourceUuid))!;
    expect(again.id).toBe(conn.id);
    expect((await repos.userConnections.tokens(conn.id)).accessToken).toBe('second-access-token');
    expect(again.expires!.getTime()).toBeLessThan(Date.now() + 61_000);
  });
});
