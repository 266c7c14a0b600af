/**
 * Outbound fetching against real HTTP servers on loopback. Name resolution goes through the
 * module's `lookup` hook, so a name can be made to resolve to a link-local address without any
 * DNS server; the socket then connects (or not) exactly as it would in production.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DestinationRefusedError,
  OutboundFetchError,
  ResponseTooLargeError,
  boundedFetch,
  createOutboundFetch,
  type HostResolver,
} from '../../src/net/outbound-fetch.js';
import { DiscoveryError, discoverOidcConfiguration, fetchJwks } from '../../src/protocols/oauth/index.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port: number;
let base: string;
const seen: Seen[] = [];
let connections = 0;
const SECRET = 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', base);
  const redirect = (status: number, location: string) => void res.writeHead(status, { location }).end();
  switch (url.pathname) {
    case '/ok':
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${req.method} ${body}`);
    case '/json':
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    case '/secret-500':
      return void res.writeHead(500, { 'content-type': 'text/plain' }).end(SECRET);
    case '/to':
      return redirect(Number(url.searchParams.get('status') ?? 302), url.searchParams.get('location') ?? '/ok');
    case '/loop':
      return redirect(302, '/loop');
    case '/big':
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 64; i++) res.write('x'.repeat(16 * 1024));
      return void res.end();
    case '/gzip-bomb':
      return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(8 * 1024 * 1024)));
    case '/gzip':
      return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('compressed hello'));
    case '/hang':
      return; // never answers
    case '/.well-known/openid-configuration':
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          issuer: base,
          authorization_endpoint: `${base}/a`,
          token_endpoint: `${base}/t`,
          userinfo_endpoint: `${base}/u`,
          jwks_uri: `${base}/secret-500`,
        }),
      );
    default:
      return void res.writeHead(404).end('not here');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      route(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

/** A resolver over fixed answers that records what it was asked. */
function resolver(answers: Record<string, string[]>): HostResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('createOutboundFetch + boundedFetch', () => {
  it('fetches from a loopback server by default (IdPs often live on private networks)', async () => {
    const res = await boundedFetch(createOutboundFetch(), `${base}/ok`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res).toMatchObject({ status: 200, ok: true, text: 'hello POST payload', url: `${base}/ok` });
  });

  it('resolves names through the lookup hook and connects to the checked address', async () => {
    const lookup = resolver({ 'idp.test': ['127.0.0.1'] });
    const res = await boundedFetch(createOutboundFetch({ lookup }), `http://idp.test:${port}/json`, { method: 'GET' });
    expect(res.text).toBe('{"a":1}');
    expect(lookup.asked).toEqual(['idp.test']);
    expect(seen.at(-1)?.headers.host).toBe(`idp.test:${port}`);
  });

  it('refuses a name that resolves to a link-local address, without connecting', async () => {
    const lookup = resolver({ 'metadata.test': ['169.254.169.254'] });
    const before = connections;
    const err = await failure(
      boundedFetch(createOutboundFetch({ lookup }), `http://metadata.test:${port}/latest/meta-data/`, { method: 'GET' }, { timeoutMs: 2_000 }),
    );
    expect(err).toBeInstanceOf(DestinationRefusedError);
    expect(err.message).toBe('Refused to connect to metadata.test: it resolves to a link-local address (cloud metadata range).');
    expect(lookup.asked).toEqual(['metadata.test']);
    expect(connections).toBe(before);
  });

  it('refuses a name that resolves to an allowed and a link-local address (no address of it is used)', async () => {
    const lookup = resolver({ 'mixed.test': ['127.0.0.1', 'fe80::1'] });
    const before = seen.length;
    const err = await failure(boundedFetch(createOutboundFetch({ lookup }), `http://mixed.test:${port}/ok`, { method: 'GET' }));
    expect(err).toBeInstanceOf(DestinationRefusedError);
    expect(seen.length).toBe(before);
  });

  it.each([
    ['an IPv4 literal', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['an IPv4-mapped IPv6 literal', 'http://[::ffff:169.254.169.254]/latest/meta-data/'],
    ['a decimal IPv4 literal', 'http://2852039166/latest/meta-data/'],
    ['an IPv6 link-local literal', 'http://[fe80::1]/'],
    ['the AWS IPv6 metadata address', 'http://[fd00:ec2::254]/latest/meta-data/'],
  ])('refuses a redirect to %s before connecting, on every hop', async (_n, target) => {
    const lookup = resolver({});
    const err = await failure(
      boundedFetch(createOutboundFetch({ lookup }), `${base}/to?location=${encodeURIComponent(target)}`, { method: 'GET' }, { timeoutMs: 2_000 }),
    );
    // Connecting would have ended in a connection error or the 2 s timeout, not in this refusal.
    expect(err).toBeInstanceOf(DestinationRefusedError);
    expect(err.message).toMatch(/^Refused to connect to http:\/\/.+: a (link-local address \(cloud metadata range\)|cloud metadata address)\.$/);
    expect(lookup.asked).toEqual([]);
  });

  it('refuses a redirect to a name resolving to link-local (checked again on the new hop)', async () => {
    const lookup = resolver({ 'idp.test': ['127.0.0.1'], 'metadata.test': ['169.254.169.254'] });
    const err = await failure(
      boundedFetch(createOutboundFetch({ lookup }), `http://idp.test:${port}/to?location=${encodeURIComponent('http://metadata.test/latest/')}`, {
        method: 'GET',
      }),
    );
    expect(err).toBeInstanceOf(DestinationRefusedError);
    expect(lookup.asked).toEqual(['idp.test', 'metadata.test']);
  });

  it('with denyPrivate, refuses loopback and private destinations too', async () => {
    const before = connections;
    const fetchPort = createOutboundFetch({ denyPrivate: true, lookup: resolver({ 'intranet.test': ['10.0.0.8'] }) });
    expect(await failure(boundedFetch(fetchPort, `${base}/ok`, { method: 'GET' }))).toBeInstanceOf(DestinationRefusedError);
    const err = await failure(boundedFetch(fetchPort, 'http://intranet.test/', { method: 'GET' }));
    expect(err.message).toBe('Refused to connect to intranet.test: it resolves to a private address.');
    expect(connections).toBe(before);
  });

  it('follows redirects itself: 303 turns a POST into a GET, credentials stay with their origin', async () => {
    const lookup = resolver({ 'other.test': ['127.0.0.1'] });
    const res = await boundedFetch(
      createOutboundFetch({ lookup }),
      `${base}/to?status=303&location=${encodeURIComponent(`http://other.test:${port}/ok`)}`,
      { method: 'POST', body: 'form=1', headers: { authorization: 'Bearer secret-token', 'content-type': 'application/x-www-form-urlencoded' } },
    );
    expect(res.text).toBe('hello GET ');
    expect(res.url).toBe(`http://other.test:${port}/ok`);
    const last = seen.at(-1) as Seen;
    expect(last.headers.authorization).toBeUndefined();
    expect(last.headers['content-type']).toBeUndefined();
  });

  it('keeps the method and body on 307', async () => {
    const res = await boundedFetch(createOutboundFetch(), `${base}/to?status=307&location=/ok`, {
      method: 'POST',
      body: 'kept',
      headers: { authorization: 'Bearer same-origin' },
    });
    expect(res.text).toBe('hello POST kept');
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer same-origin');
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'gopher://127.0.0.1:6379/_INFO'])('refuses a redirect to %s', async (target) => {
    const err = await failure(boundedFetch(createOutboundFetch(), `${base}/to?location=${encodeURIComponent(target)}`, { method: 'GET' }));
    expect(err).toBeInstanceOf(DestinationRefusedError);
    expect(err.message).toMatch(/only http\(s\) URLs are fetched/);
  });

  it('stops after a bounded number of redirects', async () => {
    const err = await failure(boundedFetch(createOutboundFetch(), `${base}/loop`, { method: 'GET' }, { maxRedirects: 3 }));
    expect(err).toBeInstanceOf(OutboundFetchError);
    expect(err.message).toBe(`Too many redirects (more than 3) from ${base}.`);
  });

  it('caps the body, after decompression too', async () => {
    expect(await failure(boundedFetch(createOutboundFetch(), `${base}/big`, { method: 'GET' }, { maxBytes: 100_000 }))).toBeInstanceOf(
      ResponseTooLargeError,
    );
    expect(await failure(boundedFetch(createOutboundFetch(), `${base}/gzip-bomb`, { method: 'GET' }, { maxBytes: 100_000 }))).toBeInstanceOf(
      ResponseTooLargeError,
    );
    expect((await boundedFetch(createOutboundFetch(), `${base}/gzip`, { method: 'GET' })).text).toBe('compressed hello');
  });

  it('times out', async () => {
    const err = await failure(boundedFetch(createOutboundFetch(), `${base}/hang`, { method: 'GET' }, { timeoutMs: 200 }));
    expect(err.message).toBe('timed out');
  });

  it('reports a connection failure by scheme, host and code only', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const deadPort = (closed.address() as AddressInfo).port;
    closed.close();
    const err = await failure(boundedFetch(createOutboundFetch(), `http://127.0.0.1:${deadPort}/path?token=secret`, { method: 'GET' }));
    expect(err.message).toBe(`Could not fetch http://127.0.0.1:${deadPort} (ECONNREFUSED).`);
  });

  it('the platform fetch is not used as is: redirects are still checked hop by hop', async () => {
    const err = await failure(
      boundedFetch(globalThis.fetch, `${base}/to?location=${encodeURIComponent('http://169.254.169.254/')}`, { method: 'GET' }, { timeoutMs: 2_000 }),
    );
    expect(err).toBeInstanceOf(DestinationRefusedError);
  });
});

describe('no upstream body in errors', () => {
  it('an upstream 500 with a secret-looking body reaches the caller as a status only', async () => {
    const fetchPort = createOutboundFetch();
    const res = await boundedFetch(fetchPort, `${base}/secret-500`, { method: 'GET' });
    expect(res.status).toBe(500);
    const jwks = await failure(fetchJwks({ jwksUrl: `${base}/secret-500`, fetch: fetchPort }));
    expect(jwks).toBeInstanceOf(DiscoveryError);
    expect(jwks.message).toBe('The server answered HTTP 500 Internal Server Error.');
    expect(jwks.message).not.toContain('wJalr');
    // Discovery succeeds against the same server; its jwks_uri answers the secret 500.
    const discovered = await discoverOidcConfiguration({ wellKnownUrl: `${base}/.well-known/openid-configuration`, fetch: fetchPort });
    expect(discovered.issuer).toBe(base);
    const viaDocument = await failure(fetchJwks({ jwksUrl: discovered.oidcJwksUrl, fetch: fetchPort }));
    expect(viaDocument.message).not.toContain(SECRET);
  });
});
