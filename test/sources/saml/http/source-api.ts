/**
 * SAML sources for route tests, created through the admin API (its wire shapes are authentik's
 * and do not change with our storage), with the default source flows.
 */
import { expect } from 'vitest';
import type { TestApp } from '../../../support/app.js';

async function flowPk(app: TestApp, slug: string): Promise<string> {
  const res = await app.request({ method: 'GET', url: `/api/v3/flows/instances/${slug}/` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ pk: string }>().pk;
}

/** `fields` are admin-API fields (`sso_url`, `binding_type`, `verification_kp`, …). */
export async function createSamlSourceViaApi(app: TestApp, slug: string, fields: Record<string, unknown>): Promise<{ pk: string }> {
  const res = await app.request({
    method: 'POST',
    url: '/api/v3/sources/saml/',
    payload: {
      name: `SAML ${slug}`,
      slug,
      pre_authentication_flow: await flowPk(app, 'default-source-pre-authentication'),
      authentication_flow: await flowPk(app, 'default-source-authentication'),
      enrollment_flow: await flowPk(app, 'default-source-enrollment'),
      ...fields,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ pk: string }>();
}
