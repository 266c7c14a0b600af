/** /api/v3/sources/oauth/ — OAuth sources (secret write-only) and the provider-type catalogue. */
import type { FastifyRequest } from 'fastify';
import { sourceTypeDescriptor } from '../../../../protocols/oauth/provider-types.js';
import type { ServiceContext } from '../../../../services/context.js';
import {
  createOAuthSource,
  deleteOAuthSource,
  getOAuthSource,
  listOAuthSources,
  oauthSourceTypes,
  oauthSourceUsedBy,
  providerTypeNames,
  updateOAuthSource,
  type OAuthSourceData,
} from '../../../../services/sources/oauth-sources.js';
import type { OAuthSource } from '../../../../storage/source-ports.js';
import { requireSuperuser, superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import type { Serializer } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { BASE_SOURCE_FILTERS, BASE_SOURCE_ORDERING, baseUrl, matchingSourceSerializer, serializeSource } from './base.js';
import { oauthCallbackUrl } from '../../../../services/oauth/source-config.js';

const endpoint = (description: string) => ({ type: 'string' as const, nullable: true, allowBlank: true, maxLength: 255, description });

export const oauthSourceSerializer: Serializer = {
  ...matchingSourceSerializer,
  provider_type: { type: 'choice', required: true, choices: providerTypeNames() },
  request_token_url: endpoint('URL used to request the initial token. This URL is only required for OAuth 1.'),
  authorization_url: endpoint('URL the user is redirect to to conest the flow.'),
  access_token_url: endpoint('URL used by authentik to retrieve tokens.'),
  profile_url: endpoint('URL used by authentik to get user information.'),
  consumer_key: { type: 'string', required: true },
  consumer_secret: { type: 'string', required: true, writeOnly: true },
  callback_url: { type: 'string', readOnly: true },
  additional_scopes: { type: 'string', allowBlank: true },
  type: { type: 'json', readOnly: true },
  oidc_well_known_url: { type: 'string', allowBlank: true },
  oidc_jwks_url: { type: 'string', allowBlank: true },
  oidc_jwks: { type: 'dict' },
  // Later-authentik extras (SPEC §3.7); the 2024.8 client ignores unknown keys.
  pkce: { type: 'choice', choices: ['none', 'plain', 'S256'] },
  authorization_code_auth_method: { type: 'choice', choices: ['basic_auth', 'post_body'] },
};

const listSpec: ListSpec = {
  filters: {
    ...BASE_SOURCE_FILTERS,
    provider_type: { type: 'string' },
    request_token_url: { type: 'string' },
    authorization_url: { type: 'string' },
    access_token_url: { type: 'string' },
    profile_url: { type: 'string' },
    consumer_key: { type: 'string' },
    additional_scopes: { type: 'string' },
    has_jwks: { type: 'boolean' },
  },
  ordering: { ...BASE_SOURCE_ORDERING, provider_type: 'provider_type' },
  defaultOrdering: ['name'],
  search: true,
};

export function serializeOAuthSource(s: OAuthSource, base: string): Record<string, unknown> {
  const o = s.oauth;
  return {
    ...serializeSource(s),
    group_matching_mode: s.groupMatchingMode,
    provider_type: o.providerType,
    request_token_url: o.requestTokenUrl,
    authorization_url: o.authorizationUrl,
    access_token_url: o.accessTokenUrl,
    profile_url: o.profileUrl,
    consumer_key: o.consumerKey,
    callback_url: oauthCallbackUrl(base, s.slug),
    additional_scopes: o.additionalScopes,
    type: sourceTypeDescriptor(o.providerType),
    oidc_well_known_url: o.oidcWellKnownUrl,
    oidc_jwks_url: o.oidcJwksUrl,
    oidc_jwks: o.oidcJwks,
    pkce: o.pkce,
    authorization_code_auth_method: o.authorizationCodeAuthMethod,
  };
}

const sourceTypeSchema = {
  type: 'object',
  required: ['name', 'verbose_name', 'urls_customizable', 'request_token_url', 'authorization_url', 'access_token_url', 'profile_url', 'oidc_well_known_url', 'oidc_jwks_url'],
};

export function registerOAuthSourceRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  api.route(
    {
      method: 'GET',
      path: '/sources/oauth/source_types/',
      operationId: 'sources_oauth_source_types_list',
      tag: 'sources',
      response: { type: 'array', items: sourceTypeSchema },
      queryParameters: [{ name: 'name', schema: { type: 'string' } }],
    },
    async (req: FastifyRequest) => {
      await requireSuperuser(ctx, req);
      const name = (req.query as Record<string, string | undefined>).name;
      return oauthSourceTypes(name === '' ? undefined : name);
    },
  );
  registerCrud<OAuthSource>(api, {
    basePath: '/sources/oauth/',
    lookup: 'slug',
    operationPrefix: 'sources_oauth',
    tag: 'sources',
    serializer: oauthSourceSerializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listOAuthSources(ctx, q),
      get: (_req, slug) => getOAuthSource(ctx.store.repos, slug),
      create: (_req, data) => createOAuthSource(ctx, data as OAuthSourceData),
      update: (_req, slug, data) => updateOAuthSource(ctx, slug, data as OAuthSourceData),
      destroy: (_req, slug) => deleteOAuthSource(ctx, slug),
      usedBy: (_req, slug) => oauthSourceUsedBy(ctx, slug),
      serialize: async (req, items) => items.map((s) => serializeOAuthSource(s, baseUrl(ctx, req))),
    },
  });
}
