/**
 * Bounded outbound HTTP through the injected fetch port: a timeout and a response-size cap on
 * every call (the URLs are admin-configured, so treat them as an SSRF/DoS surface, SPEC §8.7).
 */
import type { FetchPort, JsonObject } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface FetchLimits {
  timeoutMs?: number;
  maxBytes?: number;
}

export interface BoundedResponse {
  status: number;
  ok: boolean;
  contentType: string;
  text: string;
}

export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`Response body exceeds ${maxBytes} bytes.`);
  }
}

/** Fetch `url` and read at most `maxBytes` of its body. Network errors and timeouts throw. */
export async function boundedFetch(
  fetchPort: FetchPort,
  url: string,
  init: RequestInit,
  limits: FetchLimits = {},
): Promise<BoundedResponse> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const signal = AbortSignal.timeout(limits.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const res = await fetchPort(url, { ...init, signal });
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes);
  }
  const text = await readCapped(res, maxBytes);
  return {
    status: res.status,
    ok: res.ok,
    contentType: (res.headers.get('content-type') ?? '').toLowerCase(),
    text,
  };
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

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

/** True for absolute http(s) URLs — the only schemes this module will ever fetch. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
