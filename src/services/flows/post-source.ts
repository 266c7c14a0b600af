/**
 * The post-source stage (docs/behaviour.md#post-source-stage): attach the external identity to a
 * user. An existing connection of that user to this source is reused (identifier and tokens
 * refreshed); a new one records `source_linked`. Runs inside the caller's transaction.
 */
import type { User } from '../../domain/entities.js';
import type { SecretBox } from '../../security/secret-box.js';
import type { Repositories } from '../../storage/ports.js';
import type { PendingConnection } from './plan.js';

export async function saveConnection(
  repos: Repositories,
  box: SecretBox,
  user: Pick<User, 'id' | 'username'>,
  c: PendingConnection,
  sourceName: string,
): Promise<void> {
  const values = {
    identifier: c.identifier,
    accessToken: c.accessTokenSealed ? box.decrypt(c.accessTokenSealed) : null,
    refreshToken: c.refreshTokenSealed ? box.decrypt(c.refreshTokenSealed) : null,
    expires: c.expires ? new Date(c.expires) : null,
  };
  const existing = await repos.userConnections.byUserSource(user.id, c.sourceUuid);
  if (existing) {
    await repos.userConnections.update(existing.id, values);
    return;
  }
  await repos.userConnections.create({ kind: c.kind, userId: user.id, sourceUuid: c.sourceUuid, ...values });
  await repos.events.record({ action: 'source_linked', user: { pk: user.id, username: user.username }, context: { source: sourceName } });
}
