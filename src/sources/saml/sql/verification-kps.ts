/**
 * SAML's extra verification certificates (IdP key rollover): table `saml_source_verification_kps`;
 * and what SAML's own columns reference, for a flow's or key pair's `used_by`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../../storage/schema.js';
import type { KindReference, KindStorageHooks, ReferenceTarget } from '../../kind.js';

export const samlStorage: KindStorageHooks = {
  async loadExternal(db, uuids) {
    const out = new Map<string, { verification_kps: string[] }>();
    if (uuids.length === 0) return out;
    const rows = await (db as Kysely<Database>)
      .selectFrom('saml_source_verification_kps as v')
      .innerJoin('keypairs as k', 'k.kp_uuid', 'v.kp_uuid')
      .select(['v.source_uuid', 'v.kp_uuid'])
      .where('v.source_uuid', 'in', uuids)
      .orderBy('k.name')
      .execute();
    for (const r of rows) {
      const entry = out.get(r.source_uuid) ?? { verification_kps: [] };
      entry.verification_kps.push(r.kp_uuid);
      out.set(r.source_uuid, entry);
    }
    return out;
  },
  async writeExternal(db, uuid, input) {
    const kps = input.verification_kps as string[] | undefined;
    if (kps === undefined) return;
    const trx = db as Kysely<Database>;
    await trx.deleteFrom('saml_source_verification_kps').where('source_uuid', '=', uuid).execute();
    const unique = [...new Set(kps)];
    if (unique.length > 0)
      await trx
        .insertInto('saml_source_verification_kps')
        .values(unique.map((kp) => ({ source_uuid: uuid, kp_uuid: kp })))
        .execute();
  },
  referencing: (db, target, limit) => samlReferencing(db as Kysely<Database>, target, limit),
  constraints: { saml_source_verification_kps_kp_uuid_fkey: { field: 'verification_kp', message: 'Invalid pk - object does not exist.' } },
};

/** Actions follow the foreign keys of `saml_sources` and `saml_source_verification_kps`. */
async function samlReferencing(db: Kysely<Database>, target: ReferenceTarget, limit: number): Promise<KindReference[]> {
  const bySamlColumn = (column: 'pre_authentication_flow' | 'verification_kp' | 'signing_kp' | 'encryption_kp', uuid: string) =>
    db
      .selectFrom('saml_sources as x')
      .innerJoin('sources as s', 's.pbm_uuid', 'x.source_uuid')
      .select(['s.pbm_uuid as sourceUuid', 's.name as sourceName'])
      .where(`x.${column}`, '=', uuid)
      .orderBy('s.name')
      .limit(limit)
      .execute();
  if ('flow' in target) {
    // pre_authentication_flow is required, so deleting the flow deletes the source.
    const rows = await bySamlColumn('pre_authentication_flow', target.flow);
    return rows.map((r) => ({ ...r, action: 'cascade' as const }));
  }
  const out: KindReference[] = [];
  for (const column of ['verification_kp', 'signing_kp', 'encryption_kp'] as const) {
    for (const r of await bySamlColumn(column, target.keypair)) out.push({ ...r, action: 'set_null' });
  }
  const extra = await db
    .selectFrom('saml_source_verification_kps as v')
    .innerJoin('sources as s', 's.pbm_uuid', 'v.source_uuid')
    .select(['s.pbm_uuid as sourceUuid', 's.name as sourceName'])
    .where('v.kp_uuid', '=', target.keypair)
    .orderBy('s.name')
    .limit(limit)
    .execute();
  for (const r of extra) out.push({ ...r, action: 'cascade_many' });
  return out;
}
