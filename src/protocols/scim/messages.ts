import { ERROR_MESSAGE, LIST_RESPONSE_MESSAGE } from './constants.js';
import type { ScimError, ScimType } from './errors.js';

export interface ListResponse<T> {
  schemas: [typeof LIST_RESPONSE_MESSAGE];
  totalResults: number;
  itemsPerPage: number;
  startIndex: number;
  Resources: T[];
}

/** RFC 7644 §3.4.2: `itemsPerPage` is the number of resources in this page. */
export function buildListResponse<T>(resources: T[], page: { totalResults: number; startIndex: number }): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_MESSAGE],
    totalResults: page.totalResults,
    itemsPerPage: resources.length,
    startIndex: page.startIndex,
    Resources: resources,
  };
}

export interface ErrorBody {
  schemas: [typeof ERROR_MESSAGE];
  /** RFC 7644 §3.12: the HTTP status code as a JSON string. */
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export function buildErrorBody(status: number, scimType?: ScimType, detail?: string): ErrorBody {
  const body: ErrorBody = { schemas: [ERROR_MESSAGE], status: String(status) };
  if (scimType !== undefined) body.scimType = scimType;
  if (detail !== undefined && detail !== '') body.detail = detail;
  return body;
}

export function errorBodyFor(err: ScimError): ErrorBody {
  return buildErrorBody(err.status, err.scimType, err.detail);
}
