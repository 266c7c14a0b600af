import { describe, it, expect } from 'vitest';
import { compileProjection, projectResource } from '../../../src/protocols/scim/projection.js';
import { deepFreeze, expectScimError } from './helpers.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const resource = () =>
  deepFreeze({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
    id: 'u1',
    userName: 'bjensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    emails: [
      { value: 'a@x', type: 'work' },
      { value: 'b@x', type: 'home' },
    ],
    meta: { resourceType: 'User', location: 'https://x/Users/u1' },
    [ENT]: { employeeNumber: '7', manager: { value: 'm' } },
  });

describe('attributes', () => {
  it('returns only the named attributes plus id and schemas', () => {
    expect(projectResource(resource(), { attributes: 'userName' })).toEqual({
      schemas: resource().schemas,
      id: 'u1',
      userName: 'bjensen',
    });
  });

  it('accepts sub-attributes, multi-valued sub-attributes, case-insensitive and URN names', () => {
    expect(projectResource(resource(), { attributes: 'NAME.givenName, emails.value,urn:ietf:params:scim:schemas:core:2.0:User:meta' })).toEqual({
      schemas: resource().schemas,
      id: 'u1',
      name: { givenName: 'Barbara' },
      emails: [{ value: 'a@x' }, { value: 'b@x' }],
      meta: resource().meta,
    });
    expect(projectResource(resource(), { attributes: [`${ENT}:manager.value`] })).toEqual({
      schemas: resource().schemas,
      id: 'u1',
      [ENT]: { manager: { value: 'm' } },
    });
    expect(projectResource(resource(), { attributes: [ENT] })[ENT]).toEqual(resource()[ENT]);
  });

  it('ignores unknown names', () => {
    expect(projectResource(resource(), { attributes: 'nickName,name.nothing' })).toEqual({ schemas: resource().schemas, id: 'u1' });
  });
});

describe('excludedAttributes', () => {
  it('removes named attributes and sub-attributes but never id or schemas', () => {
    const out = projectResource(resource(), { excludedAttributes: 'emails.type, meta,ID,schemas,name.familyName' });
    expect(out).toEqual({
      schemas: resource().schemas,
      id: 'u1',
      userName: 'bjensen',
      name: { givenName: 'Barbara' },
      emails: [{ value: 'a@x' }, { value: 'b@x' }],
      [ENT]: resource()[ENT],
    });
  });

  it('removes extension attributes by URN-qualified name', () => {
    expect(projectResource(resource(), { excludedAttributes: `${ENT}:employeeNumber` })[ENT]).toEqual({ manager: { value: 'm' } });
  });

  it('is a no-op when empty and never mutates the input', () => {
    const r = resource();
    expect(compileProjection({ excludedAttributes: '' })(r)).toEqual(r);
    expect(compileProjection({ excludedAttributes: 'userName' })(r)).not.toHaveProperty('userName');
    expect(r.userName).toBe('bjensen');
  });

  it('rejects malformed names with invalidValue', () => {
    expectScimError(() => compileProjection({ attributes: 'a.b.c' }), 'invalidValue');
  });
});
