import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, base64url } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ID_TOKEN_REASONS, verifyIdToken } from '../../../src/protocols/oauth/index.js';
import type { IdTokenVerificationInput } from '../../../src/protocols/oauth/index.js';

const ISSUER = 'https://idp.example';
const CLIENT = 'client-1';
const NOW = new Date('2030-01-01T00:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);

type Key = { privateKey: CryptoKey; publicJwk: JWK };
let k1: Key;
let k2: Key;
let other: Key;

async function makeKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

beforeAll(async () => {
  k1 = await makeKey('k1');
  k2 = await makeKey('k2', 'ES256');
  other = await makeKey('k1'); // same kid, different key material
});

function sign(key: Key, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const alg = key.publicJwk.alg as string;
  return new SignJWT({ iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: nowSec, exp: nowSec + 300, nonce: 'n-1', ...claims })
    .setProtectedHeader({ alg, kid: key.publicJwk.kid, ...header })
    .sign(key.privateKey);
}

function input(idToken: string, extra: Partial<IdTokenVerificationInput> = {}): IdTokenVerificationInput {
  return { idToken, clientId: CLIENT, jwks: { keys: [k1.publicJwk] }, expectedIssuer: ISSUER, nonce: 'n-1', now: () => NOW, ...extra };
}

async function reasonOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return (err as Error).message;
}

/** A JWKS fetch port that counts its calls. */
function jwksServer(keys: JWK[]) {
  let calls = 0;
  const port: typeof fetch = async () => {
    calls += 1;
    return new Response(JSON.stringify({ keys }), { headers: { 'content-type': 'application/json' } });
  };
  return { port, calls: () => calls };
}

