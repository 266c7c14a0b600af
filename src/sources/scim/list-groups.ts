/** GET /Groups with filter / startIndex / count (RFC 7644 §3.4.2), filtered in the database. */
import { buildListResponse, GROUP_FILTER_SCHEMA, parsePagination, type JsonObject, type ListResponse } from '../../protocols/scim/index.js';
import { SCIM_PAGE_LIMITS, type ScimCaller, type ScimDeps, type ScimView } from './deps.js';
import { groupResources } from './find-group.js';
import { predicateOf, type ListParams } from './list-users.js';

export async function listScimGroups(deps: ScimDeps, caller: ScimCaller, params: ListParams, view: ScimView): Promise<ListResponse<JsonObject>> {
  const predicate = predicateOf(params.filter, GROUP_FILTER_SCHEMA);
  const page = parsePagination(params, SCIM_PAGE_LIMITS);
  const found = await deps.store.repos.scim.listGroups(caller.source.uuid, { predicate, offset: page.offset, limit: page.limit });
  const resources = await groupResources(deps.store.repos.scim, caller, found.items, view);
  return buildListResponse(resources, { totalResults: found.total, startIndex: page.startIndex });
}
