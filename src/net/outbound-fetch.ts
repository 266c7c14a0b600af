/**
 * Outbound HTTP: the one way the server fetches a URL an admin configured (OIDC discovery and
 * JWKS, token and profile endpoints, SAML metadata). Such URLs are an SSRF surface, so
 * - only http(s) URLs are fetched, redirects are followed here, one hop at a time (bounded),
 *   and every hop is checked like the first;
 * - destinations are checked after DNS resolution, on the address actually connected to
 *   (address-policy.ts): link-local/cloud-metadata addresses always, loopback and private
 *   ranges too when `denyPrivate` is set;
 * - a timeout covers the whole exchange and the body is read up to a size cap;
 * - errors say what went wrong in a few words (status, reason) and never carry the upstream
 *   body — an error message must not become a way to read internal services.
 *
 * `createOutboundFetch` is the guarded transport (a `fetch` built on node:http/https whose DNS
 * lookup is checked and pinned); `boundedFetch` runs one request through any fetch port with the
 * limits above. The platform `fetch` cannot pin the checked address, so `boundedFetch` uses the
 * guarded transport in its place; other ports (test doubles) are used as given, with the URL
 * checks that need no connection.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, STATUS_CODES, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { isHttpUrl } from '../domain/urls.js';
import { refusalReason, type AddressPolicy } from './address-policy.js';

export type FetchPort = typeof fetch;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

export interface FetchLimits {
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** DNS resolution: every address `hostname` resolves to. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundOptions extends AddressPolicy {
  /**
   * Also refuse loopback, private (RFC 1918, CGNAT, unique-local) and reserved destinations.
   * Off by default: identity providers often live on the same private network. Meant to be
   * set from TRIBUTARY_OUTBOUND_DENY_PRIVATE.
   */
  denyPrivate?: boolean;
  /** Name resolution (default: the system resolver). Tests inject answers here. */
  lookup?: HostResolver;
  /** Redirects a `redirect: 'follow'` request may take (default 5). */
  maxRedirects?: number;
}

export interface BoundedResponse {
  status: number;
  ok: boolean;
  contentType: string;
  text: string;
  /** The URL that answered (after redirects). */
  url: string;
}

/** An outbound request failed. The message is ours — never text the upstream sent. */
export class OutboundFetchError extends Error {}

/** The destination (scheme, address after resolution, redirect target) is not allowed. */
export class DestinationRefusedError extends OutboundFetchError {}

export class ResponseTooLargeError extends OutboundFetchError {
  constructor(readonly maxBytes: number) {
    super(`Response body exceeds ${maxBytes} bytes.`);
  }
}

/** `HTTP 404 Not Found`: the status and our own reason phrase (the upstream's is not echoed). */
export function describeStatus(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `HTTP ${status} ${phrase}` : `HTTP ${status}`;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Scheme and host of `url` for messages (no path or query: they may carry secrets). */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'an invalid URL';
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Refuses an IP-literal destination before any connection (DNS names are checked on connect). */
function checkLiteralHost(url: URL, policy: AddressPolicy): void {
  const host = hostOf(url);
  if (isIP(host) === 0) return;
  const reason = refusalReason(host, policy);
  if (reason) throw new DestinationRefusedError(`Refused to connect to ${where(url.href)}: ${reason}.`);
}

const systemResolver: HostResolver = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for node:net that resolves with `resolve`, refuses the name when ANY of its
 * addresses is refused (a name that also points at the metadata service is not "mostly fine"),
 * and hands net the checked addresses — so the socket connects to what was checked.
 */
function guardedLookup(resolve: HostResolver, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        for (const answer of answers) {
          const reason = refusalReason(answer.address, policy);
          if (reason) {
            callback(new DestinationRefusedError(`Refused to connect to ${hostname}: it resolves to ${reason}.`), '', 0);
            return;
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), '', 0);
        } else if (options.all) {
          (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, wanted);
        } else {
          callback(null, wanted[0].address, wanted[0].family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

function requestBody(body: RequestInit['body'], headers: Headers): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof URLSearchParams) {
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    return Buffer.from(body.toString(), 'utf8');
  }
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('Outbound requests take a string, URLSearchParams or bytes as body.');
}

/** The body, decompressed when the server compressed it (the size cap applies to what comes out). */
function decoded(res: IncomingMessage): Readable {
  const encoding = (res.headers['content-encoding'] ?? '').toString().trim().toLowerCase();
  const decompressor =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null;
  if (!decompressor) return res;
  // pipeline, not pipe: a connection error must end the decompressed stream too.
  pipeline(res, decompressor, () => undefined);
  return decompressor;
}

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

/** One HTTP exchange on node:http(s), connecting only to checked addresses. Never follows redirects. */
function sendOnce(url: URL, init: RequestInit, options: OutboundOptions, agents: Agents): Promise<Response> {
  checkLiteralHost(url, options);
  const headers = new Headers(init.headers);
  const body = requestBody(init.body, headers);
  if (body) headers.set('content-length', String(body.byteLength));
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
  if (!headers.has('user-agent')) headers.set('user-agent', 'tributary');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const outgoing: Record<string, string> = {};
  headers.forEach((value, name) => {
    outgoing[name] = value;
  });
  return new Promise<Response>((resolve, reject) => {
    const req = send(url, {
      method: init.method ?? 'GET',
      headers: outgoing,
      lookup: guardedLookup(options.lookup ?? systemResolver, options),
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      signal: init.signal ?? undefined,
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        reject(new OutboundFetchError(`Unexpected HTTP status ${status} from ${where(url.href)}.`));
        return;
      }
      const responseHeaders = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        try {
          responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        } catch {
          // A header the Fetch API cannot represent is one we do not need.
        }
      }
      const stream = NULL_BODY_STATUSES.has(status) ? null : (Readable.toWeb(decoded(res)) as ReadableStream<Uint8Array>);
      if (!stream) res.resume();
      resolve(new Response(stream, { status, headers: responseHeaders }));
    });
    req.end(body);
  });
}

