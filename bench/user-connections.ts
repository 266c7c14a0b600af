/**
 * GET /api/v3/sources/user_connections/oauth/ over 1,000,000 OAuth connections (100,000 users,
 * 20 sources) on PostgreSQL: page 1, a deep page, `?user=`, `?search=`, each measured with
 * autocannon (≤ 10 s), plus the raw cost of the unfiltered count and of the one-statement
 * `ORDER BY sources.slug, id` the list's fast path avoids.
 *
 * Usage: npx tsx bench/user-connections.ts [seconds=8]
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/trib_bench) names a database this
 * script creates and drops itself (the server's `postgres` database is used to do that);
 * BENCH_KEEP_DATABASE=1 keeps it afterwards for EXPLAIN sessions.
 */
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { fmt, load } from './support.js';

const SECONDS = Math.min(10, Number(process.argv[2] ?? 8));
const USERS = 100_000;
const SOURCES = 20;
const CONNECTIONS = 1_000_000;
const FIRST_USER_ID = 10_000;
const TOKEN = 'bench-token-0123456789abcdefghijklmnop';

const target = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/trib_bench');
const dbName = target.pathname.replace(/^\//, '');
if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`refusing to create/drop database "${dbName}"`);
const adminUrl = new URL(target);
adminUrl.pathname = '/postgres';

async function admin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl.toString() });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

/** Median of `runs` timings of one SQL statement (after one warm-up run). */
async function sqlMedian(client: pg.Client, text: string, params: unknown[] = [], runs = 5): Promise<number> {
  await client.query(text, params);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(() => client.query(text, params)))[1]);
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

async function seed(client: pg.Client): Promise<void> {
  await client.query(
    `INSERT INTO users (id, username, name, email)
     SELECT $1 + i, 'user' || lpad(i::text, 6, '0'), 'User ' || i, 'user' || i || '@example.com'
     FROM generate_series(0, $2 - 1) AS i`,
    [FIRST_USER_ID, USERS],
  );
  await client.query(
    `INSERT INTO sources (kind, name, slug)
     SELECT 'oauth', 'OAuth ' || lpad(j::text, 2, '0'), 'oauth-' || lpad(j::text, 2, '0') FROM generate_series(0, $1 - 1) AS j`,
    [SOURCES],
  );
  await client.query(
    `INSERT INTO oauth_sources (source_uuid, provider_type, consumer_key, consumer_secret_sealed)
     SELECT pbm_uuid, 'github', 'key', 'not-a-real-sealed-secret' FROM sources WHERE kind = 'oauth'`,
  );
  // Connection g goes to source g / (CONNECTIONS / SOURCES); users cycle, so (user, source) stays unique.
  await client.query(
    `WITH s AS (SELECT pbm_uuid, row_number() OVER (ORDER BY slug) - 1 AS j FROM sources WHERE kind = 'oauth')
     INSERT INTO user_source_connections (kind, user_id, source_uuid, identifier, expires)
     SELECT 'oauth', $1 + (g % $2), s.pbm_uuid, 'ext-' || g, now() + interval '1 hour'
     FROM generate_series(0, $3 - 1) AS g JOIN s ON s.j = g / ($3 / $4)`,
    [FIRST_USER_ID, USERS, CONNECTIONS, SOURCES],
  );
  await client.query('VACUUM ANALYZE');
}

await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
await admin(`CREATE DATABASE ${dbName}`);
const app = await createApp({
  config: loadConfig({
    DATABASE_URL: target.toString(),
    TRIBUTARY_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    TRIBUTARY_BOOTSTRAP_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
  }),
  runJobs: false,
});
const client = new pg.Client({ connectionString: target.toString() });
await client.connect();
try {
  const [, seedMs] = await timed(() => seed(client));
  console.log(`seeded ${USERS} users, ${SOURCES} sources, ${CONNECTIONS} OAuth connections in ${fmt(seedMs / 1000)} s`);

  const countMs = await sqlMedian(client, `SELECT count(*) FROM user_source_connections WHERE kind = 'oauth'`);
  const countAllMs = await sqlMedian(client, 'SELECT count(*) FROM user_source_connections');
  const groupedMs = await sqlMedian(client, `SELECT source_uuid, count(*) FROM user_source_connections WHERE kind = 'oauth' GROUP BY source_uuid`);
  const countersMs = await sqlMedian(
    client,
    `SELECT source_uuid, sum(n) FROM user_source_connection_count_slots WHERE kind = 'oauth' GROUP BY source_uuid`,
  );
  const naiveMs = await sqlMedian(
    client,
    `SELECT c.* FROM user_source_connections c LEFT JOIN sources s ON s.pbm_uuid = c.source_uuid WHERE c.kind = 'oauth' ORDER BY s.slug, c.id LIMIT 100`,
    [],
    3,
  );
  console.log('\nSQL, median of 5 (what the list endpoints avoid, and what they do instead):');
  console.log(
    `  unfiltered count(*) kind=oauth: ${fmt(countMs)} ms; count(*) all kinds: ${fmt(countAllMs)} ms; per-source GROUP BY count: ${fmt(groupedMs)} ms`,
  );
  console.log(`  per-source sizes from the counter table (used instead): ${fmt(countersMs, 2)} ms`);
  console.log(`  one-statement ORDER BY sources.slug, id LIMIT 100 (replaced by per-source index scans): ${fmt(naiveMs)} ms`);

  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.http.server.address() as { port: number }).port;
  const headers = { authorization: `Bearer ${TOKEN}` };
  const base = `http://127.0.0.1:${port}/api/v3/sources/user_connections/oauth/?page_size=100`;
  const deepPage = Math.floor(CONNECTIONS / 100 / 2) + 7;
  const cases: Array<[string, string]> = [
    ['page 1 (default ordering source__slug, pk)', base],
    [`deep page ${deepPage} (offset ${(deepPage - 1) * 100})`, `${base}&page=${deepPage}`],
    [`?user=${FIRST_USER_ID + 4242}`, `${base}&user=${FIRST_USER_ID + 4242}`],
    ['?ordering=-pk page 1', `${base}&ordering=-pk`],
    ['?search=ext-77777 (ILIKE over username, slug, identifier)', `${base}&search=ext-77777`],
  ];
  for (const [label, url] of cases) {
    const sample = await fetch(url, { headers });
    const body = (await sample.json()) as { pagination: { count: number }; results: unknown[] };
    if (sample.status !== 200) throw new Error(`${label}: HTTP ${sample.status}`);
    await load(url, headers, 1, 4); // warm-up
    const r = await load(url, headers, SECONDS, 10);
    console.log(
      `\n${label}\n  count=${body.pagination.count} results=${body.results.length}: ${fmt(r.requestsPerSec)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`,
    );
  }
} finally {
  await client.end();
  await app.close();
  if (process.env.BENCH_KEEP_DATABASE !== '1') await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
