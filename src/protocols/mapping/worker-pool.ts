/**
 * The main-thread side of the sandbox: a small pool of worker threads (worker.ts), each holding
 * its own QuickJS module and running one evaluation at a time, and the watchdog that enforces
 * the time limits.
 *
 * Why threads: QuickJS polls its interrupt handler only every ~10k bytecode ticks, and a single
 * tick can be one long native operation (`indexOf` over a 4 MB string, `includes` on a sparse
 * array of length 2^32 - 1), so an in-VM check cannot bound an evaluation — and on the main
 * thread such an evaluation blocks every request. Here the main thread only posts messages, and
 * for each evaluation:
 *  - CPU budget (`timeLimitMs`, CPU time of the worker's own thread): when it is spent, the
 *    shared interrupt flag is raised, which QuickJS notices at its next poll; a worker that has
 *    not answered after a short grace period is terminated.
 *  - Wall-clock deadline (`wallTimeLimitMs`): the worker is terminated, whatever it is doing.
 * A terminated worker, or one whose module was poisoned, is removed from the pool at once (it
 * never receives another evaluation); a replacement is started when work is waiting.
 */
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { cpuUsage } from 'node:process';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { InternalError } from '../../errors/index.js';
import type { MappingFailureReason } from './errors.js';
import type { VmLimits, VmRequest } from './vm.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** Maximum number of worker threads (started on demand). */
  size: number;
  limits: VmLimits;
  /** V8 limits of each worker thread (its own heap, not the QuickJS heap). */
  resourceLimits: ResourceLimits;
  timeLimitMs: number;
  wallTimeLimitMs: number;
  /** Monotonic wall clock in ms. */
  now: () => number;
  /** Replaces the per-thread CPU clock (tests). */
  cpuNow?: () => number;
}

export type PoolOutcome = { ok: true; text: string } | { ok: false; reason: MappingFailureReason; detail: string };

interface Job {
  request: VmRequest;
  settle(outcome: PoolOutcome): void;
  fail(error: Error): void;
}

interface Run {
  job: Job;
  seq: number;
  wallStart: number;
  cpuStart: number;
  timer: NodeJS.Timeout | undefined;
  /** Set once a budget ran out: the timeout message the job ends with. */
  expired: string | null;
}

interface Slot {
  worker: Worker;
  flag: Int32Array;
  state: 'starting' | 'idle' | 'busy' | 'retired';
  cpu: CpuClock;
  run: Run | null;
  ready: Promise<void>;
  onReady(): void;
  onStartFailure(error: Error): void;
}

interface CpuClock {
  read(): number;
  close(): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** CPU time of the whole process in ms: counts other threads too, so it can only run out early. */
const processCpu: CpuClock = {
  read() {
    const usage = cpuUsage();
    return (usage.user + usage.system) / 1000;
  },
  close() {},
};

/**
 * CPU time of one thread in ms, from Linux's `/proc/self/task/<tid>/schedstat` (first field:
 * nanoseconds on CPU). The descriptor stays open: a positioned read costs ≈5 µs, opening the
 * file each time ≈30 µs.
 */
function threadCpu(osThreadId: number): CpuClock | null {
  let fd: number;
  try {
    fd = openSync(`/proc/self/task/${osThreadId}/schedstat`, 'r');
  } catch {
    return null;
  }
  const buffer = Buffer.alloc(64);
  let last = 0;
  const clock: CpuClock = {
    read() {
      try {
        const n = readSync(fd, buffer, 0, buffer.length, 0);
        const ns = Number.parseInt(buffer.toString('latin1', 0, n), 10);
        if (Number.isFinite(ns)) last = ns / 1e6;
      } catch {
        // The thread is gone; its CPU time no longer grows.
      }
      return last;
    },
    close() {
      closeSync(fd);
    },
  };
  return clock.read() > 0 ? clock : (clock.close(), null);
}

const HERE = import.meta.url;

/**
 * Compiled (dist/): worker.js next to this file. From the TypeScript sources (vitest, tsx) the
 * worker is loaded through tsx, which the plain worker loader does not know about.
 */
function startWorker(setup: WorkerSetup, resourceLimits: ResourceLimits): Worker {
  if (!new URL(HERE).pathname.endsWith('.ts')) return new Worker(new URL('./worker.js', HERE), { workerData: setup, resourceLimits });
  const entry = new URL('./worker.ts', HERE).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  return new Worker(boot, { eval: true, workerData: setup, resourceLimits });
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private seq = 0;
  private closed = false;
  /** Set when a worker failed to start, cleared when one starts: no spawning in a loop meanwhile. */
  private startFailed = false;
  /** How long QuickJS gets to notice the interrupt flag before its worker is terminated. */
  private readonly graceMs: number;

  constructor(private readonly options: WorkerPoolOptions) {
    this.graceMs = Math.min(50, Math.max(10, options.timeLimitMs / 2));
  }

  evaluate(request: VmRequest): Promise<PoolOutcome> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<PoolOutcome>((resolve, reject) => {
      this.queue.push({ request, settle: resolve, fail: reject });
      this.pump();
    });
  }

