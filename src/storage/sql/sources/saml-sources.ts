/** SAML sources: `sources` + `saml_sources` + extra verification certificates. */
import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import type { SamlSettingsInput, SamlSource, Source } from '../../source-ports.js';
import { SqlKindSourceRepository, type KindConfig } from './kind-repository.js';
import { BASE_COLUMNS } from './source-rows.js';

const COLUMNS: Array<[keyof SamlSettingsInput, string]> = [
  ['preAuthenticationFlow', 'pre_authentication_flow'],
  ['issuer', 'issuer'],
  ['idpEntityId', 'idp_entity_id'],
  ['ssoUrl', 'sso_url'],
  ['sloUrl', 'slo_url'],
  ['metadataUrl', 'metadata_url'],
  ['allowIdpInitiated', 'allow_idp_initiated'],
  ['forceAuthn', 'force_authn'],
  ['nameIdPolicy', 'name_id_policy'],
  ['bindingType', 'binding_type'],
  ['verificationKp', 'verification_kp'],
  ['signingKp', 'signing_kp'],
  ['encryptionKp', 'encryption_kp'],
  ['digestAlgorithm', 'digest_algorithm'],
  ['signatureAlgorithm', 'signature_algorithm'],
  ['temporaryUserDeleteAfter', 'temporary_user_delete_after'],
  ['signedAssertion', 'signed_assertion'],
  ['signedResponse', 'signed_response'],
];

async function loadVerificationKps(db: Kysely<Database>, uuids: string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, string[]>();
  if (uuids.length === 0) return out;
  const rows = await db
    .selectFrom('saml_source_verification_kps as v')
    .innerJoin('keypairs as k', 'k.kp_uuid', 'v.kp_uuid')
    .select(['v.source_uuid', 'v.kp_uuid'])
    .where('v.source_uuid', 'in', uuids)
    .orderBy('k.name')
    .execute();
  for (const r of rows) out.set(r.source_uuid, [...(out.get(r.source_uuid) ?? []), r.kp_uuid]);
  return out;
}

const CONFIG: KindConfig<SamlSource, SamlSettingsInput> = {
  kind: 'saml',
  table: 'saml_sources',
  model: 'SAMLSource',
  fields: {
    columns: {
      ...BASE_COLUMNS,
      ...Object.fromEntries(COLUMNS.map(([, c]) => [c, `saml_sources.${c}`])),
      // 2024.8 calls our `issuer` column `issuer`; later versions `issuer_override`.
      issuer_override: 'saml_sources.issuer',
    },
    search: ['name', 'slug'],
    tiebreak: 'sources.pbm_uuid',
  },
  toEntity: (row, base: Source, extra): SamlSource => ({
    ...base,
    saml: {
      preAuthenticationFlow: row.pre_authentication_flow,
      issuer: row.issuer,
      idpEntityId: row.idp_entity_id,
      ssoUrl: row.sso_url,
      sloUrl: row.slo_url,
      metadataUrl: row.metadata_url,
      allowIdpInitiated: row.allow_idp_initiated,
      forceAuthn: row.force_authn,
      nameIdPolicy: row.name_id_policy,
      bindingType: row.binding_type,
      verificationKp: row.verification_kp,
      verificationKps: (extra.get(row.pbm_uuid) as string[] | undefined) ?? [],
      signingKp: row.signing_kp,
      encryptionKp: row.encryption_kp,
      digestAlgorithm: row.digest_algorithm,
      signatureAlgorithm: row.signature_algorithm,
      temporaryUserDeleteAfter: row.temporary_user_delete_after,
      signedAssertion: row.signed_assertion,
      signedResponse: row.signed_response,
    },
  }),
  values: (input) => {
    const v: Record<string, unknown> = {};
    for (const [key, column] of COLUMNS) if (input[key] !== undefined) v[column] = input[key];
    return v;
  },
  loadExtra: loadVerificationKps,
  afterWrite: async (db, uuid, input) => {
    if (input.verificationKps === undefined) return;
    await db.deleteFrom('saml_source_verification_kps').where('source_uuid', '=', uuid).execute();
    const kps = [...new Set(input.verificationKps)];
    if (kps.length > 0) await db.insertInto('saml_source_verification_kps').values(kps.map((kp) => ({ source_uuid: uuid, kp_uuid: kp }))).execute();
  },
};

export class SqlSamlSourceRepository extends SqlKindSourceRepository<SamlSource, SamlSettingsInput> {
  constructor(db: Kysely<Database>) {
    super(db, CONFIG);
  }
}
