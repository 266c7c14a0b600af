/** Payload → user / group fields, with the source's mappings in the sandbox. */
import { afterAll, describe, expect, it } from 'vitest';
import { createMappingSandbox, MappingError } from '../../../src/protocols/mapping/index.js';
import { ScimError } from '../../../src/protocols/scim/index.js';
import { WriteQueue, type ScimCaller, type ScimDeps } from '../../../src/sources/scim/provisioning.js';
import { groupFields, memberIdsOf } from '../../../src/sources/scim/group-fields.js';
import { withMappingErrors } from '../../../src/sources/scim/mapped-properties.js';
import { changedUserFields, newUserFields } from '../../../src/sources/scim/user-fields.js';
import type { ScimMappingDefinition, ScimUserRecord } from '../../../src/storage/scim-ports.js';
import { fakeScimStore, SOURCE, type FakeStoreState } from './fake-store.js';

const sandbox = createMappingSandbox();
afterAll(() => sandbox.dispose());

let caller: ScimCaller;

function setup(user: ScimMappingDefinition[] = [], group: ScimMappingDefinition[] = []) {
  const state: FakeStoreState = { resolved: null, events: [] };
  const store = fakeScimStore(state);
  const deps: ScimDeps = { store, mappings: sandbox, clock: { now: () => new Date() }, queue: new WriteQueue() };
  caller = { source: { ...SOURCE, mappings: { user, group } }, actor: { pk: 9, username: 'sa' } };
  return { state, deps };
}

describe('newUserFields', () => {
  it('maps the SCIM base properties and the rendered path', async () => {
    const { deps } = setup();
    const f = await newUserFields(deps, caller, { userName: 'u', displayName: 'U Ser', emails: [{ value: 'u@x' }], active: 'False' });
    expect(f).toEqual({ username: 'u', name: 'U Ser', email: 'u@x', isActive: false, path: 'goauthentik.io/sources/entra', attributes: {} });
  });

  it('lets mappings set known fields only — never type, password or superuser', async () => {
    const { deps } = setup([
      {
        name: 'm',
        expression:
          'return { type: "internal_service_account", password: "x", is_superuser: true, path: "custom/path", is_active: "False", attributes: { dept: data.department } }',
      },
    ]);
    const f = await newUserFields(deps, caller, { userName: 'u', department: 'R&D' });
    expect(f).toEqual({ username: 'u', name: '', email: '', isActive: false, path: 'custom/path', attributes: { dept: 'R&D' } });
  });

  it('rejects a missing userName and invalid mapped values', async () => {
    const { deps } = setup();
    await expect(newUserFields(deps, caller, { displayName: 'x' })).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
    const bad = setup([{ name: 'm', expression: 'return { path: "/leading" }' }]);
    await expect(newUserFields(bad.deps, caller, { userName: 'u' })).rejects.toBeInstanceOf(ScimError);
    const nonString = setup([{ name: 'm', expression: 'return { email: 42 }' }]);
    await expect(newUserFields(nonString.deps, caller, { userName: 'u' })).rejects.toMatchObject({ scimType: 'invalidValue' });
  });

  it('an update deep-merges mapped attributes into the existing ones and leaves the path alone', async () => {
    const { deps } = setup([{ name: 'm', expression: 'return { attributes: { b: 2, list: ["y"] } }' }]);
    const existing = { attributes: { a: 1, list: ['x'] } } as unknown as ScimUserRecord;
    const f = await changedUserFields(deps, caller, { userName: 'u' }, existing);
    expect(f).toEqual({ username: 'u', isActive: true, attributes: { a: 1, b: 2, list: ['x', 'y'] } });
  });
});

describe('groups', () => {
  it('requires a displayName and reads members leniently', async () => {
    const { deps } = setup();
    await expect(groupFields(deps, caller, {}, null)).rejects.toMatchObject({ scimType: 'invalidValue' });
    expect(await groupFields(deps, caller, { displayName: 'G' }, null)).toEqual({ name: 'G', attributes: undefined });
    const id = 'AAAAAAAA-0000-4000-8000-000000000001';
    expect(memberIdsOf({ members: [{ value: id }, { Value: id }, { value: 'x' }, 3, null] })).toEqual([id.toLowerCase()]);
    expect(memberIdsOf({})).toBeUndefined();
    expect(memberIdsOf({ members: null })).toEqual([]);
    expect(() => memberIdsOf({ members: {} })).toThrow(ScimError);
  });
});

describe('withMappingErrors', () => {
  it('turns a MappingError into a SCIM 400 and records configuration_error', async () => {
    const { deps, state } = setup();
    await expect(
      withMappingErrors(deps, caller, async () => {
        throw new MappingError('broken', 'exception', 'boom');
      }),
    ).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(state.events).toEqual([
      expect.objectContaining({
        action: 'configuration_error',
        user: caller.actor,
        context: expect.objectContaining({ mapping: 'broken', source: 'Entra' }),
      }),
    ]);
    await expect(
      withMappingErrors(deps, caller, async () => {
        throw new Error('other');
      }),
    ).rejects.toThrow('other');
  });
});
