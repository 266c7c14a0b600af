/**
 * Create, read, update and delete for sources of every concrete kind, from the kind's field
 * declarations: references are checked, base and kind settings split, and each kind adds only
 * what is its own through `KindServiceHooks` (e.g. OIDC discovery, the SCIM service account).
 */
import type { FieldInput, Serializer } from '../../domain/fields.js';
import { asUuid } from '../../domain/ids.js';
import { NotFoundError } from '../../errors/index.js';
import { SOURCE_KINDS, type ConcreteKind, type SettingsInput, type SourceOf } from '../../sources/kinds.js';
import type { ListQuery, Page, Repositories } from '../../storage/ports.js';
import type { ServiceContext } from '../context.js';
import { toBaseInput, validateBase, type SourceBaseData } from './base-input.js';
import { checkFlow, checkKeypair, type FieldErrorCollector } from './references.js';
import { removeSource } from './sources.js';
import { sourceUsedBy, type SourceRelations, type UsedByEntry } from './used-by.js';

/** A validated write of a kind: base fields plus the kind's own (wire names). */
export type KindSourceData = SourceBaseData & FieldInput<Serializer>;

export interface KindServiceHooks<K extends ConcreteKind> extends SourceRelations {
  /** `slug` (default) or `slug_or_pk` (SCIM sources are also found by pk). */
  lookup?: 'slug' | 'slug_or_pk';
  /**
   * Before the transaction (no database transaction waits on the network): may fill or
   * rewrite settings, e.g. from a discovery document. `data` is the request as validated.
   */
  prepare?(ctx: ServiceContext, settings: SettingsInput<K>, data: KindSourceData): Promise<void>;
  /** Checks on the state after this write (a PATCH may change one side only). */
  validate?(repos: Repositories, errors: FieldErrorCollector, settings: SettingsInput<K>, current: SourceOf<K> | null): Promise<void>;
  /** After the row is written, in the same transaction (objects that exist for the source). */
  afterWrite?(repos: Repositories, source: SourceOf<K>): Promise<SourceOf<K>>;
}

export function listKindSources<K extends ConcreteKind>(ctx: ServiceContext, kind: K, query: ListQuery): Promise<Page<SourceOf<K>>> {
  return ctx.store.repos.kindSources[kind].list(query);
}

export async function getKindSource<K extends ConcreteKind>(
  repos: Repositories,
  kind: K,
  lookup: string,
  hooks: KindServiceHooks<K> = {},
): Promise<SourceOf<K>> {
  const repo = repos.kindSources[kind];
  const uuid = hooks.lookup === 'slug_or_pk' ? asUuid(lookup) : null;
  const source = (uuid ? await repo.byUuid(uuid) : null) ?? (await repo.bySlug(lookup));
  if (!source) throw NotFoundError.forModel(SOURCE_KINDS[kind].model);
  return source;
}

/** The stored settings present in `data` (computed and read-only fields are not written). */
function settingsOf<K extends ConcreteKind>(kind: K, data: KindSourceData): SettingsInput<K> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SOURCE_KINDS[kind].fields as Serializer)) {
    if (spec.column === false || spec.readOnly || data[name] === undefined) continue;
    out[name] = data[name];
  }
  return out as SettingsInput<K>;
}

async function checkReferences(
  repos: Repositories,
  errors: FieldErrorCollector,
  kind: ConcreteKind,
  settings: Record<string, unknown>,
): Promise<void> {
  for (const [name, spec] of Object.entries(SOURCE_KINDS[kind].fields as Serializer)) {
    const value = settings[name] as string | null | undefined;
    if (spec.ref === 'flow') await checkFlow(repos, errors, name, value);
    else if (spec.ref === 'keypair') await checkKeypair(repos, errors, name, value);
  }
}

async function write<K extends ConcreteKind>(
  ctx: ServiceContext,
  kind: K,
  hooks: KindServiceHooks<K>,
  data: KindSourceData,
  lookup: string | null,
): Promise<SourceOf<K>> {
  const settings = settingsOf(kind, data);
  await hooks.prepare?.(ctx, settings, data);
  return ctx.store.transaction(async (repos) => {
    const current = lookup === null ? null : await getKindSource(repos, kind, lookup, hooks);
    const errors = await validateBase(repos, kind, data, current);
    await checkReferences(repos, errors, kind, settings);
    await hooks.validate?.(repos, errors, settings, current);
    errors.throwIfAny();
    const repo = repos.kindSources[kind];
    const base = toBaseInput(data);
    const written = current ? await repo.update(current.uuid, base, settings) : await repo.create(base, settings);
    return hooks.afterWrite ? hooks.afterWrite(repos, written) : written;
  });
}

export function createKindSource<K extends ConcreteKind>(
  ctx: ServiceContext,
  kind: K,
  hooks: KindServiceHooks<K>,
  data: KindSourceData,
): Promise<SourceOf<K>> {
  return write(ctx, kind, hooks, data, null);
}

export function updateKindSource<K extends ConcreteKind>(
  ctx: ServiceContext,
  kind: K,
  hooks: KindServiceHooks<K>,
  lookup: string,
  data: KindSourceData,
): Promise<SourceOf<K>> {
  return write(ctx, kind, hooks, data, lookup);
}

export async function deleteKindSource<K extends ConcreteKind>(
  ctx: ServiceContext,
  kind: K,
  hooks: KindServiceHooks<K>,
  lookup: string,
): Promise<void> {
  await ctx.store.transaction(async (repos) => removeSource(repos, await getKindSource(repos, kind, lookup, hooks), hooks));
}

export async function kindSourceUsedBy<K extends ConcreteKind>(
  ctx: ServiceContext,
  kind: K,
  hooks: KindServiceHooks<K>,
  lookup: string,
): Promise<UsedByEntry[]> {
  const repos = ctx.store.repos;
  return sourceUsedBy(repos, await getKindSource(repos, kind, lookup, hooks), hooks);
}
