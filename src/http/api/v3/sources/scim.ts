/** /api/v3/sources/scim/ — SCIM sources with their root URL and service-account token. */
import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../../../services/context.js';
import { createScimSource, deleteScimSource, getScimSource, listScimSources, scimSourceUsedBy, updateScimSource, type ScimSourceData } from '../../../../services/sources/scim-sources.js';
import type { ScimSource } from '../../../../storage/source-ports.js';
import { superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import type { Serializer } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { serializeTokens } from '../core/tokens.js';
import { baseUrl, serializeSource, sourceSerializer, USER_MATCHING_MODES } from './base.js';

export const scimSourceSerializer: Serializer = {
  pk: sourceSerializer.pk,
  name: sourceSerializer.name,
  slug: sourceSerializer.slug,
  enabled: sourceSerializer.enabled,
  user_property_mappings: sourceSerializer.user_property_mappings,
  group_property_mappings: sourceSerializer.group_property_mappings,
  component: sourceSerializer.component,
  verbose_name: sourceSerializer.verbose_name,
  verbose_name_plural: sourceSerializer.verbose_name_plural,
  meta_model_name: sourceSerializer.meta_model_name,
  user_matching_mode: { type: 'choice', choices: USER_MATCHING_MODES },
  managed: sourceSerializer.managed,
  user_path_template: sourceSerializer.user_path_template,
  root_url: { type: 'string', readOnly: true },
  token_obj: { type: 'json', readOnly: true },
};

const listSpec: ListSpec = {
  filters: { name: { type: 'string' }, slug: { type: 'string' }, pbm_uuid: { type: 'uuid' } },
  ordering: { name: 'name', slug: 'slug', pbm_uuid: 'pbm_uuid' },
  defaultOrdering: ['name'],
  search: true,
};

async function serialize(ctx: ServiceContext, req: FastifyRequest, sources: ScimSource[]): Promise<Record<string, unknown>[]> {
  const repos = ctx.store.repos;
  const tokens = (await Promise.all(sources.map((s) => (s.scim.tokenUuid ? repos.tokens.byUuid(s.scim.tokenUuid) : null)))).filter((t) => t !== null);
  const serialized = await serializeTokens(ctx, tokens);
  const byUuid = new Map(tokens.map((t, i) => [t.uuid, serialized[i]]));
  const base = baseUrl(ctx, req);
  return sources.map((s) => {
    const b = serializeSource(s);
    return {
      pk: b.pk,
      name: b.name,
      slug: b.slug,
      enabled: b.enabled,
      user_property_mappings: b.user_property_mappings,
      group_property_mappings: b.group_property_mappings,
      component: b.component,
      verbose_name: b.verbose_name,
      verbose_name_plural: b.verbose_name_plural,
      meta_model_name: b.meta_model_name,
      user_matching_mode: b.user_matching_mode,
      managed: b.managed,
      user_path_template: b.user_path_template,
      root_url: `${base}/source/scim/${s.slug}/v2`,
      token_obj: (s.scim.tokenUuid && byUuid.get(s.scim.tokenUuid)) ?? null,
    };
  });
}

export function registerScimSourceRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  registerCrud<ScimSource>(api, {
    basePath: '/sources/scim/',
    lookup: 'slug',
    operationPrefix: 'sources_scim',
    tag: 'sources',
    serializer: scimSourceSerializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listScimSources(ctx, q),
      get: (_req, lookup) => getScimSource(ctx.store.repos, lookup),
      create: (_req, data) => createScimSource(ctx, data as ScimSourceData),
      update: (_req, lookup, data) => updateScimSource(ctx, lookup, data as ScimSourceData),
      destroy: (_req, lookup) => deleteScimSource(ctx, lookup),
      usedBy: (_req, lookup) => scimSourceUsedBy(ctx, lookup),
      serialize: (req, items) => serialize(ctx, req, items),
    },
  });
}
