/** SAML's extra verification certificates (IdP key rollover): table `saml_source_verification_kps`. */
import type { Kysely } from 'kysely';
import type { Database } from '../../../storage/schema.js';
import type { KindStorageHooks } from '../../kind.js';

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
  constraints: { saml_source_verification_kps_kp_uuid_fkey: { field: 'verification_kp', message: 'Invalid pk - object does not exist.' } },
};
