import type { Principal, User } from '../domain/entities.js';
import type { ServiceContext } from './context.js';
import { loadSession } from './sessions.js';

async function asPrincipal(ctx: ServiceContext, user: User, via: Principal['via']): Promise<Principal | null> {
  if (!user.isActive) return null;
  const supers = await ctx.store.repos.users.superuserIds([user.id]);
  return { user, isSuperuser: supers.has(user.id), via };
}

/** An API token authenticates only with intent `api`, while unexpired, for an active user. */
export async function principalFromToken(ctx: ServiceContext, key: string): Promise<Principal | null> {
  const token = await ctx.store.repos.tokens.byKey(key);
  if (!token || token.intent !== 'api') return null;
  if (token.expiring && token.expires !== null && token.expires.getTime() <= ctx.clock.now().getTime()) return null;
  const user = await ctx.store.repos.users.byId(token.userId);
  return user ? asPrincipal(ctx, user, 'token') : null;
}

export async function principalFromSession(ctx: ServiceContext, sessionId: string): Promise<Principal | null> {
  const session = await loadSession(ctx, sessionId);
  if (!session?.userId) return null;
  const user = await ctx.store.repos.users.byId(session.userId);
  return user ? asPrincipal(ctx, user, 'session') : null;
}
