/**
 * id_token verification with jose (OIDC Core §3.1.3.7). Safer than authentik:
 * the issuer is checked when given (fetchProfile refuses to verify without one), expiry, issue
 * time and nonce always, only asymmetric
 * algorithms are accepted (never `none`, never HS* — a public JWKS must not become an HMAC
 * secret).
 * Keys: the source's cached JWKS first; on a kid miss one refetch of the JWKS URL (rotation).
 */
import type { JSONWebKeySet, JWTHeaderParameters, JWTPayload } from 'jose';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { fetchJwks } from './discovery.js';
import { oauthError } from './errors.js';
import type { FetchLimits } from './http.js';
import { isJsonObject } from './http.js';
import type { Clock, FetchPort } from './types.js';

export const ALLOWED_ID_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Accepted clock difference with the IdP for `exp`, `nbf` and `iat`. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;

export const ID_TOKEN_REASONS = {
  malformed: 'ID token is malformed.',
  algorithm: 'ID token algorithm is not allowed.',
  noKeys: 'No keys are available to verify the ID token.',
  noIssuer: 'This source has no issuer configured, so its ID tokens cannot be verified.',
  keysUnavailable: 'Could not fetch the keys to verify the ID token.',
  keyNotFound: 'ID token signing key not found.',
  keyAmbiguous: 'ID token signing key is ambiguous.',
  keysInvalid: 'ID token signing keys are invalid.',
  signature: 'ID token signature is invalid.',
  issuer: 'ID token issuer mismatch.',
  audience: 'ID token audience mismatch.',
  authorizedParty: 'ID token authorized party mismatch.',
  expired: 'ID token has expired.',
  notYetValid: 'ID token is not yet valid.',
  nonce: 'ID token nonce mismatch.',
  missingClaim: 'ID token is missing a required claim.',
  unverifiable: 'ID token could not be verified.',
} as const;

export interface IdTokenVerificationInput {
  idToken: string;
  /** Expected audience (the OAuth client id). */
  clientId: string;
  /** Cached JWKS JSON (the source's `oidc_jwks`); `{}`/null means none cached. */
  jwks?: unknown;
  /** Fetched when nothing is cached, or once on a kid miss. Needs `fetch`. */
  jwksUrl?: string | null;
  fetch?: FetchPort;
  /** The issuer, or the spellings of it, the token must name; not checked when null or empty. */
  expectedIssuer?: string | readonly string[] | null;
  /** The nonce sent with the authorization request; checked when given. */
  nonce?: string | null;
  now?: Clock;
  clockToleranceSeconds?: number;
  limits?: FetchLimits;
}

export interface VerifiedIdToken {
  claims: JWTPayload;
  header: JWTHeaderParameters;
  /** Set when a JWKS was fetched: the caller may replace the source's cached `oidc_jwks`. */
  refreshedJwks?: JSONWebKeySet;
}

/** A usable JWKS (`{keys: [...]}` with at least one key), else null. */
export function asJwks(value: unknown): JSONWebKeySet | null {
  if (!isJsonObject(value) || !Array.isArray(value['keys']) || value['keys'].length === 0) {
    return null;
  }
  return value as unknown as JSONWebKeySet;
}

function fail(reason: string, code: string, cause?: unknown): never {
  throw oauthError(reason, code, cause);
}

function mapJoseError(err: unknown): never {
  const code = (err as { code?: string }).code;
  const claim = (err as { claim?: string }).claim;
  const reason = (err as { reason?: string }).reason;
  const R = ID_TOKEN_REASONS;
  switch (code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return fail(R.keyNotFound, 'id_token_kid', err);
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return fail(R.keyAmbiguous, 'id_token_kid', err);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return fail(R.signature, 'id_token_signature', err);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return fail(R.algorithm, 'id_token_alg', err);
    case 'ERR_JWT_EXPIRED':
      return fail(R.expired, 'id_token_exp', err);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return fail(R.malformed, 'id_token_malformed', err);
    case 'ERR_JWK_INVALID':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return fail(R.keysInvalid, 'id_token_keys', err);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') fail(R.missingClaim, `id_token_missing_${claim}`, err);
      if (claim === 'iss') fail(R.issuer, 'id_token_iss', err);
      if (claim === 'aud') fail(R.audience, 'id_token_aud', err);
      if (claim === 'nbf' || claim === 'iat') fail(R.notYetValid, `id_token_${claim}`, err);
      return fail(R.unverifiable, `id_token_${claim ?? 'claim'}`, err);
    default:
      return fail(R.unverifiable, 'id_token_unverifiable', err);
  }
}

