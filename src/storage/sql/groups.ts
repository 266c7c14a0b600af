import { sql, type Kysely, type Selectable } from 'kysely';
import type { Group } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { Database, GroupsTable } from '../schema.js';
import type { GroupRepository, ListQuery, NewGroup, Page } from '../ports.js';
import { withConstraints } from './errors.js';
import { toJson } from './json.js';
import { attributesMatch } from './json-filter.js';
import { listPage, type FieldMap } from './list.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'groups.group_uuid',
    group_uuid: 'groups.group_uuid',
    num_pk: 'groups.num_pk',
    name: 'groups.name',
    is_superuser: 'groups.is_superuser',
    parent: 'groups.parent_uuid',
  },
  search: ['name'],
  tiebreak: 'groups.num_pk',
};

const CONSTRAINTS = {
  groups_name_key: { field: 'name', message: 'group with this name already exists.' },
  groups_parent_uuid_fkey: { field: 'parent', message: 'Invalid pk - object does not exist.' },
  group_members_user_id_fkey: { field: 'users', message: 'Invalid pk - object does not exist.' },
};

function toGroup(row: Selectable<GroupsTable>): Group {
  return {
    uuid: row.group_uuid,
    numPk: row.num_pk,
    name: row.name,
    isSuperuser: row.is_superuser,
    parentUuid: row.parent_uuid,
    attributes: row.attributes ?? {},
  };
}

