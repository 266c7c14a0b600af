/**
 * Temporary users for transient NameIDs (docs/behaviour.md#saml-transient-nameids). A
 * transient NameID is a one-off pseudonym, so the user it creates is throw-away: deleted on
 * logout and by the periodic cleanup once `goauthentik.io/user/expires` has passed.
 */
import { addDuration } from '../../domain/duration.js';
import { USER_ATTRIBUTES } from '../../domain/entities.js';
import { renderUserPath } from '../../domain/user-path.js';
import { ProtocolError, ValidationError } from '../../errors/index.js';
import { NAMEID_FORMATS } from '../../protocols/saml/index.js';
import type { SamlSource } from '../kinds.js';
import type { ServiceContext } from '../../services/context.js';

export { USER_ATTRIBUTES };

export function isTransientNameId(format: string | null): boolean {
  return format === NAMEID_FORMATS.transient;
}

/**
 * Creates the temporary user and its connection in one transaction, before the flow manager
 * runs, so the manager finds the connection and takes the AUTH path. An existing connection
 * for the same NameID (an IdP reusing a transient value) is reused rather than duplicated.
 * A username collision fails the login instead of touching the existing account.
 */
export async function ensureTemporaryUser(ctx: ServiceContext, source: SamlSource, nameId: string): Promise<void> {
  const now = ctx.clock.now();
  const expires = Math.floor(addDuration(now, source.settings.temporary_user_delete_after).getTime() / 1000);
  try {
    await ctx.store.transaction(async (repos) => {
      if (await repos.userConnections.bySourceIdentifier(source.uuid, nameId)) return;
      const user = await repos.users.create({
        username: nameId,
        passwordHash: null,
        path: renderUserPath(source.userPathTemplate, { slug: source.slug }),
        // External like every other source-created user (complete-flow's enrolment does the same).
        type: 'external',
        attributes: {
          [USER_ATTRIBUTES.generated]: true,
          [USER_ATTRIBUTES.sources]: [source.name],
          [USER_ATTRIBUTES.deleteOnLogout]: true,
          [USER_ATTRIBUTES.expires]: expires,
        },
      });
      await repos.userConnections.create({ kind: 'saml', userId: user.id, sourceUuid: source.uuid, identifier: nameId });
      await repos.events.record({
        action: 'model_created',
        user: { pk: user.id, username: user.username },
        context: { model: { app: 'authentik_core', model_name: 'user', pk: user.id, name: user.username }, source: source.name },
      });
    });
  } catch (e) {
    if (e instanceof ValidationError && e.fields.username) {
      throw new ProtocolError('saml', 'A temporary user for this transient NameID cannot be created: the username is already taken.', {
        code: 'saml_transient_conflict',
        cause: e,
      });
    }
    throw e;
  }
}