function issuerOption(expected: string | readonly string[] | null | undefined): string | string[] | undefined {
  if (typeof expected === 'string') return expected === '' ? undefined : expected;
  return expected && expected.length > 0 ? [...expected] : undefined;
}

export async function verifyIdToken(input: IdTokenVerificationInput): Promise<VerifiedIdToken> {
  let header: JWTHeaderParameters;
  try {
    header = decodeProtectedHeader(input.idToken) as JWTHeaderParameters;
  } catch (cause) {
    fail(ID_TOKEN_REASONS.malformed, 'id_token_malformed', cause);
  }
  const algorithms: string[] = [...ALLOWED_ID_TOKEN_ALGORITHMS];
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    fail(ID_TOKEN_REASONS.algorithm, 'id_token_alg');
  }

  const verifyWith = async (jwks: JSONWebKeySet) =>
    jwtVerify(input.idToken, createLocalJWKSet(jwks), {
      algorithms,
      audience: input.clientId,
      issuer: issuerOption(input.expectedIssuer),
      clockTolerance: input.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      currentDate: input.now?.(),
      requiredClaims: ['exp', 'iat', 'sub'],
    });
  const fetchKeys = async (url: string) => {
    if (!input.fetch) fail(ID_TOKEN_REASONS.keysUnavailable, 'id_token_no_fetch');
    try {
      return await fetchJwks({ jwksUrl: url, fetch: input.fetch, limits: input.limits });
    } catch (cause) {
      fail(ID_TOKEN_REASONS.keysUnavailable, 'id_token_jwks_fetch', cause);
    }
  };

  const cached = asJwks(input.jwks);
  let refreshedJwks: JSONWebKeySet | undefined;
  let result;
  try {
    if (cached) {
      try {
        result = await verifyWith(cached);
      } catch (err) {
        const kidMiss = (err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
        if (!kidMiss || !input.jwksUrl) throw err;
        refreshedJwks = await fetchKeys(input.jwksUrl); // key rotation: refetch once
        result = await verifyWith(refreshedJwks);
      }
    } else if (input.jwksUrl) {
      refreshedJwks = await fetchKeys(input.jwksUrl);
      result = await verifyWith(refreshedJwks);
    } else {
      fail(ID_TOKEN_REASONS.noKeys, 'id_token_no_keys');
    }
  } catch (err) {
    if ((err as { protocol?: string }).protocol === 'oauth') throw err;
    mapJoseError(err);
  }

  const claims = result.payload;
  // jose checks that `iat` is a number, not that it lies in the past: a token "issued" hours
  // from now is refused, with the same clock tolerance as `exp` (OIDC Core §3.1.3.7 (10)).
  const tolerance = input.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((input.now?.() ?? new Date()).getTime() / 1000);
  if (typeof claims.iat === 'number' && claims.iat > nowSeconds + tolerance) {
    fail(ID_TOKEN_REASONS.notYetValid, 'id_token_iat');
  }
  // OIDC Core §3.1.3.7 (4, 5): with several audiences the authorized party must be us.
  const multiAud = Array.isArray(claims.aud) && claims.aud.length > 1;
  if ((multiAud || claims['azp'] !== undefined) && claims['azp'] !== input.clientId) {
    fail(ID_TOKEN_REASONS.authorizedParty, 'id_token_azp');
  }
  if (input.nonce && claims['nonce'] !== input.nonce) {
    fail(ID_TOKEN_REASONS.nonce, 'id_token_nonce');
  }
  return { claims, header: result.protectedHeader, refreshedJwks };
}
