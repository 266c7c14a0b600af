/** Use cases of /sources/scim/: CRUD with the service account + token kept in step (SPEC §5.1). */
import { NotFoundError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { ScimSource } from '../../storage/source-ports.js';
import type { ServiceContext } from '../context.js';
import { asUuid } from '../../domain/ids.js';
import { toBaseInput, validateBase, type SourceBaseData } from './base-input.js';
import { ensureScimServiceAccount } from './scim-service-account.js';
import { removeSource } from './sources.js';
import { sourceUsedBy, type UsedByEntry } from './used-by.js';

export type ScimSourceData = SourceBaseData;

export function listScimSources(ctx: ServiceContext, query: ListQuery): Promise<Page<ScimSource>> {
  return ctx.store.repos.scimSources.list(query);
}

/** SPEC §5.8: the lookup is the slug or the pbm_uuid. */
export async function getScimSource(repos: Repositories, lookup: string): Promise<ScimSource> {
  const uuid = asUuid(lookup);
  const byUuid = uuid ? await repos.scimSources.byUuid(uuid) : null;
  const source = byUuid ?? (await repos.scimSources.bySlug(lookup));
  if (!source) throw NotFoundError.forModel('SCIMSource');
  return source;
}

export function createScimSource(ctx: ServiceContext, data: ScimSourceData): Promise<ScimSource> {
  return ctx.store.transaction(async (repos) => {
    (await validateBase(repos, 'scim', data, null)).throwIfAny();
    const source = await repos.scimSources.create(toBaseInput(data), {});
    const token = await ensureScimServiceAccount(repos, source);
    return repos.scimSources.update(source.uuid, {}, { tokenUuid: token.uuid });
  });
}

export function updateScimSource(ctx: ServiceContext, lookup: string, data: ScimSourceData): Promise<ScimSource> {
  return ctx.store.transaction(async (repos) => {
    const current = await getScimSource(repos, lookup);
    (await validateBase(repos, 'scim', data, current)).throwIfAny();
    const updated = await repos.scimSources.update(current.uuid, toBaseInput(data), {});
    // authentik re-runs this on every save: a renamed source renames its service account,
    // and a token deleted by hand is recreated.
    const token = await ensureScimServiceAccount(repos, updated);
    if (updated.scim.tokenUuid === token.uuid) return updated;
    return repos.scimSources.update(updated.uuid, {}, { tokenUuid: token.uuid });
  });
}

export async function deleteScimSource(ctx: ServiceContext, lookup: string): Promise<void> {
  await ctx.store.transaction(async (repos) => removeSource(repos, await getScimSource(repos, lookup)));
}

export async function scimSourceUsedBy(ctx: ServiceContext, lookup: string): Promise<UsedByEntry[]> {
  const repos = ctx.store.repos;
  return sourceUsedBy(repos, await getScimSource(repos, lookup));
}
