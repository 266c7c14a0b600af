/**
 * The standard authentik ViewSet shape — list, create, retrieve, update, partial_update,
 * destroy, used_by — declared once. Endpoint modules supply the use-case functions; this
 * module only translates HTTP to calls and back.
 */
import type { FastifyRequest } from 'fastify';
import type { ListQuery, Page } from '../../storage/ports.js';
import { serializerSchemas, validateBody, type Serializer, type ValidationMode } from './fields.js';
import { fetchPage, paginated, parseListQuery, type ListSpec, type Query } from './listing.js';
import type { ApiRegistry } from './registry.js';

export interface UsedBy {
  app: string;
  model_name: string;
  pk: string;
  name: string;
  action: 'cascade' | 'cascade_many' | 'set_null' | 'set_default' | 'left_dangling';
}

export interface CrudHandlers<T> {
  /** Called first on every operation: authorises the caller (throws 403). */
  authorize: (request: FastifyRequest, op: 'list' | 'create' | 'retrieve' | 'update' | 'destroy') => Promise<void>;
  list?: (request: FastifyRequest, query: ListQuery) => Promise<Page<T>>;
  get?: (request: FastifyRequest, lookup: string) => Promise<T>;
  create?: (request: FastifyRequest, data: Record<string, unknown>) => Promise<T>;
  update?: (request: FastifyRequest, lookup: string, data: Record<string, unknown>, mode: ValidationMode) => Promise<T>;
  destroy?: (request: FastifyRequest, lookup: string) => Promise<void>;
  usedBy?: (request: FastifyRequest, lookup: string) => Promise<UsedBy[]>;
  /** Renders entities; receives the whole page so relations can be loaded in one query. */
  serialize: (request: FastifyRequest, items: T[]) => Promise<Record<string, unknown>[]>;
}

export interface CrudResource<T> {
  /** e.g. `/core/users/` */
  basePath: string;
  /** path parameter name used by authentik's client, e.g. `id`, `slug`, `pbm_uuid`. */
  lookup: string;
  /** operationId prefix, e.g. `core_users`. */
  operationPrefix: string;
  tag: string;
  serializer: Serializer;
  /** The serializer used to validate writes, when it differs (e.g. extra write-only fields). */
  listSpec: ListSpec;
  handlers: CrudHandlers<T>;
}

export function listQueryParameters(spec: ListSpec): Array<{ name: string; schema: object; description?: string }> {
  const params: Array<{ name: string; schema: object; description?: string }> = [
    { name: 'ordering', schema: { type: 'string' }, description: 'Which field to use when ordering the results.' },
    { name: 'page', schema: { type: 'integer' }, description: 'A page number within the paginated result set.' },
    { name: 'page_size', schema: { type: 'integer' }, description: 'Number of results to return per page.' },
  ];
  if (spec.search) params.push({ name: 'search', schema: { type: 'string' }, description: 'A search term.' });
  for (const [name, f] of Object.entries(spec.filters)) {
    const schema =
      f.type === 'integer'
        ? { type: 'integer' }
        : f.type === 'boolean'
          ? { type: 'boolean' }
          : f.type === 'uuid'
            ? { type: 'string', format: 'uuid' }
            : { type: 'string' };
    params.push({ name, schema: f.multi ? { type: 'array', items: schema } : schema });
  }
  return params;
}

export function registerCrud<T>(api: ApiRegistry, r: CrudResource<T>): void {
  const h = r.handlers;
  const schemas = serializerSchemas(r.serializer);
  const item = `${r.basePath}:${r.lookup}/`;
  const lookupOf = (req: FastifyRequest) => (req.params as Record<string, string>)[r.lookup];
  const one = async (req: FastifyRequest, entity: T) => (await h.serialize(req, [entity]))[0];
  const paginatedSchema = {
    type: 'object',
    required: ['pagination', 'results'],
    properties: { pagination: { $ref: '#/components/schemas/Pagination' }, results: { type: 'array', items: schemas.response } },
  };

  if (h.list) {
    const list = h.list;
    api.route(
      {
        method: 'GET',
        path: r.basePath,
        operationId: `${r.operationPrefix}_list`,
        tag: r.tag,
        response: paginatedSchema,
        queryParameters: listQueryParameters(r.listSpec),
      },
      async (req) => {
        await h.authorize(req, 'list');
        const parsed = parseListQuery(r.listSpec, req.query as Query);
        const { page, number } = await fetchPage(parsed, (q) => list(req, q));
        return paginated(page.total, number, parsed.pageSize, await h.serialize(req, page.items));
      },
    );
  }
  if (h.create) {
    const create = h.create;
    api.route(
      {
        method: 'POST',
        path: r.basePath,
        operationId: `${r.operationPrefix}_create`,
        tag: r.tag,
        requestBody: schemas.request,
        response: schemas.response,
        status: 201,
      },
      async (req) => {
        await h.authorize(req, 'create');
        return one(req, await create(req, validateBody(r.serializer, req.body, 'create')));
      },
    );
  }
  if (h.get) {
    const get = h.get;
    api.route({ method: 'GET', path: item, operationId: `${r.operationPrefix}_retrieve`, tag: r.tag, response: schemas.response }, async (req) => {
      await h.authorize(req, 'retrieve');
      return one(req, await get(req, lookupOf(req)));
    });
  }
  if (h.update) {
    const update = h.update;
    for (const [method, mode, op] of [
      ['PUT', 'update', 'update'],
      ['PATCH', 'partial', 'partial_update'],
    ] as const) {
      api.route(
        { method, path: item, operationId: `${r.operationPrefix}_${op}`, tag: r.tag, requestBody: schemas.request, response: schemas.response },
        async (req) => {
          await h.authorize(req, 'update');
          return one(req, await update(req, lookupOf(req), validateBody(r.serializer, req.body, mode), mode));
        },
      );
    }
  }
  if (h.destroy) {
    const destroy = h.destroy;
    api.route({ method: 'DELETE', path: item, operationId: `${r.operationPrefix}_destroy`, tag: r.tag, status: 204 }, async (req) => {
      await h.authorize(req, 'destroy');
      await destroy(req, lookupOf(req));
    });
  }
  const usedBy = h.usedBy ?? (h.get ? async (req: FastifyRequest, lookup: string) => (await h.get!(req, lookup), []) : undefined);
  if (usedBy) {
    api.route(
      {
        method: 'GET',
        path: `${item}used_by/`,
        operationId: `${r.operationPrefix}_used_by_list`,
        tag: r.tag,
        response: { type: 'array', items: { $ref: '#/components/schemas/UsedBy' } },
      },
      async (req) => {
        await h.authorize(req, 'retrieve');
        return usedBy(req, lookupOf(req));
      },
    );
  }
}
