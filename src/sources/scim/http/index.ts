/**
 * The SCIM 2.0 server of SCIM sources: /source/scim/<slug>/v2/… (RFC 7644;
 * docs/behaviour.md#scim-endpoints). Its own scope: RFC 7644 error bodies, scim+json parsing, a
 * SCIM 404, and authentication of every route by the source's own token before the body is parsed.
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../../services/context.js';
import { WriteQueue, type ScimDeps } from '../provisioning.js';
import { scimErrorHandler, scimNotFound } from '../../../http/errors/scim.js';
import { registerDiscoveryRoutes } from './discovery.js';
import { addScimBodyParsers, scimAuthHook, sendScim } from './request.js';
import { registerResourceRoutes } from './resources.js';
import { registerUnsupportedRoutes } from './unsupported.js';

const ROOT_MESSAGE = { message: 'Use this base-URL with a SCIM-compatible system.' };

export async function registerScimRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const deps: ScimDeps = { store: ctx.store, mappings: ctx.mappings, clock: ctx.clock, queue: new WriteQueue() };
  await app.register(
    async (scope) => {
      scope.setErrorHandler(scimErrorHandler);
      scope.setNotFoundHandler(scimNotFound);
      addScimBodyParsers(scope);
      scope.addHook('onRequest', scimAuthHook(deps));

      scope.all('/:slug/v2', async (_req, reply) => sendScim(reply, 200, ROOT_MESSAGE));
      scope.all('/:slug/v2/', async (_req, reply) => sendScim(reply, 200, ROOT_MESSAGE));
      registerDiscoveryRoutes(scope, ctx.publicUrl);
      registerResourceRoutes(scope, deps, ctx.publicUrl);
      registerUnsupportedRoutes(scope);
    },
    { prefix: '/source/scim' },
  );
}