  /** Starts every worker of the pool and waits until they are ready. */
  async warmUp(): Promise<void> {
    if (this.closed) throw closedError();
    while (this.slots.size < this.options.size) this.spawn();
    await Promise.all([...this.slots].map((s) => s.ready));
  }

  /** Terminates every worker; pending evaluations fail with an InternalError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of [...this.slots]) {
      const run = slot.run;
      this.retire(slot);
      run?.job.fail(closedError());
    }
    for (const job of this.queue.splice(0)) job.fail(closedError());
  }

  /** Hands waiting evaluations to idle workers; starts workers while some are missing. */
  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.state === 'idle') this.dispatch(slot, this.queue.shift() as Job);
    }
    // After a failed start, waiting evaluations are left to the workers there are; with none
    // left they have been failed, and the next evaluation tries to start one again.
    if (this.startFailed && this.slots.size > 0) return;
    let starting = 0;
    for (const slot of this.slots) if (slot.state === 'starting') starting += 1;
    let missing = Math.min(this.queue.length - starting, this.options.size - this.slots.size);
    while (missing-- > 0) this.spawn();
  }

  private spawn(): void {
    const { limits, resourceLimits } = this.options;
    const interrupt = new SharedArrayBuffer(4);
    const worker = startWorker({ limits, interrupt }, resourceLimits);
    let onReady = (): void => {};
    let onStartFailure = (_error: Error): void => {};
    const ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onStartFailure = reject;
    });
    ready.catch(() => undefined); // observed by warmUp() only
    const slot: Slot = { worker, flag: new Int32Array(interrupt), state: 'starting', cpu: processCpu, run: null, ready, onReady, onStartFailure };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onCrash(slot, error));
    worker.on('messageerror', (error) => this.onCrash(slot, error));
    worker.on('exit', (code) => this.onCrash(slot, new Error(`The sandbox worker exited (code ${code}).`)));
  }

  private dispatch(slot: Slot, job: Job): void {
    const { timeLimitMs, wallTimeLimitMs, now, cpuNow } = this.options;
    Atomics.store(slot.flag, 0, 0);
    const run: Run = {
      job,
      seq: (this.seq += 1),
      wallStart: now(),
      cpuStart: cpuNow ? cpuNow() : slot.cpu.read(),
      timer: undefined,
      expired: null,
    };
    slot.state = 'busy';
    slot.run = run;
    slot.worker.postMessage({ ...job.request, seq: run.seq } satisfies ToWorker);
    // A thread cannot use more CPU time than wall-clock time: nothing to check before this.
    run.timer = setTimeout(() => this.check(slot, run), timerMs(Math.min(timeLimitMs, wallTimeLimitMs)));
  }

  private check(slot: Slot, run: Run): void {
    if (slot.run !== run) return;
    const { timeLimitMs, wallTimeLimitMs, now, cpuNow } = this.options;
    const wall = now() - run.wallStart;
    if (wall >= wallTimeLimitMs) return this.kill(slot, run, run.expired ?? `Timed out after ${wallTimeLimitMs} ms (wall clock)`);
    if (run.expired !== null) return this.kill(slot, run, run.expired); // the grace period is over
    const cpu = (cpuNow ? cpuNow() : slot.cpu.read()) - run.cpuStart;
    if (cpu >= timeLimitMs) {
      run.expired = `Timed out after ${timeLimitMs} ms`;
      Atomics.store(slot.flag, 0, 1);
      run.timer = setTimeout(() => this.check(slot, run), timerMs(Math.min(this.graceMs, wallTimeLimitMs - wall)));
      return;
    }
    run.timer = setTimeout(() => this.check(slot, run), timerMs(Math.min(timeLimitMs - cpu, wallTimeLimitMs - wall)));
  }

  private kill(slot: Slot, run: Run, message: string): void {
    this.retire(slot);
    run.job.settle({ ok: false, reason: 'timeout', detail: message });
    this.pump();
  }

  /**
   * Out of the pool for good: terminated, never handed another evaluation. A worker that had
   * been serving is replaced at once, so the next evaluation does not wait for a thread to boot
   * (one that failed to start is not, or a broken installation would respawn forever).
   */
  private retire(slot: Slot): void {
    if (slot.state === 'retired') return;
    const wasServing = slot.state === 'idle' || slot.state === 'busy';
    if (slot.run) clearTimeout(slot.run.timer);
    slot.run = null;
    slot.state = 'retired';
    this.slots.delete(slot);
    slot.cpu.close();
    void slot.worker.terminate();
    if (wasServing && !this.closed) this.spawn();
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (slot.state === 'retired') return;
    if (message.type === 'ready') {
      if (slot.state !== 'starting') return;
      const clock = message.osThreadId === null ? null : threadCpu(message.osThreadId);
      if (clock) slot.cpu = clock;
      this.startFailed = false;
      slot.state = 'idle';
      slot.worker.unref();
      slot.onReady();
      this.pump();
      return;
    }
    const run = slot.run;
    if (run === null || run.seq !== message.seq) return;
    clearTimeout(run.timer);
    slot.run = null;
    const { outcome } = message;
    if (!outcome.ok && outcome.poisoned) {
      this.retire(slot);
    } else {
      slot.state = 'idle';
    }
    if (outcome.ok) run.job.settle(outcome);
    else if (run.expired !== null) run.job.settle({ ok: false, reason: 'timeout', detail: run.expired });
    else run.job.settle({ ok: false, reason: outcome.reason, detail: outcome.detail });
    this.pump();
  }

  private onCrash(slot: Slot, error: Error): void {
    if (slot.state === 'retired') return;
    const wasStarting = slot.state === 'starting';
    const run = slot.run;
    this.retire(slot);
    if (run) {
      if (run.expired !== null) run.job.settle({ ok: false, reason: 'timeout', detail: run.expired });
      else if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        run.job.settle({ ok: false, reason: 'memory', detail: 'Memory limit exceeded (the sandbox thread ran out of memory)' });
      } else run.job.settle({ ok: false, reason: 'exception', detail: `Sandbox failure: ${error.message}` });
    }
    if (wasStarting) {
      this.startFailed = true;
      slot.onStartFailure(error);
      // Nothing left that could serve the waiting evaluations: fail them instead of retrying forever.
      if (this.slots.size === 0) {
        const failure = new InternalError(`The property-mapping sandbox could not start: ${error.message}`, undefined, { cause: error });
        for (const job of this.queue.splice(0)) job.fail(failure);
      }
    }
    this.pump();
  }
}

function closedError(): InternalError {
  return new InternalError('The property-mapping sandbox has been disposed.');
}

function timerMs(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms)));
}
