/** What `/api/v3/sources/oauth/` shows beyond the stored fields, and `source_types/`. */
import type { FastifyRequest } from 'fastify';
import { sourceTypeDescriptor } from '../../../protocols/oauth/provider-types.js';
import type { ServiceContext } from '../../../services/context.js';
import { requireSuperuser } from '../../../http/auth.js';
import { publicBaseUrl } from '../../../http/public-url.js';
import type { ApiRegistry } from '../../../http/api/registry.js';
import type { OAuthSource } from '../../kinds.js';
import { oauthSourceTypes } from '../service.js';
import { oauthCallbackUrl } from '../source-config.js';

export async function oauthComputedFields(ctx: ServiceContext, req: FastifyRequest, sources: OAuthSource[]): Promise<Array<Record<string, unknown>>> {
  const base = publicBaseUrl(ctx, req);
  return sources.map((s) => ({ callback_url: oauthCallbackUrl(base, s.slug), type: sourceTypeDescriptor(s.settings.provider_type) }));
}

const sourceTypeSchema = {
  type: 'object',
  required: [
    'name',
    'verbose_name',
    'urls_customizable',
    'request_token_url',
    'authorization_url',
    'access_token_url',
    'profile_url',
    'oidc_well_known_url',
    'oidc_jwks_url',
  ],
};

export function registerOAuthApi(api: ApiRegistry, ctx: ServiceContext): void {
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
}
