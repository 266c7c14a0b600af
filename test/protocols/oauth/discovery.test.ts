import { describe, expect, it } from 'vitest';
import { canonicalJson, discoverOidcConfiguration, DiscoveryError, fetchJwks } from '../../../src/protocols/oauth/index.js';
import { requestUrl } from '../../support/fetch-calls.js';

const WELL_KNOWN = 'https://idp.example/.well-known/openid-configuration';
const doc = {
  issuer: 'https://idp.example',
  authorization_endpoint: 'https://idp.example/authorize',
  token_endpoint: 'https://idp.example/token',
  userinfo_endpoint: 'https://idp.example/userinfo',
  jwks_uri: 'https://idp.example/jwks',
  code_challenge_methods_supported: ['plain', 'S256'],
};

const serve = (body: string, status = 200, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
  const urls: string[] = [];
  const port: typeof fetch = async (url) => {
    urls.push(requestUrl(url));
    return new Response(body, { status, headers });
  };
  return { port, urls };
};

async function failure(p: Promise<unknown>): Promise<DiscoveryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscoveryError);
  return err as DiscoveryError;
}

describe('discoverOidcConfiguration (OpenID Connect Discovery 1.0 §4)', () => {
  it('maps the four endpoints, the issuer and S256', async () => {
    const { port, urls } = serve(JSON.stringify(doc));
    const result = await discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: port });
    expect(urls).toEqual([WELL_KNOWN]);
    expect(result).toMatchObject({
      authorizationUrl: doc.authorization_endpoint,
      accessTokenUrl: doc.token_endpoint,
      profileUrl: doc.userinfo_endpoint,
      oidcJwksUrl: doc.jwks_uri,
      issuer: 'https://idp.example',
      pkce: 'S256',
    });
  });

  it('pkce stays null without S256 support', async () => {
    const { port } = serve(JSON.stringify({ ...doc, code_challenge_methods_supported: ['plain'] }));
    expect((await discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: port })).pkce).toBeNull();
  });

  it.each(['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'])('missing %s is invalid', async (key) => {
    const { [key as keyof typeof doc]: _gone, ...rest } = doc;
    const err = await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve(JSON.stringify(rest)).port }));
    expect(err.field).toBe('oidc_well_known_url');
    expect(err.message).toBe(`Invalid well-known configuration: '${key}'`);
  });

  it('an empty document is invalid (first missing key reported)', async () => {
    const err = await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve('{}').port }));
    expect(err.message).toBe("Invalid well-known configuration: 'authorization_endpoint'");
  });

  it('endpoints must be http(s) URLs', async () => {
    const { port } = serve(JSON.stringify({ ...doc, token_endpoint: 'file:///etc/passwd' }));
    expect((await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: port }))).message).toBe(
      "Invalid well-known configuration: 'token_endpoint'",
    );
  });

  it('HTTP failure reports the status, never the body (an admin-set URL must not read internal services)', async () => {
    const err = await failure(
      discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve('Not Found', 404, { 'content-type': 'text/plain' }).port }),
    );
    expect(err.message).toBe('The server answered HTTP 404 Not Found.');
    const secret = await failure(
      fetchJwks({ jwksUrl: 'https://idp.example/jwks', fetch: serve('aws_secret_access_key=AKIAEXAMPLESECRET', 500).port }),
    );
    expect(secret.message).toBe('The server answered HTTP 500 Internal Server Error.');
    expect(secret.message).not.toContain('AKIA');
  });

  it('non-JSON, oversized and non-http URLs are refused', async () => {
    expect((await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve('<html>').port }))).message).toMatch(/not valid JSON/);
    const huge = JSON.stringify({ ...doc, padding: 'x'.repeat(300 * 1024) });
    expect((await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve(huge).port }))).message).toMatch(/exceeds/);
    const { port, urls } = serve(JSON.stringify(doc));
    await failure(discoverOidcConfiguration({ wellKnownUrl: 'gopher://idp.example/x', fetch: port }));
    expect(urls).toHaveLength(0);
  });

  it('times out', async () => {
    const hang: typeof fetch = (_u, init) =>
      new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('timed out'))));
    const err = await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: hang, limits: { timeoutMs: 20 } }));
    expect(err.message).toBe('timed out');
  });
});

