/**
 * The service account and API token a SCIM source authenticates its client with
 * (docs/behaviour.md#scim-service-account-and-token): user `ak-source-scim-<pk>` and a non-expiring
 * `api` token of the same identifier, kept in step with the source on every save.
 */
import type { Token } from '../../domain/entities.js';
import { randomAlphanumeric } from '../../security/random.js';
import type { Repositories } from '../../storage/ports.js';
import { TOKEN_KEY_LENGTH } from '../../services/core/tokens.js';

export const SCIM_SERVICE_ACCOUNT_PATH = 'goauthentik.io/sources/scim';

export function scimServiceAccountName(sourceUuid: string): string {
  return `ak-source-scim-${sourceUuid}`;
}

export async function ensureScimServiceAccount(repos: Repositories, source: { uuid: string; name: string }): Promise<Token> {
  const identifier = scimServiceAccountName(source.uuid);
  const displayName = `SCIM Source ${source.name} Service-Account`;
  let user = await repos.users.byUsername(identifier);
  if (!user) {
    user = await repos.users.create({
      username: identifier,
      name: displayName,
      type: 'internal_service_account',
      path: SCIM_SERVICE_ACCOUNT_PATH,
      passwordHash: null,
    });
  } else if (user.name !== displayName) {
    user = await repos.users.update(user.id, { name: displayName });
  }
  const managed = `goauthentik.io/sources/scim/${source.uuid}`;
  const token = await repos.tokens.byIdentifier(identifier);
  if (!token) {
    return repos.tokens.create({
      identifier,
      key: randomAlphanumeric(TOKEN_KEY_LENGTH),
      intent: 'api',
      userId: user.id,
      expiring: false,
      expires: null,
      managed,
    });
  }
  if (token.userId !== user.id || token.intent !== 'api' || token.expiring || token.managed !== managed) {
    return repos.tokens.update(identifier, { userId: user.id, intent: 'api', expiring: false, expires: null, managed });
  }
  return token;
}
