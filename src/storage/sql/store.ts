import type { Kysely } from 'kysely';
import type { SecretBox } from '../../security/secret-box.js';
import type { Database } from '../schema.js';
import type { Repositories, Store } from '../ports.js';
import { dataErrorAsValidation, guardDataErrors, isRetryableTransactionError } from './errors.js';
import { SqlAuthThrottleRepository } from './auth-throttle.js';
import { SqlEventRepository } from './events.js';
import { SqlFlowStateRepository, SqlReplayCacheRepository } from './flow-states.js';
import { SqlFlowRepository } from './flows.js';
import { SqlGroupRepository } from './groups.js';
import { SqlKeypairRepository } from './keypairs.js';
import { SqlPropertyMappingRepository } from './property-mappings.js';
import { SqlSessionRepository } from './sessions.js';
import { SqlSettingsRepository } from './settings.js';
import { SqlScimRepository } from './scim/index.js';
import { sourceRepositories } from './sources/index.js';
import { SqlTokenRepository } from './tokens.js';
import { SqlUserRepository } from './users.js';

function repositories(db: Kysely<Database>, box: SecretBox): Repositories {
  return guardEach<Repositories>({
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
    authThrottle: new SqlAuthThrottleRepository(db),
    scim: new SqlScimRepository(db, box),
    ...sourceRepositories(db, box),
  });
}

/** Every repository, also those grouped in a plain object (one per source kind), maps data errors. */
function guardEach<T extends object>(group: T): T {
  const guarded: Record<string, object> = {};
  for (const [name, value] of Object.entries(group) as Array<[string, object]>) {
    guarded[name] = Object.getPrototypeOf(value) === Object.prototype ? guardEach(value) : guardDataErrors(value);
  }
  return guarded as T;
}

/**
 * Attempts of one unit of work when PostgreSQL aborts it with a deadlock or a serialization
 * failure. The whole transaction was rolled back, so running it again from the start is safe.
 */
export const TRANSACTION_ATTEMPTS = 3;

/** Full jitter: a random pause below 10 ms, 20 ms, … so the retried transactions spread out. */
function retryPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** (attempt - 1)));
}

/**
 * The one transaction runner of every store (admin API, flows, SCIM): runs `fn` in a
 * transaction, retries it after a deadlock or serialization failure (bounded, with jitter),
 * and turns a value PostgreSQL refused (SQLSTATE classes 22/54) into a ValidationError.
 * After the last attempt the database error itself is rethrown.
 */
export async function runTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (e) {
      if (isRetryableTransactionError(e) && attempt < TRANSACTION_ATTEMPTS) {
        await retryPause(attempt);
        continue;
      }
      throw dataErrorAsValidation(e);
    }
  }
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
    return runTransaction(this.db, (trx) => fn(repositories(trx, this.box)));
  }

  ping(): Promise<void> {
    return this.hooks.ping();
  }

  close(): Promise<void> {
    return this.hooks.close();
  }
}
