/** OAuth 2.0 / OpenID Connect sources: authentik 2024.8 `OAuthSource`. */
import { field } from '../../domain/fields.js';
import { providerTypeNames } from '../../protocols/oauth/provider-types.js';
import { matchingSourceFields } from '../base-fields.js';
import { sourceMappingModel, type SourceKindDescriptor } from '../kind.js';

const endpoint = (description: string) =>
  field.string({ nullable: true, allowBlank: true, maxLength: 255, blankIsNull: true, filter: true, description });

export const oauthFields = {
  provider_type: field.choice(providerTypeNames(), { required: true, filter: true }),
  request_token_url: endpoint('URL used to request the initial token. This URL is only required for OAuth 1.'),
  authorization_url: endpoint('URL the user is redirect to to conest the flow.'),
  access_token_url: endpoint('URL used by authentik to retrieve tokens.'),
  profile_url: endpoint('URL used by authentik to get user information.'),
  consumer_key: field.string({ required: true, filter: true }),
  consumer_secret: field.string({ required: true, writeOnly: true, secret: true }),
  callback_url: field.string({ readOnly: true, column: false }),
  additional_scopes: field.string({ allowBlank: true, filter: true }),
  type: field.json({ readOnly: true, column: false }),
  oidc_well_known_url: field.string({ allowBlank: true }),
  oidc_jwks_url: field.string({ allowBlank: true }),
  oidc_jwks: field.dict(),
  /** Learnt from discovery; id_tokens must name it. */
  oidc_issuer: field.string({ internal: true }),
  // Later-authentik extras; the 2024.8 client ignores unknown keys.
  pkce: field.choice(['none', 'plain', 'S256'] as const),
  authorization_code_auth_method: field.choice(['basic_auth', 'post_body'] as const),
};

export const oauthKind = {
  kind: 'oauth',
  model: 'OAuthSource',
  component: 'ak-source-oauth-form',
  verboseName: 'OAuth Source',
  verboseNamePlural: 'OAuth Sources',
  app: 'authentik_sources_oauth',
  modelName: 'oauthsource',
  description: 'Login using a Generic OAuth provider.',
  iconUrl: null,
  baseFields: matchingSourceFields,
  fields: oauthFields,
  table: 'oauth_sources',
  mapping: sourceMappingModel('oauth', 'OAuth'),
  connections: {
    user: { model: 'UserOAuthSourceConnection', modelName: 'useroauthsourceconnection' },
    group: { model: 'GroupOAuthSourceConnection', modelName: 'groupoauthsourceconnection' },
    tokens: true,
  },
  userSettingsComponent: 'ak-user-settings-source-oauth',
  loginPath: (slug: string) => `/source/oauth/login/${encodeURIComponent(slug)}/`,
  list: {
    // `{}` means "no JWKS cached".
    columns: { has_jwks: "(oauth_sources.oidc_jwks <> '{}'::jsonb)" },
    filters: { has_jwks: field.boolean() },
    ordering: ['provider_type'],
  },
} satisfies SourceKindDescriptor<typeof oauthFields>;
