import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../schema.js';
import { CONCRETE_KINDS } from '../../../sources/kinds.js';
import type { KindSourceRepositories, SourceRepositories } from '../../source-ports.js';
import { SqlKindSourceRepository } from './kind-repository.js';
import { SqlGroupConnectionRepository } from './group-connections.js';
import { SqlReferenceRepository } from './references.js';
import { SqlScimLinkRepository } from './scim-links.js';
import { SqlSourceRepository } from './source-repository.js';
import { SqlUserConnectionRepository } from './user-connections.js';

export function sourceRepositories(db: Kysely<Database>, box: SecretBox): SourceRepositories {
  return {
    sources: new SqlSourceRepository(db),
    kindSources: Object.fromEntries(CONCRETE_KINDS.map((k) => [k, new SqlKindSourceRepository(db, box, k)])) as unknown as KindSourceRepositories,
    userConnections: new SqlUserConnectionRepository(db, box),
    groupConnections: new SqlGroupConnectionRepository(db),
    scimUsers: SqlScimLinkRepository.users(db),
    scimGroups: SqlScimLinkRepository.groups(db),
    references: new SqlReferenceRepository(db),
  };
}
