/** /Users endpoints (RFC 7644 §3.3–§3.6): translate the request, call one use case, reply. */
import type { FastifyInstance } from 'fastify';
import {
  deleteScimUser,
  getScimUser,
  listScimUsers,
  patchScimUser,
  provisionScimUser,
  replaceScimUser,
  type ScimDeps,
} from '../../services/scim/index.js';
import { callerOf, listParamsOf, sendScim, viewOf } from './request.js';

type IdParams = { Params: { slug: string; id: string } };

export function registerUserRoutes(scope: FastifyInstance, deps: ScimDeps, publicUrl: string | null): void {
  scope.get('/:slug/v2/Users', async (req, reply) =>
    sendScim(reply, 200, await listScimUsers(deps, callerOf(req), listParamsOf(req), viewOf(req, publicUrl))),
  );

  scope.post('/:slug/v2/Users', async (req, reply) => {
    const resource = await provisionScimUser(deps, callerOf(req), req.body, viewOf(req, publicUrl));
    // RFC 7644 §3.3: the Location header carries the new resource's URI.
    return sendScim(reply.header('location', (resource.meta as { location: string }).location), 201, resource);
  });

  scope.get<IdParams>('/:slug/v2/Users/:id', async (req, reply) =>
    sendScim(reply, 200, await getScimUser(deps, callerOf(req), req.params.id, viewOf(req, publicUrl))),
  );

  scope.put<IdParams>('/:slug/v2/Users/:id', async (req, reply) =>
    sendScim(reply, 200, await replaceScimUser(deps, callerOf(req), req.params.id, req.body, viewOf(req, publicUrl))),
  );

  scope.patch<IdParams>('/:slug/v2/Users/:id', async (req, reply) =>
    sendScim(reply, 200, await patchScimUser(deps, callerOf(req), req.params.id, req.body, viewOf(req, publicUrl))),
  );

  scope.delete<IdParams>('/:slug/v2/Users/:id', async (req, reply) => {
    await deleteScimUser(deps, callerOf(req), req.params.id);
    return reply.status(204).send();
  });
}
