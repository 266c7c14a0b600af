/** GET /Users with filter / startIndex / count (RFC 7644 §3.4.2), filtered in the database. */
import {
  buildListResponse,
  filterToPredicate,
  parseFilter,
  parsePagination,
  TRUE,
  USER_FILTER_SCHEMA,
  type FilterSchema,
  type JsonObject,
  type ListResponse,
  type Predicate,
} from '../../protocols/scim/index.js';
import { SCIM_PAGE_LIMITS, type ScimCaller, type ScimDeps, type ScimView } from './deps.js';
import { projectionOf, userResource } from './representation.js';

export interface ListParams {
  filter?: string | undefined;
  startIndex?: unknown;
  count?: unknown;
}

export function predicateOf(filter: string | undefined, schema: FilterSchema): Predicate {
  return filter === undefined ? TRUE : filterToPredicate(parseFilter(filter), schema);
}

export async function listScimUsers(deps: ScimDeps, caller: ScimCaller, params: ListParams, view: ScimView): Promise<ListResponse<JsonObject>> {
  const predicate = predicateOf(params.filter, USER_FILTER_SCHEMA);
  const page = parsePagination(params, SCIM_PAGE_LIMITS);
  const found = await deps.store.repos.scim.listUsers(caller.source.uuid, { predicate, offset: page.offset, limit: page.limit });
  const project = projectionOf(view);
  return buildListResponse(
    found.items.map((u) => project(userResource(u, view))),
    { totalResults: found.total, startIndex: page.startIndex },
  );
}
