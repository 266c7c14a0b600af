/** /api/v3/flows/instances/ — flows are referenced by sources; executing them lives in http/flows. */
import { FLOW_DESIGNATIONS, type Flow } from '../../../domain/entities.js';
import type { ServiceContext } from '../../../services/context.js';
import { createFlow, deleteFlow, getFlow, listFlows, updateFlow } from '../../../services/core/flows.js';
import { flowUsedBy } from '../../../services/core/used-by.js';
import { superuserOnly } from '../../auth.js';
import { registerCrud } from '../crud.js';
import type { Serializer } from '../fields.js';
import type { ListSpec } from '../listing.js';
import type { ApiRegistry } from '../registry.js';

export const FLOW_LAYOUTS = ['stacked', 'content_left', 'content_right', 'sidebar_left', 'sidebar_right'] as const;
export const FLOW_DENIED_ACTIONS = ['message_continue', 'message', 'continue'] as const;
export const FLOW_AUTHENTICATION = [
  'none',
  'require_authenticated',
  'require_unauthenticated',
  'require_superuser',
  'require_redirect',
  'require_outpost',
] as const;
export const POLICY_ENGINE_MODES = ['all', 'any'] as const;

export const flowSerializer: Serializer = {
  pk: { type: 'uuid', readOnly: true },
  policybindingmodel_ptr_id: { type: 'uuid', readOnly: true },
  name: { type: 'string', required: true },
  slug: { type: 'slug', required: true, maxLength: 50 },
  title: { type: 'string', required: true },
  designation: { type: 'choice', required: true, choices: FLOW_DESIGNATIONS },
  background: { type: 'string', readOnly: true },
  stages: { type: 'list', items: { type: 'uuid' }, readOnly: true },
  policies: { type: 'list', items: { type: 'uuid' }, readOnly: true },
  cache_count: { type: 'integer', readOnly: true },
  policy_engine_mode: { type: 'choice', choices: POLICY_ENGINE_MODES },
  compatibility_mode: { type: 'boolean' },
  export_url: { type: 'string', readOnly: true },
  layout: { type: 'choice', choices: FLOW_LAYOUTS },
  denied_action: { type: 'choice', choices: FLOW_DENIED_ACTIONS },
  authentication: { type: 'choice', choices: FLOW_AUTHENTICATION },
};

const listSpec: ListSpec = {
  filters: {
    flow_uuid: { type: 'uuid' },
    name: { type: 'string' },
    slug: { type: 'string' },
    designation: { type: 'string' },
    denied_action: { type: 'string' },
  },
  ordering: {
    slug: 'slug',
    name: 'name',
    title: 'title',
    designation: 'designation',
    pk: 'pk',
    policybindingmodel_ptr_id: 'pk',
    denied_action: 'denied_action',
    authentication: 'authentication',
  },
  defaultOrdering: ['slug'],
  search: true,
};

function serialize(flows: Flow[]): Promise<Record<string, unknown>[]> {
  return Promise.resolve(
    flows.map((f) => ({
      pk: f.uuid,
      policybindingmodel_ptr_id: f.uuid,
      name: f.name,
      slug: f.slug,
      title: f.title,
      designation: f.designation,
      background: f.background || '/static/dist/assets/images/flow_background.jpg',
      stages: [],
      policies: [],
      cache_count: 0,
      policy_engine_mode: f.policyEngineMode,
      compatibility_mode: f.compatibilityMode,
      export_url: `/api/v3/flows/instances/${f.slug}/export/`,
      layout: f.layout,
      denied_action: f.deniedAction,
      authentication: f.authentication,
    })),
  );
}

export function registerFlowRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  registerCrud<Flow>(api, {
    basePath: '/flows/instances/',
    lookup: 'slug',
    operationPrefix: 'flows_instances',
    tag: 'flows',
    serializer: flowSerializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listFlows(ctx, q),
      get: (_req, slug) => getFlow(ctx.store.repos, slug),
      usedBy: (_req, slug) => flowUsedBy(ctx.store.repos, slug),
      create: (_req, data) => createFlow(ctx, data),
      update: (_req, slug, data) => updateFlow(ctx, slug, data),
      destroy: (_req, slug) => deleteFlow(ctx, slug),
      serialize: (_req, flows) => serialize(flows),
    },
  });
}
