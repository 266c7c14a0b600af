/** The SCIM store: SQL implementation of storage/scim-ports.ts, built once by app.ts. */
import type { Kysely } from 'kysely';
import type { MemberChanges } from '../../../protocols/scim/index.js';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../schema.js';
import type {
  NewScimGroup,
  NewScimUser,
  ScimGroupRecord,
  ScimGroupUpdate,
  ScimListQuery,
  ScimRepository,
  ScimUserRecord,
  ScimUserUpdate,
} from '../../scim-ports.js';
import * as groups from './groups.js';
import { changeMembers, listMembers } from './members.js';
import { resolveSource } from './sources.js';
import * as users from './users.js';

export class SqlScimRepository implements ScimRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
  ) {}

  resolveSource(slug: string, tokenKey: string | null) {
    return resolveSource(this.db, this.box, slug, tokenKey);
  }

  findUser(sourceUuid: string, uuid: string, options: { lock?: boolean } = {}) {
    return users.findUser(this.db, sourceUuid, uuid, options.lock === true);
  }
  listUsers(sourceUuid: string, query: ScimListQuery) {
    return users.listUsers(this.db, sourceUuid, query);
  }
  createUser(sourceUuid: string, input: NewScimUser) {
    return users.createUser(this.db, sourceUuid, input);
  }
  updateUser(user: ScimUserRecord, update: ScimUserUpdate) {
    return users.updateUser(this.db, user, update);
  }
  deleteUser(sourceUuid: string, uuid: string) {
    return users.deleteUser(this.db, sourceUuid, uuid);
  }

  findGroup(sourceUuid: string, uuid: string) {
    return groups.findGroup(this.db, sourceUuid, uuid);
  }
  touchGroup(sourceUuid: string, uuid: string) {
    return groups.touchGroup(this.db, sourceUuid, uuid);
  }
  listGroups(sourceUuid: string, query: ScimListQuery) {
    return groups.listGroups(this.db, sourceUuid, query);
  }
  createGroup(sourceUuid: string, input: NewScimGroup) {
    return groups.createGroup(this.db, sourceUuid, input);
  }
  updateGroup(group: ScimGroupRecord, update: ScimGroupUpdate) {
    return groups.updateGroup(this.db, group, update);
  }
  deleteGroup(sourceUuid: string, uuid: string) {
    return groups.deleteGroup(this.db, sourceUuid, uuid);
  }

  members(sourceUuid: string, groupUuids: readonly string[]) {
    return listMembers(this.db, sourceUuid, groupUuids);
  }
  changeMembers(sourceUuid: string, groupUuid: string, changes: MemberChanges) {
    return changeMembers(this.db, sourceUuid, groupUuid, changes);
  }
}
