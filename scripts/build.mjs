// Compiles src/ to dist/ with tsc, or skips it when dist/ is already current: `npm start` runs
// this on every start, and a restart with nothing changed should not pay for a compile.
// `node scripts/build.mjs` (npm run build) always compiles. tsc is incremental either way
// (tsconfig.build.json keeps its build info in dist/, so deleting dist/ forces a full build).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Lists the inputs (path, mtime, size) of the last successful build. */
export const STAMP = 'dist/.build-inputs.json';

/** Proof that a build ran: without it the stamp alone says nothing. */
export const OUTPUT = 'dist/main.js';

/** What the compiled output depends on: sources, compiler options, and the installed packages. */
export const BUILD_INPUTS = [
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
  'node_modules/.package-lock.json',
  'node_modules/typescript/package.json',
];

/**
 * Every file under the given paths (relative to root) with its mtime and size, sorted by path.
 * Comparing whole snapshots rather than "newest mtime vs build time" also catches deleted and
 * added files and files whose mtime went backwards (copied or restored with their old times),
 * and cannot be fooled by a coarse file-system clock. Missing paths are skipped.
 * @returns {Record<string, string>}
 */
export function snapshotInputs(root, inputs = BUILD_INPUTS) {
  const files = [];
  const visit = (rel) => {
    let st;
    try {
      st = statSync(path.join(root, rel));
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of readdirSync(path.join(root, rel))) visit(path.posix.join(rel, name));
    else files.push([rel, `${st.mtimeMs}:${st.size}`]);
  };
  for (const rel of inputs) visit(rel);
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(files);
}

/** True when two snapshots list the same files with the same mtimes and sizes. */
export function sameSnapshot(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** True when dist/ was built from exactly the inputs that are there now. */
export function isBuildCurrent(root = projectRoot, inputs = BUILD_INPUTS) {
  if (!existsSync(path.join(root, OUTPUT))) return false;
  let built;
  try {
    built = JSON.parse(readFileSync(path.join(root, STAMP), 'utf8'));
  } catch {
    return false;
  }
  return sameSnapshot(built, snapshotInputs(root, inputs));
}

/**
 * Runs tsc and, when it succeeds, records the inputs as they were before it started: a file
 * edited during the compile then differs from the record and is compiled on the next start.
 */
export function build(root = projectRoot) {
  const before = snapshotInputs(root);
  // tsc writes outputs even when it reports errors, so until it succeeds dist/ matches nothing.
  rmSync(path.join(root, STAMP), { force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) return false;
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  writeFileSync(path.join(root, STAMP), `${JSON.stringify(before)}\n`);
  return true;
}

/** Compiles only when something changed since the last successful build. */
export function buildIfStale(root = projectRoot) {
  if (isBuildCurrent(root)) return true;
  console.log('[build] compiling src/ (changed since the last build)');
  return build(root);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(build() ? 0 : 1);
}
