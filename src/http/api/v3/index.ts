/** Mounts /api/v3: body parsing, error rendering, every endpoint module and the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import { stringify as toYaml } from 'yaml';
import type { ServiceContext } from '../../../services/context.js';
import { registerApiCsrf } from '../../csrf.js';
import { apiErrorHandler } from '../../errors/api.js';
import { ApiRegistry } from '../registry.js';
import { registerGroupRoutes } from './core/groups.js';
import { registerTokenRoutes } from './core/tokens.js';
import { registerUserRoutes } from './core/users.js';
import { registerCryptoRoutes } from './crypto.js';
import { registerFlowRoutes } from './flows.js';
import { registerMultipartParser } from './sources/multipart.js';
import { registerSourceRoutes } from './sources/index.js';

export async function registerApi(scope: FastifyInstance, ctx: ServiceContext): Promise<void> {
  scope.setErrorHandler(apiErrorHandler);
  // Before the body is parsed: a forged request is refused without reading what it carries.
  registerApiCsrf(scope, ctx);
  // DRF treats an empty JSON body as no data rather than a parse error.
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      const err = e as Error & { statusCode?: number; code?: string };
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });
  // Anything but JSON (and multipart, for uploads) is DRF's 415. The form encoding the browser
  // pages parse app-wide is refused here too: authentik's API parses no form bodies, and a form is
  // what a cross-site page can post without asking.
  registerMultipartParser(scope);
  scope.removeContentTypeParser('text/plain');
  scope.removeContentTypeParser('application/x-www-form-urlencoded');
  scope.addContentTypeParser('*', (req, _payload, done) => {
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const err = new Error(`Unsupported media type "${type}" in request.`) as Error & { statusCode: number; code: string };
    err.statusCode = 415;
    err.code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
    done(err, undefined);
  });
  scope.setNotFoundHandler((_req, reply) => reply.status(404).send({ detail: 'Not found.' }));

  const api = new ApiRegistry(scope);
  registerUserRoutes(api, ctx);
  registerGroupRoutes(api, ctx);
  registerTokenRoutes(api, ctx);
  registerFlowRoutes(api, ctx);
  registerCryptoRoutes(api, ctx);
  registerSourceRoutes(api, ctx);
  api.finalize();

  scope.get('/api/v3/schema/', async (req, reply) => {
    const doc = api.openapi();
    if ((req.query as Record<string, string>).format === 'yaml') {
      return reply.type('application/yaml').send(toYaml(doc));
    }
    return doc;
  });
}
