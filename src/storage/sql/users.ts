import { sql, type Kysely, type Selectable } from 'kysely';
import type { User, UserType } from '../../domain/entities.js';
import { NotFoundError } from '../../errors/index.js';
import type { Database, UsersTable } from '../schema.js';
import type { ListQuery, NewUser, Page, UserRepository } from '../ports.js';
import { withConstraints } from './errors.js';
import { toJson } from './json.js';
import { attributesMatch } from './json-filter.js';
import { countedRows, escapeLike, listPage, type FieldMap } from './list.js';

const FIELDS: FieldMap = {
  columns: {
    pk: 'users.id',
    id: 'users.id',
    uuid: 'users.uuid',
    username: 'users.username',
    name: 'users.name',
    email: 'users.email',
    is_active: 'users.is_active',
    path: 'users.path',
    type: 'users.type',
    last_login: 'users.last_login',
    date_joined: 'users.date_joined',
    last_updated: 'users.last_updated',
  },
  search: ['username', 'name', 'email', 'path', 'uuid'],
  tiebreak: 'users.id',
};

const CONSTRAINTS = {
  users_username_key: { field: 'username', message: 'This field must be unique.' },
  // SCIM-provisioned users' names are unique case-insensitively (migration 012).
  users_scim_username_ci_key: { field: 'username', message: 'This field must be unique.' },
  group_members_group_uuid_fkey: { field: 'groups', message: 'Invalid pk - object does not exist.' },
};

type Row = Selectable<UsersTable>;

export function toUser(row: Row): User {
  return {
    id: row.id,
    uuid: row.uuid,
    username: row.username,
    name: row.name,
    email: row.email,
    isActive: row.is_active,
    type: row.type as UserType,
    path: row.path,
    attributes: row.attributes ?? {},
    lastLogin: row.last_login,
    dateJoined: row.date_joined,
    lastUpdated: row.last_updated,
    hasUsablePassword: row.password !== null && !row.password.startsWith('!'),
  };
}

