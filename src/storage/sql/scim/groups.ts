/** SCIM groups of one source: link row (scim_source_groups) joined with the group it created. */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError } from '../../../errors/index.js';
import type { Database, GroupsTable, ScimSourceGroupsTable } from '../../schema.js';
import type { NewScimGroup, ScimGroupRecord, ScimGroupUpdate, ScimListQuery, ScimPage } from '../../scim-ports.js';
import { isUniqueViolation } from '../errors.js';
import { toJson } from '../json.js';
import { memberExists } from './members.js';
import { compilePredicate, jsonElementExists, jsonPointer, type Leaf, type Scope } from './predicate-sql.js';

type Row = Selectable<GroupsTable> & Pick<Selectable<ScimSourceGroupsTable>, 'external_id' | 'last_update'> & { link_id: string; payload: unknown };

function base(db: Kysely<Database>, sourceUuid: string) {
  return db
    .selectFrom('scim_source_groups as l')
    .innerJoin('groups as g', 'g.group_uuid', 'l.group_uuid')
    .selectAll('g')
    .select(['l.id as link_id', 'l.external_id', 'l.last_update', 'l.attributes as payload'])
    .where('l.source_uuid', '=', sourceUuid);
}

function toRecord(r: Row): ScimGroupRecord {
  return {
    linkId: r.link_id,
    uuid: r.group_uuid,
    externalId: r.external_id,
    name: r.name,
    attributes: r.attributes ?? {},
    created: r.created,
    lastModified: r.last_update,
    payload: (r.payload ?? {}) as Record<string, unknown>,
  };
}

const COLUMNS: Record<string, Leaf> = {
  uuid: { kind: 'uuid', expr: sql`g.group_uuid` },
  external_id: { kind: 'text', expr: sql`l.external_id` },
  name: { kind: 'text', expr: sql`g.name` },
  created: { kind: 'time', expr: sql`g.created` },
  last_modified: { kind: 'time', expr: sql`l.last_update` },
};

function groupScope(sourceUuid: string): Scope {
  return {
    leaf(field) {
      if (field.startsWith('/')) return { kind: 'json', expr: jsonPointer(sql`l.attributes`, field) };
      const leaf = COLUMNS[field];
      if (!leaf) throw new Error(`SCIM group filter field "${field}" has no column`);
      return leaf;
    },
    elem(field, where) {
      if (field === 'members') return memberExists(sourceUuid, sql`g.group_uuid`, where);
      if (field.startsWith('/')) return jsonElementExists(jsonPointer(sql`l.attributes`, field), where);
      throw new Error(`SCIM group filter field "${field}" is not multi-valued`);
    },
  };
}