export class SqlGroupRepository implements GroupRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(query: ListQuery): Promise<Page<Group>> {
    let qb = this.db.selectFrom('groups').selectAll('groups');
    const memberFilters = query.filters.filter((f) => f.field === 'members_by_pk' || f.field === 'members_by_username');
    for (const f of memberFilters) {
      const values = (Array.isArray(f.value) ? f.value : [f.value]) as Array<string | number>;
      const col = f.field === 'members_by_pk' ? 'users.id' : 'users.username';
      qb = qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members')
            .innerJoin('users', 'users.id', 'group_members.user_id')
            .whereRef('group_members.group_uuid', '=', 'groups.group_uuid')
            .where(sql.ref(col), 'in', values),
        ),
      );
    }
    const attributeFilters = query.filters.filter((f) => f.field === 'attributes');
    for (const f of attributeFilters) qb = qb.where(attributesMatch('groups.attributes', String(f.value)));
    const rest = query.filters.filter((f) => !memberFilters.includes(f) && !attributeFilters.includes(f));
    return listPage(qb, FIELDS, { ...query, filters: rest }, toGroup);
  }

  async byUuid(uuid: string): Promise<Group | null> {
    const row = await this.db.selectFrom('groups').selectAll().where('group_uuid', '=', uuid).executeTakeFirst();
    return row ? toGroup(row) : null;
  }

  async byName(name: string): Promise<Group | null> {
    const row = await this.db.selectFrom('groups').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toGroup(row) : null;
  }

  async byUuids(uuids: string[]): Promise<Group[]> {
    if (uuids.length === 0) return [];
    const rows = await this.db.selectFrom('groups').selectAll().where('group_uuid', 'in', uuids).orderBy('name').execute();
    return rows.map(toGroup);
  }

  create(input: NewGroup): Promise<Group> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('groups')
        .values({
          name: input.name,
          is_superuser: input.isSuperuser ?? false,
          parent_uuid: input.parentUuid ?? null,
          attributes: toJson(input.attributes ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toGroup(row);
    });
  }

  update(uuid: string, patch: Partial<NewGroup>): Promise<Group> {
    return withConstraints(CONSTRAINTS, async () => {
      const values: Record<string, unknown> = { last_updated: new Date() };
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.isSuperuser !== undefined) values.is_superuser = patch.isSuperuser;
      if (patch.parentUuid !== undefined) values.parent_uuid = patch.parentUuid;
      if (patch.attributes !== undefined) values.attributes = toJson(patch.attributes);
      const row = await this.db.updateTable('groups').set(values).where('group_uuid', '=', uuid).returningAll().executeTakeFirst();
      if (!row) throw NotFoundError.forModel('Group');
      return toGroup(row);
    });
  }

  async delete(uuid: string): Promise<boolean> {
    const r = await this.db.deleteFrom('groups').where('group_uuid', '=', uuid).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async memberIds(uuids: string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>(uuids.map((u) => [u, []]));
    if (uuids.length === 0) return out;
    const rows = await this.db
      .selectFrom('group_members')
      .select(['group_uuid', 'user_id'])
      .where('group_uuid', 'in', uuids)
      .orderBy('user_id')
      .execute();
    for (const r of rows) out.get(r.group_uuid)?.push(r.user_id);
    return out;
  }

  setMembers(uuid: string, userIds: number[]): Promise<void> {
    return withConstraints(CONSTRAINTS, async () => {
      await this.db.deleteFrom('group_members').where('group_uuid', '=', uuid).execute();
      await this.addMembers(uuid, userIds);
    });
  }

  addMembers(uuid: string, userIds: number[]): Promise<void> {
    if (userIds.length === 0) return Promise.resolve();
    return withConstraints(CONSTRAINTS, async () => {
      await this.db
        .insertInto('group_members')
        .values([...new Set(userIds)].map((id) => ({ group_uuid: uuid, user_id: id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
  }

  async removeMembers(uuid: string, userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db.deleteFrom('group_members').where('group_uuid', '=', uuid).where('user_id', 'in', userIds).execute();
  }

  // The batched methods pass each column as one array parameter (`= any($1)`, `unnest`), so a
  // statement has a fixed number of parameters however many groups it touches.

  async byNames(names: string[]): Promise<Group[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('name', '=', sql<string>`any(${names}::text[])`)
      .execute();
    return rows.map(toGroup);
  }

  createMany(inputs: NewGroup[]): Promise<Group[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return withConstraints(CONSTRAINTS, async () => {
      const { rows } = await sql<Selectable<GroupsTable>>`
        INSERT INTO groups (name, is_superuser, parent_uuid, attributes)
        SELECT * FROM unnest(
          ${inputs.map((g) => g.name)}::text[],
          ${inputs.map((g) => g.isSuperuser ?? false)}::boolean[],
          ${inputs.map((g) => g.parentUuid ?? null)}::uuid[],
          ${inputs.map((g) => toJson(g.attributes ?? {}))}::jsonb[])
        RETURNING *`.execute(this.db);
      const byName = new Map(rows.map((r) => [r.name, toGroup(r)]));
      return inputs.map((g) => byName.get(g.name) as Group);
    });
  }

  updateNamesAndAttributes(rows: Array<{ uuid: string; name: string; attributes: Record<string, unknown> }>): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return withConstraints(CONSTRAINTS, async () => {
      await sql`
        UPDATE groups SET name = v.name, attributes = v.attributes, last_updated = now()
        FROM unnest(
          ${rows.map((r) => r.uuid)}::uuid[],
          ${rows.map((r) => r.name)}::text[],
          ${rows.map((r) => toJson(r.attributes))}::jsonb[]) AS v(group_uuid, name, attributes)
        WHERE groups.group_uuid = v.group_uuid`.execute(this.db);
    });
  }

  addMemberToGroups(userId: number, uuids: string[]): Promise<void> {
    if (uuids.length === 0) return Promise.resolve();
    return withConstraints(CONSTRAINTS, async () => {
      await sql`
        INSERT INTO group_members (group_uuid, user_id)
        SELECT DISTINCT g, ${userId}::integer FROM unnest(${uuids}::uuid[]) AS g
        ON CONFLICT DO NOTHING`.execute(this.db);
    });
  }

  async removeMemberFromGroups(userId: number, uuids: string[]): Promise<void> {
    if (uuids.length === 0) return;
    await this.db
      .deleteFrom('group_members')
      .where('user_id', '=', userId)
      .where('group_uuid', '=', sql<string>`any(${uuids}::uuid[])`)
      .execute();
  }

  async inheritingSuperuser(uuids: string[]): Promise<Set<string>> {
    if (uuids.length === 0) return new Set();
    // Walks up from each group's parent; UNION stops on a (forbidden, but possible) cycle.
    const { rows } = await sql<{ start_uuid: string }>`
      WITH RECURSIVE ancestors(start_uuid, group_uuid) AS (
        SELECT group_uuid, parent_uuid FROM groups WHERE group_uuid = any(${uuids}::uuid[]) AND parent_uuid IS NOT NULL
        UNION
        SELECT a.start_uuid, g.parent_uuid FROM groups g JOIN ancestors a ON g.group_uuid = a.group_uuid WHERE g.parent_uuid IS NOT NULL
      )
      SELECT DISTINCT a.start_uuid FROM ancestors a JOIN groups g ON g.group_uuid = a.group_uuid WHERE g.is_superuser`.execute(this.db);
    return new Set(rows.map((r) => r.start_uuid));
  }

  async wouldCycle(uuid: string, parentUuid: string): Promise<boolean> {
    if (uuid === parentUuid) return true;
    const r = await sql<{ found: boolean }>`
      WITH RECURSIVE ancestors(group_uuid) AS (
        SELECT parent_uuid FROM groups WHERE group_uuid = ${parentUuid}
        UNION
        SELECT g.parent_uuid FROM groups g JOIN ancestors a ON g.group_uuid = a.group_uuid
      )
      SELECT EXISTS (SELECT 1 FROM ancestors WHERE group_uuid = ${uuid}) AS found`.execute(this.db);
    return r.rows[0]?.found ?? false;
  }
}
