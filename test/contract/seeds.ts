/**
 * Example responses of authentik 2024.8's API (the shapes `@goauthentik/api@2024.8.3` parses),
 * kept here so the contract tests depend on nothing outside the repository. Only key sets matter.
 */
const source = {
  pk: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  name: 'string',
  slug: 'string',
  enabled: true,
  authentication_flow: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  enrollment_flow: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  component: 'string',
  verbose_name: 'string',
  verbose_name_plural: 'string',
  meta_model_name: 'string',
  policy_engine_mode: 'all',
  user_matching_mode: 'identifier',
  managed: 'string',
  user_path_template: 'string',
  icon: 'string',
};

/** Seed 000: sources_user_connections_oauth_list. */
export const SEED_USER_CONNECTIONS_OAUTH_LIST = {
  pagination: { next: 0, previous: 0, count: 0, current: 0, total_pages: 0, start_index: 0, end_index: 0 },
  results: [{ pk: 0, user: 0, source, identifier: 'string' }],
};

/** Seed 001: sources_scim_retrieve. */
export const SEED_SCIM_RETRIEVE = {
  pk: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  name: 'string',
  slug: 'string',
  enabled: true,
  component: 'string',
  verbose_name: 'string',
  verbose_name_plural: 'string',
  meta_model_name: 'string',
  user_matching_mode: 'identifier',
  managed: 'string',
  user_path_template: 'string',
  root_url: 'string',
  token_obj: {
    pk: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    managed: 'string',
    identifier: 'string',
    intent: 'verification',
    user: 0,
    user_obj: {
      pk: 0,
      username: 'string',
      name: 'string',
      is_active: true,
      last_login: '2024-09-27T14:26:18.760Z',
      is_superuser: true,
      groups: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'],
      groups_obj: [
        {
          pk: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
          num_pk: 0,
          name: 'string',
          is_superuser: true,
          parent: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
          parent_name: 'string',
          attributes: {},
        },
      ],
      email: 'user@example.com',
      avatar: 'string',
      attributes: {},
      uid: 'string',
      path: 'string',
      type: 'internal',
      uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    },
    description: 'string',
    expires: '2024-09-27T14:26:18.760Z',
    expiring: true,
  },
};

/** Seed 002: sources_user_connections_saml_retrieve. */
export const SEED_USER_CONNECTIONS_SAML_RETRIEVE = {
  pk: 0,
  user: 0,
  source: {
    ...source,
    user_property_mappings: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'],
    group_property_mappings: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'],
  },
  created: '2024-09-13T14:05:42.586Z',
  identifier: 'string',
};

/** Seed 003: sources_saml_retrieve. */
export const SEED_SAML_RETRIEVE = {
  pk: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  name: 'string',
  slug: 'string',
  enabled: true,
  authentication_flow: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  enrollment_flow: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  user_property_mappings: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'],
  group_property_mappings: ['3fa85f64-5717-4562-b3fc-2c963f66afa6'],
  component: 'string',
  verbose_name: 'string',
  verbose_name_plural: 'string',
  meta_model_name: 'string',
  policy_engine_mode: 'all',
  managed: 'string',
  user_path_template: 'string',
  icon: 'string',
  pre_authentication_flow: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  issuer: 'string',
  sso_url: 'string',
  slo_url: 'string',
  allow_idp_initiated: true,
  binding_type: 'REDIRECT',
  verification_kp: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  signing_kp: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  digest_algorithm: 'http://www.w3.org/2000/09/xmldsig#sha1',
  signature_algorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  temporary_user_delete_after: 'string',
  encryption_kp: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
};

/** Seed 400/403 bodies: ValidationError allows any field keys; GenericError is {detail, code?}. */
export const GENERIC_ERROR_KEYS = ['detail', 'code'];
