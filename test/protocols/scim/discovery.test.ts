import { describe, it, expect } from 'vitest';
import { getResourceType, getSchema, listResourceTypes, listSchemas, serviceProviderConfig } from '../../../src/protocols/scim/discovery.js';

const BASE = 'https://id.example.com/source/scim/entra/v2';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Attr = { name: string; type: string; subAttributes?: Attr[]; [k: string]: unknown };

describe('serviceProviderConfig', () => {
  it('advertises patch and filter only, with the given maxResults and bearer auth', () => {
    expect(serviceProviderConfig({ baseUrl: BASE, maxResults: 250 })).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 250 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });
});

describe('resource types', () => {
  it('lists User (with the enterprise extension) and Group', () => {
    const list = listResourceTypes(BASE);
    expect(list.map((r) => r.id)).toEqual(['User', 'Group']);
    expect(list[0]).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'User Account',
      schema: USER,
      schemaExtensions: [{ schema: ENT, required: false }],
      meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
    });
    expect(list[1]).toMatchObject({ endpoint: '/Groups', schema: GROUP, schemaExtensions: [] });
  });

  it('looks up by id; unknown → undefined', () => {
    expect(getResourceType(BASE, 'group')?.id).toBe('Group');
    expect(getResourceType(BASE, 'Device')).toBeUndefined();
  });
});

describe('schemas', () => {
  it('lists core User, enterprise User and core Group with locations', () => {
    const list = listSchemas(BASE);
    expect(list.map((s) => s.id)).toEqual([USER, ENT, GROUP]);
    for (const s of list) expect(s.meta).toEqual({ resourceType: 'Schema', location: `${BASE}/Schemas/${String(s.id)}` });
  });

  it('defines the RFC 7643 §8.7.1 User attributes with full characteristics', () => {
    const user = getSchema(BASE, USER)!;
    const attrs = user.attributes as Attr[];
    expect(attrs.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
    expect(attrs[0]).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
    const byName = Object.fromEntries(attrs.map((a) => [a.name, a]));
    expect(byName.password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(byName.active).toMatchObject({ type: 'boolean' });
    expect(byName.active).not.toHaveProperty('caseExact');
    expect(byName.emails).toMatchObject({ type: 'complex', multiValued: true });
    expect(byName.emails.subAttributes!.map((a) => a.name)).toEqual(['value', 'display', 'type', 'primary']);
    expect(byName.groups).toMatchObject({ mutability: 'readOnly' });
    expect(byName.groups.subAttributes!.find((a) => a.name === '$ref')).toMatchObject({
      type: 'reference',
      referenceTypes: ['User', 'Group'],
    });
    expect(byName.x509Certificates.subAttributes![0]).toMatchObject({ type: 'binary' });
  });

  it('defines the enterprise extension and Group', () => {
    const ent = getSchema(BASE, ENT)!.attributes as Attr[];
    expect(ent.map((a) => a.name)).toEqual(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
    expect(ent[5].subAttributes!.map((a) => a.name)).toEqual(['value', '$ref', 'displayName']);
    const group = getSchema(BASE, GROUP.toLowerCase())!.attributes as Attr[];
    expect(group.map((a) => a.name)).toEqual(['displayName', 'members']);
    expect(group[1]).toMatchObject({ multiValued: true, type: 'complex' });
  });

  it('returns undefined for unknown URNs and fresh copies each time', () => {
    expect(getSchema(BASE, 'urn:nope')).toBeUndefined();
    const a = getSchema(BASE, USER)!;
    (a.attributes as Attr[]).pop();
    expect((getSchema(BASE, USER)!.attributes as Attr[]).length).toBe(21);
  });
});
