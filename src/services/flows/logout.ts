import { USER_ATTRIBUTES, type User } from '../../domain/entities.js';
import type { ServiceContext } from '../context.js';
import type { FlowSession } from './plan.js';

/** Ends the browser session; a user flagged delete-on-logout (e.g. SAML transient) goes with it. */
export async function logoutBrowser(ctx: ServiceContext, session: FlowSession): Promise<void> {
  const userId = session.userId;
  session.logout();
  if (userId !== null) await deleteIfDeleteOnLogout(ctx, userId);
}

export function isDeleteOnLogout(user: Pick<User, 'attributes'>): boolean {
  return user.attributes[USER_ATTRIBUTES.deleteOnLogout] === true;
}

/**
 * The logout hook (docs/behaviour.md#saml-single-logout): a user flagged delete-on-logout is
 * deleted with its sessions.
 */
export async function deleteIfDeleteOnLogout(ctx: ServiceContext, userId: number): Promise<boolean> {
  const user = await ctx.store.repos.users.byId(userId);
  if (!user || !isDeleteOnLogout(user)) return false;
  await ctx.store.transaction(async (repos) => {
    await repos.users.delete(user.id);
    await repos.events.record({
      action: 'model_deleted',
      context: { model: { app: 'authentik_core', model_name: 'user', pk: user.id, name: user.username }, reason: 'delete-on-logout' },
    });
  });
  return true;
}
