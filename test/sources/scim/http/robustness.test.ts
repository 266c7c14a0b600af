/** Odd input on every write endpoint: always a SCIM 4xx (or success), never a 500. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, ERROR_SCHEMA, patch, scimClient, type ScimCall } from './support.js';

let app: TestApp;
let scim: ScimCall;
let userId = '';
let groupId = '';

beforeAll(async () => {
  app = await createTestApp();
  scim = scimClient(app, await createScimSource(app));
  userId = (await scim('POST', '/Users', { userName: 'robust', emails: [{ value: 'r@x', type: 'work' }] })).body.id;
  groupId = (await scim('POST', '/Groups', { displayName: 'Robust' })).body.id;
});
afterAll(async () => app?.close());

let n = 0;
const deep = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: deep(depth - 1) });

const USER_BODIES: unknown[] = [
  null,
  0,
  true,
  'text',
  [],
  {},
  { userName: '' },
  { userName: null },
  { userName: ['a'] },
  { userName: { value: 'x' } },
  { userName: 'odd', name: 'flat string' },
  { userName: 'odd', name: { formatted: 5 } },
  { userName: 'odd', emails: [{ value: {} }] },
  { userName: 'odd', emails: [null, 1, 'x'] },
  { userName: 'odd', emails: {} },
  { userName: 'odd', active: {} },
  { userName: 'odd', active: 'yes' },
  { userName: 'odd', externalId: {} },
  { userName: 'odd', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': 'not an object' },
  { userName: 'odd', schemas: 'nope' },
  { userName: 'x'.repeat(10_000) },
  { userName: 'deep', payload: deep(200) },
  { userName: 'odd', __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
];

const PATCH_BODIES: unknown[] = [
  {},
  { schemas: 'x' },
  patch(null),
  patch('op'),
  patch({}),
  patch({ op: 1 }),
  patch({ op: 'add', path: 5, value: 1 }),
  patch({ op: 'add', path: '', value: 1 }),
  patch({ op: 'add', path: '[]', value: 1 }),
  patch({ op: 'add', path: 'emails[', value: 1 }),
  patch({ op: 'add', path: 'emails[type eq "work"].value.extra', value: 1 }),
  patch({ op: 'replace', path: 'emails', value: 'not a list' }),
  patch({ op: 'replace', path: 'active', value: 'maybe' }),
  patch({ op: 'replace', path: 'active', value: { nested: true } }),
  patch({ op: 'replace', path: 'userName', value: 42 }),
  patch({ op: 'replace', path: 'userName', value: null }),
  patch({ op: 'replace', value: 'not an object' }),
  patch({ op: 'add', value: { 'a.b.c.d': 1 } }),
  patch({ op: 'remove', path: 'members[value eq 5]' }),
  patch({ op: 'remove', path: 'members[display eq "x"]' }),
  patch({ op: 'add', path: 'members', value: 'all' }),
  patch({ op: 'add', path: 'members', value: [{ value: 12 }] }),
  patch({ op: 'add', path: 'members.value', value: 'x' }),
  patch({ op: 'replace', path: 'displayName', value: ['list'] }),
  patch({ op: 'add', path: 'urn:unknown:ext:Thing:attr', value: 1 }),
  patch(...Array.from({ length: 1001 }, () => ({ op: 'remove', path: 'nickName' }))),
];

function expectNo500(status: number, body: any, label: string) {
  expect(status, label).toBeLessThan(500);
  if (status >= 400) expect(body?.schemas, label).toEqual([ERROR_SCHEMA]);
}

describe('never a 500', () => {
  it('POST/PUT /Users and /Groups with odd bodies', async () => {
    for (const body of USER_BODIES) {
      const unique =
        body && typeof body === 'object' && !Array.isArray(body) && 'userName' in body && body.userName === 'odd'
          ? { ...body, userName: `odd-${n++}` }
          : body;
      const text = JSON.stringify(unique);
      for (const [m, path] of [
        ['POST', '/Users'],
        ['PUT', `/Users/${userId}`],
        ['POST', '/Groups'],
        ['PUT', `/Groups/${groupId}`],
      ] as const) {
        const r = await scim(m, path, text ?? 'null');
        expectNo500(r.status, r.body, `${m} ${path} ${text?.slice(0, 80)}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('PATCH /Users and /Groups with odd bodies', async () => {
    for (const body of PATCH_BODIES) {
      for (const path of [`/Users/${userId}`, `/Groups/${groupId}`]) {
        const r = await scim('PATCH', path, body);
        expectNo500(r.status, r.body, `PATCH ${path} ${JSON.stringify(body).slice(0, 80)}`);
      }
    }
  });

  it('odd query parameters', async () => {
    for (const q of [
      'filter=',
      'filter=%20',
      'count=99999999999999999999',
      'startIndex=-1',
      'startIndex=1e3',
      'attributes=',
      'excludedAttributes=urn:x:y',
      'attributes=emails[type]',
      'filter=members%5Bvalue%20eq%20%22x%22%5D',
      `filter=${encodeURIComponent('emails[type eq "work"] and emails[value co "r"]')}`,
    ]) {
      for (const path of ['/Users', '/Groups']) {
        const r = await scim('GET', `${path}?${q}`);
        expectNo500(r.status, r.body, `${path}?${q}`);
      }
    }
  });
});
