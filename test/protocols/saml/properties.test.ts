import { describe, expect, it } from 'vitest';
import { GROUP_CLAIM, samlGroupProperties, samlPropertiesFromAssertion } from '../../../src/protocols/saml/properties.js';
import { setup, validate } from './helpers.js';

describe('SAML base user properties', () => {
  it('maps attributes, renames the Group claim to groups, flattens single values, username = NameID', () => {
    const props = samlPropertiesFromAssertion({
      nameId: 'jdoe@example.test',
      attributes: { email: ['jdoe@example.test'], [GROUP_CLAIM]: ['admins'], mail: ['a', 'b'], empty: [], username: ['spoofed'] },
    });
    expect(props).toEqual({ email: 'jdoe@example.test', groups: ['admins'], mail: ['a', 'b'], empty: [], username: 'jdoe@example.test' });
  });

  it('omits groups when the claim is absent and keeps multi-value groups as a list', () => {
    expect(samlPropertiesFromAssertion({ nameId: 'x', attributes: {} })).toEqual({ username: 'x' });
    expect(samlPropertiesFromAssertion({ nameId: 'x', attributes: { [GROUP_CLAIM]: ['a', 'b'] } }).groups).toEqual(['a', 'b']);
  });

  it('works end-to-end on a validated response, with the full (comment-split) NameID', async () => {
    const f = await setup();
    const result = await validate(f, {
      nameId: 'admin@example.test.evil.test',
      mutateAssertion: (x) => x.replace('admin@example.test.evil.test', 'admin@example.test<!--x-->.evil.test'),
    });
    expect(samlPropertiesFromAssertion(result)).toMatchObject({
      username: 'admin@example.test.evil.test',
      groups: ['admins', 'staff'],
      email: 'jdoe@example.test',
    });
  });

  it('base group properties', () => {
    expect(samlGroupProperties('admins')).toEqual({ name: 'admins' });
  });
});
