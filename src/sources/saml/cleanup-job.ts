/**
 * Periodic deletion of expired temporary users (docs/behaviour.md#saml-transient-nameids): every
 * user with `goauthentik.io/user/generated = true` whose `goauthentik.io/user/expires` (epoch
 * seconds) has passed. Safe with several instances (SKIP LOCKED batches).
 */
import type { User } from '../../domain/entities.js';
import type { ServiceContext } from '../../services/context.js';
import type { Job } from '../../services/jobs/scheduler.js';
import { USER_ATTRIBUTES } from './temporary-users.js';

const BATCH = 500;

/** How expired users are found and deleted (a port so the batching loop can be tested alone). */
export interface ExpiredUserSweep {
  /** Deletes up to `batch` expired generated users; returns how many it deleted. */
  deleteExpired(now: Date, batch: number): Promise<number>;
}

/** Mirrors the SQL predicate of `UserRepository.deleteExpiredGenerated`. */
export function isExpiredGenerated(user: Pick<User, 'attributes'>, now: Date): boolean {
  const expires = user.attributes[USER_ATTRIBUTES.expires];
  return user.attributes[USER_ATTRIBUTES.generated] === true && typeof expires === 'number' && expires * 1000 <= now.getTime();
}

/** The real sweep: batched `FOR UPDATE SKIP LOCKED` deletes, so instances never block each other. */
export function databaseSweep(ctx: ServiceContext): ExpiredUserSweep {
  return { deleteExpired: (now, batch) => ctx.store.repos.users.deleteExpiredGenerated(now, batch) };
}

export function temporaryUserCleanupJob(ctx: ServiceContext, sweep: ExpiredUserSweep = databaseSweep(ctx)): Job {
  return {
    name: 'saml-temporary-user-cleanup',
    intervalMs: 5 * 60_000,
    async run() {
      let total = 0;
      let n: number;
      do {
        n = await sweep.deleteExpired(ctx.clock.now(), BATCH);
        total += n;
      } while (n === BATCH);
      return total;
    },
  };
}
