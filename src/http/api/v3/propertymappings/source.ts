/** /api/v3/propertymappings/source/{oauth,saml,scim}/ — source property mappings (admin-only). */
import type { PropertyMapping, PropertyMappingKind } from '../../../../domain/entities.js';
import type { ServiceContext } from '../../../../services/context.js';
import { PROPERTY_MAPPING_KINDS, SOURCE_KINDS } from '../../../../sources/kinds.js';
import {
  createSourceMapping,
  deleteSourceMapping,
  getSourceMapping,
  listSourceMappings,
  sourceMappingUsedBy,
  updateSourceMapping,
} from '../../../../services/sources/property-mappings.js';
import { superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import type { Serializer } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';

const serializer: Serializer = {
  pk: { type: 'uuid', readOnly: true },
  managed: { type: 'string', readOnly: true, nullable: true },
  name: { type: 'string', required: true },
  expression: { type: 'string', required: true },
  component: { type: 'string', readOnly: true },
  verbose_name: { type: 'string', readOnly: true },
  verbose_name_plural: { type: 'string', readOnly: true },
  meta_model_name: { type: 'string', readOnly: true },
};

const listSpec: ListSpec = {
  filters: {
    managed: { type: 'string', multi: true },
    // Only `true` can be expressed through ListQuery (an IS NULL filter); see the report.
    managed__isnull: { type: 'boolean' },
    name: { type: 'string' },
  },
  ordering: { name: 'name', managed: 'managed' },
  defaultOrdering: ['name'],
  search: true,
};

export function serializeSourceMapping(m: PropertyMapping): Record<string, unknown> {
  const d = SOURCE_KINDS[m.kind].mapping;
  return {
    pk: m.uuid,
    managed: m.managed,
    name: m.name,
    expression: m.expression,
    component: d.component,
    verbose_name: d.verboseName,
    verbose_name_plural: d.verboseNamePlural,
    meta_model_name: `${d.app}.${d.modelName}`,
  };
}

function register(api: ApiRegistry, ctx: ServiceContext, kind: PropertyMappingKind): void {
  registerCrud<PropertyMapping>(api, {
    basePath: `/propertymappings/source/${kind}/`,
    lookup: 'pm_uuid',
    operationPrefix: `propertymappings_source_${kind}`,
    tag: 'propertymappings',
    serializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listSourceMappings(ctx, kind, q),
      get: (_req, id) => getSourceMapping(ctx.store.repos, kind, id),
      create: (_req, data) => createSourceMapping(ctx, kind, data),
      update: (_req, id, data) => updateSourceMapping(ctx, kind, id, data),
      destroy: (_req, id) => deleteSourceMapping(ctx, kind, id),
      usedBy: (_req, id) => sourceMappingUsedBy(ctx, kind, id),
      serialize: async (_req, items) => items.map(serializeSourceMapping),
    },
  });
}

export function registerSourcePropertyMappingRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  for (const kind of PROPERTY_MAPPING_KINDS) register(api, ctx, kind);
}
