import type { ServiceContext } from '../context.js';
import { deleteIfDeleteOnLogout } from '../saml/temporary-users.js';
import type { FlowSession } from './plan.js';

/** Ends the browser session; a user flagged delete-on-logout (SAML transient) goes with it (SPEC §4.6). */
export async function logoutBrowser(ctx: ServiceContext, session: FlowSession): Promise<void> {
  const userId = session.userId;
  session.logout();
  if (userId !== null) await deleteIfDeleteOnLogout(ctx, userId);
}
