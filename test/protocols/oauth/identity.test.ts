import { describe, expect, it } from 'vitest';
import { extractIdentifier, extractIdentity, normaliseGroupClaim } from '../../../src/protocols/oauth/index.js';

describe('extractIdentifier', () => {
  it('stringifies numbers', () => {
    expect(extractIdentifier('github', { id: 583231 })).toBe('583231');
  });
  it('OIDC: sub, else id', () => {
    expect(extractIdentifier('openidconnect', { sub: 's', id: 'i' })).toBe('s');
    expect(extractIdentifier('openidconnect', { id: 'i' })).toBe('i');
    expect(extractIdentifier('twitch', { id: 7 })).toBe('7');
  });
  it('entraid: id, else sub', () => {
    expect(extractIdentifier('entraid', { id: 'i', sub: 's' })).toBe('i');
    expect(extractIdentifier('entraid', { sub: 's' })).toBe('s');
  });
  it('nested data.id for patreon and twitter', () => {
    expect(extractIdentifier('patreon', { data: { id: '9' } })).toBe('9');
    expect(extractIdentifier('twitter', { data: { id: '8' } })).toBe('8');
    expect(() => extractIdentifier('twitter', { id: '8' })).toThrow('Could not determine id.');
  });
  it('wechat: unionid, else openid', () => {
    expect(extractIdentifier('wechat', { unionid: 'u', openid: 'o' })).toBe('u');
    expect(extractIdentifier('wechat', { openid: 'o' })).toBe('o');
  });
  it.each([
    ['missing', {}],
    ['empty string', { id: '' }],
    ['null', { id: null }],
    ['object', { id: { nested: 1 } }],
    ['boolean', { id: true }],
  ])('%s id → "Could not determine id."', (_label, profile) => {
    expect(() => extractIdentifier('google', profile)).toThrow('Could not determine id.');
  });
  it('a present but unusable sub does not silently fall through to id', () => {
    expect(() => extractIdentifier('openidconnect', { sub: { x: 1 }, id: 'i' })).toThrow('Could not determine id.');
  });
});

describe('normaliseGroupClaim', () => {
  it('strings, objects reduced to id/value/sub, names from name/display/displayName', () => {
    expect(
      normaliseGroupClaim([
        'plain',
        { id: 'g1', name: 'Group One' },
        { value: 'g2', display: 'Group Two' },
        { sub: 'g3', displayName: 'Group Three' },
        { id: 'g4', value: 'ignored' },
        17,
      ]),
    ).toEqual({
      ids: ['plain', 'g1', 'g2', 'g3', 'g4', '17'],
      names: { plain: 'plain', g1: 'Group One', g2: 'Group Two', g3: 'Group Three', g4: 'g4', '17': '17' },
      dropped: 0,
    });
  });
  it('drops and counts entries without a usable id', () => {
    expect(normaliseGroupClaim([{ name: 'nameless' }, { id: { deep: 1 } }, true, ['x'], '', 'ok'])).toEqual({
      ids: ['ok'],
      names: { ok: 'ok' },
      dropped: 5,
    });
  });
  it('de-duplicates and accepts a single string', () => {
    expect(normaliseGroupClaim(['a', 'a', { id: 'a', name: 'A' }]).ids).toEqual(['a']);
    expect(normaliseGroupClaim('solo').ids).toEqual(['solo']);
    expect(normaliseGroupClaim(undefined)).toEqual({ ids: [], names: {}, dropped: 0 });
  });
});

describe('extractIdentity', () => {
  it('generic default type: raw profile as properties, groups normalised', () => {
    const identity = extractIdentity('made-up', { id: 5, email: 'x@y', custom: { a: 1 }, gone: null, groups: ['g', { id: 'h', name: 'H' }, {}] });
    expect(identity).toEqual({
      identifier: '5',
      properties: { id: 5, email: 'x@y', custom: { a: 1 }, groups: ['g', 'h'] },
      groupNames: { g: 'g', h: 'H' },
      droppedGroups: 1,
    });
  });
  it('types without a group claim never produce groups', () => {
    expect(extractIdentity('google', { id: '1', groups: ['a'] }).properties).not.toHaveProperty('groups');
  });
  it('github fallback email only fills a missing email', () => {
    expect(extractIdentity('github', { id: 1, login: 'l' }, { fallbackEmail: 'p@x' }).properties.email).toBe('p@x');
    expect(extractIdentity('github', { id: 1, email: 'pub@x' }, { fallbackEmail: 'p@x' }).properties.email).toBe('pub@x');
  });
  it('entra names from the profile step win over ids', () => {
    const profile = { id: 'u', raw_groups: { value: [{ '@odata.type': '#microsoft.graph.group', id: 'g' }] } };
    expect(extractIdentity('entraid', profile, { groupNames: { g: 'Gee' } }).groupNames).toEqual({ g: 'Gee' });
  });
  it('group ids that are Object.prototype member names get their own names', () => {
    const identity = extractIdentity('made-up', { id: 5, groups: ['constructor', 'toString', 'valueOf', 'staff'] });
    expect(identity.properties.groups).toEqual(['constructor', 'toString', 'valueOf', 'staff']);
    expect(identity.groupNames).toEqual({ constructor: 'constructor', toString: 'toString', valueOf: 'valueOf', staff: 'staff' });
    // Supplied names are read as own properties only: a plain {} has no name for "constructor".
    const profile = { id: 'u', raw_groups: { value: [{ '@odata.type': '#microsoft.graph.group', id: 'constructor', displayName: 'Builders' }] } };
    expect(extractIdentity('entraid', profile, { groupNames: {} }).groupNames).toEqual({ constructor: 'Builders' });
  });
  it('entra: mail wins over otherMails', () => {
    expect(extractIdentity('entraid', { id: 'u', mail: 'm@x', otherMails: ['o@x'] }).properties.email).toBe('m@x');
  });
});
