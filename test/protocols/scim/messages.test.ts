import { describe, it, expect } from 'vitest';
import { buildErrorBody, buildListResponse, errorBodyFor } from '../../../src/protocols/scim/messages.js';
import { ScimError } from '../../../src/protocols/scim/errors.js';

describe('messages', () => {
  it('builds a ListResponse with itemsPerPage = page length', () => {
    expect(buildListResponse([{ id: 'a' }, { id: 'b' }], { totalResults: 10, startIndex: 3 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 10,
      itemsPerPage: 2,
      startIndex: 3,
      Resources: [{ id: 'a' }, { id: 'b' }],
    });
  });

  it('renders error bodies with status as a string (RFC 7644 §3.12)', () => {
    expect(buildErrorBody(404, undefined, 'User not found.')).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User not found.',
    });
    expect(errorBodyFor(ScimError.uniqueness('userName taken'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
      detail: 'userName taken',
    });
    expect(buildErrorBody(400)).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400' });
  });
});
