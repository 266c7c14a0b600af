/**
 * Entry point of a sandbox worker thread: one QuickJS module, one evaluation at a time.
 * The main thread (worker-pool.ts) owns every limit on time; this thread only honours the shared
 * interrupt flag, and is terminated when it does not honour it soon enough.
 */
import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { runInVm } from './vm.js';
import { loadQuickJS } from './wasm.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread only.');
const { limits, interrupt } = workerData as WorkerSetup;
const flag = new Int32Array(interrupt);
const interrupted = (): boolean => Atomics.load(flag, 0) !== 0;

/** Linux: `/proc/thread-self` → `<pid>/task/<tid>`; elsewhere null. */
function osThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isSafeInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

const module = await loadQuickJS();
port.on('message', (request: ToWorker) => {
  const outcome = runInVm(module, request, limits, interrupted);
  port.postMessage({ type: 'result', seq: request.seq, outcome } satisfies FromWorker);
  // A poisoned module is never used again: stop taking work (the pool terminates this thread).
  if (!outcome.ok && outcome.poisoned) port.close();
});
port.postMessage({ type: 'ready', osThreadId: osThreadId() } satisfies FromWorker);
