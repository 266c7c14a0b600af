/** Parsing and normalising token-endpoint responses of every provider type. */
import { isJsonObject, tryParseJson } from './http.js';
import type { ProviderType } from './provider-types.js';
import type { JsonObject, TokenSet } from './types.js';

/**
 * JSON first; GitHub (and some older servers) answer `application/x-www-form-urlencoded` when
 * they ignore `Accept: application/json`, so fall back to that.
 */
export function parseTokenBody(text: string, contentType: string): JsonObject | null {
  const json = tryParseJson(text);
  if (isJsonObject(json)) return json;
  if (json !== undefined) return null; // valid JSON but not an object
  const looksForm =
    contentType.includes('x-www-form-urlencoded') ||
    contentType.startsWith('text/plain') ||
    /^[\w.~%+-]+=[^&]*(&[\w.~%+-]+=[^&]*)*$/.test(text.trim());
  if (!looksForm || text.trim() === '') return null;
  return Object.fromEntries(new URLSearchParams(text.trim()));
}

/**
 * The user-facing reason of an error response: `error_description` ?? `error` (RFC 6749 §5.2,
 * Slack `{ok:false,error}`), or WeChat's `errmsg` when `errcode` is non-zero.
 */
export function tokenErrorReason(body: JsonObject): string | null {
  const error = body['error'];
  if (error !== undefined && error !== null && error !== '') {
    const description = body['error_description'];
    if (typeof description === 'string' && description !== '') return description;
    return typeof error === 'string' ? error : 'Could not retrieve token.';
  }
  const errcode = body['errcode'];
  if (errcode !== undefined && errcode !== 0 && errcode !== '0') {
    const msg = body['errmsg'];
    return typeof msg === 'string' && msg !== '' ? msg : 'Could not retrieve token.';
  }
  return null;
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function optionalSeconds(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Slack: when `authed_user.access_token` exists it replaces the top-level token,
 * refresh token and lifetime, and `id` = the authed user id. Token type is forced to Bearer.
 */
function normaliseSlack(body: JsonObject): JsonObject {
  const user = body['authed_user'];
  const out: JsonObject = { ...body, token_type: 'Bearer' };
  if (isJsonObject(user) && typeof user['access_token'] === 'string') {
    out['access_token'] = user['access_token'];
    if (user['refresh_token'] !== undefined) out['refresh_token'] = user['refresh_token'];
    if (user['expires_in'] !== undefined) out['expires_in'] = user['expires_in'];
    if (user['id'] !== undefined) out['id'] = user['id'];
  }
  return out;
}

/** `null` when no access token is present. */
export function normaliseTokenResponse(type: ProviderType, body: JsonObject): TokenSet | null {
  const raw = type.tokenResponse === 'slack' ? normaliseSlack(body) : body;
  const accessToken = optionalString(raw['access_token']);
  if (!accessToken) return null;
  return {
    accessToken,
    tokenType: optionalString(raw['token_type']) ?? 'Bearer',
    refreshToken: optionalString(raw['refresh_token']),
    expiresIn: optionalSeconds(raw['expires_in']),
    idToken: optionalString(raw['id_token']),
    scope: optionalString(raw['scope']),
    raw,
  };
}
