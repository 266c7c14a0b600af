/**
 * Outbound HTTP for the OAuth core. Fetching itself (SSRF guards, redirects, timeout, size cap,
 * no upstream bodies in errors) lives in net/outbound-fetch.ts, shared with SAML metadata; this
 * module re-exports it for the OAuth files and keeps the small JSON/URL helpers they share.
 */
import type { JsonObject } from './types.js';

export {
  DEFAULT_MAX_BYTES,
  DEFAULT_TIMEOUT_MS,
  DestinationRefusedError,
  OutboundFetchError,
  ResponseTooLargeError,
  boundedFetch,
  describeStatus,
} from '../../net/outbound-fetch.js';
export type { BoundedResponse, FetchLimits } from '../../net/outbound-fetch.js';
export { isHttpUrl } from '../../domain/urls.js';

/** `JSON.parse` that returns `undefined` instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Append query parameters to a URL, keeping the ones it already has. */
export function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}
