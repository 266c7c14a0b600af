/** /Groups endpoints (RFC 7644 §3.3–§3.6): translate the request, call one use case, reply. */
import type { FastifyInstance } from 'fastify';
import {
  deleteScimGroup,
  getScimGroup,
  listScimGroups,
  patchScimGroup,
  provisionScimGroup,
  replaceScimGroup,
  type ScimDeps,
} from '../../services/scim/index.js';
import { callerOf, listParamsOf, sendScim, viewOf } from './request.js';

type IdParams = { Params: { slug: string; id: string } };

export function registerGroupRoutes(scope: FastifyInstance, deps: ScimDeps, publicUrl: string | null): void {
  scope.get('/:slug/v2/Groups', async (req, reply) =>
    sendScim(reply, 200, await listScimGroups(deps, callerOf(req), listParamsOf(req), viewOf(req, publicUrl))),
  );

  scope.post('/:slug/v2/Groups', async (req, reply) => {
    const resource = await provisionScimGroup(deps, callerOf(req), req.body, viewOf(req, publicUrl));
    return sendScim(reply.header('location', (resource.meta as { location: string }).location), 201, resource);
  });

  scope.get<IdParams>('/:slug/v2/Groups/:id', async (req, reply) =>
    sendScim(reply, 200, await getScimGroup(deps, callerOf(req), req.params.id, viewOf(req, publicUrl))),
  );

  scope.put<IdParams>('/:slug/v2/Groups/:id', async (req, reply) =>
    sendScim(reply, 200, await replaceScimGroup(deps, callerOf(req), req.params.id, req.body, viewOf(req, publicUrl))),
  );

  scope.patch<IdParams>('/:slug/v2/Groups/:id', async (req, reply) =>
    sendScim(reply, 200, await patchScimGroup(deps, callerOf(req), req.params.id, req.body, viewOf(req, publicUrl))),
  );

  scope.delete<IdParams>('/:slug/v2/Groups/:id', async (req, reply) => {
    await deleteScimGroup(deps, callerOf(req), req.params.id);
    return reply.status(204).send();
  });
}
