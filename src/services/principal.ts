import type { Principal, Token, User } from '../domain/entities.js';
import { apiTokenUsable } from '../domain/tokens.js';
import { PermissionDeniedError } from '../errors/index.js';
import type { ServiceContext } from './context.js';
import { loadSession } from './sessions.js';

/**
 * Where a source keeps what it creates for its own endpoint: a SCIM source's token is managed as
 * `goauthentik.io/sources/scim/<source uuid>` and belongs to a service account under the path
 * `goauthentik.io/sources/scim`.
 */
const SOURCE_OWNED_PREFIX = 'goauthentik.io/sources/';

/**
 * A token a source minted for its clients (the SCIM client's bearer token), or any token of a
 * source's own service account, authenticates on that source's endpoint only — never on the
 * admin API, where it would act as a user the source created rather than one an admin chose.
 */
export function sourceScopedToken(token: Pick<Token, 'managed'>, user: Pick<User, 'type' | 'path'>): boolean {
  if (token.managed?.startsWith(SOURCE_OWNED_PREFIX)) return true;
  return user.type === 'internal_service_account' && `${user.path}/`.startsWith(SOURCE_OWNED_PREFIX);
}

async function asPrincipal(ctx: ServiceContext, user: User, via: Principal['via']): Promise<Principal | null> {
  if (!user.isActive) return null;
  const supers = await ctx.store.repos.users.superuserIds([user.id]);
  return { user, isSuperuser: supers.has(user.id), via };
}

/** The admin API's caller for a bearer key; null when the key authenticates nobody. */
export async function principalFromToken(ctx: ServiceContext, key: string): Promise<Principal | null> {
  const found = await ctx.store.repos.tokens.authenticate(key);
  if (!found) return null;
  const { token, user, isSuperuser } = found;
  if (!apiTokenUsable(token, user.isActive, ctx.clock.now())) return null;
  if (sourceScopedToken(token, user))
    throw new PermissionDeniedError('This token can only be used on the endpoint of the source it belongs to.', 'permission_denied');
  return { user, isSuperuser, via: 'token' };
}

export async function principalFromSession(ctx: ServiceContext, sessionId: string): Promise<Principal | null> {
  const session = await loadSession(ctx, sessionId);
  if (!session?.userId) return null;
  const user = await ctx.store.repos.users.byId(session.userId);
  return user ? asPrincipal(ctx, user, 'session') : null;
}
