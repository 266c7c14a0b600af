/**
 * What SCIM sources add to the shared source use cases: lookup by slug or pk, the service
 * account + token kept in step with the source on every save (authentik re-runs this on
 * every save: a renamed source renames its account, a deleted token comes back), and what
 * exists only for the source (links, account, token) in `used_by` and on delete.
 */
import type { KindServiceHooks } from '../../services/sources/kind-sources.js';
import { scimLinkEntry, USED_BY_LIMIT_PER_RELATION, type UsedByEntry } from '../../services/sources/used-by.js';
import { ensureScimServiceAccount, scimServiceAccountName } from './service-account.js';

export const scimService: KindServiceHooks<'scim'> = {
  lookup: 'slug_or_pk',
  async afterWrite(repos, source) {
    const token = await ensureScimServiceAccount(repos, source);
    if (source.settings.token_uuid === token.uuid) return source;
    return repos.kindSources.scim.update(source.uuid, {}, { token_uuid: token.uuid });
  },
  async usedBy(repos, source) {
    const out: UsedByEntry[] = [];
    for (const l of await repos.scimUsers.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION))
      out.push(scimLinkEntry('user', { ...l, sourceName: source.name }));
    for (const l of await repos.scimGroups.ofSource(source.uuid, USED_BY_LIMIT_PER_RELATION))
      out.push(scimLinkEntry('group', { ...l, sourceName: source.name }));
    const account = await repos.users.byUsername(scimServiceAccountName(source.uuid));
    if (account) out.push({ app: 'authentik_core', model_name: 'user', pk: String(account.id), name: account.username, action: 'cascade' });
    const token = await repos.tokens.byIdentifier(scimServiceAccountName(source.uuid));
    if (token) out.push({ app: 'authentik_core', model_name: 'token', pk: token.uuid, name: token.identifier, action: 'cascade' });
    return out;
  },
  /** The service account exists only for the source (its token goes with it). */
  async beforeDelete(repos, source) {
    const account = await repos.users.byUsername(scimServiceAccountName(source.uuid));
    if (account) await repos.users.delete(account.id);
  },
};
