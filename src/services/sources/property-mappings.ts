/**
 * Use cases of /propertymappings/source/{oauth,saml,scim}/: one subclass per endpoint, so a
 * mapping of another kind is "not found" here (DRF's per-subclass queryset).
 */
import type { PropertyMapping, PropertyMappingKind } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';
import { asUuid } from '../../domain/ids.js';
import { SOURCE_KINDS } from '../../sources/kinds.js';
import { FieldErrorCollector } from './references.js';
import type { UsedByEntry } from './used-by.js';

export interface PropertyMappingData {
  name?: string;
  expression?: string;
}

export function listSourceMappings(ctx: ServiceContext, kind: PropertyMappingKind, query: ListQuery): Promise<Page<PropertyMapping>> {
  return ctx.store.repos.propertyMappings.list(kind, query);
}

export async function getSourceMapping(repos: Repositories, kind: PropertyMappingKind, lookup: string): Promise<PropertyMapping> {
  const uuid = asUuid(lookup);
  const mapping = uuid ? await repos.propertyMappings.byUuid(uuid) : null;
  if (!mapping || mapping.kind !== kind) throw NotFoundError.forModel(SOURCE_KINDS[kind].mapping.model);
  return mapping;
}

async function checkName(repos: Repositories, name: string | undefined, selfUuid: string | null): Promise<void> {
  if (name === undefined) return;
  // Names are unique across every mapping kind (one table); the lookup is an exact filter.
  const page = await repos.propertyMappings.list(null, {
    filters: [{ field: 'name', value: name }],
    search: null,
    ordering: [],
    offset: 0,
    limit: 1,
  });
  const other = page.items[0];
  if (other && other.uuid !== selfUuid) {
    const errors = new FieldErrorCollector();
    errors.add('name', 'property mapping with this name already exists.');
    errors.throwIfAny();
  }
}

export function createSourceMapping(ctx: ServiceContext, kind: PropertyMappingKind, data: PropertyMappingData): Promise<PropertyMapping> {
  return ctx.store.transaction(async (repos) => {
    await checkName(repos, data.name, null);
    return repos.propertyMappings.create({ kind, name: data.name!, expression: data.expression! });
  });
}

export function updateSourceMapping(
  ctx: ServiceContext,
  kind: PropertyMappingKind,
  lookup: string,
  data: PropertyMappingData,
): Promise<PropertyMapping> {
  return ctx.store.transaction(async (repos) => {
    const current = await getSourceMapping(repos, kind, lookup);
    await checkName(repos, data.name, current.uuid);
    return repos.propertyMappings.update(current.uuid, { name: data.name, expression: data.expression });
  });
}

export async function deleteSourceMapping(ctx: ServiceContext, kind: PropertyMappingKind, lookup: string): Promise<void> {
  await ctx.store.transaction(async (repos) => {
    const mapping = await getSourceMapping(repos, kind, lookup);
    await repos.propertyMappings.delete(mapping.uuid);
  });
}

/** Deleting a mapping only unlinks it from sources (many-to-many): `cascade_many`. */
export async function sourceMappingUsedBy(ctx: ServiceContext, kind: PropertyMappingKind, lookup: string): Promise<UsedByEntry[]> {
  const repos = ctx.store.repos;
  const mapping = await getSourceMapping(repos, kind, lookup);
  const sources = await repos.sources.usingPropertyMapping(mapping.uuid);
  return sources.map((s) => ({
    app: SOURCE_KINDS[s.kind].app,
    model_name: SOURCE_KINDS[s.kind].modelName,
    pk: s.uuid,
    name: s.name,
    action: 'cascade_many',
  }));
}
