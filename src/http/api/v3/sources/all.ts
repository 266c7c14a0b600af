/** /api/v3/sources/all/ — every source regardless of kind (authentik's SourceViewSet). */
import type { ServiceContext } from '../../../../services/context.js';
import { SOURCE_MODULES } from '../../../../sources/modules.js';
import type { SourceKind } from '../../../../sources/kinds.js';
import {
  deleteSource,
  getSource,
  listSources,
  setIconFile,
  setIconUrl,
  sourceTypes,
  usedBySource,
  userSettings,
} from '../../../../services/sources/sources.js';
import type { Source } from '../../../../storage/source-ports.js';
import { requirePrincipal, requireSuperuser, superuserOnly } from '../../../auth.js';
import { registerCrud } from '../../crud.js';
import { validateBody } from '../../fields.js';
import type { ListSpec } from '../../listing.js';
import type { ApiRegistry } from '../../registry.js';
import { serializeSource, sourceSerializer } from './base.js';
import { readIconForm } from './multipart.js';

const listSpec: ListSpec = {
  filters: { slug: { type: 'string' }, name: { type: 'string' }, managed: { type: 'string' }, pbm_uuid: { type: 'uuid' } },
  ordering: { pk: 'pk', name: 'name', slug: 'slug', pbm_uuid: 'pbm_uuid' },
  defaultOrdering: ['name'],
  search: true,
};

const slugOf = (req: { params: unknown }) => (req.params as { slug: string }).slug;

const relationsOf = (kind: SourceKind) => (kind === 'inbuilt' ? undefined : SOURCE_MODULES[kind].service);

export function registerAllSourceRoutes(api: ApiRegistry, ctx: ServiceContext): void {
  api.route(
    {
      method: 'GET',
      path: '/sources/all/types/',
      operationId: 'sources_all_types_list',
      tag: 'sources',
      response: { type: 'array', items: { type: 'object' } },
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      return sourceTypes();
    },
  );
  api.route(
    {
      method: 'GET',
      path: '/sources/all/user_settings/',
      operationId: 'sources_all_user_settings_list',
      tag: 'sources',
      response: { type: 'array', items: { type: 'object' } },
    },
    async (req) => {
      // Usable by every authenticated user (docs/behaviour.md#permissions).
      await requirePrincipal(ctx, req);
      return userSettings(ctx);
    },
  );
  registerCrud<Source>(api, {
    basePath: '/sources/all/',
    lookup: 'slug',
    operationPrefix: 'sources_all',
    tag: 'sources',
    serializer: sourceSerializer,
    listSpec,
    handlers: {
      authorize: superuserOnly(ctx),
      list: (_req, q) => listSources(ctx, q),
      get: (_req, slug) => getSource(ctx.store.repos, slug),
      destroy: (_req, slug) => deleteSource(ctx, slug, relationsOf),
      usedBy: (_req, slug) => usedBySource(ctx, slug, relationsOf),
      serialize: async (_req, items) => items.map(serializeSource),
    },
  });
  api.route(
    {
      method: 'POST',
      path: '/sources/all/:slug/set_icon/',
      operationId: 'sources_all_set_icon_create',
      tag: 'sources',
      requestBody: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, clear: { type: 'boolean' } } },
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      await setIconFile(ctx, slugOf(req), await readIconForm(req));
      return {};
    },
  );
  api.route(
    {
      method: 'POST',
      path: '/sources/all/:slug/set_icon_url/',
      operationId: 'sources_all_set_icon_url_create',
      tag: 'sources',
      requestBody: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
    },
    async (req) => {
      await requireSuperuser(ctx, req);
      const { url } = validateBody({ url: { type: 'url', required: true } }, req.body, 'create') as { url: string };
      await setIconUrl(ctx, slugOf(req), url);
      return {};
    },
  );
}
