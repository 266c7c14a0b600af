import type { Principal, User } from '../domain/entities.js';
import { apiTokenUsable } from '../domain/tokens.js';
import type { ServiceContext } from './context.js';
import { loadSession } from './sessions.js';

async function asPrincipal(ctx: ServiceContext, user: User, via: Principal['via']): Promise<Principal | null> {
  if (!user.isActive) return null;
  const supers = await ctx.store.repos.users.superuserIds([user.id]);
  return { user, isSuperuser: supers.has(user.id), via };
}

export async function principalFromToken(ctx: ServiceContext, key: string): Promise<Principal | null> {
  const found = await ctx.store.repos.tokens.authenticate(key);
  if (!found) return null;
  const { token, user, isSuperuser } = found;
  if (!apiTokenUsable(token, user.isActive, ctx.clock.now())) return null;
  return { user, isSuperuser, via: 'token' };
}

export async function principalFromSession(ctx: ServiceContext, sessionId: string): Promise<Principal | null> {
  const session = await loadSession(ctx, sessionId);
  if (!session?.userId) return null;
  const user = await ctx.store.repos.users.byId(session.userId);
  return user ? asPrincipal(ctx, user, 'session') : null;
}
