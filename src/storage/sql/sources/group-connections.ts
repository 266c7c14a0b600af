/** Group ↔ source connections of every kind in one table (`kind` column). */
import { sql, type Kysely, type Selectable } from 'kysely';
import { NotFoundError } from '../../../errors/index.js';
import type { ListQuery, Page } from '../../ports.js';
import type { Database, GroupSourceConnectionsTable } from '../../schema.js';
import type { GroupConnection, GroupConnectionRepository, NewGroupConnection } from '../../source-ports.js';
import { withConstraints, type ConstraintMessages } from '../errors.js';
import { listPage, type FieldMap } from '../list.js';
import { listByOwnerGroups } from './connection-pages.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'gsc.id',
    id: 'gsc.id',
    group: 'gsc.group_uuid',
    source: 'gsc.source_uuid',
    source__slug: 's.slug',
    group__name: 'g.name',
    identifier: 'gsc.identifier',
    created: 'gsc.created',
  },
  search: ['group__name', 'source__slug', 'identifier'],
  tiebreak: 'gsc.id',
};

const CONSTRAINTS: ConstraintMessages = {
  group_source_connections_group_uuid_source_uuid_key: { field: 'non_field_errors', message: 'The fields group, source must make a unique set.' },
  group_source_connections_source_uuid_identifier_key: {
    field: 'identifier',
    message: 'A connection with this identifier already exists for this source.',
  },
  group_source_connections_group_uuid_fkey: { field: 'group', message: 'Invalid pk - object does not exist.' },
  group_source_connections_source_uuid_fkey: { field: 'source', message: 'Invalid pk - object does not exist.' },
};

type Row = Selectable<GroupSourceConnectionsTable>;

function toConnection(row: Row): GroupConnection {
  return {
    id: row.id,
    kind: row.kind,
    groupUuid: row.group_uuid,
    sourceUuid: row.source_uuid,
    identifier: row.identifier,
    created: row.created,
    lastUpdated: row.last_updated,
  };
}

function values(input: Partial<NewGroupConnection>): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  if (input.kind !== undefined) v.kind = input.kind;
  if (input.groupUuid !== undefined) v.group_uuid = input.groupUuid;
  if (input.sourceUuid !== undefined) v.source_uuid = input.sourceUuid;
  if (input.identifier !== undefined) v.identifier = input.identifier;
  return v;
}

export class SqlGroupConnectionRepository implements GroupConnectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(kind: string | null, query: ListQuery): Promise<Page<GroupConnection>> {
    const fast = await listByOwnerGroups(this.db, 'group_source_connections', kind, query);
    if (fast) return { items: fast.items.map((r) => toConnection(r as Row)), total: fast.total };
    let qb = this.db
      .selectFrom('group_source_connections as gsc')
      .leftJoin('sources as s', 's.pbm_uuid', 'gsc.source_uuid')
      .leftJoin('groups as g', 'g.group_uuid', 'gsc.group_uuid')
      .selectAll('gsc');
    if (kind) qb = qb.where('gsc.kind', '=', kind);
    return listPage(qb, FIELDS, query, toConnection);
  }

  async byId(id: number): Promise<GroupConnection | null> {
    const row = await this.db.selectFrom('group_source_connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  async bySourceIdentifier(sourceUuid: string, identifier: string): Promise<GroupConnection | null> {
    const row = await this.db
      .selectFrom('group_source_connections')
      .selectAll()
      .where('source_uuid', '=', sourceUuid)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  async bySourceIdentifiers(sourceUuid: string, identifiers: string[]): Promise<GroupConnection[]> {
    if (identifiers.length === 0) return [];
    const rows = await this.db
      .selectFrom('group_source_connections')
      .selectAll()
      .where('source_uuid', '=', sourceUuid)
      // One array parameter, however many identifiers.
      .where('identifier', '=', sql<string>`any(${identifiers}::text[])`)
      .execute();
    return rows.map(toConnection);
  }

  createMany(inputs: NewGroupConnection[]): Promise<GroupConnection[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return withConstraints(CONSTRAINTS, async () => {
      const { rows } = await sql<Row>`
        INSERT INTO group_source_connections (kind, group_uuid, source_uuid, identifier)
        SELECT * FROM unnest(
          ${inputs.map((c) => c.kind)}::text[],
          ${inputs.map((c) => c.groupUuid)}::uuid[],
          ${inputs.map((c) => c.sourceUuid)}::uuid[],
          ${inputs.map((c) => c.identifier)}::text[])
        RETURNING *`.execute(this.db);
      const byKey = new Map(rows.map((r) => [`${r.source_uuid}\n${r.identifier}`, toConnection(r)]));
      return inputs.map((c) => byKey.get(`${c.sourceUuid}\n${c.identifier}`) as GroupConnection);
    });
  }

  async groupsOfUserForSource(userId: number, sourceUuid: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('group_source_connections as gsc')
      .innerJoin('group_members as gm', 'gm.group_uuid', 'gsc.group_uuid')
      .select('gsc.group_uuid')
      .where('gsc.source_uuid', '=', sourceUuid)
      .where('gm.user_id', '=', userId)
      .execute();
    return rows.map((r) => r.group_uuid);
  }

  create(input: NewGroupConnection): Promise<GroupConnection> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('group_source_connections')
        .values(values(input) as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConnection(row);
    });
  }

  update(id: number, patch: Partial<Omit<NewGroupConnection, 'kind'>>): Promise<GroupConnection> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .updateTable('group_source_connections')
        .set({ ...values(patch), last_updated: new Date() } as never)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw NotFoundError.forModel('GroupSourceConnection');
      return toConnection(row);
    });
  }

  async delete(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('group_source_connections').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async ofSource(sourceUuid: string, limit: number): Promise<Array<GroupConnection & { groupName: string }>> {
    const rows = await this.db
      .selectFrom('group_source_connections as gsc')
      .innerJoin('groups as g', 'g.group_uuid', 'gsc.group_uuid')
      .selectAll('gsc')
      .select('g.name')
      .where('gsc.source_uuid', '=', sourceUuid)
      .orderBy('gsc.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toConnection(r), groupName: r.name }));
  }
}
