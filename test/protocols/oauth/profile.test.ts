import { describe, expect, it } from 'vitest';
import { fetchProfile, ID_TOKEN_REASONS, ProfileDecodeError } from '../../../src/protocols/oauth/index.js';
import type { OAuthSourceConfig, TokenSet } from '../../../src/protocols/oauth/index.js';
import { requestUrl } from '../../support/fetch-calls.js';

const token: TokenSet = { accessToken: 'at', tokenType: 'Bearer', raw: {} };

function respond(handler: (url: URL, headers: Headers) => Response) {
  const seen: { url: URL; headers: Headers }[] = [];
  const port: typeof fetch = async (url, init) => {
    const entry = { url: new URL(requestUrl(url)), headers: new Headers(init?.headers) };
    seen.push(entry);
    return handler(entry.url, entry.headers);
  };
  return { port, seen };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const oidc: OAuthSourceConfig = {
  providerType: 'openidconnect',
  consumerKey: 'c',
  consumerSecret: 's',
  profileUrl: 'https://idp.example/userinfo?tenant=1',
};

describe('fetchProfile failures', () => {
  it('HTTP error → "Could not retrieve profile."', async () => {
    const { port } = respond(() => json({ error: 'invalid_token' }, 401));
    await expect(fetchProfile({ type: 'google', source: { ...oidc, providerType: 'google' }, token, fetch: port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
  });

  it('invalid JSON → same reason plus the raw body for a configuration_error event', async () => {
    const { port } = respond(() => new Response('<html>login</html>', { headers: { 'content-type': 'text/html' } }));
    const err = await fetchProfile({ type: 'discord', source: { ...oidc, providerType: 'discord' }, token, fetch: port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileDecodeError);
    expect((err as ProfileDecodeError).message).toBe('Could not retrieve profile.');
    expect((err as ProfileDecodeError).eventMessage).toBe('Failed to JSON-decode profile.');
    expect((err as ProfileDecodeError).rawBody).toBe('<html>login</html>');
  });

  it('a JSON array is not a profile', async () => {
    const { port } = respond(() => json([1, 2]));
    await expect(fetchProfile({ type: 'discord', source: { ...oidc, providerType: 'discord' }, token, fetch: port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
  });

  it('network failure → "Could not retrieve profile."', async () => {
    const port: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(fetchProfile({ type: 'reddit', source: { ...oidc, providerType: 'reddit' }, token, fetch: port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
  });

  it('github: a failing /emails call is tolerated', async () => {
    const { port } = respond((url) =>
      url.pathname.endsWith('/emails') ? json({ message: 'Forbidden' }, 403) : json({ id: 1, login: 'l', email: null }),
    );
    const result = await fetchProfile({ type: 'github', source: { ...oidc, providerType: 'github', profileUrl: '' }, token, fetch: port });
    expect(result.fallbackEmail).toBeUndefined();
    expect(result.emailVerified).toBeNull();
  });

  it('apple without an id_token fails', async () => {
    const { port, seen } = respond(() => json({}));
    await expect(fetchProfile({ type: 'apple', source: { ...oidc, providerType: 'apple' }, token, fetch: port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
    expect(seen).toHaveLength(0);
  });
});

describe('OIDC userinfo', () => {
  it('header only: Authorization "<token_type> <token>", no access_token in the query, configured query kept', async () => {
    const { port, seen } = respond(() => json({ sub: 'u1', email_verified: 'true' }));
    const result = await fetchProfile({ type: 'openidconnect', source: oidc, token: { ...token, tokenType: 'DPoP-ish' }, fetch: port });
    expect(seen).toHaveLength(1);
    expect(seen[0].headers.get('authorization')).toBe('DPoP-ish at');
    expect(seen[0].url.searchParams.has('access_token')).toBe(false);
    expect(seen[0].url.searchParams.get('tenant')).toBe('1');
    expect(result).toMatchObject({ profile: { sub: 'u1' }, emailVerified: true });
  });

  it('userinfo failure without an id_token fails', async () => {
    const { port } = respond(() => json({}, 500));
    await expect(fetchProfile({ type: 'okta', source: { ...oidc, providerType: 'okta' }, token, fetch: port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
  });

  it('an unverifiable id_token (no keys) is never used as the profile', async () => {
    const { port } = respond(() => json({}, 500));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`;
    await expect(fetchProfile({ type: 'openidconnect', source: oidc, token: { ...token, idToken: unsigned }, fetch: port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
  });
});

describe('OIDC id_token and userinfo consistency', () => {
  it('refuses a userinfo response for another subject than the verified id_token (OIDC Core §5.3.2)', async () => {
    const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' };
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({ sub: 'alice', aud: 'c', iss: 'https://idp.example', iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .sign(privateKey);
    const source = { ...oidc, oidcJwks: { keys: [jwk] }, oidcIssuer: 'https://idp.example' };
    const mismatched = respond(() => json({ sub: 'mallory' }));
    await expect(fetchProfile({ type: 'openidconnect', source, token: { ...token, idToken }, fetch: mismatched.port })).rejects.toThrow(
      'Could not retrieve profile.',
    );
    const matching = respond(() => json({ sub: 'alice', email: 'a@x' }));
    const result = await fetchProfile({ type: 'openidconnect', source, token: { ...token, idToken }, fetch: matching.port });
    expect(result.profile).toEqual({ sub: 'alice', email: 'a@x' });
    expect(result.idTokenClaims?.['sub']).toBe('alice');
  });
});

describe('OIDC id_token: a source must be able to verify it before anything is trusted', () => {
  async function signer() {
    const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'RS256' }] };
    const sign = (claims: Record<string, unknown>) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sub: 'alice', aud: 'c', iat: now, exp: now + 60, nonce: 'n-1', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k' })
        .sign(privateKey);
    };
    return { jwks, sign };
  }
  const userinfoOk = () => respond(() => json({ sub: 'alice', email: 'a@x' }));

  it.each(['openidconnect', 'okta'])('%s: an id_token with no JWKS and no JWKS URL refuses the login, although userinfo answers', async (type) => {
    const { sign } = await signer();
    const idToken = await sign({ iss: 'https://idp.example', nonce: 'forged' });
    const { port } = userinfoOk();
    const source = { ...oidc, providerType: type, oidcIssuer: 'https://idp.example' };
    await expect(fetchProfile({ type, source, token: { ...token, idToken }, fetch: port, nonce: 'n-1' })).rejects.toThrow(ID_TOKEN_REASONS.noKeys);
  });

  it('an id_token from a source with keys but no issuer (none stored, no well-known URL) is refused, even a genuine one', async () => {
    const { jwks, sign } = await signer();
    const idToken = await sign({ iss: 'https://idp.example' });
    const { port } = userinfoOk();
    const source = { ...oidc, oidcJwks: jwks };
    await expect(fetchProfile({ type: 'openidconnect', source, token: { ...token, idToken }, fetch: port, nonce: 'n-1' })).rejects.toThrow(
      ID_TOKEN_REASONS.noIssuer,
    );
  });

  it('without a stored issuer, the issuer is the one the well-known URL implies (OpenID Connect Discovery §4)', async () => {
    const { jwks, sign } = await signer();
    const cases: Array<[string, string, boolean]> = [
      ['https://idp.example/tenant/.well-known/openid-configuration', 'https://idp.example/tenant', true],
      ['https://idp.example/tenant/.well-known/openid-configuration', 'https://idp.example/tenant/', true],
      ['https://idp.example/.well-known/openid-configuration/tenant', 'https://idp.example/tenant', true],
      ['https://idp.example/tenant/.well-known/openid-configuration', 'https://idp.example/other', false],
      ['https://idp.example/tenant/.well-known/openid-configuration', 'https://evil.example/tenant', false],
    ];
    for (const [wellKnown, iss, accepted] of cases) {
      const { port } = userinfoOk();
      const source = { ...oidc, oidcJwks: jwks, oidcWellKnownUrl: wellKnown };
      const result = fetchProfile({ type: 'openidconnect', source, token: { ...token, idToken: await sign({ iss }) }, fetch: port, nonce: 'n-1' });
      if (accepted) expect((await result).idTokenClaims?.['iss'], `${wellKnown} ${iss}`).toBe(iss);
      else await expect(result, `${wellKnown} ${iss}`).rejects.toThrow(ID_TOKEN_REASONS.issuer);
    }
  });

  it('the stored issuer wins over the well-known URL', async () => {
    const { jwks, sign } = await signer();
    const source = {
      ...oidc,
      oidcJwks: jwks,
      oidcIssuer: 'https://issuer.example',
      oidcWellKnownUrl: 'https://idp.example/.well-known/openid-configuration',
    };
    const fromWellKnown = await sign({ iss: 'https://idp.example' });
    await expect(
      fetchProfile({ type: 'openidconnect', source, token: { ...token, idToken: fromWellKnown }, fetch: userinfoOk().port, nonce: 'n-1' }),
    ).rejects.toThrow(ID_TOKEN_REASONS.issuer);
    const stored = await sign({ iss: 'https://issuer.example' });
    expect(
      (await fetchProfile({ type: 'openidconnect', source, token: { ...token, idToken: stored }, fetch: userinfoOk().port, nonce: 'n-1' })).profile,
    ).toEqual({ sub: 'alice', email: 'a@x' });
  });

  it('a profile without an id_token still comes from userinfo alone', async () => {
    const result = await fetchProfile({ type: 'openidconnect', source: oidc, token, fetch: userinfoOk().port });
    expect(result).toMatchObject({ profile: { sub: 'alice' }, idTokenClaims: undefined });
  });
});
