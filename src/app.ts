/**
 * Composition root: the only module that knows the concrete drivers and wires storage,
 * services and HTTP together.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { startupWarnings, type Config } from './config/index.js';
import { createMappingSandbox } from './protocols/mapping/index.js';
import { randomUrlToken } from './security/random.js';
import { SecretBox } from './security/secret-box.js';
import { bootstrap } from './services/bootstrap.js';
import { systemClock, type Clock, type ServiceContext } from './services/context.js';
import { registerApi } from './http/api/v3/index.js';
import { registerFlowRoutes } from './http/flows/routes.js';
import { createScheduler, type Scheduler } from './services/jobs/scheduler.js';
import { sourceModules } from './sources/modules.js';
import { sweepExpiredJob } from './services/jobs/sweep-expired.js';
import { registerHealthRoutes } from './http/health.js';
import securityHeaders from './http/security-headers.js';
import { registerInputGuard } from './http/input-guard.js';
import { redactedRequestSerializer, redactSecretsInText, type LogSink } from './http/log-redaction.js';
import { createOutboundFetch } from './net/outbound-fetch.js';
import { createPgliteDatabase } from './storage/drivers/pglite.js';
import { createPostgresDatabase } from './storage/drivers/postgres.js';
import { migrate } from './storage/migrator.js';
import type { Database } from './storage/schema.js';
import { SqlStore } from './storage/sql/store.js';
import type { PGlite } from '@electric-sql/pglite';

export interface AppOptions {
  config: Config;
  /** Test hooks: share a PGlite instance / isolate by schema, fix the clock, route outbound HTTP. */
  pglite?: PGlite;
  schema?: string;
  clock?: Clock;
  fetch?: typeof fetch;
  logger?: boolean;
  /** Where log lines go (default: standard output); tests capture them here. */
  logStream?: LogSink;
  /** Periodic jobs start with the app unless false (tests run them explicitly). */
  runJobs?: boolean;
}

export interface App {
  http: FastifyInstance;
  ctx: ServiceContext;
  db: Kysely<Database>;
  jobs: Scheduler;
  /** Stops jobs and the server, waiting for every in-flight request, then closes the database. */
  close(): Promise<void>;
  /**
   * `close` with a bound: in-flight requests get `graceMs`; after it their connections are
   * closed and running jobs are no longer waited for. `forced` says whether that happened.
   */
  shutdown(options: { graceMs: number }): Promise<{ forced: boolean }>;
}

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** `promise`'s value, or `fallback` when it has not settled within `ms` (no bound when infinite). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  if (!Number.isFinite(ms)) return promise;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function resolveSecretKey(config: Config): Promise<string> {
  if (config.secretKey) return config.secretKey;
  // Development convenience: one generated key, kept beside the embedded database.
  const file = path.join(config.dataDir, 'secret.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(config.dataDir, { recursive: true });
    const key = randomUrlToken(48);
    await writeFile(file, key, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

async function openDatabase(options: AppOptions) {
  const { config } = options;
  if (config.databaseUrl) return createPostgresDatabase({ url: config.databaseUrl, schema: options.schema });
  if (!options.pglite) await mkdir(config.dataDir, { recursive: true });
  return createPgliteDatabase({
    dataDir: options.pglite ? null : path.join(config.dataDir, 'pglite'),
    instance: options.pglite,
    schema: options.schema,
  });
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const secret = await resolveSecretKey(config);
  const box = new SecretBox(secret);
  const database = await openDatabase(options);
  try {
    await database.ping();
    await migrate(database.db);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  const store = new SqlStore(database.db, box, database);
  const installId = await bootstrap({ store }, config.bootstrap);
  const ctx: ServiceContext = {
    store,
    box,
    clock: options.clock ?? systemClock,
    publicUrl: config.publicUrl,
    fetch: options.fetch ?? createOutboundFetch({ denyPrivate: config.outboundDenyPrivate }),
    installId,
    mappings: createMappingSandbox(),
  };

  const http = Fastify({
    logger:
      options.logger === false || config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            // OAuth codes, SAML messages and tokens in query strings never reach a log line.
            serializers: { req: redactedRequestSerializer },
            hooks: { streamWrite: redactSecretsInText },
            ...(options.logStream ? { stream: options.logStream } : {}),
          },
    bodyLimit: BODY_LIMIT_BYTES,
    // Forwarded headers decide request.host/protocol, hence ACS/audience/SCIM URLs when no
    // public URL is set: honoured only from the proxies the operator named.
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    // Large page sizes and deep query strings are bounded by the API itself.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
  });
  for (const warning of startupWarnings(config)) http.log.warn(warning);
  await http.register(securityHeaders);
  await http.register(cookie, { secret: box.cookieSecret() });
  await http.register(formbody);
  registerInputGuard(http);
  registerHealthRoutes(http, store);
  await http.register(async (scope) => registerApi(scope, ctx));
  await http.register(async (scope) => registerFlowRoutes(scope, ctx));
  for (const module of sourceModules()) await module.registerRoutes?.(http, ctx);

  const jobs = createScheduler([sweepExpiredJob(ctx), ...sourceModules().flatMap((m) => m.jobs?.(ctx, http.log) ?? [])], (job, err) =>
    http.log.error({ err, job: job.name }, 'periodic job failed'),
  );
  if (options.runJobs !== false) jobs.start();

  const shutdown = async (graceMs: number): Promise<{ forced: boolean }> => {
    // Both start now: no job is scheduled any more and no connection is accepted.
    const serverClosed = http.close();
    const drained = Promise.all([jobs.stop(), serverClosed]).then(() => true);
    const inTime = await within(drained, graceMs, false);
    if (!inTime) {
      drained.catch(() => undefined); // settles after we stopped waiting; nothing to report then
      http.log.warn({ graceMs }, 'shutdown grace period over: closing the remaining connections, no longer waiting for jobs');
      http.server.closeAllConnections();
      await within(serverClosed, 1_000, undefined);
    }
    ctx.mappings.dispose();
    await store.close();
    return { forced: !inTime };
  };

  return {
    http,
    ctx,
    db: database.db,
    jobs,
    close: async () => void (await shutdown(Number.POSITIVE_INFINITY)),
    shutdown: ({ graceMs }) => shutdown(graceMs),
  };
}
