/** Discovery documents (RFC 7644 §4) describe exactly what this server supports. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, ENTERPRISE, ERROR_SCHEMA, GROUP_SCHEMA, scimClient, USER_SCHEMA, type ScimCall } from './support.js';

let app: TestApp;
let scim: ScimCall;
let base = '';

beforeAll(async () => {
  app = await createTestApp();
  const source = await createScimSource(app);
  scim = scimClient(app, source);
  base = `http://testserver/source/scim/${source.slug}/v2`;
});
afterAll(async () => app?.close());

describe('SCIM discovery', () => {
  it('the base URL answers the hint message, with or without a trailing slash, for any method', async () => {
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/'],
      ['POST', ''],
    ] as const) {
      const r = await scim(method, path, method === 'POST' ? {} : undefined);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ message: 'Use this base-URL with a SCIM-compatible system.' });
    }
  });

  it('ServiceProviderConfig advertises filter + patch only', async () => {
    const r = await scim('GET', '/ServiceProviderConfig');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(r.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken', primary: true })],
      meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
    });
    // What it calls unsupported answers 501 (RFC 7644 §3.12), not 404.
    expect((await scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] })).body).toMatchObject({
      schemas: [ERROR_SCHEMA],
      status: '501',
    });
  });

  it('maxResults is enforced: count above it is lowered', async () => {
    for (let i = 0; i < 3; i++) await scim('POST', '/Users', { userName: `u${i}` });
    const r = await scim('GET', '/Users?count=100000');
    expect(r.body.itemsPerPage).toBe(3);
  });

  it('ResourceTypes lists User (with the enterprise extension) and Group', async () => {
    const r = await scim('GET', '/ResourceTypes');
    expect(r.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
    });
    const byId = Object.fromEntries(r.body.Resources.map((t: { id: string }) => [t.id, t]));
    expect(byId.User).toMatchObject({ endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: ENTERPRISE, required: false }] });
    expect(byId.Group).toMatchObject({ endpoint: '/Groups', schema: GROUP_SCHEMA, meta: { location: `${base}/ResourceTypes/Group` } });
    expect((await scim('GET', '/ResourceTypes/User')).body.id).toBe('User');
  });

  it('Schemas lists the core User, enterprise User and Group schemas, each addressable by URN', async () => {
    const r = await scim('GET', '/Schemas');
    expect(r.body.Resources.map((s: { id: string }) => s.id).sort()).toEqual([ENTERPRISE, GROUP_SCHEMA, USER_SCHEMA].sort());
    const user = await scim('GET', `/Schemas/${USER_SCHEMA}`);
    expect(user.status).toBe(200);
    expect(user.body.meta.location).toBe(`${base}/Schemas/${USER_SCHEMA}`);
    expect(user.body.attributes.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['userName', 'emails', 'active']));
  });

  it('unknown resource types, schemas and paths are SCIM 404s', async () => {
    for (const path of ['/ResourceTypes/Nope', '/Schemas/urn:nope', '/Nope', '/Users/x/y', '/Groups/x/y', '/Bulkx']) {
      const r = await scim('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body, path).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    }
  });

  it('uses the configured public URL for meta.location', async () => {
    const created = await scim('POST', '/Users', { userName: 'located' });
    expect(created.body.meta.location).toBe(`${base}/Users/${created.body.id}`);
  });
});
