/** /api/v3/flows/instances/ — flows addressed by slug, as sources reference them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { missingRequiredKeys } from '../../../support/client-models.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const req = (method: Method, path: string, payload?: object) =>
  app.request({ method, url: `/api/v3/flows/instances/${path}`, ...(payload ? { payload } : {}) });
const base = { name: 'Test flow', title: 'Welcome', designation: 'authentication' };

describe('bootstrap flows', () => {
  it('exist with their designations and the client’s Flow shape', async () => {
    const res = await req('GET', '?ordering=slug');
    expect(res.statusCode).toBe(200);
    const flows = res.json().results.filter((f: { slug: string }) => f.slug.startsWith('default-source-'));
    expect(flows.map((f: { slug: string; designation: string }) => [f.slug, f.designation])).toEqual([
      ['default-source-authentication', 'authentication'],
      ['default-source-enrollment', 'enrollment'],
      ['default-source-pre-authentication', 'stage_configuration'],
    ]);
    for (const f of flows) expect(missingRequiredKeys('Flow', f)).toEqual([]);
  });

  it('renders authentik’s derived fields', async () => {
    const res = await req('GET', 'default-source-enrollment/');
    expect(res.statusCode).toBe(200);
    const f = res.json();
    expect(f).toMatchObject({
      slug: 'default-source-enrollment',
      designation: 'enrollment',
      authentication: 'require_unauthenticated',
      policybindingmodel_ptr_id: f.pk,
      export_url: '/api/v3/flows/instances/default-source-enrollment/export/',
      background: '/static/dist/assets/images/flow_background.jpg',
      stages: [],
      policies: [],
      cache_count: 0,
      layout: 'stacked',
      denied_action: 'message_continue',
      policy_engine_mode: 'any',
      compatibility_mode: false,
    });
  });
});

describe('CRUD by slug', () => {
  it('creates, retrieves, patches (including the slug), puts and deletes', async () => {
    const created = await req('POST', '', { ...base, slug: 'fl-one', layout: 'content_left' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...base, slug: 'fl-one', layout: 'content_left', authentication: 'none' });
    expect(missingRequiredKeys('Flow', created.json())).toEqual([]);
    expect((await req('GET', 'fl-one/')).json()).toEqual(created.json());

    const patched = await req('PATCH', 'fl-one/', { title: 'Changed', slug: 'fl-one-renamed', denied_action: 'continue' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      pk: created.json().pk,
      slug: 'fl-one-renamed',
      title: 'Changed',
      denied_action: 'continue',
      export_url: '/api/v3/flows/instances/fl-one-renamed/export/',
    });
    expect((await req('GET', 'fl-one/')).statusCode).toBe(404);

    const put = await req('PUT', 'fl-one-renamed/', { ...base, slug: 'fl-one-renamed', designation: 'enrollment' });
    expect(put.json()).toMatchObject({ designation: 'enrollment', title: 'Welcome' });
    const partialPut = await req('PUT', 'fl-one-renamed/', { name: 'x' });
    expect(partialPut.statusCode).toBe(400);
    expect(partialPut.json()).toEqual({
      slug: ['This field is required.'],
      title: ['This field is required.'],
      designation: ['This field is required.'],
    });

    expect((await req('DELETE', 'fl-one-renamed/')).statusCode).toBe(204);
    const gone = await req('GET', 'fl-one-renamed/');
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ detail: 'No Flow matches the given query.' });
  });

  it('lists with designation and slug filters, search and ordering', async () => {
    await req('POST', '', { ...base, slug: 'fl-list-b', designation: 'recovery', name: 'Beta' });
    await req('POST', '', { ...base, slug: 'fl-list-a', designation: 'recovery', name: 'Alpha' });
    const byDesignation = (await req('GET', '?designation=recovery&ordering=-slug')).json();
    expect(byDesignation.pagination.count).toBe(2);
    expect(byDesignation.results.map((f: { slug: string }) => f.slug)).toEqual(['fl-list-b', 'fl-list-a']);
    expect((await req('GET', '?slug=fl-list-a')).json().results.map((f: { name: string }) => f.name)).toEqual(['Alpha']);
    expect((await req('GET', '?search=BETA')).json().results.map((f: { slug: string }) => f.slug)).toEqual(['fl-list-b']);
    expect((await req('GET', '?ordering=name&search=fl-list')).json().results.map((f: { name: string }) => f.name)).toEqual(['Alpha', 'Beta']);
  });
});

describe('validation', () => {
  it('requires name, slug, title and designation', async () => {
    const res = await req('POST', '', {});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      name: ['This field is required.'],
      slug: ['This field is required.'],
      title: ['This field is required.'],
      designation: ['This field is required.'],
    });
  });

  it('rejects an invalid designation and other invalid choices', async () => {
    const res = await req('POST', '', { ...base, slug: 'fl-bad', designation: 'x', layout: 'diagonal', policy_engine_mode: 'some' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      designation: ['"x" is not a valid choice.'],
      layout: ['"diagonal" is not a valid choice.'],
      policy_engine_mode: ['"some" is not a valid choice.'],
    });
  });

  it('rejects a duplicate slug on create and on rename', async () => {
    const dup = await req('POST', '', { ...base, slug: 'default-source-authentication' });
    expect(dup.statusCode).toBe(400);
    expect(dup.json()).toEqual({ slug: ['flow with this slug already exists.'] });
    await req('POST', '', { ...base, slug: 'fl-rename' });
    const rename = await req('PATCH', 'fl-rename/', { slug: 'default-source-enrollment' });
    expect(rename.statusCode).toBe(400);
    expect(rename.json()).toEqual({ slug: ['flow with this slug already exists.'] });
  });

  it('rejects malformed and overlong slugs', async () => {
    const bad = await req('POST', '', { ...base, slug: 'not a slug!' });
    expect(bad.json()).toEqual({ slug: ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'] });
    const long = await req('POST', '', { ...base, slug: 's'.repeat(51) });
    expect(long.json()).toEqual({ slug: ['Ensure this field has no more than 50 characters.'] });
  });

  it('ignores read-only fields in the body', async () => {
    const res = await req('POST', '', {
      ...base,
      slug: 'fl-ro',
      pk: '11111111-1111-4111-8111-111111111111',
      cache_count: 99,
      stages: ['x'],
      export_url: 'evil',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ cache_count: 0, stages: [], export_url: '/api/v3/flows/instances/fl-ro/export/' });
    expect(res.json().pk).not.toBe('11111111-1111-4111-8111-111111111111');
  });
});
