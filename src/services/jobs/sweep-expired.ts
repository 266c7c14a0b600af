import type { ServiceContext } from '../context.js';
import type { Job } from './scheduler.js';

const BATCH = 500;

/**
 * Deletes expired flow state, replay-cache entries, sessions, events and ended throttle windows,
 * a batch at a time.
 */
export function sweepExpiredJob(ctx: ServiceContext): Job {
  return {
    name: 'sweep-expired',
    intervalMs: 60_000,
    async run() {
      const repos = ctx.store.repos;
      let total = 0;
      for (const sweep of [
        repos.flowStates.sweep.bind(repos.flowStates),
        repos.replayCache.sweep.bind(repos.replayCache),
        repos.sessions.sweep.bind(repos.sessions),
        repos.events.sweep.bind(repos.events),
        repos.authThrottle.sweep.bind(repos.authThrottle),
      ]) {
        let n: number;
        do {
          n = await sweep(ctx.clock.now(), BATCH);
          total += n;
        } while (n === BATCH);
      }
      return total;
    },
  };
}
