import type { Kysely } from 'kysely';
import type { SecretBox } from '../../security/secret-box.js';
import type { Database } from '../schema.js';
import type { Repositories, Store } from '../ports.js';
import { SqlEventRepository } from './events.js';
import { SqlFlowStateRepository, SqlReplayCacheRepository } from './flow-states.js';
import { SqlFlowRepository } from './flows.js';
import { SqlGroupRepository } from './groups.js';
import { SqlKeypairRepository } from './keypairs.js';
import { SqlPropertyMappingRepository } from './property-mappings.js';
import { SqlSessionRepository } from './sessions.js';
import { SqlSettingsRepository } from './settings.js';
import { sourceRepositories } from './sources/index.js';
import { SqlTokenRepository } from './tokens.js';
import { SqlUserRepository } from './users.js';

function repositories(db: Kysely<Database>, box: SecretBox): Repositories {
  return {
    users: new SqlUserRepository(db),
    groups: new SqlGroupRepository(db),
    tokens: new SqlTokenRepository(db, box),
    sessions: new SqlSessionRepository(db),
    flows: new SqlFlowRepository(db),
    keypairs: new SqlKeypairRepository(db, box),
    propertyMappings: new SqlPropertyMappingRepository(db),
    events: new SqlEventRepository(db),
    settings: new SqlSettingsRepository(db),
    flowStates: new SqlFlowStateRepository(db),
    replayCache: new SqlReplayCacheRepository(db),
    ...sourceRepositories(db, box),
  };
}

export class SqlStore implements Store {
  readonly repos: Repositories;

  constructor(
    readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly hooks: { ping: () => Promise<void>; close: () => Promise<void> },
  ) {
    this.repos = repositories(db, box);
  }

  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(repositories(trx, this.box)));
  }

  ping(): Promise<void> {
    return this.hooks.ping();
  }

  close(): Promise<void> {
    return this.hooks.close();
  }
}
