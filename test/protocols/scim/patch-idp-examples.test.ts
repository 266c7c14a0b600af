import { describe, it, expect } from 'vitest';
import { applyPatch } from '../../../src/protocols/scim/patch.js';
import { planGroupPatch } from '../../../src/protocols/scim/group-members.js';
import { userPropertiesFromScim } from '../../../src/protocols/scim/resources.js';
import { deepFreeze } from './helpers.js';

/*
 * Requests shaped like the ones Microsoft Entra ID and Okta document for their SCIM clients
 * (values invented). They exercise the client quirks PATCH must absorb.
 */

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const U1 = '6cc2a6c3-9f6b-4e8a-a5b2-0d5c1b0b8f11';
const U2 = 'a1b2c3d4-0000-4000-8000-000000000002';

const entraUser = () =>
  deepFreeze({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
    externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
    userName: 'Test_User_ab6490ee@contoso.com',
    active: true,
    emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@contoso.com' }],
    name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
    [ENT]: { department: 'Sales' },
  });

describe('Microsoft Entra ID requests', () => {
  it('Replace of a filtered email value and name.familyName', () => {
    const out = applyPatch(entraUser(), {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    expect(out.emails).toEqual([{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
    expect(out.name).toMatchObject({ familyName: 'updatedFamilyName', givenName: 'givenName' });
  });

  it('disables a user with the string boolean "False"', () => {
    const out = applyPatch(entraUser(), { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(out.active).toBe(false);
    expect(userPropertiesFromScim(out).is_active).toBe(false);
  });

  it('path-less Replace/Add with dotted keys, string booleans and the enterprise manager', () => {
    const out = applyPatch(entraUser(), {
      schemas: [PATCH],
      Operations: [
        {
          op: 'Replace',
          value: {
            displayName: 'New Display',
            'name.givenName': 'Gina',
            active: 'TRUE',
            [`${ENT}:manager`]: 'f3a1c3b2-manager',
            [`${ENT}:employeeNumber`]: '42',
          },
        },
        { op: 'Add', value: { 'emails[type eq "home"].value': 'home@contoso.com' } },
      ],
    });
    expect(out.displayName).toBe('New Display');
    expect(out.name).toMatchObject({ givenName: 'Gina', familyName: 'familyName' });
    expect(out.active).toBe(true);
    expect(out[ENT]).toEqual({ department: 'Sales', manager: { value: 'f3a1c3b2-manager' }, employeeNumber: '42' });
    expect(out.emails).toEqual([
      { primary: true, type: 'work', value: 'Test_User_fd0ea19b@contoso.com' },
      { type: 'home', value: 'home@contoso.com' },
    ]);
  });

  it('Add of a manager by explicit path, then Remove of it', () => {
    const added = applyPatch(entraUser(), { schemas: [PATCH], Operations: [{ op: 'Add', path: `${ENT}:manager`, value: U1 }] });
    expect(added[ENT]).toEqual({ department: 'Sales', manager: { value: U1 } });
    const removed = applyPatch(added, { schemas: [PATCH], Operations: [{ op: 'Remove', path: `${ENT}:manager` }] });
    expect(removed[ENT]).toEqual({ department: 'Sales' });
  });

  it('coerces string "primary" values inside written elements', () => {
    const out = applyPatch(entraUser(), {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '555', primary: 'True' }] }],
    });
    expect(out.phoneNumbers).toEqual([{ type: 'mobile', value: '555', primary: true }]);
  });

  it('group member Add / Remove with [{"value": id}]', () => {
    const add = planGroupPatch({ schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: U1 }] }] });
    expect(add.members).toEqual({ add: [U1], remove: [], removeAll: false });
    const remove = planGroupPatch({ schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ value: U1 }] }] });
    expect(remove.members).toEqual({ add: [], remove: [U1], removeAll: false });
    expect(remove.otherOperations).toEqual([]);
  });

  it('group displayName Replace goes to the payload operations', () => {
    const plan = planGroupPatch({
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
    });
    expect(plan.touchesMembers).toBe(false);
    expect(plan.otherOperations).toEqual([{ op: 'replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }]);
  });
});

describe('Okta requests', () => {
  it('deactivates with a path-less replace {active:false}', () => {
    const out = applyPatch(entraUser(), { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    expect(out).toEqual({ ...entraUser(), active: false });
  });

  it('PUT-style path-less replace of the whole user keeps sub-attributes it does not mention', () => {
    const out = applyPatch(entraUser(), {
      schemas: [PATCH],
      Operations: [
        {
          op: 'replace',
          value: {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
            id: U2,
            userName: 'test.user@okta.local',
            name: { givenName: 'Another', familyName: 'User' },
            emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
            displayName: 'Another User',
            locale: 'en-US',
            active: true,
          },
        },
      ],
    });
    expect(out.userName).toBe('test.user@okta.local');
    expect(out).not.toHaveProperty('id');
    expect(out.schemas).toEqual(entraUser().schemas);
    expect(out.name).toEqual({ formatted: 'givenName familyName', givenName: 'Another', familyName: 'User' });
    expect(out.emails).toEqual([{ primary: true, value: 'test.user@okta.local', type: 'work' }]);
    expect(out.locale).toBe('en-US');
  });

  it('group rename with id echoed in a path-less replace', () => {
    const plan = planGroupPatch({
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } }],
    });
    const out = applyPatch({ displayName: 'old' }, { schemas: [PATCH], Operations: plan.otherOperations });
    expect(out).toEqual({ displayName: 'Test SCIMv2' });
  });

  it('group member add with display and remove by value filter', () => {
    const plan = planGroupPatch({
      schemas: [PATCH],
      Operations: [
        { op: 'add', path: 'members', value: [{ value: U1, display: 'test.user@okta.local' }] },
        { op: 'remove', path: `members[value eq "${U2}"]` },
      ],
    });
    expect(plan.members).toEqual({ add: [U1], remove: [U2], removeAll: false });
  });
});
