/**
 * Brute-force throttling of failed authentication (docs/configuration.md#throttling). Failures are
 * counted in the database (shared by every instance) per subject — the client address, with the
 * username for password sign-in — in fixed windows: once a subject has `limit` failures in its
 * window, every further attempt is refused with 429 until the window ends, without checking the
 * credential. A successful password sign-in clears its subject's count.
 *
 * The limits are far above what a person mistyping produces, so they only ever slow down
 * guessing.
 */
import { ThrottledError } from '../errors/index.js';
import type { ServiceContext } from './context.js';

export interface ThrottleRule {
  /** Keeps the counters of different rules apart. */
  readonly scope: string;
  /** Failures a subject may have in one window; the next attempt is refused. */
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Password sign-in: 10 failures per (client address, username) in 5 minutes. */
export const PASSWORD_LOGIN_THROTTLE: ThrottleRule = { scope: 'password_login', limit: 10, windowSeconds: 300 };

/** Admin API bearer tokens: 30 failed tokens per client address in 1 minute. */
export const API_TOKEN_THROTTLE: ThrottleRule = { scope: 'api_token', limit: 30, windowSeconds: 60 };

export interface FailureThrottle {
  /** @throws ThrottledError while the subject has used up its failures. */
  check(): Promise<void>;
  /** Counts one failed attempt. */
  fail(): Promise<void>;
  /** Forgets the subject's failures (after a success). */
  clear(): Promise<void>;
}

/** The throttle of one subject under `rule`; `subject` lists what identifies it (address, username). */
export function failureThrottle(ctx: ServiceContext, rule: ThrottleRule, subject: readonly string[]): FailureThrottle {
  // A keyed digest: the table never holds usernames or addresses in clear.
  const key = ctx.box.lookupDigest(JSON.stringify([rule.scope, ...subject]));
  const repo = ctx.store.repos.authThrottle;
  return {
    async check() {
      const now = ctx.clock.now();
      const until = await repo.blockedUntil(key, rule.limit, now);
      if (until !== null) throw new ThrottledError((until.getTime() - now.getTime()) / 1000);
    },
    async fail() {
      const now = ctx.clock.now();
      await repo.recordFailure(key, now, new Date(now.getTime() + rule.windowSeconds * 1000));
    },
    async clear() {
      await repo.clear(key);
    },
  };
}
