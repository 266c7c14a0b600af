import { describe, it, expect } from 'vitest';
import { applyPatch, applyPatchOperations } from '../../../src/protocols/scim/patch.js';
import { deepFreeze, expectScimError } from './helpers.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const req = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

const base = () =>
  deepFreeze({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'bjensen',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood' }],
  });

describe('applyPatch: simple paths', () => {
  it('replace sets single-valued attributes and sub-attributes', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'userName', value: 'babs' }, { op: 'replace', path: 'name.familyName', value: 'Doe' }));
    expect(out.userName).toBe('babs');
    expect(out.name).toEqual({ givenName: 'Barbara', familyName: 'Doe' });
  });

  it('add creates missing attributes and complex parents', () => {
    const out = applyPatch({ userName: 'a' }, req({ op: 'add', path: 'name.givenName', value: 'A' }, { op: 'add', path: 'title', value: 'Boss' }));
    expect(out).toEqual({ userName: 'a', name: { givenName: 'A' }, title: 'Boss' });
  });

  it('replace on a complex attribute keeps unspecified sub-attributes (RFC 7644 §3.5.2.3)', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'name', value: { familyName: 'Doe', middleName: 'X' } }));
    expect(out.name).toEqual({ givenName: 'Barbara', familyName: 'Doe', middleName: 'X' });
  });

  it('matches existing keys case-insensitively and keeps their spelling', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'USERNAME', value: 'x' }, { op: 'replace', path: 'Name.FamilyName', value: 'Y' }));
    expect(out.userName).toBe('x');
    expect(out).not.toHaveProperty('USERNAME');
    expect(out.name).toEqual({ givenName: 'Barbara', familyName: 'Y' });
  });

  it('add on a multi-valued attribute appends and de-duplicates identical values', () => {
    const out = applyPatch(
      base(),
      req({
        op: 'add',
        path: 'emails',
        value: [
          { value: 'babs@jensen.org', type: 'home' },
          { value: 'new@x.org', type: 'other' },
        ],
      }),
    );
    expect(out.emails).toEqual([...base().emails, { value: 'new@x.org', type: 'other' }]);
  });

  it('add wraps a single value of a known multi-valued attribute in a list', () => {
    const out = applyPatch({ userName: 'a' }, req({ op: 'add', path: 'phoneNumbers', value: { value: '555', type: 'work' } }));
    expect(out.phoneNumbers).toEqual([{ value: '555', type: 'work' }]);
  });

  it('replace on a multi-valued attribute replaces the whole list', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'emails', value: [{ value: 'only@x.org' }] }));
    expect(out.emails).toEqual([{ value: 'only@x.org' }]);
  });

  it('remove deletes attributes and sub-attributes; removing something absent is a no-op', () => {
    const out = applyPatch(
      base(),
      req({ op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'addresses' }, { op: 'remove', path: 'nickName' }),
    );
    expect(out.name).toEqual({ familyName: 'Jensen' });
    expect(out).not.toHaveProperty('addresses');
  });

  it('writing null clears the attribute (RFC 7643 §2.5)', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'name.givenName', value: null }, { op: 'replace', path: 'active', value: null }));
    expect(out.name).toEqual({ familyName: 'Jensen' });
    expect(out).not.toHaveProperty('active');
  });

  it('accepts core-schema-qualified paths', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName', value: 'B' }));
    expect(out.name).toEqual({ givenName: 'B', familyName: 'Jensen' });
  });

  it('refuses read-only attributes and a sub-attribute path into a list', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'id', value: 'x' })), 'mutability');
    expectScimError(() => applyPatch(base(), req({ op: 'remove', path: 'meta' })), 'mutability');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'emails.value', value: 'x' })), 'invalidPath');
  });

  it('refuses to remove or blank the required attribute when the resource type is given', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'remove', path: 'userName' }), { resourceType: 'User' }), 'invalidValue');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'userName', value: '' }), { resourceType: 'User' }), 'invalidValue');
    expectScimError(
      () => applyPatch({ displayName: 'g' }, req({ op: 'replace', path: 'displayName', value: null }), { resourceType: 'Group' }),
      'invalidValue',
    );
    expect(applyPatch(base(), req({ op: 'remove', path: 'userName' }))).not.toHaveProperty('userName');
  });

  it('rejects malformed paths with invalidPath and malformed bracket filters with invalidFilter', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'a.b.c', value: 1 })), 'invalidPath');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'emails[type eq "work"] junk', value: 1 })), 'invalidPath');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'emails[type eq work].value', value: 1 })), 'invalidFilter');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'emails[type eq "work"', value: 1 })), 'invalidFilter');
  });
});

