/**
 * What references a user, group, flow or key pair, for their `used_by`. Every relation is one
 * indexed query capped at `limit`, so an object with a million references still answers quickly.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import { CONCRETE_KINDS, SOURCE_KINDS } from '../../../sources/kinds.js';
import type { ReferenceTarget, SourceKindDescriptor } from '../../../sources/kind.js';
import type { ReferenceRepository, SourceReference } from '../../source-ports.js';

export class SqlReferenceRepository implements ReferenceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async sourcesUsingFlow(flowUuid: string, limit: number): Promise<SourceReference[]> {
    const out: SourceReference[] = [];
    // Both base flow columns are ON DELETE SET NULL.
    for (const column of ['authentication_flow', 'enrollment_flow'] as const) {
      const rows = await this.db
        .selectFrom('sources')
        .select(['pbm_uuid as sourceUuid', 'name as sourceName', 'kind'])
        .where(column, '=', flowUuid)
        .orderBy('name')
        .limit(limit)
        .execute();
      for (const r of rows) out.push({ ...r, action: 'set_null' });
    }
    return [...out, ...(await this.ofKinds({ flow: flowUuid }, limit))];
  }

  sourcesUsingKeypair(kpUuid: string, limit: number): Promise<SourceReference[]> {
    return this.ofKinds({ keypair: kpUuid }, limit);
  }

  /** Each kind knows its own columns and tables (e.g. SAML's certificates). */
  private async ofKinds(target: ReferenceTarget, limit: number): Promise<SourceReference[]> {
    const out: SourceReference[] = [];
    for (const kind of CONCRETE_KINDS) {
      const storage = (SOURCE_KINDS[kind] as SourceKindDescriptor).storage;
      for (const r of (await storage?.referencing?.(this.db, target, limit)) ?? []) out.push({ ...r, kind });
    }
    return out;
  }

  tokensOfUser(userId: number, limit: number) {
    return this.db
      .selectFrom('tokens')
      .select(['token_uuid as uuid', 'identifier'])
      .where('user_id', '=', userId)
      .orderBy('identifier')
      .limit(limit)
      .execute();
  }

  groupsOfUser(userId: number, limit: number) {
    return this.db
      .selectFrom('group_members as m')
      .innerJoin('groups as g', 'g.group_uuid', 'm.group_uuid')
      .select(['g.group_uuid as uuid', 'g.name'])
      .where('m.user_id', '=', userId)
      .orderBy('g.name')
      .limit(limit)
      .execute();
  }

  userConnectionsOfUser(userId: number, limit: number) {
    return this.db
      .selectFrom('user_source_connections as c')
      .innerJoin('sources as s', 's.pbm_uuid', 'c.source_uuid')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.id', 'c.kind', 's.slug as sourceSlug', 'u.username'])
      .where('c.user_id', '=', userId)
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }

  scimLinksOfUser(userId: number, limit: number) {
    return this.db
      .selectFrom('scim_source_users as l')
      .innerJoin('sources as s', 's.pbm_uuid', 'l.source_uuid')
      .innerJoin('users as u', 'u.id', 'l.user_id')
      .select(['l.id', 'u.username', 's.name as sourceName'])
      .where('l.user_id', '=', userId)
      .orderBy('l.id')
      .limit(limit)
      .execute();
  }

  childGroups(groupUuid: string, limit: number) {
    return this.db
      .selectFrom('groups')
      .select(['group_uuid as uuid', 'name'])
      .where('parent_uuid', '=', groupUuid)
      .orderBy('name')
      .limit(limit)
      .execute();
  }

  membersOfGroup(groupUuid: string, limit: number) {
    return this.db
      .selectFrom('group_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['u.id', 'u.username'])
      .where('m.group_uuid', '=', groupUuid)
      .orderBy('u.username')
      .limit(limit)
      .execute();
  }

  groupConnectionsOfGroup(groupUuid: string, limit: number) {
    return this.db
      .selectFrom('group_source_connections as c')
      .innerJoin('sources as s', 's.pbm_uuid', 'c.source_uuid')
      .innerJoin('groups as g', 'g.group_uuid', 'c.group_uuid')
      .select(['c.id', 'c.kind', 's.slug as sourceSlug', 'g.name as groupName'])
      .where('c.group_uuid', '=', groupUuid)
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }

  scimLinksOfGroup(groupUuid: string, limit: number) {
    return this.db
      .selectFrom('scim_source_groups as l')
      .innerJoin('sources as s', 's.pbm_uuid', 'l.source_uuid')
      .innerJoin('groups as g', 'g.group_uuid', 'l.group_uuid')
      .select(['l.id', 'g.name as groupName', 's.name as sourceName'])
      .where('l.group_uuid', '=', groupUuid)
      .orderBy('l.id')
      .limit(limit)
      .execute();
  }
}
