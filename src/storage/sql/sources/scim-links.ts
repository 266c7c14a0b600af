/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access -- one repository serves two link tables chosen at run time, which Kysely cannot type */
/**
 * SCIM link rows (`scim_source_users`, `scim_source_groups`): which local user or group a
 * SCIM source provisioned, with the last raw SCIM payload. One implementation,
 * configured per table.
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../../errors/index.js';
import type { ListQuery, Page } from '../../ports.js';
import type { Database } from '../../schema.js';
import type { NewScimLink, ScimLink, ScimLinkRepository } from '../../source-ports.js';
import { withConstraints, type ConstraintMessages } from '../errors.js';
import { toJson } from '../json.js';
import { listPage, type FieldMap } from '../list.js';

interface LinkConfig {
  table: 'scim_source_users' | 'scim_source_groups';
  model: string;
  /** Column holding the target (user_id / group_uuid) and how to join/name the target. */
  targetColumn: 'user_id' | 'group_uuid';
  targetTable: 'users' | 'groups';
  targetKey: 'id' | 'group_uuid';
  targetName: 'username' | 'name';
  fields: FieldMap;
  constraints: ConstraintMessages;
}

const USERS: LinkConfig = {
  table: 'scim_source_users',
  model: 'SCIMSourceUser',
  targetColumn: 'user_id',
  targetTable: 'users',
  targetKey: 'id',
  targetName: 'username',
  fields: {
    columns: {
      id: 'l.id',
      pk: 'l.id',
      external_id: 'l.external_id',
      source: 'l.source_uuid',
      source__slug: 's.slug',
      user: 'l.user_id',
      user__id: 'l.user_id',
      user__username: 't.username',
      user__uuid: 't.uuid',
      attributes: 'l.attributes',
    },
    search: ['source__slug', 'user__username', 'attributes', 'user__uuid', 'external_id'],
    tiebreak: 'l.id',
  },
  constraints: {
    scim_source_users_pkey: { field: 'id', message: 'scim source user with this id already exists.' },
    scim_source_users_user_id_key: { field: 'user', message: 'scim source user with this user already exists.' },
    scim_source_users_source_uuid_external_id_key: { field: 'external_id', message: 'The fields external_id, source must make a unique set.' },
    scim_source_users_user_id_fkey: { field: 'user', message: 'Invalid pk - object does not exist.' },
    scim_source_users_source_uuid_fkey: { field: 'source', message: 'Invalid pk - object does not exist.' },
  },
};

const GROUPS: LinkConfig = {
  table: 'scim_source_groups',
  model: 'SCIMSourceGroup',
  targetColumn: 'group_uuid',
  targetTable: 'groups',
  targetKey: 'group_uuid',
  targetName: 'name',
  fields: {
    columns: {
      id: 'l.id',
      pk: 'l.id',
      external_id: 'l.external_id',
      source: 'l.source_uuid',
      source__slug: 's.slug',
      group: 'l.group_uuid',
      group__group_uuid: 'l.group_uuid',
      group__name: 't.name',
      attributes: 'l.attributes',
    },
    search: ['source__slug', 'group__name', 'attributes', 'external_id'],
    tiebreak: 'l.id',
  },
  constraints: {
    scim_source_groups_pkey: { field: 'id', message: 'scim source group with this id already exists.' },
    scim_source_groups_group_uuid_key: { field: 'group', message: 'scim source group with this group already exists.' },
    scim_source_groups_source_uuid_external_id_key: { field: 'external_id', message: 'The fields external_id, source must make a unique set.' },
    scim_source_groups_group_uuid_fkey: { field: 'group', message: 'Invalid pk - object does not exist.' },
    scim_source_groups_source_uuid_fkey: { field: 'source', message: 'Invalid pk - object does not exist.' },
  },
};

function toLink(cfg: LinkConfig, row: any): ScimLink {
  return {
    id: row.id,
    externalId: row.external_id,
    targetId: row[cfg.targetColumn],
    sourceUuid: row.source_uuid,
    attributes: row.attributes ?? {},
    lastUpdate: row.last_update,
  };
}

export class SqlScimLinkRepository implements ScimLinkRepository {
  private readonly db: Kysely<any>;

  private constructor(
    db: Kysely<Database>,
    private readonly cfg: LinkConfig,
  ) {
    this.db = db as Kysely<any>;
  }

  static users(db: Kysely<Database>): SqlScimLinkRepository {
    return new SqlScimLinkRepository(db, USERS);
  }

  static groups(db: Kysely<Database>): SqlScimLinkRepository {
    return new SqlScimLinkRepository(db, GROUPS);
  }

  list(query: ListQuery): Promise<Page<ScimLink>> {
    const c = this.cfg;
    const qb = this.db
      .selectFrom(`${c.table} as l`)
      .leftJoin('sources as s', 's.pbm_uuid', 'l.source_uuid')
      .leftJoin(`${c.targetTable} as t`, `t.${c.targetKey}`, `l.${c.targetColumn}`)
      .selectAll('l');
    return listPage(qb, c.fields, query, (row) => toLink(c, row));
  }

  async byId(id: string): Promise<ScimLink | null> {
    const row = await this.db.selectFrom(this.cfg.table).selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLink(this.cfg, row) : null;
  }

  private values(input: Partial<NewScimLink>): Record<string, unknown> {
    const v: Record<string, unknown> = {};
    if (input.id !== undefined) v.id = input.id;
    if (input.externalId !== undefined) v.external_id = input.externalId;
    if (input.targetId !== undefined) v[this.cfg.targetColumn] = input.targetId;
    if (input.sourceUuid !== undefined) v.source_uuid = input.sourceUuid;
    if (input.attributes !== undefined) v.attributes = toJson(input.attributes);
    return v;
  }

  create(input: NewScimLink): Promise<ScimLink> {
    return withConstraints(this.cfg.constraints, async () => {
      const row = await this.db
        .insertInto(this.cfg.table)
        .values({ attributes: '{}', ...this.values(input) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toLink(this.cfg, row);
    });
  }

  update(id: string, patch: Partial<NewScimLink>): Promise<ScimLink> {
    return withConstraints(this.cfg.constraints, async () => {
      const row = await this.db
        .updateTable(this.cfg.table)
        .set({ ...this.values(patch), last_update: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw NotFoundError.forModel(this.cfg.model);
      return toLink(this.cfg, row);
    });
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom(this.cfg.table).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async ofSource(sourceUuid: string, limit: number): Promise<Array<ScimLink & { targetName: string }>> {
    const c = this.cfg;
    const rows = await this.db
      .selectFrom(`${c.table} as l`)
      .innerJoin(`${c.targetTable} as t`, `t.${c.targetKey}`, `l.${c.targetColumn}`)
      .selectAll('l')
      .select(`t.${c.targetName} as target_name`)
      .where('l.source_uuid', '=', sourceUuid)
      .orderBy('l.id')
      .limit(limit)
      .execute();
    return rows.map((r: any) => ({ ...toLink(c, r), targetName: r.target_name }));
  }
}
