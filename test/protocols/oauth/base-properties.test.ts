/**
 * Base properties are copied out of the IdP's JSON profile: a profile with an own `__proto__`
 * key (what JSON.parse produces for `"__proto__": {...}`) must stay data, never become the
 * properties' prototype — an inherited `email` would otherwise look like one the IdP sent.
 */
import { describe, expect, it } from 'vitest';
import { extractIdentity } from '../../../src/protocols/oauth/index.js';
import { at, rawProperties, wechatProperties } from '../../../src/protocols/oauth/base-properties.js';

const HOSTILE = '{"id": "m-1", "sub": "mallory", "__proto__": {"email": "victim@example.com", "email_verified": true, "username": "admin"}}';

describe('base properties from a profile with an own __proto__ key', () => {
  it('generic type: the raw profile is copied as own properties only', () => {
    const properties = rawProperties(JSON.parse(HOSTILE) as Record<string, unknown>);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(properties.email).toBeUndefined();
    expect(properties.username).toBeUndefined();
    expect(Object.hasOwn(properties, '__proto__')).toBe(true);
  });

  it('extractIdentity of the generic type inherits nothing either', () => {
    const { properties } = extractIdentity('made-up', JSON.parse(HOSTILE) as Record<string, unknown>);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect('email' in properties).toBe(false);
    expect(properties.sub).toBe('mallory');
  });

  it('wechat attributes are own data properties', () => {
    const properties = wechatProperties(JSON.parse('{"openid": "o", "city": "X", "__proto__": {"country": "Y"}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(properties.attributes)).toBe(Object.prototype);
    expect(properties.attributes).toEqual({ city: 'X', openid: 'o' });
  });

  it('nested reads only see own properties', () => {
    const profile = JSON.parse('{"data": {"__proto__": {"email": "victim@example.com"}}}') as Record<string, unknown>;
    expect(at(profile, 'data', 'email')).toBeUndefined();
    expect(at({ data: {} }, 'data', 'constructor')).toBeUndefined();
    expect(at({ data: { attributes: { email: 'e@x' } } }, 'data', 'attributes', 'email')).toBe('e@x');
  });
});