describe('verifyIdToken', () => {
  it('accepts a good token and returns its claims', async () => {
    const verified = await verifyIdToken(input(await sign(k1)));
    expect(verified.claims).toMatchObject({ sub: 'user-1', nonce: 'n-1' });
    expect(verified.refreshedJwks).toBeUndefined();
  });

  it('accepts ES256 keys and tolerates 60 s of clock skew', async () => {
    const token = await sign(k2, { exp: nowSec - 30 });
    expect((await verifyIdToken(input(token, { jwks: { keys: [k2.publicJwk] } }))).claims.sub).toBe('user-1');
  });

  it('bad signature', async () => {
    const token = await sign(other);
    expect(await reasonOf(verifyIdToken(input(token)))).toBe(ID_TOKEN_REASONS.signature);
  });

  it('tampered payload', async () => {
    const [h, , s] = (await sign(k1)).split('.');
    const forged = base64url.encode(JSON.stringify({ iss: ISSUER, aud: CLIENT, sub: 'admin', iat: nowSec, exp: nowSec + 300, nonce: 'n-1' }));
    expect(await reasonOf(verifyIdToken(input(`${h}.${forged}.${s}`)))).toBe(ID_TOKEN_REASONS.signature);
  });

  it('alg none is refused', async () => {
    const token = new UnsecuredJWT({ iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: nowSec, exp: nowSec + 300, nonce: 'n-1' }).encode();
    expect(await reasonOf(verifyIdToken(input(token)))).toBe(ID_TOKEN_REASONS.algorithm);
  });

  it('HS256 keyed with the public key material is refused', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(k1.publicJwk));
    const token = await new SignJWT({ iss: ISSUER, aud: CLIENT, sub: 'user-1', iat: nowSec, exp: nowSec + 300, nonce: 'n-1' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(secret);
    expect(await reasonOf(verifyIdToken(input(token)))).toBe(ID_TOKEN_REASONS.algorithm);
  });

  it('wrong issuer', async () => {
    expect(await reasonOf(verifyIdToken(input(await sign(k1, { iss: 'https://evil.example' }))))).toBe(ID_TOKEN_REASONS.issuer);
  });

  it('issuer is not checked when unknown', async () => {
    const token = await sign(k1, { iss: 'https://whatever.example' });
    expect((await verifyIdToken(input(token, { expectedIssuer: null }))).claims.iss).toBe('https://whatever.example');
  });

  it('wrong audience', async () => {
    expect(await reasonOf(verifyIdToken(input(await sign(k1, { aud: 'someone-else' }))))).toBe(ID_TOKEN_REASONS.audience);
  });

  it('several audiences require azp = client id', async () => {
    const token = await sign(k1, { aud: [CLIENT, 'api'] });
    expect(await reasonOf(verifyIdToken(input(token)))).toBe(ID_TOKEN_REASONS.authorizedParty);
    const ok = await sign(k1, { aud: [CLIENT, 'api'], azp: CLIENT });
    expect((await verifyIdToken(input(ok))).claims.azp).toBe(CLIENT);
  });

  it('expired beyond the skew', async () => {
    expect(await reasonOf(verifyIdToken(input(await sign(k1, { exp: nowSec - 120 }))))).toBe(ID_TOKEN_REASONS.expired);
  });

  it('not yet valid', async () => {
    expect(await reasonOf(verifyIdToken(input(await sign(k1, { nbf: nowSec + 600 }))))).toBe(ID_TOKEN_REASONS.notYetValid);
  });

  it('missing exp or sub', async () => {
    const noExp = await new SignJWT({ iss: ISSUER, aud: CLIENT, sub: 'u', iat: nowSec, nonce: 'n-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(k1.privateKey);
    expect(await reasonOf(verifyIdToken(input(noExp)))).toBe(ID_TOKEN_REASONS.missingClaim);
    const noSub = await new SignJWT({ iss: ISSUER, aud: CLIENT, iat: nowSec, exp: nowSec + 60, nonce: 'n-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(k1.privateKey);
    expect(await reasonOf(verifyIdToken(input(noSub)))).toBe(ID_TOKEN_REASONS.missingClaim);
  });

  it('nonce mismatch, and a missing nonce when one is expected', async () => {
    expect(await reasonOf(verifyIdToken(input(await sign(k1, { nonce: 'other' }))))).toBe(ID_TOKEN_REASONS.nonce);
    expect(await reasonOf(verifyIdToken(input(await sign(k1, { nonce: undefined }))))).toBe(ID_TOKEN_REASONS.nonce);
  });

  it('malformed token', async () => {
    expect(await reasonOf(verifyIdToken(input('not-a-jwt')))).toBe(ID_TOKEN_REASONS.malformed);
  });

  it('unknown kid without a JWKS URL', async () => {
    expect(await reasonOf(verifyIdToken(input(await sign(k2))))).toBe(ID_TOKEN_REASONS.keyNotFound);
  });

  it('unknown kid → one JWKS refetch (key rotation) succeeds and returns the new JWKS', async () => {
    const server = jwksServer([k2.publicJwk]);
    const verified = await verifyIdToken(input(await sign(k2), { jwksUrl: 'https://idp.example/jwks', fetch: server.port }));
    expect(verified.claims.sub).toBe('user-1');
    expect(verified.refreshedJwks).toEqual({ keys: [k2.publicJwk] });
    expect(server.calls()).toBe(1);
  });

  it('the refetch happens at most once', async () => {
    const server = jwksServer([k1.publicJwk]); // still does not contain k2
    const reason = await reasonOf(verifyIdToken(input(await sign(k2), { jwksUrl: 'https://idp.example/jwks', fetch: server.port })));
    expect(reason).toBe(ID_TOKEN_REASONS.keyNotFound);
    expect(server.calls()).toBe(1);
  });

  it('a bad signature with a known kid does not trigger a refetch', async () => {
    const server = jwksServer([other.publicJwk]);
    const reason = await reasonOf(verifyIdToken(input(await sign(other), { jwksUrl: 'https://idp.example/jwks', fetch: server.port })));
    expect(reason).toBe(ID_TOKEN_REASONS.signature);
    expect(server.calls()).toBe(0);
  });

  it('no cached keys: fetches the JWKS URL; without one there are no keys', async () => {
    const server = jwksServer([k1.publicJwk]);
    const verified = await verifyIdToken(input(await sign(k1), { jwks: {}, jwksUrl: 'https://idp.example/jwks', fetch: server.port }));
    expect(verified.refreshedJwks?.keys).toHaveLength(1);
    expect(await reasonOf(verifyIdToken(input(await sign(k1), { jwks: {} })))).toBe(ID_TOKEN_REASONS.noKeys);
  });

  it('an unreachable JWKS URL', async () => {
    const down: typeof fetch = async () => new Response('nope', { status: 503 });
    expect(await reasonOf(verifyIdToken(input(await sign(k1), { jwks: null, jwksUrl: 'https://idp.example/jwks', fetch: down })))).toBe(
      ID_TOKEN_REASONS.keysUnavailable,
    );
  });
});

describe('verifyIdToken: issue time (iat)', () => {
  it.each([
    ['a day', 86_400],
    ['ten minutes', 600],
    ['61 seconds', 61],
  ])('refuses a token issued %s in the future', async (_n, ahead) => {
    const token = await sign(k1, { iat: nowSec + ahead, exp: nowSec + ahead + 300 });
    expect(await reasonOf(verifyIdToken(input(token)))).toBe(ID_TOKEN_REASONS.notYetValid);
  });

  it('tolerates the same 60 s of clock skew as for exp', async () => {
    for (const ahead of [30, 60]) {
      const token = await sign(k1, { iat: nowSec + ahead });
      expect((await verifyIdToken(input(token))).claims.iat).toBe(nowSec + ahead);
    }
  });

  it('follows a configured tolerance', async () => {
    const token = await sign(k1, { iat: nowSec + 200, exp: nowSec + 600 });
    expect((await verifyIdToken(input(token, { clockToleranceSeconds: 300 }))).claims.sub).toBe('user-1');
    expect(await reasonOf(verifyIdToken(input(token, { clockToleranceSeconds: 120 })))).toBe(ID_TOKEN_REASONS.notYetValid);
  });
});
