/**
 * Every API route is declared through this registry so the OpenAPI document at
 * /api/v3/schema/ always describes exactly what is served.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OperationDoc {
  method: HttpMethod;
  /** Fastify-style path relative to /api/v3, e.g. `/core/users/:id/`. */
  path: string;
  operationId: string;
  tag: string;
  summary?: string;
  requestBody?: object;
  response?: object;
  /** Status of the success response (default 200; 201 create, 204 delete). */
  status?: number;
  queryParameters?: Array<{ name: string; schema: object; description?: string }>;
}

export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class ApiRegistry {
  readonly operations: OperationDoc[] = [];
  readonly #methods = new Map<string, Set<HttpMethod>>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly prefix = '/api/v3',
  ) {}

  /** Answers every other method on a known path with DRF's 405; call after the last route. */
  finalize(): void {
    for (const [path, served] of this.#methods) {
      const missing = METHODS.filter((m) => !served.has(m));
      if (missing.length === 0) continue;
      this.app.route({
        method: missing,
        url: this.prefix + path,
        handler: async (request, reply) =>
          reply
            .status(405)
            .header('allow', [...served].join(', '))
            .send({ detail: `Method "${request.method}" not allowed.` }),
      });
    }
  }

  route(doc: OperationDoc, handler: Handler): void {
    this.operations.push(doc);
    const served = this.#methods.get(doc.path) ?? new Set<HttpMethod>();
    served.add(doc.method);
    this.#methods.set(doc.path, served);
    this.app.route({
      method: doc.method,
      url: this.prefix + doc.path,
      handler: async (request, reply) => {
        const result = await handler(request, reply);
        if (reply.sent) return reply;
        if (doc.status === 204) return reply.status(204).send();
        return reply.status(doc.status ?? 200).send(result);
      },
    });
  }

  openapi(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const oaPath = op.path.replace(/:([a-zA-Z_]+)/g, '{$1}');
      const params = [...op.path.matchAll(/:([a-zA-Z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const query = (op.queryParameters ?? []).map((q) => ({
        name: q.name,
        in: 'query',
        required: false,
        schema: q.schema,
        ...(q.description ? { description: q.description } : {}),
      }));
      const status = String(op.status ?? 200);
      paths[oaPath] ??= {};
      paths[oaPath][op.method.toLowerCase()] = {
        operationId: op.operationId,
        tags: [op.tag],
        ...(op.summary ? { description: op.summary } : {}),
        parameters: [...params, ...query],
        ...(op.requestBody ? { requestBody: { required: true, content: { 'application/json': { schema: op.requestBody } } } } : {}),
        security: [{ authentik: [] }],
        responses: {
          [status]:
            status === '204'
              ? { description: 'No response body' }
              : { description: '', content: { 'application/json': { schema: op.response ?? {} } } },
          '400': { $ref: '#/components/responses/ValidationErrorResponse' },
          '403': { $ref: '#/components/responses/GenericErrorResponse' },
        },
      };
    }
    return {
      openapi: '3.0.3',
      info: { title: 'Tributary', version: '2024.8.3', description: 'authentik-compatible sources API' },
      paths,
      components: {
        schemas: {
          Pagination: {
            type: 'object',
            required: ['next', 'previous', 'count', 'current', 'total_pages', 'start_index', 'end_index'],
            properties: Object.fromEntries(
              ['next', 'previous', 'count', 'current', 'total_pages', 'start_index', 'end_index'].map((k) => [k, { type: 'number' }]),
            ),
          },
          UsedBy: {
            type: 'object',
            required: ['app', 'model_name', 'pk', 'name', 'action'],
            properties: {
              app: { type: 'string' },
              model_name: { type: 'string' },
              pk: { type: 'string' },
              name: { type: 'string' },
              action: { type: 'string', enum: ['cascade', 'cascade_many', 'set_null', 'set_default', 'left_dangling'] },
            },
          },
        },
        securitySchemes: { authentik: { type: 'http', scheme: 'bearer' } },
        responses: {
          ValidationErrorResponse: {
            description: '',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { non_field_errors: { type: 'array', items: { type: 'string' } }, code: { type: 'string' } },
                  additionalProperties: {},
                },
              },
            },
          },
          GenericErrorResponse: {
            description: '',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' }, code: { type: 'string' } } },
              },
            },
          },
        },
      },
      servers: [{ url: '/api/v3/' }],
    };
  }
}
