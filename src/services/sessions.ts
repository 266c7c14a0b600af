/**
 * Browser sessions live in the database (any instance can serve any request). The cookie
 * carries a random id; only its keyed digest is stored.
 */
import type { Repositories } from '../storage/ports.js';
import { randomUrlToken } from '../security/random.js';
import type { ServiceContext } from './context.js';

export const SESSION_TTL_MS = 24 * 3600 * 1000;

export interface LoadedSession {
  id: string;
  userId: number | null;
  data: Record<string, unknown>;
}

export async function loadSession(ctx: ServiceContext, id: string | null): Promise<LoadedSession | null> {
  if (!id) return null;
  const record = await ctx.store.repos.sessions.get(ctx.box.lookupDigest(id), ctx.clock.now());
  return record ? { id, userId: record.userId, data: record.data } : null;
}

/** Starts a fresh session for `userId` (a new id on every login prevents session fixation). */
export async function startSession(
  ctx: ServiceContext,
  repos: Repositories,
  userId: number | null,
  data: Record<string, unknown> = {},
): Promise<LoadedSession> {
  const id = randomUrlToken(32);
  await repos.sessions.put(ctx.box.lookupDigest(id), {
    userId,
    data,
    expires: new Date(ctx.clock.now().getTime() + SESSION_TTL_MS),
  });
  return { id, userId, data };
}

export async function saveSession(ctx: ServiceContext, repos: Repositories, session: LoadedSession): Promise<void> {
  await repos.sessions.put(ctx.box.lookupDigest(session.id), {
    userId: session.userId,
    data: session.data,
    expires: new Date(ctx.clock.now().getTime() + SESSION_TTL_MS),
  });
}

export async function endSession(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.store.repos.sessions.delete(ctx.box.lookupDigest(id));
}
