import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('/api/v3/sources/scim/', () => {
  it('creates a SCIM source with its service account and token', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/sources/scim/', payload: { name: 'SCIM One', slug: 'scim-one' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(missingRequiredKeys('SCIMSource', body)).toEqual([]);
    expect(body.root_url).toBe('http://testserver/source/scim/scim-one/v2');
    expect(body.token_obj.identifier).toBe(`ak-source-scim-${body.pk}`);
    expect(body.token_obj.user_obj.username).toBe(`ak-source-scim-${body.pk}`);
    expect(body.token_obj.user_obj.type).toBe('internal_service_account');
    expect(body.token_obj.user_obj.name).toBe('SCIM Source SCIM One Service-Account');
    expect(body.token_obj.user_obj.path).toBe('goauthentik.io/sources/scim');
    expect(body.token_obj.managed).toBe(`goauthentik.io/sources/scim/${body.pk}`);
    expect(body.token_obj.intent).toBe('api');
    expect(body.token_obj.expiring).toBe(false);
    console.log(JSON.stringify(body, null, 1));
  });
});
