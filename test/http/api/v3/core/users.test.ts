import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../support/app.js';
import { missingRequiredKeys } from '../../../../support/client-models.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe('/api/v3/core/users/', () => {
  it('lists the bootstrap admin with every key the 2024.8 client requires', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/core/users/' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pagination).toEqual({ next: 0, previous: 0, count: 1, current: 1, total_pages: 1, start_index: 1, end_index: 1 });
    expect(body.results[0].username).toBe('akadmin');
    expect(body.results[0].is_superuser).toBe(true);
    expect(missingRequiredKeys('User', body.results[0])).toEqual([]);
  });

  it('rejects missing credentials with authentik’s 403 body', async () => {
    const res = await app.request({ method: 'GET', url: '/api/v3/core/users/', token: null });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
  });

  it('creates, updates and deletes a user', async () => {
    const created = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      payload: { username: 'alice', name: 'Alice', email: 'alice@example.com' },
    });
    expect(created.statusCode).toBe(201);
    const pk = created.json().pk;
    const patched = await app.request({ method: 'PATCH', url: `/api/v3/core/users/${pk}/`, payload: { name: 'Alice B.' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().name).toBe('Alice B.');
    const del = await app.request({ method: 'DELETE', url: `/api/v3/core/users/${pk}/` });
    expect(del.statusCode).toBe(204);
    const gone = await app.request({ method: 'GET', url: `/api/v3/core/users/${pk}/` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ detail: 'No User matches the given query.' });
  });

  it('answers validation errors in DRF shape', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload: { name: 'x', type: 'alien' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ username: ['This field is required.'], type: ['"alien" is not a valid choice.'] });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/v3/core/users/',
      payload: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/^JSON parse error/);
  });
});
