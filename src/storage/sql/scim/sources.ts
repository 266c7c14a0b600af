/** SCIM source lookup for authentication, with the source's property mappings. */
import { sql, type Kysely } from 'kysely';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../schema.js';
import type { ResolvedScimSource, ScimMappingDefinition } from '../../scim-ports.js';

/**
 * One round trip per request: the source by slug, and — only if a key was presented — the
 * token whose keyed digest matches it (tokens are stored as digests, never compared in clear).
 */
export async function resolveSource(db: Kysely<Database>, box: SecretBox, slug: string, tokenKey: string | null): Promise<ResolvedScimSource | null> {
  const digest = tokenKey === null ? null : box.lookupDigest(tokenKey);
  const row = await db
    .selectFrom('sources as s')
    .innerJoin('scim_sources as sc', 'sc.source_uuid', 's.pbm_uuid')
    .leftJoin('tokens as t', (j) => j.on(sql<boolean>`t.key_digest = ${digest ?? ''} AND ${digest !== null}`))
    .leftJoin('users as tu', 'tu.id', 't.user_id')
    .select([
      's.pbm_uuid',
      's.slug',
      's.name',
      's.enabled',
      's.user_path_template',
      'sc.token_uuid',
      't.token_uuid as presented_uuid',
      't.intent',
      't.expiring',
      't.expires',
      't.user_id',
      'tu.username as token_username',
      'tu.is_active as token_user_active',
      sql<Array<ScimMappingDefinition & { target: string }>>`(
        SELECT coalesce(json_agg(json_build_object('name', pm.name, 'expression', pm.expression, 'target', spm.target) ORDER BY pm.name), '[]'::json)
        FROM source_property_mappings spm JOIN property_mappings pm ON pm.pm_uuid = spm.pm_uuid
        WHERE spm.source_uuid = s.pbm_uuid AND pm.kind = 'scim')`.as('mappings'),
    ])
    .where('s.slug', '=', slug)
    .where('s.kind', '=', 'scim')
    .executeTakeFirst();
  if (!row) return null;
  return {
    source: {
      uuid: row.pbm_uuid,
      slug: row.slug,
      name: row.name,
      enabled: row.enabled,
      userPathTemplate: row.user_path_template,
      tokenUuid: row.token_uuid,
      mappings: {
        user: row.mappings.filter((m) => m.target === 'user').map(({ name, expression }) => ({ name, expression })),
        group: row.mappings.filter((m) => m.target === 'group').map(({ name, expression }) => ({ name, expression })),
      },
    },
    token:
      row.presented_uuid === null || row.user_id === null
        ? null
        : {
            uuid: row.presented_uuid,
            intent: row.intent ?? '',
            expiring: row.expiring ?? true,
            expires: row.expires ?? null,
            userId: row.user_id,
            username: row.token_username ?? '',
            userActive: row.token_user_active ?? false,
          },
  };
}
