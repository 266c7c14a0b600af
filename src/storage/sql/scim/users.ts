/** SCIM users of one source: link row (scim_source_users) joined with the user it created. */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError } from '../../../errors/index.js';
import type { Database, ScimSourceUsersTable, UsersTable } from '../../schema.js';
import type { NewScimUser, ScimListQuery, ScimPage, ScimUserRecord, ScimUserUpdate } from '../../scim-ports.js';
import { isUniqueViolation } from '../errors.js';
import { toJson } from '../json.js';
import { compilePredicate, jsonElementExists, jsonPointer, type Leaf, type Scope } from './predicate-sql.js';

type Row = Selectable<UsersTable> & Pick<Selectable<ScimSourceUsersTable>, 'external_id' | 'last_update'> & { link_id: string; payload: unknown };

function base(db: Kysely<Database>, sourceUuid: string) {
  return db
    .selectFrom('scim_source_users as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .selectAll('u')
    .select(['l.id as link_id', 'l.external_id', 'l.last_update', 'l.attributes as payload'])
    .where('l.source_uuid', '=', sourceUuid);
}

function toRecord(r: Row): ScimUserRecord {
  return {
    linkId: r.link_id,
    userId: r.id,
    uuid: r.uuid,
    externalId: r.external_id,
    username: r.username,
    name: r.name,
    email: r.email,
    isActive: r.is_active,
    path: r.path,
    attributes: r.attributes ?? {},
    created: r.date_joined,
    lastModified: r.last_update,
    payload: (r.payload ?? {}) as Record<string, unknown>,
  };
}

/** USER_ATTRIBUTES fields (protocols/scim/attribute-maps.ts) → columns of `u` / `l`. */
const COLUMNS: Record<string, Leaf> = {
  uuid: { kind: 'uuid', expr: sql`u.uuid` },
  external_id: { kind: 'text', expr: sql`l.external_id` },
  username: { kind: 'text', expr: sql`u.username` },
  name: { kind: 'text', expr: sql`u.name` },
  is_active: { kind: 'bool', expr: sql`u.is_active` },
  created: { kind: 'time', expr: sql`u.date_joined` },
  last_modified: { kind: 'time', expr: sql`l.last_update` },
};

/**
 * The user's emails as its SCIM representation shows them (protocols/scim/resources.ts): the
 * stored payload's `emails` when it has that attribute, else the email column as one primary
 * work email (none when the column is empty).
 */
const REPRESENTED_EMAILS = sql`coalesce(${jsonPointer(sql`l.attributes`, '/emails')},
  CASE WHEN u.email <> '' THEN jsonb_build_array(jsonb_build_object('value', u.email, 'type', 'work', 'primary', true)) END)`;

export const USER_SCOPE: Scope = {
  leaf(field) {
    if (field.startsWith('/')) return { kind: 'json', expr: jsonPointer(sql`l.attributes`, field) };
    const leaf = COLUMNS[field];
    if (!leaf) throw new Error(`SCIM user filter field "${field}" has no column`);
    return leaf;
  },
  elem(field, where) {
    if (!field.startsWith('/')) throw new Error(`SCIM user filter field "${field}" is not multi-valued`);
    // `emails.value eq …`, `emails co …` and `emails[value …]` all look at every represented email.
    if (field.toLowerCase() === '/emails') return jsonElementExists(REPRESENTED_EMAILS, where);
    return jsonElementExists(jsonPointer(sql`l.attributes`, field), where);
  },
};

export async function findUser(db: Kysely<Database>, sourceUuid: string, uuid: string, lock: boolean): Promise<ScimUserRecord | null> {
  let q = base(db, sourceUuid).where('u.uuid', '=', uuid);
  if (lock) q = q.forUpdate('l');
  const row = await q.executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listUsers(db: Kysely<Database>, sourceUuid: string, query: ScimListQuery): Promise<ScimPage<ScimUserRecord>> {
  const where = compilePredicate(query.predicate, USER_SCOPE);
  const counted = await db
    .selectFrom('scim_source_users as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(sql<number>`count(*)::int`.as('total'))
    .where('l.source_uuid', '=', sourceUuid)
    .where(sql<boolean>`${where}`)
    .executeTakeFirstOrThrow();
  if (counted.total === 0 || query.limit === 0 || query.offset >= counted.total) return { items: [], total: counted.total };
  const rows = await base(db, sourceUuid)
    .where(sql<boolean>`${where}`)
    .orderBy('u.id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
  return { items: rows.map((r) => toRecord(r as Row)), total: counted.total };
}

/** No user at all has `username` in any case, other than `exceptId` (RFC 7643 §4.1.1: caseExact false). */
function noUserNamed(username: string, exceptId: number | null) {
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM users o WHERE lower(o.username) = lower(${username}::text)${exceptId === null ? sql`` : sql` AND o.id <> ${exceptId}`})`;
}

/**
 * One statement: the user and its link row are inserted together (a data-modifying CTE), so a
 * create costs one round trip. A userName any user already has, in any case, inserts nothing.
 * ON CONFLICT DO NOTHING on both: a concurrent insert of the same userName (exact, or in other
 * case among SCIM users: the partial unique index of migration 012) or externalId waits for the
 * other transaction, then shows up as a missing row here.
 */
export async function createUser(db: Kysely<Database>, sourceUuid: string, input: NewScimUser): Promise<ScimUserRecord> {
  const linkId = randomUUID();
  const row = await db
    .with('nu', (q) =>
      q
        .insertInto('users')
        .columns(['username', 'name', 'email', 'password', 'is_active', 'type', 'path', 'attributes', 'scim_provisioned'])
        .expression(
          q
            .selectNoFrom([
              sql<string>`${input.username}::text`.as('username'),
              sql<string>`${input.name}::text`.as('name'),
              sql<string>`${input.email}::text`.as('email'),
              sql<null>`NULL::text`.as('password'),
              sql<boolean>`${input.isActive}::boolean`.as('is_active'),
              sql<string>`'internal'::text`.as('type'),
              sql<string>`${input.path}::text`.as('path'),
              sql<string>`${toJson(input.attributes)}::jsonb`.as('attributes'),
              sql<boolean>`true`.as('scim_provisioned'),
            ])
            .where(noUserNamed(input.username, null)),
        )
        .onConflict((oc) => oc.doNothing())
        .returningAll(),
    )
    .with('nl', (q) =>
      q
        .insertInto('scim_source_users')
        .columns(['id', 'external_id', 'user_id', 'source_uuid', 'attributes'])
        .expression((eb) =>
          eb
            .selectFrom('nu')
            .select([
              sql<string>`${linkId}::text`.as('id'),
              sql<string>`${input.externalId ?? linkId}::text`.as('external_id'),
              'nu.id as user_id',
              sql<string>`${sourceUuid}::uuid`.as('source_uuid'),
              sql<string>`${toJson(input.payload)}::jsonb`.as('attributes'),
            ]),
        )
        .onConflict((oc) => oc.columns(['source_uuid', 'external_id']).doNothing())
        .returningAll(),
    )
    .selectFrom('nu')
    .leftJoin('nl', 'nl.user_id', 'nu.id')
    .selectAll('nu')
    .select(['nl.id as link_id', 'nl.external_id', 'nl.last_update', 'nl.attributes as payload'])
    .executeTakeFirst();
  if (!row) throw new ConflictError(`A user with userName "${input.username}" already exists.`, 'userName');
  if (row.link_id === null) throw new ConflictError(`A user with externalId "${input.externalId}" already exists.`, 'externalId');
  return toRecord(row as Row);
}

/** Two UPDATE … RETURNING statements; the record is assembled from what they return. */
export async function updateUser(db: Kysely<Database>, user: ScimUserRecord, update: ScimUserUpdate): Promise<ScimUserRecord> {
  const f = update.fields;
  const values: Record<string, unknown> = { last_updated: sql`now()` };
  if (f.username !== undefined) values.username = f.username;
  if (f.name !== undefined) values.name = f.name;
  if (f.email !== undefined) values.email = f.email;
  if (f.isActive !== undefined) values.is_active = f.isActive;
  if (f.path !== undefined) values.path = f.path;
  if (f.attributes !== undefined) values.attributes = toJson(f.attributes);
  const link: Record<string, unknown> = { attributes: toJson(update.payload), last_update: sql`now()` };
  if (update.externalId !== undefined) link.external_id = update.externalId;
  const taken = () => new ConflictError(`A user with userName "${f.username}" already exists.`, 'userName');
  let u;
  try {
    let q = db.updateTable('users').set(values).where('id', '=', user.userId);
    // A new name no other user has in any case; the partial unique index (migration 012) decides
    // races between SCIM users. An unchanged name is never re-checked: users from before that
    // migration may already collide in case with someone and must stay updatable.
    if (f.username !== undefined && f.username !== user.username) q = q.where(noUserNamed(f.username, user.userId));
    u = await q.returningAll().executeTakeFirst();
  } catch (e) {
    if (isUniqueViolation(e)) throw taken();
    throw e;
  }
  if (!u) throw taken();
  try {
    const l = await db
      .updateTable('scim_source_users')
      .set(link)
      .where('id', '=', user.linkId)
      .returning(['id as link_id', 'external_id', 'last_update', 'attributes as payload'])
      .executeTakeFirstOrThrow();
    return toRecord({ ...u, ...l });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError(`A user with externalId "${update.externalId}" already exists.`, 'externalId');
    throw e;
  }
}

/**
 * Locks the link row first (the same order as PATCH/PUT: link, then user), then deletes the user;
 * the link row, memberships and sessions go with it (ON DELETE CASCADE).
 */
export async function deleteUser(db: Kysely<Database>, sourceUuid: string, uuid: string): Promise<{ id: number; username: string } | null> {
  const found = await findUser(db, sourceUuid, uuid, true);
  if (!found) return null;
  await db.deleteFrom('users').where('id', '=', found.userId).execute();
  return { id: found.userId, username: found.username };
}
