/** Messages between the sandbox's main-thread pool (worker-pool.ts) and a worker (worker.ts). */
import type { VmLimits, VmOutcome, VmRequest } from './vm.js';

export interface WorkerSetup {
  limits: VmLimits;
  /**
   * Int32Array over 4 shared bytes: the main thread stores 1 when the evaluation's time is up
   * (QuickJS' interrupt handler reads it) and 0 before handing the worker its next evaluation.
   */
  interrupt: SharedArrayBuffer;
}

export type ToWorker = VmRequest & { seq: number };

export type FromWorker =
  /** `osThreadId`: the OS thread id (Linux), so the pool can read the thread's own CPU time. */
  { type: 'ready'; osThreadId: number | null } | { type: 'result'; seq: number; outcome: VmOutcome };
