// The whole suite, twice: on the embedded PGlite database, then on PostgreSQL in a fresh
// database that is dropped afterwards. Extra arguments go to vitest (e.g. a test path).
// vitest runs under the chosen Node (see runtime.mjs); its worker forks inherit it.
// A run without arguments first lints: ESLint (with the layer rules) and the Prettier check.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { describeRuntime, ensureRuntimeOrExit, runtimeEnv } from './runtime.mjs';

const args = process.argv.slice(2);
const adminUrl = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const onlyPglite = process.env.TRIBUTARY_TEST_ONLY === 'pglite';
const onlyPostgres = process.env.TRIBUTARY_TEST_ONLY === 'postgres';
const rt = ensureRuntimeOrExit();
console.log(describeRuntime(rt));

function runVitest(label, env) {
  const out = `.vitest-results-${label}.json`;
  rmSync(out, { force: true });
  console.log(`\n=== test suite on ${label} ===`);
  const vitest = ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`];
  const r = spawnSync(rt.execPath, [...vitest, ...args], { stdio: 'inherit', env: runtimeEnv(rt, { ...process.env, ...env }) });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed = report.numPassedTests ?? 0;
    failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    rmSync(out, { force: true });
  }
  if (r.status !== 0 && failed === 0) failed = 1; // vitest itself failed (e.g. an unhandled error)
  console.log(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return { passed, failed, skipped };
}

/** `npm run lint`'s two checks; true when both pass. */
function runLint() {
  console.log('\n=== lint ===');
  const checks = [
    ['node_modules/eslint/bin/eslint.js', '.'],
    ['node_modules/prettier/bin/prettier.cjs', '--check', '.'],
  ];
  const failed = checks.filter((check) => spawnSync(rt.execPath, check, { stdio: 'inherit', env: runtimeEnv(rt, process.env) }).status !== 0);
  console.log(failed.length === 0 ? 'lint: clean' : `lint: ${failed.map(([bin]) => bin.split('/')[1]).join(' and ')} failed`);
  return failed.length === 0;
}

async function withFreshPostgres(fn) {
  const name = `tributary_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (e) {
    console.error(`PostgreSQL is not reachable at ${adminUrl}: ${e.message}`);
    console.error('Start it (see README) or set TEST_POSTGRES_ADMIN_URL.');
    return { passed: 0, failed: 1, skipped: 0 };
  }
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (r) => {
  totals.passed += r.passed;
  totals.failed += r.failed;
  totals.skipped += r.skipped;
};
const lintClean = args.length === 0 ? runLint() : true;
if (!onlyPostgres) add(runVitest('pglite', { TEST_DATABASE_URL: '' }));
if (!onlyPglite) add(await withFreshPostgres((url) => runVitest('postgres', { TEST_DATABASE_URL: url })));

console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${lintClean ? '' : '; lint failed'}`);
process.exit(totals.failed > 0 || !lintClean ? 1 : 0);
