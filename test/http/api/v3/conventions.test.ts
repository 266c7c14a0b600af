/** API-wide conventions of authentik 2024.8 (Django REST framework): pagination, ordering, bodies, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  // 45 users under one path (for exact page numbers) and 60 more (to exceed the page-size cap).
  for (let i = 1; i <= 45; i++) await repos.users.create({ username: `page-${String(i).padStart(2, '0')}`, name: `Z ${46 - i}`, path: 'conv/paged' });
  for (let i = 1; i <= 60; i++) await repos.users.create({ username: `cap-${String(i).padStart(2, '0')}`, path: 'conv/cap' });
});
afterAll(async () => app?.close());

const get = (url: string) => app.request({ method: 'GET', url });
const usernames = (body: { results: Array<{ username: string }> }) => body.results.map((u) => u.username);

describe('pagination (Django paginator numbers)', () => {
  it('answers an empty list as page 1 of 1 with zero indexes', async () => {
    const res = await get('/api/v3/core/users/?username=nobody-at-all');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      pagination: { next: 0, previous: 0, count: 0, current: 1, total_pages: 1, start_index: 0, end_index: 0 },
      results: [],
    });
  });

  it('numbers 45 items in pages of 20', async () => {
    const p1 = (await get('/api/v3/core/users/?path=conv/paged&page_size=20')).json();
    expect(p1.pagination).toEqual({ next: 2, previous: 0, count: 45, current: 1, total_pages: 3, start_index: 1, end_index: 20 });
    expect(usernames(p1)).toEqual(Array.from({ length: 20 }, (_, i) => `page-${String(i + 1).padStart(2, '0')}`));
    const p2 = (await get('/api/v3/core/users/?path=conv/paged&page_size=20&page=2')).json();
    expect(p2.pagination).toEqual({ next: 3, previous: 1, count: 45, current: 2, total_pages: 3, start_index: 21, end_index: 40 });
    expect(usernames(p2)[0]).toBe('page-21');
    const p3 = (await get('/api/v3/core/users/?path=conv/paged&page_size=20&page=3')).json();
    expect(p3.pagination).toEqual({ next: 0, previous: 2, count: 45, current: 3, total_pages: 3, start_index: 41, end_index: 45 });
    expect(usernames(p3)).toEqual(['page-41', 'page-42', 'page-43', 'page-44', 'page-45']);
  });

  it('serves page=last as the last page', async () => {
    const res = await get('/api/v3/core/users/?path=conv/paged&page_size=20&page=last');
    expect(res.statusCode).toBe(200);
    expect(res.json().pagination).toEqual({ next: 0, previous: 2, count: 45, current: 3, total_pages: 3, start_index: 41, end_index: 45 });
    expect(res.json().results).toHaveLength(5);
    const empty = (await get('/api/v3/core/users/?username=nobody-at-all&page=last')).json();
    expect(empty.pagination).toEqual({ next: 0, previous: 0, count: 0, current: 1, total_pages: 1, start_index: 0, end_index: 0 });
  });

  it.each(['4', '0', '-1', 'abc', '1.5'])('answers page=%j with 404 Invalid page.', async (page) => {
    const res = await get(`/api/v3/core/users/?path=conv/paged&page_size=20&page=${page}`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'Invalid page.' });
  });

  it('treats an empty page parameter as page 1 (DRF: `page or 1`)', async () => {
    const res = await get('/api/v3/core/users/?path=conv/paged&page_size=20&page=');
    expect(res.statusCode).toBe(200);
    expect(res.json().pagination).toMatchObject({ current: 1, start_index: 1, end_index: 20 });
  });

  it('answers page 2 of an empty list with 404', async () => {
    const res = await get('/api/v3/core/users/?username=nobody-at-all&page=2');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'Invalid page.' });
  });

  it('caps page_size at 100', async () => {
    const body = (await get('/api/v3/core/users/?page_size=1000')).json();
    expect(body.results).toHaveLength(100);
    expect(body.pagination).toMatchObject({ count: 106, current: 1, total_pages: 2, next: 2, start_index: 1, end_index: 100 });
  });

  it.each(['0', 'abc', '-5', ''])('falls back to the default page size for page_size=%j', async (size) => {
    const body = (await get(`/api/v3/core/users/?path=conv/paged&page_size=${size}`)).json();
    expect(body.results).toHaveLength(20);
    expect(body.pagination).toMatchObject({ count: 45, total_pages: 3, end_index: 20 });
  });

  it('honours a small page size exactly', async () => {
    const body = (await get('/api/v3/core/users/?path=conv/paged&page_size=7&page=7')).json();
    expect(body.pagination).toEqual({ next: 0, previous: 6, count: 45, current: 7, total_pages: 7, start_index: 43, end_index: 45 });
  });
});

describe('ordering and search', () => {
  it('orders ascending and descending by username', async () => {
    const asc = usernames((await get('/api/v3/core/users/?path=conv/paged&ordering=username&page_size=3')).json());
    expect(asc).toEqual(['page-01', 'page-02', 'page-03']);
    const desc = usernames((await get('/api/v3/core/users/?path=conv/paged&ordering=-username&page_size=3')).json());
    expect(desc).toEqual(['page-45', 'page-44', 'page-43']);
  });

  it('orders by a second field', async () => {
    // name "Z 1" belongs to page-45 … "Z 45" to page-01; string order: "Z 1", "Z 10", "Z 11", …
    const byName = usernames((await get('/api/v3/core/users/?path=conv/paged&ordering=name&page_size=3')).json());
    expect(byName).toEqual(['page-45', 'page-36', 'page-35']);
    // conv/cap < conv/paged < users; within conv/cap by username descending.
    const byPathThenUsername = usernames((await get('/api/v3/core/users/?ordering=path,-username&page_size=2')).json());
    expect(byPathThenUsername).toEqual(['cap-60', 'cap-59']);
  });

  it('drops an unknown ordering field like DRF: 200 in the default order', async () => {
    const res = await get('/api/v3/core/users/?ordering=password');
    expect(res.statusCode).toBe(200);
    expect(usernames(res.json())).toEqual(usernames((await get('/api/v3/core/users/')).json()));
  });

  it('searches case-insensitively across username, name and email', async () => {
    const repos = app.ctx.store.repos;
    await repos.users.create({ username: 'Searchable-One', name: 'Ünïcode Náme', email: 'first.LAST@Example.org' });
    const one = async (term: string) => usernames((await get(`/api/v3/core/users/?search=${encodeURIComponent(term)}`)).json());
    expect(await one('searchable-ONE')).toEqual(['Searchable-One']);
    expect(await one('ünïcode')).toEqual(['Searchable-One']);
    expect(await one('last@example')).toEqual(['Searchable-One']);
    expect(await one('no such thing')).toEqual([]);
    // LIKE metacharacters are literal.
    expect(await one('%')).toEqual([]);
  });
});

describe('request bodies', () => {
  it('rejects a JSON list body with DRF’s non_field_errors', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload: [{ username: 'x', name: 'x' }] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  it('answers malformed JSON with 400 and a JSON parse error detail', async () => {
    for (const payload of ['{"username":', '{username: "x"}', "{'a': 1}", 'nul']) {
      const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().detail, payload).toMatch(/^JSON parse error/);
    }
  });

  it('answers a 2 MiB body with 413 and a clear detail', async () => {
    const payload = JSON.stringify({ username: 'huge', name: 'y'.repeat(2 * 1024 * 1024) });
    const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toMatch(/too large/i);
    expect(await app.ctx.store.repos.users.byUsername('huge')).toBeNull();
  });
});

describe('errors', () => {
  it.each(['/api/v3/no/such/', '/api/v3/core/nothing/', '/api/v3/core/users/1/nothing/'])(
    'answers unknown path %s with 404 Not found.',
    async (url) => {
      const res = await get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.' });
    },
  );

  it('answers a missing object with DRF’s 404 body', async () => {
    const res = await get('/api/v3/core/users/999999/');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: 'No User matches the given query.' });
    expect((await get('/api/v3/core/users/abc/')).json()).toEqual({ detail: 'No User matches the given query.' });
  });

  it('answers malformed ids in paths with 404, never a failed cast', async () => {
    for (const url of [
      '/api/v3/core/groups/------------------------------------/',
      '/api/v3/crypto/certificatekeypairs/a0eebc999c0b4ef8bb6d6bb9bd380a1-/',
      '/api/v3/core/users/99999999999/',
    ]) {
      const res = await app.request({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await app.request({ method: 'POST', url: '/api/v3/core/users/', payload: 'username=x', headers: { 'content-type': 'text/plain' } });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ detail: 'Unsupported media type "text/plain" in request.', code: 'unsupported_media_type' });
  });

  it('answers a method the endpoint does not serve with 405', async () => {
    const res = await app.request({ method: 'PUT', url: '/api/v3/core/users/', payload: {} });
    expect(res.statusCode).toBe(405);
    expect(res.json()).toEqual({ detail: 'Method "PUT" not allowed.' });
  });
});

describe('response shapes', () => {
  it('serves list items and single objects with every key the client requires', async () => {
    const list = (await get('/api/v3/core/users/?path=conv/paged&page_size=3')).json();
    expect(missingRequiredKeys('Pagination', list.pagination)).toEqual([]);
    for (const u of list.results) expect(missingRequiredKeys('User', u)).toEqual([]);
    const one = await get(`/api/v3/core/users/${list.results[0].pk}/`);
    expect(missingRequiredKeys('User', one.json())).toEqual([]);
    expect(one.headers['content-type']).toMatch(/^application\/json/);
  });
});