describe('applyPatch: remove', () => {
  it('without a path fails with noTarget (RFC 7644 §3.5.2.2)', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'remove' })), 'noTarget');
  });

  it('with a value filter removes exactly the matching elements', () => {
    const out = applyPatch(base(), req({ op: 'remove', path: 'emails[type eq "home"]' }));
    expect(out.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
  });

  it('drops the attribute when no value is left', () => {
    const out = applyPatch(base(), req({ op: 'remove', path: 'addresses[type eq "work"]' }));
    expect(out).not.toHaveProperty('addresses');
  });

  it('with a filter and a sub-attribute removes that sub-attribute of the matches', () => {
    const out = applyPatch(base(), req({ op: 'remove', path: 'emails[type eq "work"].primary' }));
    expect(out.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('with a filter that matches nothing fails with noTarget', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'remove', path: 'emails[type eq "other"]' })), 'noTarget');
    expectScimError(() => applyPatch({}, req({ op: 'remove', path: 'emails[type eq "other"]' })), 'noTarget');
  });

  it('of group members by filter removes that member (authentik ignores this), and is idempotent', () => {
    const g = deepFreeze({ displayName: 'g', members: [{ value: 'u1' }, { value: 'u2' }] });
    expect(applyPatch(g, req({ op: 'remove', path: 'members[value eq "u1"]' })).members).toEqual([{ value: 'u2' }]);
    expect(applyPatch(g, req({ op: 'remove', path: 'members[value eq "u9"]' })).members).toEqual(g.members);
  });

  it('with a value list removes the listed elements (matched by value)', () => {
    const g = deepFreeze({ members: [{ value: 'U1', display: 'a' }, { value: 'u2' }] });
    const out = applyPatch(g, req({ op: 'remove', path: 'members', value: [{ value: 'u1' }] }));
    expect(out.members).toEqual([{ value: 'u2' }]);
  });
});

describe('applyPatch: value-filter paths', () => {
  it('replace of a filtered sub-attribute changes only matching elements', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }));
    expect(out.emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('add with an object value and no sub-attribute merges into matching elements', () => {
    const out = applyPatch(base(), req({ op: 'add', path: 'addresses[type eq "work"]', value: { postalCode: '91608', locality: 'LA' } }));
    expect(out.addresses).toEqual([{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'LA', postalCode: '91608' }]);
  });

  it('replace with an object value and no sub-attribute replaces the matching elements (RFC 7644 §3.5.2.3)', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'addresses[type eq "work"]', value: { type: 'work', locality: 'Paris' } }));
    expect(out.addresses).toEqual([{ type: 'work', locality: 'Paris' }]);
  });

  it('add with no match creates the element from a simple eq filter', () => {
    const out = applyPatch({ userName: 'a' }, req({ op: 'add', path: 'emails[type eq "work"].value', value: 'a@x.org' }));
    expect(out.emails).toEqual([{ type: 'work', value: 'a@x.org' }]);
    const out2 = applyPatch(base(), req({ op: 'add', path: 'phoneNumbers[type eq "mobile" and primary eq true]', value: { value: '555' } }));
    expect(out2.phoneNumbers).toEqual([{ type: 'mobile', primary: true, value: '555' }]);
  });

  it('add with no match and a non-eq filter fails with noTarget', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'add', path: 'emails[type co "fax"].value', value: 'x' })), 'noTarget');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'emails[type eq "other" or type eq "x"].value', value: 'x' })), 'noTarget');
  });

  it('matches filter values case-insensitively and with and/or/not', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'emails[TYPE eq "HOME" or not (primary pr)].display', value: 'Home' }));
    expect(out.emails).toEqual([base().emails[0], { value: 'babs@jensen.org', type: 'home', display: 'Home' }]);
  });

  it('a filter on a non-list attribute is invalidPath; a non-object value without sub-attribute is invalidValue', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'userName[x eq "y"].z', value: 1 })), 'invalidPath');
    expectScimError(() => applyPatch(base(), req({ op: 'replace', path: 'emails[type eq "work"]', value: 'x' })), 'invalidValue');
  });

  it('setting primary on one element demotes the others (RFC 7643 §2.4)', () => {
    const out = applyPatch(base(), req({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }));
    expect(out.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
    const out2 = applyPatch(base(), req({ op: 'add', path: 'emails', value: { value: 'n@x', primary: true } }));
    expect((out2.emails as { primary?: boolean }[]).map((e) => e.primary)).toEqual([false, undefined, true]);
  });
});

