/**
 * Server-side cost of the OAuth callback (/source/oauth/callback/<slug>/) on PostgreSQL against
 * a real OpenID Provider, excluding the IdP's own time.
 *
 * N logins at concurrency 4: the first half enrol new accounts, the second half log the same
 * accounts in again. For every callback request the app's outbound HTTP (token + userinfo) is
 * timed through the fetch port, attributed to the request with AsyncLocalStorage, and
 * subtracted from the request's handling time (onRequest → onResponse). The IdP runs in a child
 * process so its CPU work does not inflate our figures; only its single-account login step is
 * serialised (it logs in "the current account"), the callbacks themselves overlap.
 *
 * Usage: npx tsx bench/oauth-callback.ts [N=200]
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

const ROLE = process.env.BENCH_ROLE;

if (ROLE === 'idp') {
  await runIdp();
} else {
  await runBench();
}

/** Child process: the OpenID Provider, driven over IPC. */
async function runIdp(): Promise<void> {
  const { startOidcProvider } = await import('../test/fakes/oidc-provider.js');
  const idp = await startOidcProvider({
    clients: [{ clientId: 'bench', clientSecret: 'bench-secret', redirectUris: [process.env.BENCH_REDIRECT_URI!] }],
    accounts: [{ sub: 'placeholder' }],
  });
  process.on('message', (m: { id: number; cmd: 'setAccount' | 'loginAs' | 'close'; arg?: unknown }) => {
    if (m.cmd === 'setAccount') idp.setAccount(m.arg as { sub: string });
    if (m.cmd === 'loginAs') idp.loginAs(String(m.arg));
    if (m.cmd === 'close') void idp.close().then(() => process.exit(0));
    process.send!({ id: m.id });
  });
  process.send!({ ready: true, wellKnownUrl: idp.wellKnownUrl });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(label: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return `${label.padEnd(28)} n=${String(s.length).padEnd(4)} p50 ${percentile(s, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(s, 99).toFixed(2).padStart(7)} ms   mean ${mean.toFixed(2).padStart(7)} ms`;
}

async function runBench(): Promise<void> {
  const N = Math.max(2, Number(process.argv[2] ?? 200));
  const CONCURRENCY = 4;
  const DEADLINE_MS = 50_000;
  const hardStop = setTimeout(() => {
    console.error('bench exceeded 60 s; aborting');
    process.exit(2);
  }, 60_000);
  hardStop.unref();

  const { createApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config/index.js');
  const { discoverOidcConfiguration, fetchJwks } = await import('../src/protocols/oauth/index.js');
  const { TestBrowser } = await import('../test/support/browser.js');
  const { freePort } = await import('../test/support/ports.js');
  const { untilRedirectTo } = await import('../test/sources/oauth/http/helpers.js');
  const { freshDatabase } = await import('./support.js');

  // Outbound time of the request being handled, found through AsyncLocalStorage.
  const als = new AsyncLocalStorage<{ outboundMs: number }>();
  const timedFetch: typeof fetch = async (input, init) => {
    const t0 = performance.now();
    try {
      const res = await fetch(input, init);
      // The body is read by the caller; buffer it here so its transfer counts as IdP time.
      const body = await res.arrayBuffer();
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    } finally {
      const store = als.getStore();
      if (store) store.outboundMs += performance.now() - t0;
    }
  };

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const callbackPrefix = `${base}/source/oauth/callback/bench/`;
  const db = await freshDatabase('tributary_bench_oauth');
  const app = await createApp({
    config: loadConfig({
      DATABASE_URL: db.url,
      TRIBUTARY_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
      TRIBUTARY_PUBLIC_URL: base,
      LOG_LEVEL: 'silent',
    }),
    fetch: timedFetch,
    runJobs: false,
  });

  const samples = {
    enrol: [] as number[],
    auth: [] as number[],
    idp: [] as number[],
    total: [] as number[],
    flowEnrol: [] as number[],
    flowAuth: [] as number[],
  };
  let phase: 'warmup' | 'enrol' | 'auth' = 'warmup';
  // Every request runs inside its own ALS store, so outbound calls are charged to it.
  const server = app.http.server;
  const [handler] = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => als.run({ outboundMs: 0 }, () => handler.call(server, req, res)));
  app.http.addHook('onResponse', async (request, reply) => {
    if (phase === 'warmup') return;
    // For comparison: the flow step the callback redirects to (user write, groups, login).
    if (request.url.startsWith('/if/flow/default-source-')) (phase === 'enrol' ? samples.flowEnrol : samples.flowAuth).push(reply.elapsedTime);
    if (!request.url.startsWith('/source/oauth/callback/')) return;
    const total = reply.elapsedTime; // measured by Fastify from onRequest
    const idpMs = als.getStore()?.outboundMs ?? 0;
    samples[phase].push(total - idpMs);
    samples.idp.push(idpMs);
    samples.total.push(total);
  });
  await app.http.listen({ port, host: '127.0.0.1' });

  const child: ChildProcess = fork(process.argv[1], [], {
    env: { ...process.env, BENCH_ROLE: 'idp', BENCH_REDIRECT_URI: callbackPrefix },
    execArgv: process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ wellKnownUrl: string }];
  let nextId = 0;
  const pending = new Map<number, () => void>();
  child.on('message', (m: { id?: number }) => m.id !== undefined && pending.get(m.id)?.());
  const ipc = (cmd: string, arg?: unknown) =>
    new Promise<void>((resolve) => {
      const id = nextId++;
      pending.set(id, () => {
        pending.delete(id);
        resolve();
      });
      child.send({ id, cmd, arg });
    });

  try {
    const repos = app.ctx.store.repos;
    const discovered = await discoverOidcConfiguration({ wellKnownUrl: ready.wellKnownUrl, fetch });
    const jwks = await fetchJwks({ jwksUrl: discovered.oidcJwksUrl, fetch });
    await repos.kindSources.oauth.create(
      {
        name: 'Bench IdP',
        slug: 'bench',
        authenticationFlow: (await repos.flows.bySlug('default-source-authentication'))!.uuid,
        enrollmentFlow: (await repos.flows.bySlug('default-source-enrollment'))!.uuid,
        userPropertyMappings: [],
        groupPropertyMappings: [],
      },
      {
        provider_type: 'openidconnect',
        consumer_key: 'bench',
        consumer_secret: 'bench-secret',
        authorization_url: discovered.authorizationUrl,
        access_token_url: discovered.accessTokenUrl,
        profile_url: discovered.profileUrl,
        oidc_well_known_url: ready.wellKnownUrl,
        oidc_jwks_url: discovered.oidcJwksUrl,
        oidc_jwks: jwks as unknown as Record<string, unknown>,
        oidc_issuer: discovered.issuer ?? '',
        pkce: 'S256',
        authorization_code_auth_method: 'basic_auth',
      },
    );

    // The IdP logs in "the current account", so the IdP leg of each login is serialised.
    let idpLock: Promise<void> = Promise.resolve();
    const started = performance.now();
    let failures = 0;
    const login = async (sub: string, enrol: boolean) => {
      const browser = new TestBrowser();
      let release!: () => void;
      const previous = idpLock;
      idpLock = new Promise((r) => (release = r));
      await previous;
      let callback: string;
      try {
        if (enrol)
          await ipc('setAccount', {
            sub,
            preferred_username: sub,
            email: `${sub}@example.com`,
            email_verified: true,
            name: sub,
            groups: ['bench-a', 'bench-b'],
          });
        await ipc('loginAs', sub);
        callback = await untilRedirectTo(browser, `${base}/source/oauth/login/bench/`, callbackPrefix);
      } finally {
        release();
      }
      const page = await browser.get(callback);
      if (page.status !== 200 || !page.url.endsWith('/if/user/')) failures++;
    };
    const pool = async (subs: string[], enrol: boolean) => {
      const queue = [...subs];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let sub = queue.shift(); sub !== undefined; sub = queue.shift()) {
            if (performance.now() - started > DEADLINE_MS) return;
            await login(sub, enrol);
          }
        }),
      );
    };

    const run = Date.now().toString(36);
    const warm = Array.from({ length: 8 }, (_, i) => `warm-${run}-${i}`);
    await pool(warm, true);
    await pool(warm, false);
    const subs = Array.from({ length: Math.floor(N / 2) }, (_, i) => `bench-${run}-${i}`);
    phase = 'enrol';
    await pool(subs, true);
    phase = 'auth';
    await pool(subs, false);
    const seconds = (performance.now() - started) / 1000;

    console.log(
      `\nOAuth callback on PostgreSQL, ${samples.enrol.length + samples.auth.length} logins (concurrency ${CONCURRENCY}), ${failures} failed, ${seconds.toFixed(1)} s incl. warm-up`,
    );
    console.log(summary('ours, enrol (new user)', samples.enrol));
    console.log(summary('ours, re-authenticate', samples.auth));
    console.log(summary('ours, all callbacks', [...samples.enrol, ...samples.auth]));
    console.log(summary('IdP (token + userinfo)', samples.idp));
    console.log(summary('callback total', samples.total));
    console.log(summary('next: flow step, enrol', samples.flowEnrol));
    console.log(summary('next: flow step, re-auth', samples.flowAuth));
    if (failures > 0) process.exitCode = 1;
  } finally {
    await ipc('close').catch(() => undefined);
    child.kill();
    await app.close();
    await db.drop();
  }
}
