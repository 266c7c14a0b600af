/** Health endpoints, readiness when the database goes away, and idempotent bootstrap. */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/app.js';
import { createTestSchema, DB_KIND, TEST_DATABASE_URL, type TestSchema } from '../support/db.js';

const ENV = {
  TRIBUTARY_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
  TRIBUTARY_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
  TRIBUTARY_BOOTSTRAP_PASSWORD: 'correct horse battery staple',
  TRIBUTARY_BOOTSTRAP_EMAIL: 'admin@example.com',
  LOG_LEVEL: 'silent',
};

function appOn(schema: TestSchema, env: Record<string, string> = ENV): Promise<App> {
  const config = loadConfig({ ...env, ...(schema.databaseUrl ? { DATABASE_URL: schema.databaseUrl } : {}) });
  return createApp({ config, pglite: schema.pglite, schema: schema.schema });
}

async function adminQuery(text: string, url = TEST_DATABASE_URL!): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

describe('/-/health/', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  it('answers live and ready without credentials', async () => {
    for (const url of ['/-/health/live/', '/-/health/ready/']) {
      const res = await app.request({ method: 'GET', url, token: null });
      expect(res.statusCode, url).toBe(200);
    }
  });

  it('answers unknown paths outside the API with 404', async () => {
    expect((await app.request({ method: 'GET', url: '/-/health/nope/', token: null })).statusCode).toBe(404);
  });
});

describe('readiness without a database', () => {
  it.skipIf(DB_KIND !== 'pglite')('answers 503 once the embedded database is closed (PGlite)', async () => {
    const own = new PGlite();
    const app = await createApp({ config: loadConfig(ENV), pglite: own });
    try {
      expect((await app.http.inject({ method: 'GET', url: '/-/health/ready/' })).statusCode).toBe(200);
      await own.close();
      const res = await app.http.inject({ method: 'GET', url: '/-/health/ready/' });
      expect(res.statusCode).toBe(503);
      expect((await app.http.inject({ method: 'GET', url: '/-/health/live/' })).statusCode).toBe(200);
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  it.skipIf(DB_KIND !== 'postgres')('answers 503 while PostgreSQL refuses connections, 200 again after (PostgreSQL)', async () => {
    const name = `trib_health_${randomBytes(5).toString('hex')}`;
    const url = new URL(TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    let app: App | null = null;
    try {
      app = await createApp({ config: loadConfig({ ...ENV, DATABASE_URL: url.toString() }) });
      expect((await app.http.inject({ method: 'GET', url: '/-/health/ready/' })).statusCode).toBe(200);
      await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
      const down = await app.http.inject({ method: 'GET', url: '/-/health/ready/' });
      expect(down.statusCode).toBe(503);
      expect((await app.http.inject({ method: 'GET', url: '/-/health/live/' })).statusCode).toBe(200);
      await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      expect((await app.http.inject({ method: 'GET', url: '/-/health/ready/' })).statusCode).toBe(200);
    } finally {
      await app?.close().catch(() => undefined);
      await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});

describe('bootstrap', () => {
  async function census(app: App) {
    const db = app.db;
    const count = async (q: Promise<{ n: number } | undefined>) => (await q)?.n ?? 0;
    const { sql } = await import('kysely');
    return {
      akadmin: await count(
        db
          .selectFrom('users')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('username', '=', 'akadmin')
          .executeTakeFirst(),
      ),
      adminGroups: await count(
        db
          .selectFrom('groups')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('name', '=', 'authentik Admins')
          .executeTakeFirst(),
      ),
      memberships: await count(
        db
          .selectFrom('group_members')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirst(),
      ),
      tokens: await count(
        db
          .selectFrom('tokens')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirst(),
      ),
      builtInSources: await count(
        db
          .selectFrom('sources')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('slug', '=', 'authentik-built-in')
          .executeTakeFirst(),
      ),
      flows: await count(
        db
          .selectFrom('flows')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirst(),
      ),
      installId: await app.ctx.store.repos.settings.get<string>('install_id'),
    };
  }

  it('is idempotent: a second app on the same schema duplicates nothing', async () => {
    const schema = await createTestSchema();
    const first = await appOn(schema);
    const before = await census(first);
    expect(before).toMatchObject({ akadmin: 1, adminGroups: 1, memberships: 1, tokens: 1, builtInSources: 1, flows: 3 });
    await first.close();
    const second = await appOn(schema);
    try {
      expect(await census(second)).toEqual(before);
      const me = await second.http.inject({ method: 'GET', url: '/api/v3/core/users/me/', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(me.json().user).toMatchObject({ username: 'akadmin', is_superuser: true });
    } finally {
      await second.close();
      await schema.drop();
    }
  });

  it('keeps an operator’s changes to akadmin on restart', async () => {
    const schema = await createTestSchema();
    const first = await appOn(schema);
    const admin = (await first.ctx.store.repos.users.byUsername('akadmin'))!;
    await first.ctx.store.repos.users.update(admin.id, { name: 'Renamed Admin' });
    await first.close();
    const second = await appOn(schema);
    try {
      expect((await second.ctx.store.repos.users.byUsername('akadmin'))?.name).toBe('Renamed Admin');
    } finally {
      await second.close();
      await schema.drop();
    }
  });

  it.skipIf(DB_KIND === 'pglite')('survives two instances booting at once against one fresh schema (PostgreSQL)', async () => {
    const schema = await createTestSchema();
    const results = await Promise.allSettled([appOn(schema), appOn(schema)]);
    try {
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
      const app = (results[0] as PromiseFulfilledResult<App>).value;
      expect(await census(app)).toMatchObject({ akadmin: 1, adminGroups: 1, memberships: 1, tokens: 1, builtInSources: 1, flows: 3 });
    } finally {
      for (const r of results) if (r.status === 'fulfilled') await r.value.close();
      await schema.drop();
    }
  });

  it.skipIf(DB_KIND === 'pglite')(
    'survives three instances creating the admin at once after a first boot without credentials (PostgreSQL)',
    async () => {
      const schema = await createTestSchema();
      const { TRIBUTARY_SECRET_KEY, LOG_LEVEL } = ENV;
      await (await appOn(schema, { TRIBUTARY_SECRET_KEY, LOG_LEVEL })).close();
      const results = await Promise.allSettled([appOn(schema), appOn(schema), appOn(schema)]);
      try {
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
        const app = (results[0] as PromiseFulfilledResult<App>).value;
        expect(await census(app)).toMatchObject({ akadmin: 1, adminGroups: 1, memberships: 1, tokens: 1 });
      } finally {
        for (const r of results) if (r.status === 'fulfilled') await r.value.close();
        await schema.drop();
      }
    },
  );
});