export async function findGroup(db: Kysely<Database>, sourceUuid: string, uuid: string): Promise<ScimGroupRecord | null> {
  const row = await base(db, sourceUuid).where('g.group_uuid', '=', uuid).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** UPDATE … FROM groups … RETURNING: lock, touch and read in one round trip. */
export async function touchGroup(db: Kysely<Database>, sourceUuid: string, uuid: string): Promise<ScimGroupRecord | null> {
  const row = await db
    .updateTable('scim_source_groups as l')
    .from('groups as g')
    .set({ last_update: sql`now()` })
    .whereRef('g.group_uuid', '=', 'l.group_uuid')
    .where('l.source_uuid', '=', sourceUuid)
    .where('l.group_uuid', '=', uuid)
    .returningAll('g')
    .returning(['l.id as link_id', 'l.external_id', 'l.last_update', 'l.attributes as payload'])
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listGroups(db: Kysely<Database>, sourceUuid: string, query: ScimListQuery): Promise<ScimPage<ScimGroupRecord>> {
  const where = compilePredicate(query.predicate, groupScope(sourceUuid));
  const counted = await db
    .selectFrom('scim_source_groups as l')
    .innerJoin('groups as g', 'g.group_uuid', 'l.group_uuid')
    .select(sql<number>`count(*)::int`.as('total'))
    .where('l.source_uuid', '=', sourceUuid)
    .where(sql<boolean>`${where}`)
    .executeTakeFirstOrThrow();
  if (counted.total === 0 || query.limit === 0 || query.offset >= counted.total) return { items: [], total: counted.total };
  const rows = await base(db, sourceUuid)
    .where(sql<boolean>`${where}`)
    .orderBy('g.num_pk')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
  return { items: rows.map((r) => toRecord(r as Row)), total: counted.total };
}

/** One statement for group + link row, like createUser (see there). */
export async function createGroup(db: Kysely<Database>, sourceUuid: string, input: NewScimGroup): Promise<ScimGroupRecord> {
  const linkId = randomUUID();
  const row = await db
    .with('ng', (q) =>
      q
        .insertInto('groups')
        .values({ name: input.name, attributes: toJson(input.attributes) })
        .onConflict((oc) => oc.column('name').doNothing())
        .returningAll(),
    )
    .with('nl', (q) =>
      q
        .insertInto('scim_source_groups')
        .columns(['id', 'external_id', 'group_uuid', 'source_uuid', 'attributes'])
        .expression((eb) =>
          eb
            .selectFrom('ng')
            .select([
              sql<string>`${linkId}::text`.as('id'),
              sql<string>`${input.externalId ?? linkId}::text`.as('external_id'),
              'ng.group_uuid',
              sql<string>`${sourceUuid}::uuid`.as('source_uuid'),
              sql<string>`${toJson(input.payload)}::jsonb`.as('attributes'),
            ]),
        )
        .onConflict((oc) => oc.columns(['source_uuid', 'external_id']).doNothing())
        .returningAll(),
    )
    .selectFrom('ng')
    .leftJoin('nl', 'nl.group_uuid', 'ng.group_uuid')
    .selectAll('ng')
    .select(['nl.id as link_id', 'nl.external_id', 'nl.last_update', 'nl.attributes as payload'])
    .executeTakeFirst();
  if (!row) throw new ConflictError(`A group with displayName "${input.name}" already exists.`, 'displayName');
  if (row.link_id === null) throw new ConflictError(`A group with externalId "${input.externalId}" already exists.`, 'externalId');
  return toRecord(row as Row);
}

/** UPDATE … RETURNING; each row is only written when something of it changes. */
export async function updateGroup(db: Kysely<Database>, group: ScimGroupRecord, update: ScimGroupUpdate): Promise<ScimGroupRecord> {
  let next = { name: group.name, attributes: group.attributes, created: group.created };
  if (update.name !== undefined || update.attributes !== undefined) {
    const values: Record<string, unknown> = { last_updated: sql`now()` };
    if (update.name !== undefined) values.name = update.name;
    if (update.attributes !== undefined) values.attributes = toJson(update.attributes);
    try {
      const g = await db
        .updateTable('groups')
        .set(values)
        .where('group_uuid', '=', group.uuid)
        .returning(['name', 'attributes', 'created'])
        .executeTakeFirstOrThrow();
      next = { name: g.name, attributes: g.attributes ?? {}, created: g.created };
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`A group with displayName "${update.name}" already exists.`, 'displayName');
      throw e;
    }
  }
  const link: Record<string, unknown> = {};
  if (update.payload !== undefined) link.attributes = toJson(update.payload);
  if (update.externalId !== undefined) link.external_id = update.externalId;
  if (Object.keys(link).length === 0) return { ...group, ...next };
  try {
    const l = await db
      .updateTable('scim_source_groups')
      .set(link)
      .where('id', '=', group.linkId)
      .returning(['external_id', 'last_update', 'attributes'])
      .executeTakeFirstOrThrow();
    return { ...group, ...next, externalId: l.external_id, lastModified: l.last_update, payload: l.attributes ?? {} };
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`A group with externalId "${update.externalId}" already exists.`, 'externalId');
    throw e;
  }
}

/**
 * One statement with the ownership check inside; the link row, memberships and group
 * connections go with the group (ON DELETE CASCADE).
 */
export async function deleteGroup(db: Kysely<Database>, sourceUuid: string, uuid: string): Promise<{ name: string } | null> {
  const row = await db
    .deleteFrom('groups')
    .where('group_uuid', '=', uuid)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('scim_source_groups as l')
          .select('l.id')
          .whereRef('l.group_uuid', '=', 'groups.group_uuid')
          .where('l.source_uuid', '=', sourceUuid),
      ),
    )
    .returning('name')
    .executeTakeFirst();
  return row ?? null;
}
