/** SAML 2.0 sources (we are the Service Provider): authentik 2024.8 `SAMLSource`. */
import { field } from '../../domain/fields.js';
import { DIGEST_ALGORITHMS, SIGNATURE_ALGORITHMS } from '../../protocols/saml/algorithms.js';
import { matchingSourceFields } from '../base-fields.js';
import { sourceMappingModel, type SourceKindDescriptor } from '../kind.js';
import { samlStorage } from './sql/verification-kps.js';

/** authentik 2024.8's `name_id_policy` choices (its WindowsDomainQualifiedName URN says 2.0). */
export const NAME_ID_POLICIES = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:WindowsDomainQualifiedName',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
] as const;
export const SAML_BINDING_TYPES = ['REDIRECT', 'POST', 'POST_AUTO'] as const;

/** The IdP endpoints are browser redirect targets: only http(s). */
const httpOnly = (v: string) => (v === '' || /^https?:\/\/[^/]/i.test(v) ? null : 'Enter a valid URL.');

export const samlFields = {
  pre_authentication_flow: field.uuid({ required: true, ref: 'flow', filter: true, description: 'Flow used before authentication.' }),
  issuer: field.string({
    allowBlank: true,
    nullable: true,
    blankIsNull: true,
    filter: true,
    description: 'Also known as Entity ID. Defaults the Metadata URL.',
  }),
  /** Later authentik's name of `issuer`, accepted as an alias on writes. */
  issuer_override: field.string({
    allowBlank: true,
    nullable: true,
    writeOnly: true,
    column: false,
    description: 'Alias of `issuer` (later authentik versions).',
  }),
  sso_url: field.url({ required: true, maxLength: 200, check: httpOnly, filter: true }),
  slo_url: field.url({ nullable: true, allowBlank: true, maxLength: 200, check: httpOnly, blankIsNull: true, filter: true }),
  allow_idp_initiated: field.boolean({ filter: true }),
  name_id_policy: field.choice(NAME_ID_POLICIES, { filter: true }),
  binding_type: field.choice(SAML_BINDING_TYPES, { filter: true }),
  verification_kp: field.uuid({ nullable: true, ref: 'keypair', filter: true }),
  signing_kp: field.uuid({ nullable: true, ref: 'keypair', filter: true }),
  digest_algorithm: field.choice(Object.values(DIGEST_ALGORITHMS), { filter: true }),
  signature_algorithm: field.choice(Object.values(SIGNATURE_ALGORITHMS), { filter: true }),
  temporary_user_delete_after: field.string({ filter: true }),
  encryption_kp: field.uuid({ nullable: true, ref: 'keypair' }),
  // Later-authentik extras (the 2024.8 client ignores unknown keys).
  signed_assertion: field.boolean({ filter: true }),
  signed_response: field.boolean({ filter: true }),
  force_authn: field.boolean({ filter: true }),
  idp_entity_id: field.string({ readOnly: true, nullable: true }),
  metadata_url: field.string({ readOnly: true, nullable: true }),
  /** Extra certificates accepted during an IdP key rollover (table `saml_source_verification_kps`). */
  verification_kps: field.list(field.uuid(), { readOnly: true, external: true }),
};

export const samlKind = {
  kind: 'saml',
  model: 'SAMLSource',
  component: 'ak-source-saml-form',
  verboseName: 'SAML Source',
  verboseNamePlural: 'SAML Sources',
  app: 'authentik_sources_saml',
  modelName: 'samlsource',
  description: 'Authenticate using an external SAML Identity Provider.',
  iconUrl: '/static/authentik/sources/saml.png',
  baseFields: matchingSourceFields,
  fields: samlFields,
  table: 'saml_sources',
  mapping: sourceMappingModel('saml', 'SAML'),
  connections: {
    user: { model: 'UserSAMLSourceConnection', modelName: 'usersamlsourceconnection' },
    group: { model: 'GroupSAMLSourceConnection', modelName: 'groupsamlsourceconnection' },
  },
  userSettingsComponent: 'ak-user-settings-source-saml',
  loginPath: (slug: string) => `/source/saml/${encodeURIComponent(slug)}/`,
  storage: samlStorage,
  list: {
    // 2024.8 calls the column `issuer`; later versions `issuer_override`.
    columns: { issuer_override: 'saml_sources.issuer' },
    filters: { issuer_override: field.string() },
  },
} satisfies SourceKindDescriptor<typeof samlFields>;
