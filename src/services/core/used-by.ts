/**
 * `used_by` of users, groups, flows and certificate key pairs: every object that references
 * them, named as authentik names it (app label, model name), with what deleting the object
 * really does to it under our schema's foreign keys. Every relation is capped at
 * USED_BY_LIMIT_PER_RELATION.
 */
import type { Repositories } from '../../storage/ports.js';
import type { SourceReference } from '../../storage/source-ports.js';
import {
  descriptorOf,
  groupConnectionEntry,
  scimLinkEntry,
  userConnectionEntry,
  USED_BY_LIMIT_PER_RELATION as LIMIT,
  type UsedByEntry,
} from '../sources/used-by.js';
import { getFlow } from './flows.js';
import { getGroup } from './groups.js';
import { getKeypair } from './keypairs.js';
import { getUser } from './users.js';

const CORE = 'authentik_core';

function sourceEntry(r: SourceReference): UsedByEntry {
  const d = descriptorOf(r.kind);
  return { app: d.app, model_name: d.modelName, pk: r.sourceUuid, name: r.sourceName, action: r.action };
}

/** Sources (authentication/enrollment flow: set null; a kind's required flow, e.g. SAML pre-authentication: cascade). */
export async function flowUsedBy(repos: Repositories, slug: string): Promise<UsedByEntry[]> {
  const flow = await getFlow(repos, slug);
  return (await repos.references.sourcesUsingFlow(flow.uuid, LIMIT)).map(sourceEntry);
}

/** Sources whose kind references the key pair (SAML certificates: set null; extra verification certificates: cascade_many). */
export async function keypairUsedBy(repos: Repositories, uuid: string): Promise<UsedByEntry[]> {
  const kp = await getKeypair(repos, uuid);
  return (await repos.references.sourcesUsingKeypair(kp.uuid, LIMIT)).map(sourceEntry);
}

/**
 * Tokens, source connections and SCIM links go with the user (cascade); the user leaves its
 * groups (cascade_many). Sessions are not listed: they have no public key to show.
 */
export async function userUsedBy(repos: Repositories, id: string): Promise<UsedByEntry[]> {
  const user = await getUser(repos, id);
  const refs = repos.references;
  const out: UsedByEntry[] = [];
  for (const t of await refs.tokensOfUser(user.id, LIMIT)) {
    out.push({ app: CORE, model_name: 'token', pk: t.uuid, name: t.identifier, action: 'cascade' });
  }
  for (const c of await refs.userConnectionsOfUser(user.id, LIMIT)) out.push(userConnectionEntry(c.kind, c));
  for (const l of await refs.scimLinksOfUser(user.id, LIMIT))
    out.push(scimLinkEntry('user', { id: l.id, targetName: l.username, sourceName: l.sourceName }));
  for (const g of await refs.groupsOfUser(user.id, LIMIT)) {
    out.push({ app: CORE, model_name: 'group', pk: g.uuid, name: g.name, action: 'cascade_many' });
  }
  return out;
}

/**
 * Child groups lose their parent (set null); source connections and SCIM links go with the
 * group (cascade); its members leave it (cascade_many).
 */
export async function groupUsedBy(repos: Repositories, uuid: string): Promise<UsedByEntry[]> {
  const group = await getGroup(repos, uuid);
  const refs = repos.references;
  const out: UsedByEntry[] = [];
  for (const g of await refs.childGroups(group.uuid, LIMIT)) {
    out.push({ app: CORE, model_name: 'group', pk: g.uuid, name: g.name, action: 'set_null' });
  }
  for (const c of await refs.groupConnectionsOfGroup(group.uuid, LIMIT)) out.push(groupConnectionEntry(c.kind, c));
  for (const l of await refs.scimLinksOfGroup(group.uuid, LIMIT))
    out.push(scimLinkEntry('group', { id: l.id, targetName: l.groupName, sourceName: l.sourceName }));
  for (const u of await refs.membersOfGroup(group.uuid, LIMIT)) {
    out.push({ app: CORE, model_name: 'user', pk: String(u.id), name: u.username, action: 'cascade_many' });
  }
  return out;
}