describe('fetchJwks', () => {
  it('returns a valid JWKS', async () => {
    const jwks = { keys: [{ kty: 'RSA', kid: 'a', n: 'xx', e: 'AQAB' }] };
    expect(await fetchJwks({ jwksUrl: 'https://idp.example/jwks', fetch: serve(JSON.stringify(jwks)).port })).toEqual(jwks);
  });
  it('rejects other shapes under the jwks_url field', async () => {
    for (const body of ['{}', '{"keys": {}}', '{"keys": [{"kid": "no-kty"}]}', '[]']) {
      const err = await failure(fetchJwks({ jwksUrl: 'https://idp.example/jwks', fetch: serve(body).port }));
      expect(err.field).toBe('jwks_url');
    }
  });
});

describe('canonicalJson', () => {
  it('ignores key order, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 2 } })).toBe(canonicalJson({ a: { c: 2, d: [1, { y: 2, z: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});

describe('discoverOidcConfiguration: the issuer is the URL the document was fetched from (OpenID Connect Discovery 1.0 §4.3)', () => {
  const docFor = (issuer: unknown) => JSON.stringify({ ...doc, issuer });

  it.each([
    ['another host', 'https://evil.example'],
    ['another path on the same host', 'https://idp.example/tenant-b'],
    ['another scheme', 'http://idp.example'],
    ['a prefix of it', 'https://idp.exampl'],
  ])('refuses an issuer naming %s', async (_n, issuer) => {
    const err = await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve(docFor(issuer)).port }));
    expect(err.field).toBe('oidc_well_known_url');
    expect(err.message).toBe("Invalid well-known configuration: 'issuer' must be the URL the document was fetched from (https://idp.example).");
  });

  it.each([undefined, '', 42, 'javascript:alert(1)'])('refuses a missing or non-URL issuer (%j)', async (issuer) => {
    const err = await failure(discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve(docFor(issuer)).port }));
    expect(err.message).toBe("Invalid well-known configuration: 'issuer'");
  });

  it.each([
    ['a path issuer', 'https://kc.example/realms/acme/.well-known/openid-configuration', 'https://kc.example/realms/acme'],
    ['a root issuer written with its trailing slash', 'https://tenant.example/.well-known/openid-configuration', 'https://tenant.example/'],
    [
      'a path issuer written with its trailing slash',
      'https://idp.example/oauth2/default/.well-known/openid-configuration',
      'https://idp.example/oauth2/default/',
    ],
    ['different case in scheme and host', 'https://IdP.Example/.well-known/openid-configuration', 'HTTPS://idp.example'],
    [
      'the RFC 8414 form (well-known segment before the path)',
      'https://host.example/.well-known/openid-configuration/tenant',
      'https://host.example/tenant',
    ],
  ])('accepts %s', async (_n, wellKnownUrl, issuer) => {
    const result = await discoverOidcConfiguration({ wellKnownUrl, fetch: serve(docFor(issuer)).port });
    expect(result.issuer).toBe(issuer);
  });

  it('refuses a URL that is not a well-known configuration URL (no issuer can be derived)', async () => {
    const err = await failure(
      discoverOidcConfiguration({ wellKnownUrl: 'https://idp.example/config.json', fetch: serve(docFor('https://idp.example')).port }),
    );
    expect(err.message).toBe('The URL must end with /.well-known/openid-configuration (OpenID Connect Discovery 1.0 §4).');
  });
});

describe('discoverOidcConfiguration: endpoints', () => {
  it.each(['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'])('refuses a javascript: %s', async (key) => {
    const err = await failure(
      discoverOidcConfiguration({
        wellKnownUrl: WELL_KNOWN,
        fetch: serve(JSON.stringify({ ...doc, [key]: 'javascript:alert(document.cookie)' })).port,
      }),
    );
    expect(err.message).toBe(`Invalid well-known configuration: '${key}'`);
  });

  it.each([' https://idp.example/authorize', 'HTTPS:idp.example/authorize', '//idp.example/authorize', 'data:text/html,x'])(
    'refuses the disguised authorization_endpoint %j',
    async (value) => {
      const err = await failure(
        discoverOidcConfiguration({ wellKnownUrl: WELL_KNOWN, fetch: serve(JSON.stringify({ ...doc, authorization_endpoint: value })).port }),
      );
      expect(err.message).toBe("Invalid well-known configuration: 'authorization_endpoint'");
    },
  );
});
