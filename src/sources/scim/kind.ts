/** SCIM 2.0 sources (we are the SCIM service provider): authentik 2024.8 `SCIMSource`. */
import { field } from '../../domain/fields.js';
import { sourceFields } from '../base-fields.js';
import { sourceMappingModel, type SourceKindDescriptor } from '../kind.js';

export const scimFields = {
  root_url: field.string({ readOnly: true, column: false }),
  token_obj: field.json({ readOnly: true, column: false }),
  /** The token the SCIM client authenticates with (its service account's). */
  token_uuid: field.uuid({ nullable: true, internal: true }),
};

// authentik's SCIMSourceSerializer leaves out the flows, the policy engine mode and the icon.
const {
  authentication_flow: _authenticationFlow,
  enrollment_flow: _enrollmentFlow,
  policy_engine_mode: _policyEngineMode,
  icon: _icon,
  ...scimBaseFields
} = sourceFields;

export const scimKind = {
  kind: 'scim',
  model: 'SCIMSource',
  component: 'ak-source-scim-form',
  verboseName: 'SCIM Source',
  verboseNamePlural: 'SCIM Sources',
  app: 'authentik_sources_scim',
  modelName: 'scimsource',
  description: 'System for Cross-domain Identity Management Source, allows for cross-system user provisioning',
  iconUrl: '/static/authentik/sources/scim.png',
  baseFields: scimBaseFields,

  fields: scimFields,
  table: 'scim_sources',
  mapping: sourceMappingModel('scim', 'SCIM'),
  connections: null,
  userSettingsComponent: null,
  loginPath: null,
  list: {
    // Scalar sub-selects keep the base query join-free; tokens/users are looked up by pk.
    columns: {
      token__identifier: '(SELECT t.identifier FROM tokens t WHERE t.token_uuid = scim_sources.token_uuid)',
      token__user__username: '(SELECT u.username FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_uuid = scim_sources.token_uuid)',
    },
    search: ['token__identifier', 'token__user__username'],
    baseFilters: ['name', 'slug', 'pbm_uuid'],
    baseOrdering: ['name', 'slug', 'pbm_uuid'],
  },
} satisfies SourceKindDescriptor<typeof scimFields>;
