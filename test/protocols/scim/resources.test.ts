import { describe, it, expect } from 'vitest';
import { buildGroupResource, buildUserResource, groupPropertiesFromScim, userPropertiesFromScim } from '../../../src/protocols/scim/resources.js';
import type { ScimGroupData, ScimUserData } from '../../../src/protocols/scim/resources.js';
import { deepFreeze, expectScimError } from './helpers.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const BASE = 'https://id.example.com/source/scim/okta/v2';
const UUID = '2819c223-7f76-453a-919d-413861904646';

describe('userPropertiesFromScim', () => {
  it('maps userName, name.formatted, the primary email and active', () => {
    expect(
      userPropertiesFromScim({
        userName: 'bjensen',
        name: { formatted: 'Ms. Barbara J Jensen III', givenName: 'Barbara' },
        displayName: 'Babs',
        emails: [{ value: 'home@x' }, { value: 'work@x', primary: true }],
        active: false,
      }),
    ).toEqual({ username: 'bjensen', name: 'Ms. Barbara J Jensen III', email: 'work@x', is_active: false });
  });

  it('falls back to given + family name, then displayName; first email; active defaults to true', () => {
    expect(
      userPropertiesFromScim({ userName: 'a', name: { givenName: 'Ann', familyName: 'Lee' }, emails: [{ value: 'a@x' }, { value: 'b@x' }] }),
    ).toEqual({
      username: 'a',
      name: 'Ann Lee',
      email: 'a@x',
      is_active: true,
    });
    expect(userPropertiesFromScim({ userName: 'a', name: { familyName: 'Lee' }, displayName: 'D' }).name).toBe('Lee');
    expect(userPropertiesFromScim({ userName: 'a', name: {}, displayName: 'D' }).name).toBe('D');
  });

  it('leaves out what the payload does not say, and uses "" for an empty email list', () => {
    expect(userPropertiesFromScim({})).toEqual({ is_active: true });
    expect(userPropertiesFromScim({ emails: [] }).email).toBe('');
  });

  it('reads attribute names case-insensitively and coerces "True"/"False"', () => {
    expect(userPropertiesFromScim({ USERNAME: 'x', Active: 'False', Emails: [{ Value: 'v@x', Primary: 'True' }] })).toEqual({
      username: 'x',
      email: 'v@x',
      is_active: false,
    });
    expect(userPropertiesFromScim({ active: 'true' }).is_active).toBe(true);
  });

  it('rejects values of the wrong type with invalidValue', () => {
    expectScimError(() => userPropertiesFromScim({ active: 'yes' }), 'invalidValue');
    expectScimError(() => userPropertiesFromScim({ userName: 5 }), 'invalidValue');
    expectScimError(() => userPropertiesFromScim({ emails: 'a@x' }), 'invalidValue');
  });
});

describe('groupPropertiesFromScim', () => {
  it('maps displayName to name', () => {
    expect(groupPropertiesFromScim({ displayName: 'Admins' })).toEqual({ name: 'Admins' });
    expect(groupPropertiesFromScim({})).toEqual({});
    expectScimError(() => groupPropertiesFromScim({ displayName: ['x'] }), 'invalidValue');
  });
});

const userData = (payload: Record<string, unknown> = {}): ScimUserData =>
  deepFreeze({
    uuid: UUID,
    externalId: 'ext-1',
    username: 'bjensen',
    name: 'Barbara Jensen',
    email: 'bjensen@example.com',
    isActive: true,
    created: new Date('2020-01-02T03:04:05Z'),
    lastModified: '2021-01-01T00:00:00.000Z',
    payload,
  });

describe('buildUserResource', () => {
  it('builds the representation from user data', () => {
    expect(buildUserResource(userData(), { baseUrl: BASE })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: UUID,
      externalId: 'ext-1',
      userName: 'bjensen',
      name: { formatted: 'Barbara Jensen' },
      displayName: 'Barbara Jensen',
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      active: true,
      meta: {
        resourceType: 'User',
        created: '2020-01-02T03:04:05.000Z',
        lastModified: '2021-01-01T00:00:00.000Z',
        location: `${BASE}/Users/${UUID}`,
      },
    });
  });

  it('keeps stored attributes but never lets them override id, userName, active, meta (unlike authentik)', () => {
    const r = buildUserResource(
      userData({
        id: 'spoofed',
        UserName: 'admin',
        active: false,
        meta: { location: 'https://evil' },
        externalId: 'stored',
        password: 'hunter2',
        phoneNumbers: [{ value: '555' }],
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        [ENT]: { employeeNumber: '7' },
        custom: { a: 1 },
      }),
      { baseUrl: BASE, version: 'W/"3"' },
    );
    expect(r).toMatchObject({ id: UUID, userName: 'bjensen', active: true, externalId: 'ext-1' });
    expect(r).not.toHaveProperty('UserName');
    expect(r).not.toHaveProperty('password');
    expect(r.meta).toMatchObject({ location: `${BASE}/Users/${UUID}`, version: 'W/"3"' });
    expect(r.phoneNumbers).toEqual([{ value: '555' }]);
    expect(r.custom).toEqual({ a: 1 });
    expect(r.name).toEqual({ formatted: 'Barbara Jensen', givenName: 'Barbara', familyName: 'Jensen' });
    expect(r[ENT]).toEqual({ employeeNumber: '7' });
    expect(r.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENT]);
  });

  it('prefers stored displayName/emails over generated ones, in the stored spelling', () => {
    const r = buildUserResource(userData({ DisplayName: 'Babs', emails: [{ value: 'b@home', type: 'home' }] }), { baseUrl: BASE });
    expect(r.DisplayName).toBe('Babs');
    expect(r).not.toHaveProperty('displayName');
    expect(r.emails).toEqual([{ value: 'b@home', type: 'home' }]);
  });

  it('omits externalId and emails when there are none', () => {
    const r = buildUserResource({ ...userData(), externalId: null, email: '' }, { baseUrl: BASE });
    expect(r).not.toHaveProperty('externalId');
    expect(r).not.toHaveProperty('emails');
  });
});

describe('buildGroupResource', () => {
  const group = (payload: Record<string, unknown> = {}): ScimGroupData => ({
    uuid: UUID,
    externalId: null,
    name: 'Admins',
    members: [{ uuid: 'u1', display: 'Ann' }, { uuid: 'u2' }],
    created: '2020-01-01T00:00:00.000Z',
    lastModified: '2020-01-02T00:00:00.000Z',
    payload,
  });

  it('builds members from authoritative data, ignoring stored members/displayName', () => {
    const r = buildGroupResource(group({ members: [{ value: 'ghost' }], displayName: 'Spoof', description: 'kept' }), { baseUrl: BASE });
    expect(r).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: UUID,
      displayName: 'Admins',
      description: 'kept',
      members: [
        { value: 'u1', display: 'Ann', $ref: `${BASE}/Users/u1`, type: 'User' },
        { value: 'u2', $ref: `${BASE}/Users/u2`, type: 'User' },
      ],
      meta: {
        resourceType: 'Group',
        created: '2020-01-01T00:00:00.000Z',
        lastModified: '2020-01-02T00:00:00.000Z',
        location: `${BASE}/Groups/${UUID}`,
      },
    });
  });
});