export class SqlUserRepository implements UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  list(query: ListQuery): Promise<Page<User>> {
    let qb = this.db.selectFrom('users').selectAll('users');
    // Filters over relations are expressed as EXISTS sub-queries so counts stay exact.
    const groupFilters = query.filters.filter((f) => f.field === 'groups_by_pk' || f.field === 'groups_by_name');
    for (const f of groupFilters) {
      const values = (Array.isArray(f.value) ? f.value : [f.value]) as string[];
      const col = f.field === 'groups_by_pk' ? 'groups.group_uuid' : 'groups.name';
      qb = qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members')
            .innerJoin('groups', 'groups.group_uuid', 'group_members.group_uuid')
            .whereRef('group_members.user_id', '=', 'users.id')
            .where(sql.ref(col), 'in', values),
        ),
      );
    }
    const rest = { ...query, filters: query.filters.filter((f) => !groupFilters.includes(f)) };
    for (const f of rest.filters.filter((g) => g.field === 'attributes' || g.field === 'path_startswith')) {
      rest.filters = rest.filters.filter((g) => g !== f);
      const value = String(f.value);
      qb = qb.where(f.field === 'attributes' ? attributesMatch('users.attributes', value) : sql<boolean>`users.path LIKE ${`${escapeLike(value)}%`}`);
    }
    const superFilter = rest.filters.find((f) => f.field === 'is_superuser');
    if (superFilter) {
      rest.filters = rest.filters.filter((f) => f !== superFilter);
      const want = superFilter.value === true;
      qb = qb.where(sql<boolean>`(users.id IN (${superuserIdsSql()})) = ${want}`);
    }
    // The counter table is exact only for the plain list; any filter counts the real rows.
    const plain = query.filters.length === 0 && !query.search;
    return listPage(qb, FIELDS, rest, toUser, plain ? () => countedRows(this.db, 'users') : undefined);
  }

  async byId(id: number): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async byIds(ids: number[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', ids).orderBy('id').execute();
    return rows.map(toUser);
  }

  async byUuid(uuid: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('uuid', '=', uuid).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async byUsername(username: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string, limit: number): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('email', '=', email).orderBy('id').limit(limit).execute();
    return rows.map(toUser);
  }

  create(input: NewUser): Promise<User> {
    return withConstraints(CONSTRAINTS, async () => {
      const row = await this.db
        .insertInto('users')
        .values({
          username: input.username,
          name: input.name ?? '',
          email: input.email ?? '',
          password: input.passwordHash ?? null,
          is_active: input.isActive ?? true,
          type: input.type ?? 'internal',
          path: input.path ?? 'users',
          attributes: toJson(input.attributes ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    });
  }

  update(id: number, patch: Partial<NewUser> & { lastLogin?: Date }): Promise<User> {
    return withConstraints(CONSTRAINTS, async () => {
      const values: Record<string, unknown> = { last_updated: new Date() };
      if (patch.username !== undefined) values.username = patch.username;
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.email !== undefined) values.email = patch.email;
      if (patch.passwordHash !== undefined) {
        values.password = patch.passwordHash;
        values.password_change_date = new Date();
      }
      if (patch.isActive !== undefined) values.is_active = patch.isActive;
      if (patch.type !== undefined) values.type = patch.type;
      if (patch.path !== undefined) values.path = patch.path;
      if (patch.attributes !== undefined) values.attributes = toJson(patch.attributes);
      if (patch.lastLogin !== undefined) values.last_login = patch.lastLogin;
      const row = await this.db.updateTable('users').set(values).where('id', '=', id).returningAll().executeTakeFirst();
      if (!row) throw NotFoundError.forModel('User');
      return toUser(row);
    });
  }

  async delete(id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deleteExpiredGenerated(now: Date, batch: number): Promise<number> {
    // The predicate matches the partial index of migration 003.
    const r = await sql`
      DELETE FROM users WHERE id IN (
        SELECT id FROM users
        WHERE attributes->'goauthentik.io/user/generated' = 'true'::jsonb
          AND jsonb_typeof(attributes->'goauthentik.io/user/expires') = 'number'
          AND (attributes->>'goauthentik.io/user/expires')::float8 <= ${now.getTime() / 1000}
        ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  async passwordHash(id: number): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('password').where('id', '=', id).executeTakeFirst();
    return row?.password ?? null;
  }

  async superuserIds(ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await sql<{ id: number }>`SELECT id FROM (${superuserIdsSql()}) s(id) WHERE id IN (${sql.join(ids)})`.execute(this.db);
    return new Set(rows.rows.map((r) => r.id));
  }

  async groupUuidsOf(ids: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await this.db
      .selectFrom('group_members')
      .select(['user_id', 'group_uuid'])
      .where('user_id', 'in', ids)
      .orderBy('group_uuid')
      .execute();
    for (const r of rows) out.get(r.user_id)?.push(r.group_uuid);
    return out;
  }

  setGroups(id: number, groupUuids: string[]): Promise<void> {
    return withConstraints(CONSTRAINTS, async () => {
      await this.db.deleteFrom('group_members').where('user_id', '=', id).execute();
      if (groupUuids.length > 0) {
        await this.db
          .insertInto('group_members')
          .values([...new Set(groupUuids)].map((g) => ({ group_uuid: g, user_id: id })))
          .execute();
      }
    });
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return r.n;
  }
}

/**
 * Ids of users in a superuser group, directly or through any ancestor chain of the group
 * (authentik: a user is superuser if any of their groups or those groups' parents is).
 */
export function superuserIdsSql() {
  return sql`
    WITH RECURSIVE super_groups(group_uuid) AS (
      SELECT group_uuid FROM groups WHERE is_superuser
      UNION
      SELECT g.group_uuid FROM groups g JOIN super_groups s ON g.parent_uuid = s.group_uuid
    )
    SELECT DISTINCT gm.user_id FROM group_members gm JOIN super_groups sg ON sg.group_uuid = gm.group_uuid`;
}
