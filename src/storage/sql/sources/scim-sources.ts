/** SCIM sources: `sources` + `scim_sources` (the token the SCIM client authenticates with). */
import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import type { ScimSource, Source } from '../../source-ports.js';
import { SqlKindSourceRepository, type KindConfig } from './kind-repository.js';
import { BASE_COLUMNS } from './source-rows.js';

type Input = { tokenUuid?: string | null };

const CONFIG: KindConfig<ScimSource, Input> = {
  kind: 'scim',
  table: 'scim_sources',
  model: 'SCIMSource',
  fields: {
    columns: {
      ...BASE_COLUMNS,
      // Scalar sub-selects keep the base query join-free; tokens/users are looked up by pk.
      token__identifier: '(SELECT t.identifier FROM tokens t WHERE t.token_uuid = scim_sources.token_uuid)',
      token__user__username:
        '(SELECT u.username FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_uuid = scim_sources.token_uuid)',
    },
    search: ['name', 'slug', 'token__identifier', 'token__user__username'],
    tiebreak: 'sources.pbm_uuid',
  },
  toEntity: (row, base: Source): ScimSource => ({ ...base, scim: { tokenUuid: row.token_uuid } }),
  values: (input) => (input.tokenUuid !== undefined ? { token_uuid: input.tokenUuid } : {}),
};

export class SqlScimSourceRepository extends SqlKindSourceRepository<ScimSource, Input> {
  constructor(db: Kysely<Database>) {
    super(db, CONFIG);
  }
}
