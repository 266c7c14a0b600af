import { describe, it, expect } from 'vitest';
import { parsePatchPath } from '../../../src/protocols/scim/patch-path.js';
import { expectScimError } from './helpers.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parsePatchPath', () => {
  it('resolves simple, sub-attribute and core-qualified paths', () => {
    expect(parsePatchPath('title')).toEqual({ attr: 'title' });
    expect(parsePatchPath('name.givenName')).toEqual({ attr: 'name', sub: 'givenName' });
    expect(parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName')).toEqual({ attr: 'name', sub: 'givenName' });
  });

  it('resolves extension attributes and the extension itself', () => {
    expect(parsePatchPath(`${ENT}:manager`)).toEqual({ uri: ENT, attr: 'manager' });
    expect(parsePatchPath(`${ENT}:manager.value`)).toEqual({ uri: ENT, attr: 'manager', sub: 'value' });
    expect(parsePatchPath(ENT.toLowerCase())).toEqual({ attr: ENT.toLowerCase() });
    expect(parsePatchPath('urn:acme:ext:1.0', ['urn:acme:ext:1.0'])).toEqual({ attr: 'urn:acme:ext:1.0' });
  });

  it('resolves value paths with and without a trailing sub-attribute', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      attr: 'emails',
      filter: { type: 'compare', path: { name: 'type' }, op: 'eq', value: 'work' },
      sub: 'value',
    });
    expect(parsePatchPath('members[value eq "x"]')).toMatchObject({ attr: 'members', filter: { type: 'compare' } });
    expect(parsePatchPath('members[value eq "x"]')).not.toHaveProperty('sub');
  });

  it('rejects malformed paths', () => {
    expectScimError(() => parsePatchPath(''), 'invalidPath');
    expectScimError(() => parsePatchPath('a b'), 'invalidPath');
    expectScimError(() => parsePatchPath('[x eq 1]'), 'invalidPath');
    expectScimError(() => parsePatchPath('name.givenName[x eq 1]'), 'invalidPath');
    expectScimError(() => parsePatchPath('emails[type eq "w"].va:lue'), 'invalidPath');
    expectScimError(() => parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User'), 'invalidPath');
    expectScimError(() => parsePatchPath('emails[type eq]'), 'invalidFilter');
  });
});
