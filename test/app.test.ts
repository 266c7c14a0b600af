/**
 * The composition root's cross-cutting duties: no secret from a URL reaches a log line, the
 * shutdown is bounded, and outbound requests follow TRIBUTARY_OUTBOUND_DENY_PRIVATE.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { createTestApp, type TestApp } from './support/app.js';
import { createTestSchema, type TestSchema } from './support/db.js';
import { freePort } from './support/ports.js';

async function appWith(env: Record<string, string>, logStream?: { write(line: string): unknown }): Promise<{ app: App; schema: TestSchema }> {
  const schema = await createTestSchema();
  const config = loadConfig({
    TRIBUTARY_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    TRIBUTARY_PUBLIC_URL: 'http://testserver',
    ...(schema.databaseUrl ? { DATABASE_URL: schema.databaseUrl } : {}),
    ...env,
  });
  const app = await createApp({ config, pglite: schema.pglite, schema: schema.schema, runJobs: false, logStream });
  return { app, schema };
}

describe('request logs', () => {
  const lines: string[] = [];
  let app: App;
  let schema: TestSchema;
  beforeAll(async () => {
    ({ app, schema } = await appWith({ LOG_LEVEL: 'info' }, { write: (line: string) => lines.push(line) }));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  it('never contain OAuth codes, state, SAML messages or tokens from the query string', async () => {
    const secrets = ['OAUTHCODE1234', 'STATE5678', 'SAMLRESP9999', 'SAMLREQ0000', 'RELAY4242', 'ACCESSTOK777', 'IDTOK31337'];
    const urls = [
      '/source/oauth/callback/no-such-source/?code=OAUTHCODE1234&state=STATE5678&next=%2Fif%2Fuser%2F',
      '/source/saml/no-such-source/acs/?SAMLResponse=SAMLRESP9999&RelayState=RELAY4242',
      '/source/saml/no-such-source/?SAMLRequest=SAMLREQ0000&RelayState=RELAY4242',
      '/no/such/route?access_token=ACCESSTOK777',
      '/api/v3/core/users/me/?Id_Token=IDTOK31337',
    ];
    for (const url of urls) await app.http.inject({ method: 'GET', url });
    // URLs inside messages and errors too (Fastify's own "Route … not found", upstream errors).
    app.http.log.info('Route GET:/source/oauth/callback/x/?state=STATE5678&code=OAUTHCODE1234 not found');
    app.http.log.error({ err: new Error('Could not fetch https://idp.example/cb?code=OAUTHCODE1234') }, 'upstream failed');
    const log = lines.join('');
    expect(log).toContain('incoming request');
    for (const secret of secrets) expect(log, secret).not.toContain(secret);
    // The rest of the URL stays readable.
    expect(log).toContain('/source/oauth/callback/no-such-source/?code=[redacted]&state=[redacted]&next=%2Fif%2Fuser%2F');
    expect(log).toContain('/no/such/route?access_token=[redacted]');
  });
});

describe('shutdown', () => {
  it('waits for in-flight requests no longer than the grace period, and says it had to force', async () => {
    const { app, schema } = await appWith({ LOG_LEVEL: 'silent' });
    const port = await freePort();
    await app.http.listen({ port, host: '127.0.0.1' });
    // A request whose body never arrives stays in flight.
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /api/v3/core/groups/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    expect(await app.shutdown({ graceMs: 300 })).toEqual({ forced: true });
    const elapsed = Date.now() - started;
    socket.destroy();
    await schema.drop();
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
  }, 60_000);

  it('is not forced when nothing is in flight', async () => {
    const { app, schema } = await appWith({ LOG_LEVEL: 'silent' });
    await app.http.listen({ port: await freePort(), host: '127.0.0.1' });
    expect(await app.shutdown({ graceMs: 5_000 })).toEqual({ forced: false });
    await schema.drop();
  }, 60_000);
});

describe('TRIBUTARY_OUTBOUND_DENY_PRIVATE', () => {
  let open: TestApp;
  let denying: TestApp;
  beforeAll(async () => {
    open = await createTestApp();
    denying = await createTestApp({ env: { TRIBUTARY_OUTBOUND_DENY_PRIVATE: 'true' } });
  }, 60_000);
  afterAll(async () => {
    await denying?.close();
    await open?.close();
  });

  const createSource = (app: TestApp, wellKnownUrl: string) =>
    app.request({
      method: 'POST',
      url: '/api/v3/sources/oauth/',
      payload: {
        name: 'Loopback IdP',
        slug: 'loopback-idp',
        provider_type: 'openidconnect',
        consumer_key: 'c',
        consumer_secret: 's',
        oidc_well_known_url: wellKnownUrl,
      },
    });

  it('refuses a source whose well-known URL is on 127.0.0.1 when set, and fetches it when not', async () => {
    const port = await freePort();
    const { createServer } = await import('node:http');
    const base = `http://127.0.0.1:${port}`;
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const doc = {
        issuer: base,
        authorization_endpoint: `${base}/a`,
        token_endpoint: `${base}/t`,
        userinfo_endpoint: `${base}/u`,
        jwks_uri: `${base}/jwks`,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/jwks' ? { keys: [] } : doc));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const refused = await createSource(denying, `${base}/.well-known/openid-configuration`);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().oidc_well_known_url?.[0]).toMatch(/not allowed|refused|loopback/i);
      expect(hits).toEqual([]);

      const allowed = await createSource(open, `${base}/.well-known/openid-configuration`);
      expect(allowed.statusCode, allowed.body).toBe(201);
      expect(hits).toContain('/.well-known/openid-configuration');
    } finally {
      server.close();
    }
  });
});
