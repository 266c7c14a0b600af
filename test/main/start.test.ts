/**
 * The README's `npm start` path: build, then run dist/main.js as a child process. Proves the
 * server boots on the embedded database (or DATABASE_URL), serves health and API, drains on
 * SIGTERM with exit 0, and refuses bad configuration with one message naming every problem.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../support/db.js';
import { freePort } from '../support/ports.js';

const root = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'start-test-token-0123456789abcdef';

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await fetch(url);
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`server did not answer ${url}: ${String(last)}`);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

let dataDir: string;
beforeAll(() => {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  dataDir = mkdtempSync(path.join(tmpdir(), 'tributary-start-'));
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(env: Record<string, string>): ChildProcess {
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn' };
  return spawn(process.execPath, ['dist/main.js'], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('npm start (dist/main.js)', () => {
  it('boots, serves health and the API, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = start({
      PORT: String(port),
      HOST: '127.0.0.1',
      TRIBUTARY_DATA_DIR: dataDir,
      TRIBUTARY_BOOTSTRAP_TOKEN: TOKEN,
      TRIBUTARY_BOOTSTRAP_PASSWORD: 'start-test-password',
      ...(TEST_DATABASE_URL ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
    });
    const exited = exitOf(child);
    try {
      const live = await waitFor(`http://127.0.0.1:${port}/-/health/live/`, 60_000);
      expect(live.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/-/health/ready/`)).status).toBe(200);
      const me = await fetch(`http://127.0.0.1:${port}/api/v3/core/users/me/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(me.status).toBe(200);
      expect((await me.json()).user.username).toBe('akadmin');
    } finally {
      child.kill('SIGTERM');
    }
    const { code, stderr } = await exited;
    expect(code, stderr).toBe(0);
  }, 120_000);

  it('a second server on the same embedded data directory refuses to start, naming the first', async () => {
    const [port, otherPort] = [await freePort(), await freePort()];
    const lockedDir = mkdtempSync(path.join(tmpdir(), 'tributary-locked-'));
    const env = { HOST: '127.0.0.1', TRIBUTARY_DATA_DIR: lockedDir };
    const first = start({ ...env, PORT: String(port) });
    const firstExit = exitOf(first);
    try {
      expect((await waitFor(`http://127.0.0.1:${port}/-/health/live/`, 60_000)).status).toBe(200);
      const second = start({ ...env, PORT: String(otherPort) });
      const { code, stderr } = await exitOf(second);
      expect(code).toBe(1);
      expect(stderr).toContain(`cannot open the embedded database in ${lockedDir}: it is in use by another process (PID ${first.pid})`);
      // The first one is unaffected.
      expect((await fetch(`http://127.0.0.1:${port}/-/health/ready/`)).status).toBe(200);
    } finally {
      first.kill('SIGTERM');
    }
    expect((await firstExit).code).toBe(0);
    rmSync(lockedDir, { recursive: true, force: true });
  }, 120_000);

  it('SIGTERM with a request that never finishes: exits 1 once the grace period is over', async () => {
    const port = await freePort();
    const hungDir = mkdtempSync(path.join(tmpdir(), 'tributary-hung-'));
    const child = start({
      HOST: '127.0.0.1',
      PORT: String(port),
      TRIBUTARY_DATA_DIR: hungDir,
      TRIBUTARY_SHUTDOWN_GRACE_SECONDS: '1',
      ...(TEST_DATABASE_URL ? { DATABASE_URL: TEST_DATABASE_URL } : {}),
    });
    const exited = exitOf(child);
    let elapsed = 0;
    try {
      expect((await waitFor(`http://127.0.0.1:${port}/-/health/live/`, 60_000)).status).toBe(200);
      // A request whose body never arrives stays in flight until the server gives up on it.
      const socket = connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined);
      socket.write('POST /api/v3/core/groups/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"na');
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      child.kill('SIGTERM');
      const { code } = await exited;
      elapsed = Date.now() - started;
      socket.destroy();
      expect(code).toBe(1);
    } finally {
      child.kill('SIGKILL');
      rmSync(hungDir, { recursive: true, force: true });
    }
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(6_000);
  }, 120_000);

  it('refuses bad configuration with one message naming every problem', async () => {
    const child = start({ PORT: 'abc', DATABASE_URL: 'mysql://localhost/x', LOG_LEVEL: 'loud' });
    const { code, stderr } = await exitOf(child);
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be an integer');
    expect(stderr).toContain('DATABASE_URL must use the postgres:// scheme');
    expect(stderr).toContain('LOG_LEVEL must be one of');
  }, 30_000);

  it('refuses an unreachable DATABASE_URL with a clear message', async () => {
    const port = await freePort();
    const child = start({ PORT: String(port), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', TRIBUTARY_SECRET_KEY: 'x'.repeat(40) });
    const { code, stderr } = await exitOf(child);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot open the PostgreSQL at DATABASE_URL/);
  }, 30_000);
});
