/**
 * GET /api/v3/core/users/?page_size=100 over 100,000 users on PostgreSQL, against a bare
 * Fastify route returning the same bytes, measured in the same run. Prints both and the ratio.
 * Usage: npx tsx bench/users-list.ts [seconds=10]
 */
import Fastify from 'fastify';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { fmt, freshDatabase, load } from './support.js';

const SECONDS = Number(process.argv[2] ?? 10);
const USERS = 100_000;
const TOKEN = 'bench-token-0123456789abcdefghijklmnop';

const db = await freshDatabase('tributary_bench_users');
const app = await createApp({
  config: loadConfig({
    DATABASE_URL: db.url,
    TRIBUTARY_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    TRIBUTARY_BOOTSTRAP_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
  }),
});
try {
  const seed = new pg.Client({ connectionString: db.url });
  await seed.connect();
  const t0 = Date.now();
  await seed.query(
    `INSERT INTO users (username, name, email, path, attributes)
     SELECT 'user' || lpad(i::text, 6, '0'), 'User ' || i, 'user' || i || '@example.com', 'users', '{"bench": true}'::jsonb
     FROM generate_series(1, $1) AS i`,
    [USERS],
  );
  await seed.query('ANALYZE');
  await seed.end();
  console.log(`seeded ${USERS} users in ${Date.now() - t0} ms`);

  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.http.server.address() as { port: number }).port;
  const path = '/api/v3/core/users/?page_size=100';
  const headers = { authorization: `Bearer ${TOKEN}` };
  const sample = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  const bytes = await sample.text();
  if (sample.status !== 200) throw new Error(`unexpected status ${sample.status}: ${bytes.slice(0, 200)}`);
  console.log(`response: ${bytes.length} bytes, count=${(JSON.parse(bytes) as { pagination: { count: number } }).pagination.count}`);

  const bare = Fastify({ logger: false });
  bare.get('/bare', (_req, reply) => reply.type('application/json').send(bytes));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;

  await load(`http://127.0.0.1:${port}${path}`, headers, 2); // warm-up
  const ours = await load(`http://127.0.0.1:${port}${path}`, headers, SECONDS);
  const baseline = await load(`http://127.0.0.1:${barePort}/bare`, {}, SECONDS);
  await bare.close();

  console.log(
    `\nusers list (page_size=100 of ${USERS}): ${fmt(ours.requestsPerSec)} req/s, p50 ${ours.p50} ms, p99 ${ours.p99} ms, non-2xx ${ours.non2xx}`,
  );
  console.log(`bare Fastify, same bytes:          ${fmt(baseline.requestsPerSec)} req/s, p50 ${baseline.p50} ms, p99 ${baseline.p99} ms`);
  console.log(`ratio ours/bare: ${fmt(ours.requestsPerSec / baseline.requestsPerSec, 3)}`);
} finally {
  await app.close();
  await db.drop();
}
