/** /api/v3/schema/ — the OpenAPI document describes exactly the operations that are served. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createTestApp, type TestApp } from '../../../support/app.js';

let app: TestApp;
let doc: { openapi: string; paths: Record<string, Record<string, { operationId: string; parameters?: Array<{ name: string; in: string }> }>> };
beforeAll(async () => {
  app = await createTestApp();
  doc = (await app.request({ method: 'GET', url: '/api/v3/schema/' })).json();
});
afterAll(async () => app?.close());

function operations(): Array<{ path: string; method: string; operationId: string }> {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, operationId: op.operationId })),
  );
}

describe('/api/v3/schema/', () => {
  it('serves an OpenAPI 3 JSON document', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/schema/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
  });

  it('names the operations the authentik client calls', () => {
    const ids = operations().map((o) => o.operationId);
    expect(ids).toEqual(
      expect.arrayContaining([
        'core_users_list',
        'core_users_create',
        'core_users_retrieve',
        'core_users_partial_update',
        'core_users_destroy',
        'core_users_me_retrieve',
        'core_groups_list',
        'core_groups_add_user_create',
        'core_tokens_list',
        'core_tokens_view_key_retrieve',
        'core_tokens_set_key_create',
        'flows_instances_list',
        'flows_instances_retrieve',
        'crypto_certificatekeypairs_list',
        'crypto_certificatekeypairs_generate_create',
        'crypto_certificatekeypairs_view_certificate_retrieve',
        'crypto_certificatekeypairs_view_private_key_retrieve',
      ]),
    );
  });

  it('uses each operationId once and declares every path parameter', () => {
    const ids = operations().map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, methods] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values(methods)) {
        const declared = (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        expect(declared, `${path} ${op.operationId}`).toEqual(inPath);
      }
    }
  });

  it('documents only routes that exist (every parameterless GET answers, not 404)', async () => {
    for (const { path, method, operationId } of operations()) {
      if (method !== 'get' || path.includes('{') || path === '/schema/') continue;
      const res = await app.request({ method: 'GET', url: `/api/v3${path}` });
      expect(res.statusCode, operationId).not.toBe(404);
    }
  });

  it('documents list query parameters', () => {
    const list = doc.paths['/core/users/'].get as { parameters: Array<{ name: string }> };
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['ordering', 'page', 'page_size', 'search', 'username', 'groups_by_pk']),
    );
  });

  it('serves the same document as YAML with ?format=yaml', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/schema/?format=yaml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/yaml/);
    expect(res.body).toMatch(/^openapi: ['"]?3\./m);
    expect(parseYaml(res.body)).toEqual(doc);
  });
});
