/**
 * Runs periodic jobs in-process. Every instance runs the same jobs; each job must be safe to
 * run concurrently (SKIP LOCKED batches, or an advisory lock), so no coordinator is needed.
 */
export interface Job {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  start(): void;
  /** Runs every job once now (tests, and the first tick after boot). */
  runAll(): Promise<void>;
  stop(): Promise<void>;
}

export function createScheduler(jobs: Job[], onError: (job: Job, err: unknown) => void): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const runJob = (job: Job) => {
    if (stopped) return Promise.resolve();
    const p = job.run().catch((err) => onError(job, err));
    running.add(p);
    return p.finally(() => running.delete(p));
  };

  return {
    start() {
      for (const job of jobs) {
        // Jitter spreads instances that booted together.
        const t = setInterval(() => void runJob(job), job.intervalMs + Math.floor(Math.random() * job.intervalMs * 0.1));
        t.unref();
        timers.push(t);
      }
    },
    async runAll() {
      await Promise.all(jobs.map(runJob));
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
