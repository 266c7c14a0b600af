/**
 * Full authorization-code flows against a real OpenID Connect provider (oidc-provider), using
 * only this module's functions: discovery → authorize → (browser) → callback → token →
 * profile/id_token → identity.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors/index.js';
import {
  buildAuthorizationRequest,
  discoverOidcConfiguration,
  exchangeCode,
  extractIdentity,
  fetchJwks,
  fetchProfile,
  ID_TOKEN_REASONS,
  readAuthorizationResponse,
} from '../../../src/protocols/oauth/index.js';
import type { OAuthSourceConfig } from '../../../src/protocols/oauth/index.js';
import { followRedirects, startOidcProvider } from '../../fakes/oidc-provider.js';
import type { FakeOidcProvider } from '../../fakes/oidc-provider.js';
import { bodyText } from '../../support/fetch-calls.js';

const callbackUrl = 'http://127.0.0.1:9/source/oauth/callback/corp/';
let idp: FakeOidcProvider;
let discovered: Awaited<ReturnType<typeof discoverOidcConfiguration>>;

beforeAll(async () => {
  idp = await startOidcProvider({
    clients: [
      { clientId: 'trib-basic', clientSecret: 'basic secret:+/', redirectUris: [callbackUrl] },
      { clientId: 'trib-post', clientSecret: 'post-secret', redirectUris: [callbackUrl], tokenEndpointAuthMethod: 'client_secret_post' },
    ],
    accounts: [
      {
        sub: 'alice',
        email: 'alice@example.com',
        email_verified: true,
        name: 'Alice Liddell',
        preferred_username: 'alice',
        groups: ['admins', { id: 'g-ops', name: 'Operators' }, { display: 'no id' }],
      },
      { sub: 'bob', email: 'bob@example.com', email_verified: false, name: 'Bob', nickname: 'bobby', preferred_username: 'bob' },
    ],
  });
  discovered = await discoverOidcConfiguration({ wellKnownUrl: idp.wellKnownUrl, fetch });
});
afterAll(async () => idp.close());
beforeEach(() => {
  idp.loginAs('alice');
  idp.failUserinfo(null);
});

async function sourceFor(clientId: string, overrides: Partial<OAuthSourceConfig> = {}): Promise<OAuthSourceConfig> {
  return {
    slug: 'corp',
    providerType: 'openidconnect',
    consumerKey: clientId,
    consumerSecret: clientId === 'trib-basic' ? 'basic secret:+/' : 'post-secret',
    authorizationUrl: discovered.authorizationUrl,
    accessTokenUrl: discovered.accessTokenUrl,
    profileUrl: discovered.profileUrl,
    oidcJwksUrl: discovered.oidcJwksUrl,
    oidcJwks: await fetchJwks({ jwksUrl: discovered.oidcJwksUrl, fetch }),
    oidcIssuer: discovered.issuer,
    pkce: discovered.pkce ?? 'none',
    authorizationCodeAuthMethod: clientId === 'trib-basic' ? 'basic_auth' : 'post_body',
    ...overrides,
  };
}

async function authorize(source: OAuthSourceConfig, loginHint?: string) {
  const request = await buildAuthorizationRequest({ type: source.providerType, source, callbackUrl, loginHint });
  const landed = await followRedirects(request.url, { until: callbackUrl });
  const { code } = readAuthorizationResponse({ params: new URL(landed).searchParams, expectedState: request.state });
  return { request, code };
}

describe('discovery against oidc-provider', () => {
  it('fills the four URLs, the issuer and pkce=S256', () => {
    expect(discovered).toMatchObject({
      authorizationUrl: idp.authorizationUrl,
      accessTokenUrl: idp.tokenUrl,
      profileUrl: idp.userinfoUrl,
      oidcJwksUrl: idp.jwksUrl,
      issuer: idp.issuer,
      pkce: 'S256',
    });
  });
});

describe('authorization code flow (openidconnect)', () => {
  it.each(['trib-basic', 'trib-post'])('logs in with client %s (PKCE S256, nonce, login_hint)', async (clientId) => {
    const source = await sourceFor(clientId);
    const { request, code } = await authorize(source, 'alice@example.com');
    expect(request.codeVerifier).toHaveLength(128);
    expect(idp.lastAuthorizationParams).toMatchObject({ login_hint: 'alice@example.com', nonce: request.nonce, code_challenge_method: 'S256' });

    const sent: { headers: Headers; body: URLSearchParams }[] = [];
    const recordingFetch: typeof fetch = async (url, init) => {
      sent.push({ headers: new Headers(init?.headers), body: new URLSearchParams(bodyText(init?.body)) });
      return fetch(url, init);
    };
    const token = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch: recordingFetch });
    expect(token.tokenType).toBe('Bearer');
    // RFC 6749 §2.3.1: basic_auth → HTTP Basic and no client credentials in the body; post_body → reverse.
    const [tokenRequest] = sent;
    if (clientId === 'trib-basic') {
      expect(tokenRequest.headers.get('authorization')).toMatch(/^Basic /);
      expect(tokenRequest.body.has('client_id') || tokenRequest.body.has('client_secret')).toBe(false);
    } else {
      expect(tokenRequest.headers.get('authorization')).toBeNull();
      expect(tokenRequest.body.get('client_secret')).toBe('post-secret');
    }
    expect(tokenRequest.body.get('code_verifier')).toBe(request.codeVerifier);
    expect(token.idToken).toBeTruthy();

    const result = await fetchProfile({ type: 'openidconnect', source, token, fetch, nonce: request.nonce, expectedIssuer: discovered.issuer });
    expect(result.profile['sub']).toBe('alice');
    expect(result.emailVerified).toBe(true);
    expect(result.idTokenClaims?.['nonce']).toBe(request.nonce);

    const identity = extractIdentity('openidconnect', result.profile);
    expect(identity).toEqual({
      identifier: 'alice',
      properties: { username: 'alice', email: 'alice@example.com', name: 'Alice Liddell', groups: ['admins', 'g-ops'] },
      groupNames: { admins: 'admins', 'g-ops': 'Operators' },
      droppedGroups: 1,
    });
  });

  it('okta type maps nickname and reports unverified email', async () => {
    idp.loginAs('bob');
    const source = await sourceFor('trib-basic', { providerType: 'okta' });
    const { request, code } = await authorize(source);
    const token = await exchangeCode({ type: 'okta', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch });
    const result = await fetchProfile({ type: 'okta', source, token, fetch, nonce: request.nonce });
    expect(result.emailVerified).toBe(false);
    expect(extractIdentity('okta', result.profile).properties).toEqual({ username: 'bobby', email: 'bob@example.com', name: 'Bob' });
  });

  it('a wrong client secret is refused with the IdP reason', async () => {
    const source = await sourceFor('trib-basic', { consumerSecret: 'wrong' });
    const { request, code } = await authorize(source);
    const err = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toMatch(/client authentication failed/i);
  });

  it('rejects a wrong PKCE verifier', async () => {
    const source = await sourceFor('trib-basic');
    const { code } = await authorize(source);
    await expect(exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: 'x'.repeat(128), fetch })).rejects.toThrow(
      /PKCE|grant/i,
    );
  });

  it('rejects a replayed authorization code', async () => {
    const source = await sourceFor('trib-basic');
    const { request, code } = await authorize(source);
    const input = { type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch } as const;
    await exchangeCode(input);
    await expect(exchangeCode(input)).rejects.toThrow(/grant|code/i);
  });

  it('falls back to the verified id_token when userinfo fails', async () => {
    idp.failUserinfo(500);
    const source = await sourceFor('trib-basic');
    const { request, code } = await authorize(source);
    const token = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch });
    const result = await fetchProfile({ type: 'openidconnect', source, token, fetch, nonce: request.nonce });
    expect(result.profile['sub']).toBe('alice');
    expect(result.profile['email']).toBe('alice@example.com');
    expect(extractIdentity('openidconnect', result.profile).identifier).toBe('alice');
  });

  it('without usable keys and a failing userinfo the login fails', async () => {
    idp.failUserinfo(503);
    const source = await sourceFor('trib-basic', { oidcJwks: {}, oidcJwksUrl: '' });
    const { request, code } = await authorize(source);
    const token = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch });
    await expect(fetchProfile({ type: 'openidconnect', source, token, fetch })).rejects.toThrow('Could not retrieve profile.');
  });

  it('refuses an id_token whose nonce differs from the stored one', async () => {
    const source = await sourceFor('trib-basic');
    const { request, code } = await authorize(source);
    const token = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch });
    await expect(fetchProfile({ type: 'openidconnect', source, token, fetch, nonce: 'other-nonce' })).rejects.toThrow(ID_TOKEN_REASONS.nonce);
  });

  it('refuses an id_token from an unexpected issuer', async () => {
    const source = await sourceFor('trib-basic');
    const { request, code } = await authorize(source);
    const token = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch });
    await expect(
      fetchProfile({ type: 'openidconnect', source, token, fetch, nonce: request.nonce, expectedIssuer: 'https://evil.example' }),
    ).rejects.toThrow(ID_TOKEN_REASONS.issuer);
  });

  it('follows a signing-key rotation by refetching the JWKS once', async () => {
    const source = await sourceFor('trib-basic'); // caches the current JWKS
    const oldKid = idp.publicJwks().keys[0].kid;
    await idp.rotateSigningKey();
    const { request, code } = await authorize(source);
    const token = await exchangeCode({ type: 'openidconnect', source, code, callbackUrl, codeVerifier: request.codeVerifier, fetch });
    const result = await fetchProfile({ type: 'openidconnect', source, token, fetch, nonce: request.nonce });
    const kids = result.refreshedJwks?.keys.map((k) => k.kid);
    expect(kids).toContain(idp.publicJwks().keys[0].kid);
    expect(kids).not.toContain(oldKid);
  });

  it('a denied login comes back as the IdP error reason', async () => {
    idp.denyLogin('access_denied', 'User cancelled');
    const source = await sourceFor('trib-basic');
    const request = await buildAuthorizationRequest({ type: 'openidconnect', source, callbackUrl });
    const landed = await followRedirects(request.url, { until: callbackUrl });
    expect(() => readAuthorizationResponse({ params: new URL(landed).searchParams, expectedState: request.state })).toThrow('User cancelled');
  });
});
