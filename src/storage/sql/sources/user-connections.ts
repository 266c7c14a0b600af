/**
 * User ↔ source connections of every kind in one table (`kind` column). OAuth tokens are
 * stored sealed. Joins to users/sources are LEFT joins on primary keys so PostgreSQL drops
 * them from the count query whenever no filter, search or ordering needs them.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { NotFoundError } from '../../../errors/index.js';
import type { SecretBox } from '../../../security/secret-box.js';
import type { ListQuery, Page } from '../../ports.js';
import type { Database, UserSourceConnectionsTable } from '../../schema.js';
import type { NewUserConnection, UserConnection, UserConnectionRepository } from '../../source-ports.js';
import { withConstraints, type ConstraintMessages } from '../errors.js';
import { escapeLike, listPage, type FieldMap } from '../list.js';
import { countersPerSource, listByOwnerGroups } from './connection-pages.js';

export const USER_CONNECTION_FIELDS: FieldMap = {
  columns: {
    pk: 'usc.id',
    id: 'usc.id',
    user: 'usc.user_id',
    source: 'usc.source_uuid',
    source__slug: 's.slug',
    user__username: 'u.username',
    identifier: 'usc.identifier',
    created: 'usc.created',
  },
  search: ['user__username', 'source__slug', 'identifier'],
  tiebreak: 'usc.id',
};

const CONSTRAINTS: ConstraintMessages = {
  user_source_connections_user_id_source_uuid_key: { field: 'non_field_errors', message: 'The fields user, source must make a unique set.' },
  user_source_connections_source_uuid_identifier_key: {
    field: 'identifier',
    message: 'A connection with this identifier already exists for this source.',
  },
  user_source_connections_user_id_fkey: { field: 'user', message: 'Invalid pk - object does not exist.' },
  user_source_connections_source_uuid_fkey: { field: 'source', message: 'Invalid pk - object does not exist.' },
};

type Row = Selectable<UserSourceConnectionsTable>;

function toConnection(row: Row): UserConnection {
  return {
    id: row.id,
    kind: row.kind,
    userId: row.user_id,
    sourceUuid: row.source_uuid,
    identifier: row.identifier,
    expires: row.expires,
    created: row.created,
    lastUpdated: row.last_updated,
  };
}

export class SqlUserConnectionRepository implements UserConnectionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  async list(kind: string | null, query: ListQuery): Promise<Page<UserConnection>> {
    const fast = await listByOwnerGroups(this.db, 'user_source_connections', kind, query);
    if (fast) return { items: fast.items.map((r) => toConnection(r as Row)), total: fast.total };
    if (!query.search && query.filters.length === 0) return this.unfiltered(kind, query);
    let qb = this.joined(kind);
    if (query.search) {
      // Same matches as a contains-search over username, slug and identifier, written so each
      // arm can use an index (user_id / source_uuid btrees, identifier trigram) instead of
      // scanning the three-table join.
      // Matching sources are resolved first: the sources table is tiny, and an unknown
      // `source_uuid = ANY(…)` arm makes the planner give up the bitmap plan for a full scan.
      const p = `%${escapeLike(query.search)}%`;
      const bySlug = (
        await this.db
          .selectFrom('sources')
          .select('pbm_uuid')
          .where(sql<boolean>`slug ILIKE ${p}`)
          .execute()
      ).map((r) => r.pbm_uuid);
      const sourceArm = bySlug.length > 0 ? sql`OR usc.source_uuid IN (${sql.join(bySlug)})` : sql``;
      qb = qb.where(
        sql<boolean>`(usc.identifier ILIKE ${p} OR usc.user_id = ANY(ARRAY(SELECT id FROM users WHERE username ILIKE ${p})) ${sourceArm})`,
      );
    }
    return listPage(qb, USER_CONNECTION_FIELDS, { ...query, search: null }, toConnection);
  }

  /** The connections (of one kind, or all) joined to their source and user for filters and ordering. */
  private joined(kind: string | null) {
    const qb = this.db
      .selectFrom('user_source_connections as usc')
      .leftJoin('sources as s', 's.pbm_uuid', 'usc.source_uuid')
      .leftJoin('users as u', 'u.id', 'usc.user_id')
      .selectAll('usc');
    return kind ? qb.where('usc.kind', '=', kind) : qb;
  }

  /** No filter, no search: the exact total is the sum of the per-source count slots, not a million-row count. */
  private async unfiltered(kind: string | null, query: ListQuery): Promise<Page<UserConnection>> {
    let total = 0;
    for (const c of await countersPerSource(this.db, kind)) total += Number(c.n);
    if (total === 0 || query.offset >= total) return { items: [], total };
    let qb = this.joined(kind);
    for (const o of query.ordering) qb = qb.orderBy(sql.raw(USER_CONNECTION_FIELDS.columns[o.field]), o.desc ? 'desc' : 'asc');
    const rows = await qb.orderBy(sql.raw(USER_CONNECTION_FIELDS.tiebreak), 'asc').offset(query.offset).limit(query.limit).execute();
    return { items: rows.map(toConnection), total };
  }

  async byId(id: number): Promise<UserConnection | null> {
    const row = await this.db.selectFrom('user_source_connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  async bySourceIdentifier(sourceUuid: string, identifier: string): Promise<UserConnection | null> {
    const row = await this.db
      .selectFrom('user_source_connections')
      .selectAll()
      .where('source_uuid', '=', sourceUuid)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  async byUserSource(userId: number, sourceUuid: string): Promise<UserConnection | null> {
    const row = await this.db
      .selectFrom('user_source_connections')
      .selectAll()
      .where('user_id', '=', userId)
      .where('source_uuid', '=', sourceUuid)
      .executeTakeFirst();
    return row ? toConnection(row) : null;
  }

  private values(input: Partial<NewUserConnection>): Record<string, unknown> {
    const v: Record<string, unknown> = {};
    if (input.kind !== undefined) v.kind = input.kind;
    if (input.userId !== undefined) v.user_id = input.userId;
    if (input.sourceUuid !== undefined) v.source_uuid = input.sourceUuid;
    if (input.identifier !== undefined) v.identifier = input.identifier;
    if (input.accessToken !== undefined) v.access_token_sealed = this.box.encryptNullable(input.accessToken);
    if (input.refreshToken !== undefined) v.refresh_token_sealed = this.box.encryptNullable(input.refreshToken);
    if (input.expires !== undefined) v.expires = input.expires;
    return v;
  }

  create(input: NewUserConnection): Promise<UserConnection> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('user_source_connections')
        .values(this.values(input) as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConnection(row);
    });
  }

  update(id: number, patch: Partial<Omit<NewUserConnection, 'kind'>>): Promise<UserConnection> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .updateTable('user_source_connections')
        .set({ ...this.values(patch), last_updated: new Date() } as never)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw NotFoundError.forModel('UserSourceConnection');
      return toConnection(row);
    });
  }

  async delete(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('user_source_connections').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async tokens(id: number): Promise<{ accessToken: string | null; refreshToken: string | null }> {
    const row = await this.db
      .selectFrom('user_source_connections')
      .select(['access_token_sealed', 'refresh_token_sealed'])
      .where('id', '=', id)
      .executeTakeFirst();
    return { accessToken: this.box.decryptNullable(row?.access_token_sealed), refreshToken: this.box.decryptNullable(row?.refresh_token_sealed) };
  }

  async ofSource(sourceUuid: string, limit: number): Promise<Array<UserConnection & { username: string }>> {
    const rows = await this.db
      .selectFrom('user_source_connections as usc')
      .innerJoin('users as u', 'u.id', 'usc.user_id')
      .selectAll('usc')
      .select('u.username')
      .where('usc.source_uuid', '=', sourceUuid)
      .orderBy('usc.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...toConnection(r), username: r.username }));
  }
}
