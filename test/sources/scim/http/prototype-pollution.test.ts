/**
 * Client-chosen attribute names must never reach an object prototype: `__proto__` (an own key
 * after JSON.parse) and `constructor.prototype` are refused by the parser, and the PATCH engine
 * itself only reads and writes own properties.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPatch, planGroupPatch } from '../../../../src/protocols/scim/index.js';
import { createTestApp, type TestApp } from '../../../support/app.js';
import { createScimSource, scimClient, type ScimCall } from './support.js';

const OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const polluted = () => (({}) as Record<string, unknown>).polluted;

/** JSON text with an own "__proto__" key, as an attacker would send it. */
const VECTORS = [
  `{"schemas":["${OP}"],"Operations":[{"op":"replace","path":"name","value":{"__proto__":{"polluted":"yes"}}}]}`,
  `{"schemas":["${OP}"],"Operations":[{"op":"add","value":{"name":{"__proto__":{"polluted":"yes"}}}}]}`,
  `{"schemas":["${OP}"],"Operations":[{"op":"add","path":"emails[type eq \\"work\\"]","value":{"__proto__":{"polluted":"yes"}}}]}`,
];

let app: TestApp;
let scim: ScimCall;
let source: { slug: string; key: string | null };
let userId = '';
let groupId = '';

beforeAll(async () => {
  app = await createTestApp();
  source = await createScimSource(app);
  scim = scimClient(app, source);
  userId = (await scim('POST', '/Users', { userName: 'proto', name: { givenName: 'P' }, emails: [{ value: 'p@x', type: 'work' }] })).body.id;
  groupId = (await scim('POST', '/Groups', { displayName: 'Proto' })).body.id;
});
afterAll(async () => app?.close());

describe('prototype pollution', () => {
  it.each(VECTORS)('the PATCH engine keeps %s on the document', (text) => {
    const doc = applyPatch({ userName: 'u', name: { givenName: 'g' }, emails: [{ value: 'a@b', type: 'work' }] }, JSON.parse(text));
    expect(polluted()).toBeUndefined();
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    planGroupPatch(JSON.parse(text));
    expect(polluted()).toBeUndefined();
  });

  it.each(VECTORS)('the SCIM server refuses %s with invalidSyntax', async (text) => {
    for (const path of [`/Users/${userId}`, `/Groups/${groupId}`]) {
      const res = await app.request({
        method: 'PATCH',
        url: `/source/scim/${source.slug}/v2${path}`,
        token: null,
        headers: { authorization: `Bearer ${source.key}`, 'content-type': 'application/scim+json' },
        payload: text,
      });
      expect(res.statusCode, path).toBe(400);
      expect(res.json().scimType).toBe('invalidSyntax');
    }
    expect(polluted()).toBeUndefined();
  });

  it('refuses constructor.prototype in a create', async () => {
    const res = await app.request({
      method: 'POST',
      url: `/source/scim/${source.slug}/v2/Users`,
      token: null,
      headers: { authorization: `Bearer ${source.key}`, 'content-type': 'application/scim+json' },
      payload: '{"userName":"ctor","constructor":{"prototype":{"polluted":"yes"}}}',
    });
    expect(res.statusCode).toBe(400);
    expect(polluted()).toBeUndefined();
  });
});
