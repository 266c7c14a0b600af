// Installs npm dependencies when node_modules is missing or older than the lock file,
// so `npm start` and `npm test` work on a fresh clone with nothing but Node and npm.
// When nothing is stale this is two stat calls.
import { execSync } from 'node:child_process';
import { existsSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDeps(root = projectRoot) {
  const marker = path.join(root, 'node_modules/.package-lock.json');
  const hasLock = existsSync(path.join(root, 'package-lock.json'));
  const lock = path.join(root, hasLock ? 'package-lock.json' : 'package.json');
  const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
  if (!stale) return;
  const cmd = hasLock ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund';
  console.log(`[ensure-deps] ${cmd}`);
  execSync(cmd, { cwd: root, stdio: 'inherit' });
  // npm may rewrite the lock file after its own marker; mark the install as newer than the lock
  // so the next start does not reinstall.
  if (existsSync(marker)) {
    const now = new Date();
    utimesSync(marker, now, now);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  ensureDeps();
}
