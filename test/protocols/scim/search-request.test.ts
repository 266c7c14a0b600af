import { describe, expect, it } from 'vitest';
import { parseSearchRequest, parseSortParams } from '../../../src/protocols/scim/search-request.js';
import { expectScimError } from './helpers.js';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

describe('parseSearchRequest (RFC 7644 §3.4.3)', () => {
  it('reads every query parameter, member names in any case', () => {
    expect(
      parseSearchRequest({
        schemas: [SEARCH],
        filter: 'userName sw "b"',
        startIndex: 3,
        count: 10,
        attributes: ['userName', 'emails'],
        excludedAttributes: ['meta'],
        sortBy: 'userName',
        sortOrder: 'Descending',
      }),
    ).toEqual({
      filter: 'userName sw "b"',
      startIndex: 3,
      count: 10,
      attributes: ['userName', 'emails'],
      excludedAttributes: ['meta'],
      sortBy: 'userName',
      sortOrder: 'descending',
    });
    expect(parseSearchRequest({ SCHEMAS: [SEARCH.toUpperCase()], Filter: 'x pr', ATTRIBUTES: 'a,b' })).toEqual({ filter: 'x pr', attributes: 'a,b' });
  });

  it('treats absent and null members alike', () => {
    expect(parseSearchRequest({ schemas: [SEARCH] })).toEqual({});
    expect(parseSearchRequest({ schemas: ['urn:other', SEARCH], filter: null, count: null, attributes: null, sortBy: null })).toEqual({});
  });

  it('requires a JSON object naming the SearchRequest message', () => {
    for (const body of [
      undefined,
      null,
      'x',
      [SEARCH],
      {},
      { schemas: SEARCH },
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] },
      { schemas: [7] },
    ]) {
      expectScimError(() => parseSearchRequest(body), 'invalidSyntax');
    }
  });

  it('refuses mistyped members', () => {
    expectScimError(() => parseSearchRequest({ schemas: [SEARCH], filter: 1 }), 'invalidFilter');
    expectScimError(() => parseSearchRequest({ schemas: [SEARCH], attributes: [1] }), 'invalidValue');
    expectScimError(() => parseSearchRequest({ schemas: [SEARCH], excludedAttributes: {} }), 'invalidValue');
    expectScimError(() => parseSearchRequest({ schemas: [SEARCH], sortBy: ['a'] }), 'invalidValue');
    expectScimError(() => parseSearchRequest({ schemas: [SEARCH], sortOrder: 'up' }), 'invalidValue');
  });
});

describe('parseSortParams (RFC 7644 §3.4.2.3)', () => {
  it('accepts ascending / descending in any case and leaves absent values out', () => {
    expect(parseSortParams(undefined, undefined)).toEqual({});
    expect(parseSortParams(undefined, '')).toEqual({});
    expect(parseSortParams('name.givenName', 'ASCENDING')).toEqual({ sortBy: 'name.givenName', sortOrder: 'ascending' });
    expectScimError(() => parseSortParams(undefined, 'asc'), 'invalidValue');
    expectScimError(() => parseSortParams(5, undefined), 'invalidValue');
  });
});
