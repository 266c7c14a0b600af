/** Discovery endpoints (RFC 7644 §4): ServiceProviderConfig, ResourceTypes, Schemas. */
import type { FastifyInstance } from 'fastify';
import {
  buildListResponse,
  getResourceType,
  getSchema,
  listResourceTypes,
  listSchemas,
  ScimError,
  serviceProviderConfig,
} from '../../../protocols/scim/index.js';
import { SCIM_PAGE_LIMITS } from '../provisioning.js';
import { baseUrlOf, sendScim } from './request.js';

export function registerDiscoveryRoutes(scope: FastifyInstance, publicUrl: string | null): void {
  scope.get('/:slug/v2/ServiceProviderConfig', async (req, reply) =>
    sendScim(reply, 200, serviceProviderConfig({ baseUrl: baseUrlOf(req, publicUrl), maxResults: SCIM_PAGE_LIMITS.maxCount })),
  );

  scope.get('/:slug/v2/ResourceTypes', async (req, reply) => {
    const all = listResourceTypes(baseUrlOf(req, publicUrl));
    return sendScim(reply, 200, buildListResponse(all, { totalResults: all.length, startIndex: 1 }));
  });

  scope.get('/:slug/v2/ResourceTypes/:id', async (req, reply) => {
    const found = getResourceType(baseUrlOf(req, publicUrl), (req.params as { id: string }).id);
    if (!found) throw ScimError.notFound('Resource not found.');
    return sendScim(reply, 200, found);
  });

  scope.get('/:slug/v2/Schemas', async (req, reply) => {
    const all = listSchemas(baseUrlOf(req, publicUrl));
    return sendScim(reply, 200, buildListResponse(all, { totalResults: all.length, startIndex: 1 }));
  });

  // authentik answers an unknown schema with a plain Django 404; ours is a SCIM error.
  scope.get('/:slug/v2/Schemas/:id', async (req, reply) => {
    const found = getSchema(baseUrlOf(req, publicUrl), (req.params as { id: string }).id);
    if (!found) throw ScimError.notFound('Schema not found.');
    return sendScim(reply, 200, found);
  });
}
