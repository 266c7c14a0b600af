/**
 * Optional SCIM endpoints this server does not implement answer 501 Not Implemented with an
 * RFC 7644 §3.12 error body (not a 404, which would claim they do not exist): `/Bulk` (RFC 7644
 * §3.7; ServiceProviderConfig advertises `bulk.supported: false`), the `/Me` alias (RFC 7644
 * §3.11) and a search across every resource type at the root (`/.search`, RFC 7644 §3.4.3).
 * Registered on the authenticated scope: an anonymous caller still gets its 401 first.
 */
import type { FastifyInstance } from 'fastify';
import { ScimError } from '../../../protocols/scim/index.js';

const UNSUPPORTED: ReadonlyArray<[path: string, detail: string]> = [
  ['/Bulk', 'Bulk operations are not supported.'],
  ['/Me', 'The /Me alias is not supported.'],
  ['/Me/*', 'The /Me alias is not supported.'],
  ['/.search', 'Searching across resource types is not supported; use /Users/.search or /Groups/.search.'],
];

export function registerUnsupportedRoutes(scope: FastifyInstance): void {
  for (const [path, detail] of UNSUPPORTED) {
    scope.all(`/:slug/v2${path}`, async () => {
      throw new ScimError(501, undefined, detail);
    });
  }
}