describe('applyPatch: path-less operations', () => {
  it('applies each key as a path, including dotted keys', () => {
    const out = applyPatch(base(), req({ op: 'replace', value: { 'name.givenName': 'Babs', title: 'CEO', emails: [{ value: 'z@z' }] } }));
    expect(out.name).toEqual({ givenName: 'Babs', familyName: 'Jensen' });
    expect(out.title).toBe('CEO');
    expect(out.emails).toEqual([{ value: 'z@z' }]);
  });

  it('add without path merges complex values and appends to lists', () => {
    const out = applyPatch(base(), req({ op: 'add', value: { name: { middleName: 'M' }, emails: [{ value: 'n@x' }] } }));
    expect(out.name).toEqual({ givenName: 'Barbara', familyName: 'Jensen', middleName: 'M' });
    expect(out.emails).toHaveLength(3);
  });

  it('ignores the read-only id/meta/schemas keys clients echo back', () => {
    const out = applyPatch(base(), req({ op: 'replace', value: { id: 'other', meta: {}, schemas: [], title: 'T' } }));
    expect(out).toEqual({ ...base(), title: 'T' });
  });

  it('requires an object value', () => {
    expectScimError(() => applyPatch(base(), req({ op: 'add', value: 'x' })), 'invalidSyntax');
    expectScimError(() => applyPatch(base(), req({ op: 'add', value: ['x'] })), 'invalidSyntax');
  });

  it('accepts a core-schema URN key holding attributes', () => {
    const out = applyPatch(base(), req({ op: 'replace', value: { 'urn:ietf:params:scim:schemas:core:2.0:User': { title: 'T' } } }));
    expect(out.title).toBe('T');
  });
});

describe('applyPatch: enterprise extension', () => {
  it('stores manager as {value} when given a string, via path or URN key', () => {
    const viaPath = applyPatch(base(), req({ op: 'add', path: `${ENT}:manager`, value: 'boss-id' }));
    expect(viaPath[ENT]).toEqual({ manager: { value: 'boss-id' } });
    const viaObject = applyPatch(base(), req({ op: 'add', value: { [ENT]: { manager: 'boss-id', department: 'R&D' } } }));
    expect(viaObject[ENT]).toEqual({ manager: { value: 'boss-id' }, department: 'R&D' });
  });

  it('addresses extension sub-attributes and the whole extension', () => {
    const doc = deepFreeze({ userName: 'a', [ENT]: { employeeNumber: '1', manager: { value: 'm' } } });
    expect(applyPatch(doc, req({ op: 'replace', path: `${ENT}:manager.value`, value: 'n' }))[ENT]).toEqual({
      employeeNumber: '1',
      manager: { value: 'n' },
    });
    expect(applyPatch(doc, req({ op: 'replace', path: ENT, value: { costCenter: 'c' } }))[ENT]).toEqual({
      employeeNumber: '1',
      manager: { value: 'm' },
      costCenter: 'c',
    });
    expect(applyPatch(doc, req({ op: 'remove', path: ENT }))).toEqual({ userName: 'a' });
  });

  it('drops the extension object once its last attribute is removed', () => {
    const doc = deepFreeze({ userName: 'a', [ENT]: { manager: { value: 'm' } } });
    expect(applyPatch(doc, req({ op: 'remove', path: `${ENT}:manager` }))).toEqual({ userName: 'a' });
  });

  it('recognises a custom extension listed in schemas, even with dots in its version', () => {
    const EXT = 'urn:example:params:scim:schemas:extension:acme:1.0';
    const doc = deepFreeze({ schemas: [EXT], userName: 'a' });
    expect(applyPatch(doc, req({ op: 'add', path: `${EXT}:badge`, value: '7' }))[EXT]).toEqual({ badge: '7' });
    expect(applyPatch(doc, req({ op: 'add', value: { 'urn:acme:other:2.0': { x: 1 } } }))['urn:acme:other:2.0']).toEqual({ x: 1 });
  });
});

describe('applyPatch: immutability and atomicity', () => {
  it('never mutates the input document or the request, and shares no objects with them', () => {
    const doc = base();
    const value = deepFreeze([{ value: 'n@x', primary: 'True' }]);
    const request = deepFreeze(req({ op: 'add', path: 'emails', value }, { op: 'replace', path: 'emails[type eq "work"].value', value: 'w@x' }));
    const out = applyPatch(doc, request);
    expect(doc).toEqual(base());
    expect(out.emails).not.toBe(doc.emails);
    (out.emails as object[]).forEach((e) => expect(doc.emails as object[]).not.toContain(e));
    expect((out.emails as object[])[2]).not.toBe(value[0]);
    expect((out.emails as { primary: unknown }[])[2].primary).toBe(true);
  });

  it('is all-or-nothing: a failing later operation leaves the input untouched and throws', () => {
    const doc = base();
    expectScimError(
      () => applyPatch(doc, req({ op: 'replace', path: 'userName', value: 'changed' }, { op: 'remove', path: 'emails[type eq "fax"]' })),
      'noTarget',
    );
    expect(doc.userName).toBe('bjensen');
  });

  it('applies operations in order', () => {
    const out = applyPatchOperations({}, [
      { op: 'add', path: 'title', value: 'a' },
      { op: 'replace', path: 'title', value: 'b' },
      { op: 'remove', path: 'title' },
      { op: 'add', path: 'nickName', value: 'c' },
    ]);
    expect(out).toEqual({ nickName: 'c' });
  });
});