/**
 * Sends `init` to `start` through `send`, following up to `maxRedirects` redirects itself.
 * Every hop must be an http(s) URL and passes the literal-address check; 303 (and 301/302 after
 * a POST, as browsers do) continue as a body-less GET (RFC 9110 §15.4); credentials are not
 * carried to another origin.
 */
async function followRedirects(
  start: string,
  init: RequestInit,
  maxRedirects: number,
  policy: AddressPolicy,
  send: (url: string, init: RequestInit) => Promise<Response>,
): Promise<{ response: Response; url: string }> {
  let url = start;
  let hopInit: RequestInit = { ...init, redirect: 'manual' };
  for (let hops = 0; ; hops++) {
    if (!isHttpUrl(url)) {
      throw new DestinationRefusedError(
        hops === 0 ? 'Only absolute http(s) URLs are fetched.' : `Refused to follow a redirect to ${where(url)}: only http(s) URLs are fetched.`,
      );
    }
    checkLiteralHost(new URL(url), policy);
    const response = await send(url, hopInit);
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return { response, url };
    await response.body?.cancel().catch(() => undefined);
    if (hops >= maxRedirects) throw new OutboundFetchError(`Too many redirects (more than ${maxRedirects}) from ${where(start)}.`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new OutboundFetchError(`${where(url)} redirected to an invalid URL.`);
    }
    const method = (hopInit.method ?? 'GET').toUpperCase();
    const headers = new Headers(hopInit.headers);
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      hopInit = { ...hopInit, method: method === 'HEAD' ? 'HEAD' : 'GET', body: undefined };
      headers.delete('content-type');
      headers.delete('content-length');
    }
    if (next.origin !== new URL(url).origin) {
      headers.delete('authorization');
      headers.delete('cookie');
    }
    hopInit = { ...hopInit, headers };
    url = next.href;
  }
}

/** A `fetch` that connects only to allowed addresses and checks every redirect hop. */
export function createOutboundFetch(options: OutboundOptions = {}): FetchPort {
  // Kept-alive connections are reused only by this transport: they were made under its policy.
  const agents: Agents = { http: new HttpAgent({ keepAlive: true, timeout: 5_000 }), https: new HttpsAgent({ keepAlive: true, timeout: 5_000 }) };
  const send = (url: string, init: RequestInit) => sendOnce(new URL(url), init, options, agents);
  const outboundFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) throw new TypeError('The outbound fetch takes a URL and RequestInit, not a Request.');
    const url = String(input);
    if (init.redirect === 'manual') {
      if (!isHttpUrl(url)) throw new DestinationRefusedError('Only absolute http(s) URLs are fetched.');
      return send(url, init);
    }
    const { response } = await followRedirects(url, init, options.maxRedirects ?? DEFAULT_MAX_REDIRECTS, options, send);
    if (init.redirect === 'error' && REDIRECT_STATUSES.has(response.status)) throw new OutboundFetchError('Unexpected redirect.');
    return response;
  };
  return outboundFetch;
}

let platformReplacement: FetchPort | undefined;

/** The port to use for `fetchPort`: the platform fetch is swapped for the guarded transport. */
function transportFor(fetchPort: FetchPort): FetchPort {
  if (fetchPort !== globalThis.fetch) return fetchPort;
  platformReplacement ??= createOutboundFetch();
  return platformReplacement;
}

/**
 * Fetches `url` and reads at most `maxBytes` of its body, following at most `maxRedirects`
 * redirects within `timeoutMs` overall. Failures (network, refused destination, timeout, size)
 * throw an OutboundFetchError; an HTTP error status is returned for the caller to report, e.g.
 * with `describeStatus` — the body is for parsing, not for error messages.
 */
export async function boundedFetch(fetchPort: FetchPort, url: string, init: RequestInit, limits: FetchLimits = {}): Promise<BoundedResponse> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeout = AbortSignal.timeout(limits.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  const transport = transportFor(fetchPort);
  const guard = (e: unknown): OutboundFetchError => {
    if (e instanceof OutboundFetchError) return e;
    if (timeout.aborted) return new OutboundFetchError('timed out');
    const code = (e as { code?: unknown; cause?: { code?: unknown } }).code ?? (e as { cause?: { code?: unknown } }).cause?.code;
    return new OutboundFetchError(`Could not fetch ${where(url)}${typeof code === 'string' ? ` (${code})` : ''}.`, { cause: e });
  };
  try {
    const { response, url: finalUrl } = await followRedirects(url, { ...init, signal }, limits.maxRedirects ?? DEFAULT_MAX_REDIRECTS, {}, (u, i) =>
      transport(u, i),
    );
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes);
    }
    const text = await readCapped(response, maxBytes);
    return { status: response.status, ok: response.ok, contentType: (response.headers.get('content-type') ?? '').toLowerCase(), text, url: finalUrl };
  } catch (e) {
    throw guard(e);
  }
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
