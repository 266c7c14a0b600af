import { describe, expect, it } from 'vitest';
import { samlPropertiesFromAssertion } from '../../../src/protocols/saml/index.js';

describe('SAML attribute names', () => {
  it('keeps an attribute called "__proto__" as a plain key, never as the prototype', () => {
    const props = samlPropertiesFromAssertion({
      nameId: 'n',
      attributes: JSON.parse('{"__proto__":["a","b"],"mail":["m@x"]}') as Record<string, string[]>,
    });
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(Object.keys(props)).toContain('__proto__');
    expect(props.mail).toBe('m@x');
  });
});
