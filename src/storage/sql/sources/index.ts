import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../schema.js';
import type { SourceRepositories } from '../../source-ports.js';
import { SqlSourceRepository } from './source-repository.js';

export function sourceRepositories(db: Kysely<Database>, _box: SecretBox): SourceRepositories {
  return { sources: new SqlSourceRepository(db) };
}
