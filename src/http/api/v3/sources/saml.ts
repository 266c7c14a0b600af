/** /api/v3/sources/saml/ — SAML sources (2024.8 `issuer`), metadata export and IdP metadata import. */
import type { ServiceContext } from '../../../../services/context.js';
import { importSamlMetadata, samlSourceMetadata, type ImportMetadataData } from '../../../../services/sources/saml-metadata.js';
import { createSamlSource, deleteSamlSource, getSamlSource, listSamlSources, samlSourceUsedBy, updateSamlSource, type SamlSourceData } from '../../../../services/sources/saml-sources.js';
import type { SamlSource } from '../../../../storage/source-ports.js';
import { requireSuperuser, superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import { serializerSchemas, validateBody, type Serializer } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { BASE_SOURCE_FILTERS, BASE_SOURCE_ORDERING, baseUrl, matchingSourceSerializer, serializeSource } from './base.js';

export const NAME_ID_POLICIES = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:WindowsDomainQualifiedName',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
] as const;
export const BINDING_TYPES = ['REDIRECT', 'POST', 'POST_AUTO'] as const;
export const DIGEST_ALGORITHMS = [
  'http://www.w3.org/2000/09/xmldsig#sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512',
] as const;
export const SIGNATURE_ALGORITHMS = [
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
] as const;

/** The IdP endpoints are browser redirect targets: only http(s) (SPEC §4.1). */
const httpOnly = (v: string) => (v === '' || /^https?:\/\/[^/]/i.test(v) ? null : 'Enter a valid URL.');

export const samlSourceSerializer: Serializer = {
  ...matchingSourceSerializer,
  pre_authentication_flow: { type: 'uuid', required: true, description: 'Flow used before authentication.' },
  issuer: { type: 'string', allowBlank: true, nullable: true, description: 'Also known as Entity ID. Defaults the Metadata URL.' },
  issuer_override: { type: 'string', allowBlank: true, nullable: true, writeOnly: true, description: 'Alias of `issuer` (later authentik versions).' },
  sso_url: { type: 'url', required: true, maxLength: 200, check: httpOnly },
  slo_url: { type: 'url', nullable: true, allowBlank: true, maxLength: 200, check: httpOnly },
  allow_idp_initiated: { type: 'boolean' },
  name_id_policy: { type: 'choice', choices: NAME_ID_POLICIES },
  binding_type: { type: 'choice', choices: BINDING_TYPES },
  verification_kp: { type: 'uuid', nullable: true },
  signing_kp: { type: 'uuid', nullable: true },
  digest_algorithm: { type: 'choice', choices: DIGEST_ALGORITHMS },
  signature_algorithm: { type: 'choice', choices: SIGNATURE_ALGORITHMS },
  temporary_user_delete_after: { type: 'string' },
  encryption_kp: { type: 'uuid', nullable: true },
  // Later-authentik extras (the 2024.8 client ignores unknown keys).
  signed_assertion: { type: 'boolean' },
  signed_response: { type: 'boolean' },
  force_authn: { type: 'boolean' },
  idp_entity_id: { type: 'string', readOnly: true, nullable: true },
  metadata_url: { type: 'string', readOnly: true, nullable: true },
  verification_kps: { type: 'list', items: { type: 'uuid' }, readOnly: true },
};

const listSpec: ListSpec = {
  filters: {
    ...BASE_SOURCE_FILTERS,
    pre_authentication_flow: { type: 'uuid' },
    issuer: { type: 'string' },
    issuer_override: { type: 'string', field: 'issuer' },
    sso_url: { type: 'string' },
    slo_url: { type: 'string' },
    allow_idp_initiated: { type: 'boolean' },
    force_authn: { type: 'boolean' },
    name_id_policy: { type: 'string' },
    binding_type: { type: 'string' },
    verification_kp: { type: 'uuid' },
    signing_kp: { type: 'uuid' },
    digest_algorithm: { type: 'string' },
    signature_algorithm: { type: 'string' },
    temporary_user_delete_after: { type: 'string' },
    signed_assertion: { type: 'boolean' },
    signed_response: { type: 'boolean' },
  },
  ordering: BASE_SOURCE_ORDERING,
  defaultOrdering: ['name'],
  search: true,
};

export function serializeSamlSource(s: SamlSource): Record<string, unknown> {
  const m = s.saml;
  return {
    ...serializeSource(s),
    group_matching_mode: s.groupMatchingMode,
    pre_authentication_flow: m.preAuthenticationFlow,
    issuer: m.issuer,
    sso_url: m.ssoUrl,
    slo_url: m.sloUrl,
    allow_idp_initiated: m.allowIdpInitiated,
    name_id_policy: m.nameIdPolicy,
    binding_type: m.bindingType,
    verification_kp: m.verificationKp,
    signing_kp: m.signingKp,
    digest_algorithm: m.digestAlgorithm,
    signature_algorithm: m.signatureAlgorithm,
    temporary_user_delete_after: m.temporaryUserDeleteAfter,
    encryption_kp: m.encryptionKp,
    signed_assertion: m.signedAssertion,
    signed_response: m.signedResponse,
    force_authn: m.forceAuthn,
    idp_entity_id: m.idpEntityId,
    metadata_url: m.metadataUrl,
    verification_kps: m.verificationKps,
  };
}

const importSerializer: Serializer = {
  metadata: { type: 'string', description: 'IdP metadata XML.' },
  metadata_url: { type: 'url', description: 'Fetched when `metadata` is not given.' },
};

export function registerSamlSourceRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  registerCrud<SamlSource>(api, {
    basePath: '/sources/saml/',
    lookup: 'slug',
    operationPrefix: 'sources_saml',
    tag: 'sources',
    serializer: samlSourceSerializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listSamlSources(ctx, q),
      get: (_req, slug) => getSamlSource(ctx.store.repos, slug),
      create: (_req, data) => createSamlSource(ctx, data as SamlSourceData),
      update: (_req, slug, data) => updateSamlSource(ctx, slug, data as SamlSourceData),
      destroy: (_req, slug) => deleteSamlSource(ctx, slug),
      usedBy: (_req, slug) => samlSourceUsedBy(ctx, slug),
      serialize: async (_req, items) => items.map(serializeSamlSource),
    },
  });
  api.route(
    {
      method: 'GET',
      path: '/sources/saml/:slug/metadata/',
      operationId: 'sources_saml_metadata_retrieve',
      tag: 'sources',
      response: { type: 'object', required: ['metadata', 'download_url'], properties: { metadata: { type: 'string' }, download_url: { type: 'string' } } },
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      return samlSourceMetadata(ctx, (req.params as { slug: string }).slug, baseUrl(ctx, req));
    },
  );
  api.route(
    {
      method: 'POST',
      path: '/sources/saml/:slug/import_metadata/',
      operationId: 'sources_saml_import_metadata_create',
      tag: 'sources',
      requestBody: serializerSchemas(importSerializer).request,
      response: serializerSchemas(samlSourceSerializer).response,
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      const data = validateBody(importSerializer, req.body, 'partial') as ImportMetadataData;
      return serializeSamlSource(await importSamlMetadata(ctx, (req.params as { slug: string }).slug, data));
    },
  );
}
