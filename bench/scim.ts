/**
 * SCIM write throughput on PostgreSQL, each compared in the same run with its floor — a plain
 * parameterised INSERT of the same rows through `pg` at the same concurrency:
 *   1. POST /Users (distinct users)           vs INSERT INTO users …
 *   2. PATCH /Groups add one member (10 groups, round robin) vs INSERT INTO group_members …
 *   3. PATCH /Groups add one member, all on ONE group (the per-group lock serialises these)
 * The HTTP load runs in a child process (autocannon, 10 connections = 10 requests in flight); the
 * floors are a bounded closed loop over a pg pool of 10. Each measurement lasts SECONDS (≤ 20).
 * Prints operations/s and p50/p99 latency.
 * Usage: npx tsx bench/scim.ts [seconds=10]
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { fmt, freshDatabase } from './support.js';

const SECONDS = Math.min(Number(process.argv[2] ?? 10), 20);
const CONCURRENCY = 10;
const TOKEN = 'bench-token-0123456789abcdefghijklmnop';
const SCIM_KEY = 'bench-scim-key-0123456789abcdefghijklmnop';

interface Result {
  ops: number;
  opsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
}

function summarise(latencies: number[], elapsedMs: number, errors: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { ops: sorted.length, opsPerSec: (sorted.length / elapsedMs) * 1000, p50: at(0.5), p99: at(0.99), errors };
}

/** Bounded closed loop: CONCURRENCY workers, each issuing the next operation when one ends. */
async function closedLoop(seconds: number, op: (i: number) => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const i = next++;
        const t0 = performance.now();
        if (!(await op(i))) errors++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return summarise(latencies, performance.now() - start, errors);
}

/**
 * HTTP load: autocannon (programmatic, for per-request bodies) in a child process, so the load
 * generator neither shares the server's event loop nor costs what fetch() does per request.
 * `users`: POST /Users with a fresh userName per request; `patch`: PATCH /Groups/<g> adding one
 * existing user per request, cycling through groups and users.
 */
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');
const CHILD = `
const autocannon = require(${JSON.stringify(AUTOCANNON)});
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => run(JSON.parse(input)));
function run(cfg) {
let n = 0;
const body = (i) => cfg.kind === 'users'
  ? { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: cfg.prefix + i, externalId: 'ext-' + cfg.prefix + i, active: true,
      name: { givenName: 'Bench', familyName: String(i), formatted: 'Bench ' + i },
      emails: [{ primary: true, type: 'work', value: cfg.prefix + i + '@example.com' }] }
  : { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: cfg.users[i % cfg.users.length] }] }] };
const path = (i) => cfg.kind === 'users' ? cfg.base + '/Users' : cfg.base + '/Groups/' + cfg.groups[i % cfg.groups.length] + '?excludedAttributes=members';
autocannon({
  url: cfg.origin, connections: cfg.connections, duration: cfg.seconds,
  headers: { authorization: 'Bearer ' + cfg.key, 'content-type': 'application/scim+json' },
  requests: [{ method: cfg.kind === 'users' ? 'POST' : 'PATCH', setupRequest: (req) => { const i = n++; return { ...req, path: path(i), body: JSON.stringify(body(i)) }; } }],
}, (err, r) => {
  if (err) { console.error(err); process.exit(1); }
  process.stdout.write(JSON.stringify({ total: r.requests.total, seconds: r.duration, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors + r.timeouts }));
});
}
`;

function httpLoad(cfg: Record<string, unknown>): Promise<Result> {
  return new Promise((resolve, reject) => {
    // The configuration (with thousands of user ids) goes through stdin: argv is size-limited.
    const child = spawn(process.execPath, ['-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify({ connections: CONCURRENCY, seconds: SECONDS, ...cfg }));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      const r = JSON.parse(out) as { total: number; seconds: number; p50: number; p99: number; errors: number };
      resolve({ ops: r.total, opsPerSec: r.total / r.seconds, p50: r.p50, p99: r.p99, errors: r.errors });
    });
  });
}

function line(label: string, r: Result): string {
  return `${label.padEnd(44)} ${fmt(r.opsPerSec).padStart(8)} ops/s  p50 ${fmt(r.p50, 2).padStart(6)} ms  p99 ${fmt(r.p99, 2).padStart(6)} ms  (${r.ops} ops, ${r.errors} errors)`;
}

