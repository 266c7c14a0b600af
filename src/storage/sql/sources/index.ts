import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../schema.js';
import type { SourceRepositories } from '../../source-ports.js';
import { SqlGroupConnectionRepository } from './group-connections.js';
import { SqlOAuthSourceRepository } from './oauth-sources.js';
import { SqlSamlSourceRepository } from './saml-sources.js';
import { SqlScimLinkRepository } from './scim-links.js';
import { SqlScimSourceRepository } from './scim-sources.js';
import { SqlSourceRepository } from './source-repository.js';
import { SqlUserConnectionRepository } from './user-connections.js';

export function sourceRepositories(db: Kysely<Database>, box: SecretBox): SourceRepositories {
  return {
    sources: new SqlSourceRepository(db),
    oauthSources: new SqlOAuthSourceRepository(db, box),
    samlSources: new SqlSamlSourceRepository(db),
    scimSources: new SqlScimSourceRepository(db),
    userConnections: new SqlUserConnectionRepository(db, box),
    groupConnections: new SqlGroupConnectionRepository(db),
    scimUsers: SqlScimLinkRepository.users(db),
    scimGroups: SqlScimLinkRepository.groups(db),
  };
}
