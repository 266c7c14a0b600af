import { describe, it, expect } from 'vitest';
import { parseFilter } from '../../../src/protocols/scim/filter-parser.js';
import { matchesFilter } from '../../../src/protocols/scim/filter-eval.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'Ext-42',
  userName: 'BJensen',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  title: '',
  active: true,
  age: 37,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  phoneNumbers: [],
  meta: { created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34.000Z' },
  [ENT]: { employeeNumber: '701984', manager: { value: '26118915' } },
};

const m = (filter: string, res: unknown = user) => matchesFilter(parseFilter(filter), res);

describe('matchesFilter', () => {
  it('compares attribute names case-insensitively and userName case-insensitively', () => {
    expect(m('USERNAME eq "bjensen"')).toBe(true);
    expect(m('userName sw "bje"')).toBe(true);
    expect(m('userName ew "SEN"')).toBe(true);
    expect(m('userName co "JEN"')).toBe(true);
    expect(m('userName eq "bjensen2"')).toBe(false);
  });

  it('treats id and externalId as caseExact (RFC 7643 §3.1)', () => {
    expect(m('externalId eq "Ext-42"')).toBe(true);
    expect(m('externalId eq "ext-42"')).toBe(false);
    expect(m('id eq "2819C223-7F76-453A-919D-413861904646"')).toBe(false);
  });

  it('lets the caller declare extra caseExact attributes', () => {
    const f = parseFilter('userName eq "bjensen"');
    expect(matchesFilter(f, user, { caseExact: new Set(['username']) })).toBe(false);
  });

  it('resolves sub-attributes and URN-qualified paths (core and extension)', () => {
    expect(m('name.familyName eq "jensen"')).toBe(true);
    expect(m('urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "Barbara"')).toBe(true);
    expect(m(`${ENT}:employeeNumber eq "701984"`)).toBe(true);
    expect(m(`${ENT}:manager.value eq "26118915"`)).toBe(true);
    expect(m(`${ENT}:employeeNumber eq "1"`)).toBe(false);
  });

  it('matches a multi-valued attribute when any value matches; complex values use `value`', () => {
    expect(m('emails.value ew "jensen.org"')).toBe(true);
    expect(m('emails co "example.com"')).toBe(true);
    expect(m('emails.type eq "home"')).toBe(true);
    expect(m('emails.type eq "other"')).toBe(false);
  });

  it('value filters evaluate the bracket and the trailing sub-attribute on the SAME element', () => {
    // scim2-parse-filter turns this into `emails[type eq "work"] and emails.value co "jensen.org"`,
    // which matches because the HOME address contains "jensen.org".
    expect(m('emails[type eq "work"].value co "jensen.org"')).toBe(false);
    expect(m('emails[type eq "home"].value co "jensen.org"')).toBe(true);
    expect(m('emails[type eq "work" and value co "jensen.org"]')).toBe(false);
    expect(m('emails[type eq "work" and primary eq true].value co "example"')).toBe(true);
    expect(m('emails[type eq "home" and primary eq true]')).toBe(false);
    expect(m('emails[not (type eq "work")].value sw "babs"')).toBe(true);
  });

  it('implements pr as present and non-empty', () => {
    expect(m('userName pr')).toBe(true);
    expect(m('title pr')).toBe(false); // ""
    expect(m('phoneNumbers pr')).toBe(false); // []
    expect(m('nickName pr')).toBe(false); // absent
    expect(m('emails pr')).toBe(true);
    expect(m(`${ENT}:manager pr`)).toBe(true);
    expect(m(`${ENT}:manager pr`, { [ENT]: { manager: {} } })).toBe(false);
    expect(m('x pr', { x: null })).toBe(false);
    expect(m('x pr', { x: false })).toBe(true);
  });

  it('compares numbers numerically and does not mix types', () => {
    expect(m('age gt 36')).toBe(true);
    expect(m('age ge 37')).toBe(true);
    expect(m('age lt 37')).toBe(false);
    expect(m('age le 37.0')).toBe(true);
    expect(m('age eq "37"')).toBe(false);
    expect(m('userName gt 1')).toBe(false);
  });

  it('orders strings case-insensitively and date-times as instants', () => {
    expect(m('userName gt "bjensem"')).toBe(true);
    expect(m('userName lt "BJENSEO"')).toBe(true);
    expect(m('meta.lastModified gt "2011-05-13T04:42:33Z"')).toBe(true);
    expect(m('meta.lastModified eq "2011-05-13T04:42:34Z"')).toBe(true);
    // Same instant in another zone: string compare would say "lt", instant compare says eq.
    expect(m('meta.created eq "2010-01-23T06:56:22+02:00"')).toBe(true);
    expect(m('meta.created lt "2010-01-23T06:56:23+02:00"')).toBe(true);
  });

  it('compares booleans, accepting stored "True"/"False" strings', () => {
    expect(m('active eq true')).toBe(true);
    expect(m('active ne true')).toBe(false);
    expect(m('active eq false', { active: 'False' })).toBe(true);
    expect(m('active eq true', { active: 'yes' })).toBe(false);
  });

  it('gives eq null / ne null absence semantics, and ne needs a value', () => {
    expect(m('nickName eq null')).toBe(true);
    expect(m('userName eq null')).toBe(false);
    expect(m('userName ne null')).toBe(true);
    expect(m('nickName ne "x"')).toBe(false);
    expect(m('userName ne "x"')).toBe(true);
  });

  it('applies and/or/not', () => {
    expect(m('userName eq "bjensen" and active eq true')).toBe(true);
    expect(m('userName eq "x" or (active eq true and age gt 30)')).toBe(true);
    expect(m('not (userName eq "bjensen")')).toBe(false);
    expect(m('not (nickName eq "x")')).toBe(true);
  });

  it('compares $ref sub-attributes case-sensitively', () => {
    const g = { members: [{ value: 'a', $ref: 'https://x/Users/A' }] };
    expect(m('members[$ref eq "https://x/Users/A"]', g)).toBe(true);
    expect(m('members[$ref eq "https://x/users/a"]', g)).toBe(false);
  });

  it('returns false for non-object resources', () => {
    expect(m('a pr', null)).toBe(false);
    expect(m('a pr', [{ a: 1 }])).toBe(false);
  });
});