const db = await freshDatabase('tributary_bench_scim');
const app = await createApp({
  config: loadConfig({
    DATABASE_URL: db.url,
    TRIBUTARY_SECRET_KEY: 'bench-secret-key-0123456789abcdefghijkl',
    TRIBUTARY_BOOTSTRAP_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
  }),
  runJobs: false,
});
const pool = new pg.Pool({ connectionString: db.url, max: CONCURRENCY });
try {
  // A SCIM source with its service account and token, as the admin API would create it.
  const source = await app.db
    .insertInto('sources')
    .values({ kind: 'scim', name: 'Bench SCIM', slug: 'bench' })
    .returning('pbm_uuid')
    .executeTakeFirstOrThrow();
  const account = await app.ctx.store.repos.users.create({
    username: `ak-source-scim-${source.pbm_uuid}`,
    type: 'internal_service_account',
    path: 'goauthentik.io/sources/scim',
  });
  const token = await app.ctx.store.repos.tokens.create({
    identifier: `ak-source-scim-${source.pbm_uuid}`,
    key: SCIM_KEY,
    intent: 'api',
    userId: account.id,
    expiring: false,
  });
  await app.db.insertInto('scim_sources').values({ source_uuid: source.pbm_uuid, token_uuid: token.uuid }).execute();

  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.http.server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  const base = '/source/scim/bench/v2';
  const load = (cfg: Record<string, unknown>) => httpLoad({ origin, base, key: SCIM_KEY, ...cfg });
  console.log(`PostgreSQL, concurrency ${CONCURRENCY}, ${SECONDS} s per measurement\n`);

  // Warm-up (JIT, connection pool, plan cache), not reported.
  await httpLoad({ origin, base, key: SCIM_KEY, kind: 'users', prefix: 'warm-', seconds: 2 });

  const posts = await load({ kind: 'users', prefix: 'bench-user-' });
  const usersFloor = await closedLoop(SECONDS, async (i) => {
    const name = `floor-user-${i}`;
    await pool.query('INSERT INTO users (username, name, email, path, attributes) VALUES ($1, $2, $3, $4, $5)', [
      name,
      `Bench ${i}`,
      `${name}@example.com`,
      'goauthentik.io/sources/bench',
      '{}',
    ]);
    return true;
  });

  const groupIds: string[] = [];
  for (let g = 0; g < 11; g++) {
    const r = await fetch(`${origin}${base}/Groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SCIM_KEY}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ displayName: `bench-group-${g}` }),
    });
    groupIds.push(((await r.json()) as { id: string }).id);
  }
  const [hotGroup, ...spreadGroups] = groupIds as [string, ...string[]];
  const users = (
    await pool.query<{ uuid: string }>(
      "SELECT u.uuid FROM users u JOIN scim_source_users l ON l.user_id = u.id WHERE u.username LIKE 'bench-user-%' ORDER BY u.id",
    )
  ).rows.map((r) => r.uuid);
  const patches = await load({ kind: 'patch', groups: spreadGroups, users });
  const hot = await load({ kind: 'patch', groups: [hotGroup], users });

  const floorGroup = (await pool.query<{ group_uuid: string }>("INSERT INTO groups (name) VALUES ('floor-group') RETURNING group_uuid")).rows[0]
    .group_uuid;
  const userIds = (await pool.query<{ id: number }>("SELECT id FROM users WHERE username LIKE 'floor-user-%' ORDER BY id")).rows.map((r) => r.id);
  const membersFloor = await closedLoop(SECONDS, async (i) => {
    await pool.query('INSERT INTO group_members (group_uuid, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      floorGroup,
      userIds[i % userIds.length],
    ]);
    return true;
  });
  const members = Number(
    (await pool.query<{ n: string }>('SELECT count(*) AS n FROM group_members gm JOIN scim_source_groups l ON l.group_uuid = gm.group_uuid')).rows[0]
      .n,
  );

  console.log(line('SCIM POST /Users (distinct users)', posts));
  console.log(line('  floor: INSERT INTO users (pg)', usersFloor));
  console.log(`  ratio SCIM/floor: ${fmt(posts.opsPerSec / usersFloor.opsPerSec, 3)}\n`);
  console.log(line('SCIM PATCH /Groups add member (10 groups)', patches));
  console.log(line('SCIM PATCH /Groups add member (1 group)', hot));
  console.log(line('  floor: INSERT INTO group_members (pg)', membersFloor));
  console.log(
    `  ratio SCIM/floor: ${fmt(patches.opsPerSec / membersFloor.opsPerSec, 3)} (10 groups), ${fmt(hot.opsPerSec / membersFloor.opsPerSec, 3)} (1 group); ${members} SCIM memberships written`,
  );
} finally {
  await pool.end();
  await app.close();
  await db.drop();
}
