// `npm start`: install what is missing, compile what changed, then run dist/main.js under the
// chosen Node (see runtime.mjs). Arguments after `npm start --` go to the server.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build.mjs';
import { ensureDeps } from './ensure-deps.mjs';
import { describeRuntime, ensureRuntimeOrExit, runtimeEnv } from './runtime.mjs';

ensureDeps();
if (!buildIfStale()) process.exit(1);
const rt = ensureRuntimeOrExit();
console.log(describeRuntime(rt));

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const server = spawn(rt.execPath, [main, ...process.argv.slice(2)], { stdio: 'inherit', env: runtimeEnv(rt) });
// The server drains on SIGTERM/SIGINT; pass them on and leave with its exit status.
const forwarded = ['SIGTERM', 'SIGINT', 'SIGHUP'];
for (const signal of forwarded) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => {
  if (code !== null) process.exit(code);
  for (const s of forwarded) process.removeAllListeners(s);
  process.kill(process.pid, signal);
});
