/**
 * Group membership as seen by one SCIM source: only members that are users of that source.
 * Changes are set operations (INSERT … ON CONFLICT DO NOTHING / DELETE … WHERE), never a
 * read-modify-write of a member list, so concurrent PATCHes cannot lose each other's changes.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { NotFoundError } from '../../../errors/index.js';
import type { MemberChanges, Predicate } from '../../../protocols/scim/index.js';
import type { Database } from '../../schema.js';
import type { ScimMember } from '../../scim-ports.js';
import { isForeignKeyViolation } from '../errors.js';
import { compilePredicate, freshAlias, type Scope } from './predicate-sql.js';

/** SCIM `members.display`: the user's name, else the username. */
const DISPLAY = (alias: string) => sql<string>`coalesce(nullif(${sql.ref(`${alias}.name`)}, ''), ${sql.ref(`${alias}.username`)})`;

/** EXISTS a member of `groupExpr` (a user of this source) satisfying `where` (fields value / display). */
export function memberExists(sourceUuid: string, groupExpr: RawBuilder<unknown>, where: Predicate): RawBuilder<unknown> {
  const gm = freshAlias('gm');
  const mu = freshAlias('mu');
  const ml = freshAlias('ml');
  const scope: Scope = {
    leaf(field) {
      if (field === 'value') return { kind: 'uuid', expr: sql`${mu}.uuid` };
      if (field === 'display') return { kind: 'text', expr: sql`coalesce(nullif(${mu}.name, ''), ${mu}.username)` };
      throw new Error(`SCIM member filter field "${field}" has no column`);
    },
    elem: () => sql`false`,
  };
  return sql`EXISTS (SELECT 1 FROM group_members ${gm}
    JOIN users ${mu} ON ${mu}.id = ${gm}.user_id
    JOIN scim_source_users ${ml} ON ${ml}.user_id = ${mu}.id AND ${ml}.source_uuid = ${sourceUuid}::uuid
    WHERE ${gm}.group_uuid = ${groupExpr} AND ${compilePredicate(where, scope)})`;
}

export async function listMembers(db: Kysely<Database>, sourceUuid: string, groupUuids: readonly string[]): Promise<Map<string, ScimMember[]>> {
  const out = new Map<string, ScimMember[]>(groupUuids.map((g) => [g, []]));
  if (groupUuids.length === 0) return out;
  const rows = await db
    .selectFrom('group_members as gm')
    .innerJoin('users as mu', 'mu.id', 'gm.user_id')
    .innerJoin('scim_source_users as ml', 'ml.user_id', 'mu.id')
    .select(['gm.group_uuid', 'mu.uuid', DISPLAY('mu').as('display')])
    .where('ml.source_uuid', '=', sourceUuid)
    .where('gm.group_uuid', 'in', [...groupUuids])
    .orderBy('gm.group_uuid')
    .orderBy('mu.id')
    .execute();
  for (const r of rows) out.get(r.group_uuid)?.push({ uuid: r.uuid, display: r.display });
  return out;
}

/** User ids of this source's users among `uuids` (unknown ids and other users drop out). */
function sourceUserIds(db: Kysely<Database>, sourceUuid: string, uuids: readonly string[]) {
  return db
    .selectFrom('scim_source_users as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select('l.user_id')
    .where('l.source_uuid', '=', sourceUuid)
    .where('u.uuid', 'in', [...uuids]);
}

function allSourceUserIds(db: Kysely<Database>, sourceUuid: string) {
  return db.selectFrom('scim_source_users as l').select('l.user_id').where('l.source_uuid', '=', sourceUuid);
}

/** planGroupPatch semantics: replace, else removeAll → remove → add. */
export async function changeMembers(db: Kysely<Database>, sourceUuid: string, groupUuid: string, changes: MemberChanges): Promise<void> {
  const removeFrom = () => db.deleteFrom('group_members').where('group_uuid', '=', groupUuid);
  try {
    if (changes.replace !== undefined) {
      let q = removeFrom().where('user_id', 'in', allSourceUserIds(db, sourceUuid));
      if (changes.replace.length > 0) q = q.where('user_id', 'not in', sourceUserIds(db, sourceUuid, changes.replace));
      await q.execute();
      await addMembers(db, sourceUuid, groupUuid, changes.replace);
      return;
    }
    if (changes.removeAll) await removeFrom().where('user_id', 'in', allSourceUserIds(db, sourceUuid)).execute();
    if (changes.remove.length > 0)
      await removeFrom()
        .where('user_id', 'in', sourceUserIds(db, sourceUuid, changes.remove))
        .execute();
    await addMembers(db, sourceUuid, groupUuid, changes.add);
  } catch (e) {
    // The group was deleted by a concurrent request after we looked it up.
    if (isForeignKeyViolation(e)) throw NotFoundError.forModel('Group');
    throw e;
  }
}

async function addMembers(db: Kysely<Database>, sourceUuid: string, groupUuid: string, uuids: readonly string[]): Promise<void> {
  if (uuids.length === 0) return;
  await db
    .insertInto('group_members')
    .columns(['group_uuid', 'user_id'])
    .expression(
      sourceUserIds(db, sourceUuid, uuids)
        .clearSelect()
        .select([sql<string>`${groupUuid}::uuid`.as('group_uuid'), 'l.user_id'])
        // A stable order keeps concurrent inserts from locking the same rows in opposite orders.
        .orderBy('l.user_id'),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}
