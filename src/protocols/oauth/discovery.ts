/**
 * Well-known (OIDC discovery) and JWKS fetching for the admin API's validation and the periodic
 * refresh job (SPEC §3.7). Everything goes through the fetch port with a timeout and a size cap,
 * only http(s) URLs are fetched, and the document's endpoints must themselves be http(s) URLs.
 */
import type { JSONWebKeySet } from 'jose';
import { DiscoveryError } from './errors.js';
import type { FetchLimits } from './http.js';
import { boundedFetch, isHttpUrl, isJsonObject, tryParseJson } from './http.js';
import type { FetchPort, JsonObject, PkceMode } from './types.js';

/** Discovery documents and JWKS are small; 256 KiB is generous. */
export const DISCOVERY_LIMITS: Required<FetchLimits> = { timeoutMs: 5_000, maxBytes: 256 * 1024 };

export interface DiscoveredConfiguration {
  authorizationUrl: string;
  accessTokenUrl: string;
  profileUrl: string;
  oidcJwksUrl: string;
  /** `issuer` of the document, when present (use as the expected id_token issuer). */
  issuer: string | null;
  /** `S256` when the document advertises it, else null (leave the source's value alone). */
  pkce: PkceMode | null;
  raw: JsonObject;
}

const REQUIRED_KEYS = [
  ['authorization_endpoint', 'authorizationUrl'],
  ['token_endpoint', 'accessTokenUrl'],
  ['userinfo_endpoint', 'profileUrl'],
  ['jwks_uri', 'oidcJwksUrl'],
] as const;

async function getJson(
  field: 'oidc_well_known_url' | 'jwks_url',
  url: string,
  fetchPort: FetchPort,
  limits: FetchLimits | undefined,
): Promise<unknown> {
  if (!isHttpUrl(url)) throw new DiscoveryError(field, 'URL must be an absolute http(s) URL.');
  let res;
  try {
    res = await boundedFetch(
      fetchPort,
      url,
      { method: 'GET', headers: { Accept: 'application/json' } },
      { ...DISCOVERY_LIMITS, ...limits },
    );
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new DiscoveryError(field, message, cause);
  }
  // SPEC §3.7: an HTTP failure reports the body (or the error) — truncated for sanity.
  if (!res.ok) throw new DiscoveryError(field, res.text.slice(0, 500) || `HTTP ${res.status}`);
  const json = tryParseJson(res.text);
  if (json === undefined) throw new DiscoveryError(field, 'Response is not valid JSON.');
  return json;
}

export async function discoverOidcConfiguration(input: {
  wellKnownUrl: string;
  fetch: FetchPort;
  limits?: FetchLimits;
}): Promise<DiscoveredConfiguration> {
  const doc = await getJson('oidc_well_known_url', input.wellKnownUrl, input.fetch, input.limits);
  const raw: JsonObject = isJsonObject(doc) ? doc : {};
  const urls: Record<string, string> = {};
  for (const [key, prop] of REQUIRED_KEYS) {
    const value = raw[key];
    if (!isHttpUrl(value)) {
      throw new DiscoveryError('oidc_well_known_url', `Invalid well-known configuration: '${key}'`);
    }
    urls[prop] = value;
  }
  const methods = raw['code_challenge_methods_supported'];
  return {
    authorizationUrl: urls['authorizationUrl'],
    accessTokenUrl: urls['accessTokenUrl'],
    profileUrl: urls['profileUrl'],
    oidcJwksUrl: urls['oidcJwksUrl'],
    issuer: typeof raw['issuer'] === 'string' && raw['issuer'] !== '' ? raw['issuer'] : null,
    pkce: Array.isArray(methods) && methods.includes('S256') ? 'S256' : null,
    raw,
  };
}

/** Fetch a JWKS and check its shape (`{keys: [{kty, …}, …]}`). */
export async function fetchJwks(input: {
  jwksUrl: string;
  fetch: FetchPort;
  limits?: FetchLimits;
}): Promise<JSONWebKeySet> {
  const json = await getJson('jwks_url', input.jwksUrl, input.fetch, input.limits);
  const keys = isJsonObject(json) ? json['keys'] : undefined;
  if (!Array.isArray(keys) || !keys.every((k) => isJsonObject(k) && typeof k['kty'] === 'string')) {
    throw new DiscoveryError('jwks_url', 'Invalid JWKS: expected {"keys": [...]}.');
  }
  return json as unknown as JSONWebKeySet;
}

/** Key-sorted JSON, for "did the JWKS/document change?" comparisons in the refresh job. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isJsonObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
