/**
 * Shared pieces of every source repository: the base-row mapping, property-mapping loading,
 * base-column writes and the constraint messages a race can still hit after service checks.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SourcesTable } from '../../schema.js';
import type { Source, SourceBaseInput, SourceKind } from '../../source-ports.js';
import type { ConstraintMessages } from '../errors.js';

export type SourceRow = Selectable<SourcesTable>;

const MISSING = 'Invalid pk - object does not exist.';

export const SOURCE_CONSTRAINTS: ConstraintMessages = {
  sources_slug_key: { field: 'slug', message: 'source with this slug already exists.' },
  sources_name_key: { field: 'name', message: 'source with this name already exists.' },
  sources_authentication_flow_fkey: { field: 'authentication_flow', message: MISSING },
  sources_enrollment_flow_fkey: { field: 'enrollment_flow', message: MISSING },
  source_property_mappings_pm_uuid_fkey: { field: 'user_property_mappings', message: MISSING },
};

/** List fields every source list understands (`sources` table). */
export const BASE_COLUMNS: Record<string, string> = {
  pk: 'sources.pbm_uuid',
  pbm_uuid: 'sources.pbm_uuid',
  name: 'sources.name',
  slug: 'sources.slug',
  enabled: 'sources.enabled',
  authentication_flow: 'sources.authentication_flow',
  enrollment_flow: 'sources.enrollment_flow',
  policy_engine_mode: 'sources.policy_engine_mode',
  user_matching_mode: 'sources.user_matching_mode',
  group_matching_mode: 'sources.group_matching_mode',
  user_path_template: 'sources.user_path_template',
  managed: 'sources.managed',
};

export function toSource(row: SourceRow, mappings: { user: string[]; group: string[] } | undefined): Source {
  return {
    uuid: row.pbm_uuid,
    kind: row.kind as SourceKind,
    name: row.name,
    slug: row.slug,
    enabled: row.enabled,
    authenticationFlow: row.authentication_flow,
    enrollmentFlow: row.enrollment_flow,
    policyEngineMode: row.policy_engine_mode,
    userMatchingMode: row.user_matching_mode,
    groupMatchingMode: row.group_matching_mode,
    userPathTemplate: row.user_path_template,
    managed: row.managed,
    icon: row.icon,
    userPropertyMappings: mappings?.user ?? [],
    groupPropertyMappings: mappings?.group ?? [],
    created: row.created,
    lastUpdated: row.last_updated,
  };
}

/** Property mappings of many sources in one query, each list ordered by mapping name (mappings run in name order). */
export async function loadMappings(db: Kysely<Database>, uuids: string[]): Promise<Map<string, { user: string[]; group: string[] }>> {
  const out = new Map<string, { user: string[]; group: string[] }>();
  if (uuids.length === 0) return out;
  const rows = await db
    .selectFrom('source_property_mappings as spm')
    .innerJoin('property_mappings as pm', 'pm.pm_uuid', 'spm.pm_uuid')
    .select(['spm.source_uuid', 'spm.pm_uuid', 'spm.target'])
    .where('spm.source_uuid', 'in', uuids)
    .orderBy('pm.name')
    .execute();
  for (const r of rows) {
    let entry = out.get(r.source_uuid);
    if (!entry) out.set(r.source_uuid, (entry = { user: [], group: [] }));
    entry[r.target].push(r.pm_uuid);
  }
  return out;
}

/** Maps base rows (possibly joined with a kind table) to entities with their mappings. */
export async function withMappings<R extends SourceRow, S>(db: Kysely<Database>, rows: R[], build: (row: R, base: Source) => S): Promise<S[]> {
  const mappings = await loadMappings(
    db,
    rows.map((r) => r.pbm_uuid),
  );
  return rows.map((r) => build(r, toSource(r, mappings.get(r.pbm_uuid))));
}

export function baseValues(input: SourceBaseInput): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  if (input.name !== undefined) v.name = input.name;
  if (input.slug !== undefined) v.slug = input.slug;
  if (input.enabled !== undefined) v.enabled = input.enabled;
  if (input.authenticationFlow !== undefined) v.authentication_flow = input.authenticationFlow;
  if (input.enrollmentFlow !== undefined) v.enrollment_flow = input.enrollmentFlow;
  if (input.policyEngineMode !== undefined) v.policy_engine_mode = input.policyEngineMode;
  if (input.userMatchingMode !== undefined) v.user_matching_mode = input.userMatchingMode;
  if (input.groupMatchingMode !== undefined) v.group_matching_mode = input.groupMatchingMode;
  if (input.userPathTemplate !== undefined) v.user_path_template = input.userPathTemplate;
  return v;
}

/** Inserts the shared row and the mapping links; returns the new pk. */
export async function insertBase(db: Kysely<Database>, kind: SourceKind, input: SourceBaseInput): Promise<string> {
  const row = await db
    .insertInto('sources')
    .values({ ...baseValues(input), kind } as never)
    .returning('pbm_uuid')
    .executeTakeFirstOrThrow();
  await replaceMappings(db, row.pbm_uuid, input);
  return row.pbm_uuid;
}

/** Updates the shared row (always bumping last_updated) and, when given, the mapping links. */
export async function updateBase(db: Kysely<Database>, uuid: string, input: SourceBaseInput): Promise<boolean> {
  const r = await db
    .updateTable('sources')
    .set({ ...baseValues(input), last_updated: new Date() } as never)
    .where('pbm_uuid', '=', uuid)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await replaceMappings(db, uuid, input);
  return true;
}

async function replaceMappings(db: Kysely<Database>, uuid: string, input: SourceBaseInput): Promise<void> {
  for (const [target, list] of [
    ['user', input.userPropertyMappings],
    ['group', input.groupPropertyMappings],
  ] as const) {
    if (list === undefined) continue;
    await db.deleteFrom('source_property_mappings').where('source_uuid', '=', uuid).where('target', '=', target).execute();
    const unique = [...new Set(list)];
    if (unique.length > 0) {
      await db
        .insertInto('source_property_mappings')
        .values(unique.map((pm) => ({ source_uuid: uuid, pm_uuid: pm, target })))
        .execute();
    }
  }
}
