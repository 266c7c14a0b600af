/**
 * Per-evaluation cost of the property-mapping sandbox for a trivial mapping: 1,000 sequential
 * evaluations after a warm-up, mean and p50/p99 per evaluation and, on Linux, the CPU time the
 * main thread (the one serving requests) spent per evaluation; plus the same mapping run 1,000
 * times concurrently (8 in flight).
 *
 * Usage: npx tsx bench/mapping-sandbox.ts [N=1000]
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMappingSandbox } from '../src/protocols/mapping/index.js';

const n = Number(process.argv[2] ?? 1000);
const expression = 'return { username: info.login.toLowerCase(), attributes: { github: info.html_url } }';
const context = { info: { login: 'Octo-Cat', html_url: 'https://github.com/octocat', id: 583231 } };
const sandbox = createMappingSandbox({ timeLimitMs: 2000 });

async function once(): Promise<void> {
  const r = (await sandbox.evaluate(expression, context, { name: 'bench' })) as { username?: string };
  if (r.username !== 'octo-cat') throw new Error('wrong result');
}

/** CPU time of the calling thread in ms (Linux), else null. */
function threadCpuMs(): number | null {
  try {
    return Number.parseInt(readFileSync('/proc/thread-self/schedstat', 'latin1'), 10) / 1e6;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const coldStart = performance.now();
await sandbox.warmUp();
await once();
const cold = performance.now() - coldStart;
for (let i = 0; i < 300; i++) await once(); // let V8 tier up the WebAssembly

const times: number[] = [];
const cpuStarted = threadCpuMs();
const started = performance.now();
for (let i = 0; i < n; i++) {
  const t = performance.now();
  await once();
  times.push(performance.now() - t);
}
const total = performance.now() - started;
const cpuEnded = threadCpuMs();
times.sort((a, b) => a - b);

const concurrentStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < n) {
      next += 1;
      await once();
    }
  }),
);
const concurrent = performance.now() - concurrentStart;

console.log(`warm-up + first evaluation: ${cold.toFixed(1)} ms`);
console.log(
  `sequential: ${n} evaluations in ${total.toFixed(0)} ms = ${(total / n).toFixed(3)} ms each ` +
    `(p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms)`,
);
if (cpuStarted !== null && cpuEnded !== null) console.log(`main-thread CPU: ${((cpuEnded - cpuStarted) / n).toFixed(3)} ms per evaluation`);
console.log(`8 in flight: ${n} evaluations in ${concurrent.toFixed(0)} ms = ${(concurrent / n).toFixed(3)} ms each`);
sandbox.dispose();
