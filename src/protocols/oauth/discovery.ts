/**
 * Well-known (OIDC discovery) and JWKS fetching for the admin API's validation and the periodic
 * refresh job. Everything goes through net/outbound-fetch (timeout, size cap, SSRF
 * guards), only http(s) URLs are fetched, the document's endpoints must themselves be http(s)
 * URLs, and its issuer must be the URL it was fetched from (OpenID Connect Discovery 1.0 §4.3).
 * Failures name the HTTP status, never the upstream body.
 */
import type { JSONWebKeySet } from 'jose';
import { DiscoveryError } from './errors.js';
import type { FetchLimits } from './http.js';
import { boundedFetch, describeStatus, isHttpUrl, isJsonObject, tryParseJson } from './http.js';
import type { FetchPort, JsonObject, PkceMode } from './types.js';

/** Discovery documents and JWKS are small; 256 KiB is generous. */
export const DISCOVERY_LIMITS: Required<Pick<FetchLimits, 'timeoutMs' | 'maxBytes'>> = { timeoutMs: 5_000, maxBytes: 256 * 1024 };

export interface DiscoveredConfiguration {
  authorizationUrl: string;
  accessTokenUrl: string;
  profileUrl: string;
  oidcJwksUrl: string;
  /**
   * `issuer` of the document, checked against the URL it came from; use it as the expected
   * id_token issuer. (Typed nullable for callers written when it was optional; never null now.)
   */
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
    res = await boundedFetch(fetchPort, url, { method: 'GET', headers: { Accept: 'application/json' } }, { ...DISCOVERY_LIMITS, ...limits });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new DiscoveryError(field, message, cause);
  }
  // The status only: echoing the body would let this URL field read internal services (SSRF).
  if (!res.ok) throw new DiscoveryError(field, `The server answered ${describeStatus(res.status)}.`);
  const json = tryParseJson(res.text);
  if (json === undefined) throw new DiscoveryError(field, 'Response is not valid JSON.');
  return json;
}

const WELL_KNOWN_SUFFIX = '/.well-known/openid-configuration';

/**
 * The issuers a document fetched from `wellKnownUrl` may name. OpenID Connect Discovery 1.0 §4:
 * `<issuer>/.well-known/openid-configuration`, a terminating "/" of the issuer's path removed
 * first; RFC 8414 (§3.1, applied to openid-configuration in §5) puts the well-known segment
 * between host and path instead (`https://host/.well-known/openid-configuration/tenant` for
 * issuer `https://host/tenant`).
 */
export function issuersForWellKnownUrl(wellKnownUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(wellKnownUrl);
  } catch {
    return [];
  }
  const path = url.pathname;
  const out: string[] = [];
  if (path.endsWith(WELL_KNOWN_SUFFIX)) out.push(url.origin + path.slice(0, -WELL_KNOWN_SUFFIX.length));
  if (path.startsWith(`${WELL_KNOWN_SUFFIX}/`)) out.push(url.origin + path.slice(WELL_KNOWN_SUFFIX.length));
  return out;
}

/** Same URL up to WHATWG normalisation (case of scheme/host, default port) and one trailing "/". */
function sameIssuer(a: string, b: string): boolean {
  const norm = (v: string) => new URL(v).href.replace(/\/$/, '');
  return norm(a) === norm(b);
}

/**
 * §4.3: "The issuer value returned MUST be identical to the Issuer URL that was used as the
 * prefix to /.well-known/openid-configuration". Otherwise a document served at one IdP's URL
 * could make us trust id_tokens issued by another.
 */
function checkIssuer(wellKnownUrl: string, issuer: unknown): string {
  const expected = issuersForWellKnownUrl(wellKnownUrl);
  if (expected.length === 0) {
    throw new DiscoveryError('oidc_well_known_url', `The URL must end with ${WELL_KNOWN_SUFFIX} (OpenID Connect Discovery 1.0 §4).`);
  }
  if (!isHttpUrl(issuer)) throw new DiscoveryError('oidc_well_known_url', "Invalid well-known configuration: 'issuer'");
  if (!expected.some((e) => sameIssuer(issuer, e))) {
    throw new DiscoveryError(
      'oidc_well_known_url',
      `Invalid well-known configuration: 'issuer' must be the URL the document was fetched from (${expected[0]}).`,
    );
  }
  return issuer;
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
  const issuer = checkIssuer(input.wellKnownUrl, raw['issuer']);
  const methods = raw['code_challenge_methods_supported'];
  return {
    authorizationUrl: urls['authorizationUrl'],
    accessTokenUrl: urls['accessTokenUrl'],
    profileUrl: urls['profileUrl'],
    oidcJwksUrl: urls['oidcJwksUrl'],
    issuer,
    pkce: Array.isArray(methods) && methods.includes('S256') ? 'S256' : null,
    raw,
  };
}

/** Fetch a JWKS and check its shape (`{keys: [{kty, …}, …]}`). */
export async function fetchJwks(input: { jwksUrl: string; fetch: FetchPort; limits?: FetchLimits }): Promise<JSONWebKeySet> {
  const json = await getJson('jwks_url', input.jwksUrl, input.fetch, input.limits);
  const keys = isJsonObject(json) ? json['keys'] : undefined;
  if (!Array.isArray(keys) || !keys.every((k) => isJsonObject(k) && typeof k['kty'] === 'string')) {
    throw new DiscoveryError('jwks_url', 'Invalid JWKS: expected {"keys": [...]}.');
  }
  return json as JSONWebKeySet;
}

/** Key-sorted JSON, for "did the JWKS/document change?" comparisons in the refresh job. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    isJsonObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
