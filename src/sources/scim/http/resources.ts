/**
 * /Users and /Groups (RFC 7644 §3.3–§3.6): the same seven routes per resource type (the list also
 * as `POST …/.search`, RFC 7644 §3.4.3), each translating the request, calling one use case and
 * replying.
 */
import type { FastifyInstance } from 'fastify';
import type { ListResponse } from '../../../protocols/scim/index.js';
import {
  deleteScimGroup,
  deleteScimUser,
  getScimGroup,
  getScimUser,
  listScimGroups,
  listScimUsers,
  patchScimGroup,
  patchScimUser,
  provisionScimGroup,
  provisionScimUser,
  replaceScimGroup,
  replaceScimUser,
  type ListParams,
  type ScimCaller,
  type ScimDeps,
  type ScimView,
} from '../provisioning.js';
import type { JsonObject } from '../../../protocols/scim/index.js';
import { callerOf, listParamsOf, searchOf, sendScim, viewOf } from './request.js';

interface ResourceUseCases {
  list(deps: ScimDeps, caller: ScimCaller, params: ListParams, view: ScimView): Promise<ListResponse<JsonObject>>;
  provision(deps: ScimDeps, caller: ScimCaller, body: unknown, view: ScimView): Promise<JsonObject>;
  get(deps: ScimDeps, caller: ScimCaller, id: string, view: ScimView): Promise<JsonObject>;
  replace(deps: ScimDeps, caller: ScimCaller, id: string, body: unknown, view: ScimView): Promise<JsonObject>;
  patch(deps: ScimDeps, caller: ScimCaller, id: string, body: unknown, view: ScimView): Promise<JsonObject>;
  remove(deps: ScimDeps, caller: ScimCaller, id: string): Promise<void>;
}

const RESOURCES: Record<'Users' | 'Groups', ResourceUseCases> = {
  Users: {
    list: listScimUsers,
    provision: provisionScimUser,
    get: getScimUser,
    replace: replaceScimUser,
    patch: patchScimUser,
    remove: deleteScimUser,
  },
  Groups: {
    list: listScimGroups,
    provision: provisionScimGroup,
    get: getScimGroup,
    replace: replaceScimGroup,
    patch: patchScimGroup,
    remove: deleteScimGroup,
  },
};

type IdParams = { Params: { slug: string; id: string } };

export function registerResourceRoutes(scope: FastifyInstance, deps: ScimDeps, publicUrl: string | null): void {
  for (const [name, u] of Object.entries(RESOURCES)) {
    const base = `/:slug/v2/${name}`;
    scope.get(base, async (req, reply) => sendScim(reply, 200, await u.list(deps, callerOf(req), listParamsOf(req), viewOf(req, publicUrl))));
    scope.post(`${base}/.search`, async (req, reply) => {
      const { params, view } = searchOf(req, publicUrl);
      return sendScim(reply, 200, await u.list(deps, callerOf(req), params, view));
    });
    scope.post(base, async (req, reply) => {
      const resource = await u.provision(deps, callerOf(req), req.body, viewOf(req, publicUrl));
      // RFC 7644 §3.3: the Location header carries the new resource's URI.
      return sendScim(reply.header('location', (resource.meta as { location: string }).location), 201, resource);
    });
    scope.get<IdParams>(`${base}/:id`, async (req, reply) =>
      sendScim(reply, 200, await u.get(deps, callerOf(req), req.params.id, viewOf(req, publicUrl))),
    );
    scope.put<IdParams>(`${base}/:id`, async (req, reply) =>
      sendScim(reply, 200, await u.replace(deps, callerOf(req), req.params.id, req.body, viewOf(req, publicUrl))),
    );
    scope.patch<IdParams>(`${base}/:id`, async (req, reply) =>
      sendScim(reply, 200, await u.patch(deps, callerOf(req), req.params.id, req.body, viewOf(req, publicUrl))),
    );
    scope.delete<IdParams>(`${base}/:id`, async (req, reply) => {
      await u.remove(deps, callerOf(req), req.params.id);
      return reply.status(204).send();
    });
  }
}
