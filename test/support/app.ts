/** Builds a real app (real database, real migrations) for one test file. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/services/context.js';
import { createTestSchema, type TestSchema } from './db.js';
import { freePort } from './ports.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestApp extends App {
  schema: TestSchema;
  /** Sends a request with the admin token unless `token` is given (null = anonymous). */
  request(opts: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Another instance on the same database schema (multi-instance tests); not dropped on close. */
  shareSchemaWith?: TestApp;
  clock?: Clock;
  fetch?: typeof fetch;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const schema = options.shareSchemaWith?.schema ?? (await createTestSchema());
  const ownsSchema = !options.shareSchemaWith;
  const config = loadConfig({
    TRIBUTARY_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    TRIBUTARY_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    TRIBUTARY_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
    TRIBUTARY_BOOTSTRAP_EMAIL: 'admin@example.com',
    TRIBUTARY_PUBLIC_URL: 'http://testserver',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(schema.databaseUrl ? { DATABASE_URL: schema.databaseUrl } : {}),
    ...options.env,
  });
  const app = await createApp({ config, pglite: schema.pglite, schema: schema.schema, clock: options.clock, fetch: options.fetch, runJobs: false });
  return {
    ...app,
    schema,
    request: (opts) => {
      const { token = ADMIN_TOKEN, ...rest } = opts;
      const headers = { ...(rest.headers ?? {}) } as Record<string, string>;
      if (token !== null && !('authorization' in headers)) headers.authorization = `Bearer ${token}`;
      return app.http.inject({ ...rest, headers });
    },
    close: async () => {
      await app.close();
      if (ownsSchema) await schema.drop();
    },
  };
}

/** A test app on a real loopback port whose public URL is that address (browser-style tests). */
export async function createListeningTestApp(options: TestAppOptions = {}): Promise<{ app: TestApp; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await createTestApp({ ...options, env: { TRIBUTARY_PUBLIC_URL: base, ...options.env } });
  await app.http.listen({ port, host: '127.0.0.1' });
  return { app, base };
}
