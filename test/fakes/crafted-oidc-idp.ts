/**
 * A deliberately small OpenID Provider on 127.0.0.1 whose token endpoint hands out id_tokens
 * crafted by the test (wrong or missing nonce, foreign signature, `alg: none`, HS256 keyed with
 * the public key, wrong iss/aud, expired), so
 * the relying party's id_token checks can be exercised end to end. A real provider
 * (oidc-provider) never issues such tokens, hence this fake.
 *
 * - `/authorize` logs in at once: it redirects to `redirect_uri` with a fresh code and `state`,
 *   remembering the nonce and PKCE challenge of the request.
 * - `/token` checks the code (single use), client_secret_basic and the S256 verifier, then
 *   answers with `tokens` and an id_token made according to `idToken` (or none).
 * - `/userinfo` answers `userinfo` (default: `claims`) to the issued access token.
 * - `/jwks` publishes the signing key. `tokenEndpoint: 'down'` resets the connection.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';

export type IdTokenKind =
  'valid' | 'none' | 'hs256-public-key' | 'foreign-signature' | 'wrong-iss' | 'wrong-aud' | 'expired' | 'wrong-nonce' | 'no-nonce' | 'omit';

export interface CraftedIdp {
  readonly issuer: string;
  readonly wellKnownUrl: string;
  readonly tokenUrl: string;
  /** Claims of the id_token and (by default) the userinfo answer. */
  claims: Record<string, unknown>;
  /** Userinfo body; null → the endpoint answers 500. Default: `claims`. */
  userinfo: Record<string, unknown> | null | undefined;
  idToken: IdTokenKind;
  tokens: { access_token: string; refresh_token?: string; expires_in?: number };
  tokenEndpoint: 'ok' | 'down' | 'html-503';
  /** Every token request body that reached the fake. */
  readonly tokenRequests: URLSearchParams[];
  reset(): void;
  close(): Promise<void>;
}

const KID = 'crafted-1';

async function keyPair(): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startCraftedIdp(opts: { clientId: string; clientSecret: string }): Promise<CraftedIdp> {
  const signing = await keyPair();
  // Same kid, different key: a token that looks right but was not signed by the IdP.
  const foreign = await keyPair();
  const codes = new Map<string, { nonce: string | null; challenge: string | null }>();
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const defaults = () => ({
    claims: { sub: 'crafted-sub', email: 'crafted@example.com', email_verified: true, name: 'Crafted User', preferred_username: 'crafted' } as Record<
      string,
      unknown
    >,
    userinfo: undefined as Record<string, unknown> | null | undefined,
    idToken: 'valid' as IdTokenKind,
    tokens: {
      access_token: `at-${randomBytes(12).toString('hex')}`,
      refresh_token: `rt-${randomBytes(12).toString('hex')}`,
      expires_in: 1800,
    } as CraftedIdp['tokens'],
    tokenEndpoint: 'ok' as CraftedIdp['tokenEndpoint'],
  });

  async function idToken(nonce: string | null): Promise<string | undefined> {
    const kind = fake.idToken;
    if (kind === 'omit') return undefined;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      ...fake.claims,
      iss: issuer,
      aud: opts.clientId,
      iat: now,
      exp: now + 300,
      ...(nonce ? { nonce } : {}),
    };
    if (kind === 'wrong-iss') claims.iss = 'https://evil.example';
    if (kind === 'wrong-aud') claims.aud = 'someone-else';
    if (kind === 'wrong-nonce') claims.nonce = 'not-the-nonce';
    if (kind === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (kind === 'no-nonce') delete claims.nonce;
    if (kind === 'none') return new UnsecuredJWT(claims).encode();
    if (kind === 'hs256-public-key') {
      // Algorithm confusion: an HMAC "signed" with the IdP's public key, which anyone can read.
      const secret = new TextEncoder().encode(JSON.stringify(signing.publicJwk));
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: KID, typ: 'JWT' }).sign(secret);
    }
    const key = kind === 'foreign-signature' ? foreign.privateKey : signing.privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' }).sign(key);
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (fake.tokenEndpoint === 'down') {
      req.socket.destroy();
      return;
    }
    if (fake.tokenEndpoint === 'html-503') {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body>Service Unavailable</body></html>');
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    fake.tokenRequests.push(form);
    const expected = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
    const grant = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    if (!grant) return json(res, 400, { error: 'invalid_grant', error_description: 'Unknown or used code.' });
    const verifier = form.get('code_verifier') ?? '';
    if (grant.challenge && createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed.' });
    }
    const id = await idToken(grant.nonce);
    json(res, 200, { ...fake.tokens, token_type: 'Bearer', ...(id ? { id_token: id } : {}) });
  }

  function handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    const url = new URL(req.url ?? '/', issuer);
    switch (url.pathname) {
      case '/.well-known/openid-configuration':
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      case '/jwks':
        return json(res, 200, { keys: [signing.publicJwk] });
      case '/authorize': {
        const code = randomBytes(16).toString('hex');
        codes.set(code, { nonce: url.searchParams.get('nonce'), challenge: url.searchParams.get('code_challenge') });
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: back.toString() });
        res.end();
        return;
      }
      case '/token':
        return token(req, res);
      case '/userinfo': {
        if (req.headers.authorization !== `Bearer ${fake.tokens.access_token}`) return json(res, 401, { error: 'invalid_token' });
        const body = fake.userinfo === undefined ? fake.claims : fake.userinfo;
        return body === null ? json(res, 500, { error: 'server_error' }) : json(res, 200, body);
      }
      default:
        return json(res, 404, { error: 'not_found' });
    }
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handle(req, res)).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });

  const fake: CraftedIdp = {
    issuer,
    wellKnownUrl: `${issuer}/.well-known/openid-configuration`,
    tokenUrl: `${issuer}/token`,
    ...defaults(),
    tokenRequests: [],
    reset() {
      Object.assign(fake, defaults());
      fake.tokenRequests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return fake;
}
