import { describe, it, expect } from 'vitest';
import { parseFilter } from '../../../src/protocols/scim/filter-parser.js';
import { filterToPredicate, FALSE } from '../../../src/protocols/scim/filter-query.js';
import type { Predicate } from '../../../src/protocols/scim/filter-query.js';
import { GROUP_FILTER_SCHEMA, USER_FILTER_SCHEMA } from '../../../src/protocols/scim/attribute-maps.js';
import { expectScimError } from './helpers.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const UUID = '2819c223-7f76-453a-919d-413861904646';
const user = (f: string) => filterToPredicate(parseFilter(f), USER_FILTER_SCHEMA);
const group = (f: string) => filterToPredicate(parseFilter(f), GROUP_FILTER_SCHEMA);

describe('filterToPredicate: Users', () => {
  it('maps core attributes to storage fields with their case sensitivity', () => {
    expect(user('userName eq "bjensen"')).toEqual({
      kind: 'cmp',
      field: 'username',
      type: 'string',
      op: 'eq',
      value: 'bjensen',
      caseExact: false,
    });
    expect(user('externalId eq "E1"')).toMatchObject({ field: 'external_id', caseExact: true });
    expect(user('displayName co "Bar"')).toMatchObject({ field: 'name', op: 'co' });
    expect(user('name.formatted sw "Bar"')).toMatchObject({ field: 'name', op: 'sw' });
    expect(user('active eq false')).toMatchObject({ field: 'is_active', type: 'boolean', value: false });
  });

  it('is case-insensitive in attribute names and strips the core schema URN', () => {
    expect(user('USERNAME eq "a"')).toMatchObject({ field: 'username' });
    expect(user('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toMatchObject({ field: 'username' });
  });

  it('maps emails / emails.value to ANY element of emails, like emails[value …] (RFC 7644 §3.4.2.2)', () => {
    const value = (op: string, v: string) => ({ kind: 'cmp', field: 'value', type: 'string', op, value: v, caseExact: false });
    expect(user('emails co "example.com"')).toEqual({ kind: 'elem', field: '/emails', where: value('co', 'example.com') });
    expect(user('emails.value eq "a@b"')).toEqual({ kind: 'elem', field: '/emails', where: value('eq', 'a@b') });
    expect(user('emails.value eq "a@b"')).toEqual(user('emails[value eq "a@b"]'));
    expect(user('emails pr')).toEqual({ kind: 'elem', field: '/emails', where: { kind: 'present', field: 'value', type: 'string' } });
  });

  it('maps payload attributes to JSON Pointers (URNs with dots stay one segment)', () => {
    expect(user('name.familyName eq "Jensen"')).toMatchObject({ field: '/name/familyName', type: 'json' });
    expect(user(`${ENT}:employeeNumber eq "7"`)).toMatchObject({ field: `/${ENT}/employeeNumber`, type: 'json' });
    expect(user(`${ENT}:manager eq "m"`)).toMatchObject({ field: `/${ENT}/manager/value` });
  });

  it('turns value paths into one elem predicate over the SAME element', () => {
    expect(user('emails[type eq "work" and primary eq true].value co "x"')).toEqual({
      kind: 'elem',
      field: '/emails',
      where: {
        kind: 'and',
        items: [
          {
            kind: 'and',
            items: [
              { kind: 'cmp', field: 'type', type: 'string', op: 'eq', value: 'work', caseExact: false },
              { kind: 'cmp', field: 'primary', type: 'boolean', op: 'eq', value: true, caseExact: false },
            ],
          },
          { kind: 'cmp', field: 'value', type: 'string', op: 'co', value: 'x', caseExact: false },
        ],
      },
    });
  });

  it('uses elem for sub-attributes of multi-valued payload attributes without brackets', () => {
    expect(user('emails.type eq "work"')).toEqual({
      kind: 'elem',
      field: '/emails',
      where: { kind: 'cmp', field: 'type', type: 'string', op: 'eq', value: 'work', caseExact: false },
    });
  });

  it('rewrites a value filter on a single-valued complex attribute to plain paths', () => {
    expect(user('name[givenName eq "B" and familyName eq "J"]')).toEqual({
      kind: 'and',
      items: [
        { kind: 'cmp', field: '/name/givenName', type: 'json', op: 'eq', value: 'B', caseExact: false },
        { kind: 'cmp', field: '/name/familyName', type: 'json', op: 'eq', value: 'J', caseExact: false },
      ],
    });
  });

  it('keeps logic structure and translates not', () => {
    const p = user('userName eq "a" or not (active eq true) and title pr');
    expect(p).toEqual({
      kind: 'or',
      items: [
        expect.objectContaining({ field: 'username' }),
        {
          kind: 'and',
          items: [
            { kind: 'not', item: expect.objectContaining({ field: 'is_active' }) },
            { kind: 'present', field: '/title', type: 'json' },
          ],
        },
      ],
    } as unknown as Predicate);
  });

  it('normalises date-times and validates their operators', () => {
    expect(user('meta.lastModified gt "2011-05-13T06:42:34+02:00"')).toMatchObject({
      field: 'last_modified',
      type: 'datetime',
      op: 'gt',
      value: '2011-05-13T04:42:34.000Z',
    });
    expectScimError(() => user('meta.created gt "yesterday"'), 'invalidFilter');
    expectScimError(() => user('meta.created co "2011"'), 'invalidFilter');
  });

  it('handles null comparisons as presence tests', () => {
    expect(user('title eq null')).toEqual({ kind: 'not', item: { kind: 'present', field: '/title', type: 'json' } });
    expect(user('userName ne null')).toEqual({ kind: 'present', field: 'username', type: 'string' });
  });

  it('handles ids: lower-cases valid UUIDs, malformed ones cannot match', () => {
    expect(user(`id eq "${UUID.toUpperCase()}"`)).toMatchObject({ field: 'uuid', type: 'uuid', value: UUID });
    expect(user('id eq "not-a-uuid"')).toEqual(FALSE);
    expect(user('id ne "not-a-uuid"')).toEqual({ kind: 'present', field: 'uuid', type: 'uuid' });
    expectScimError(() => user(`id gt "${UUID}"`), 'invalidFilter');
  });

  it('rejects unknown attributes and type mismatches with invalidFilter', () => {
    expect(expectScimError(() => user('favouriteColour eq "blue"'), 'invalidFilter').detail).toMatch(/favouriteColour/);
    expectScimError(() => user('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"'), 'invalidFilter');
    expectScimError(() => user('emails[foo eq "x"]'), 'invalidFilter');
    expectScimError(() => user('active eq "true"'), 'invalidFilter');
    expectScimError(() => user('active gt 1'), 'invalidFilter');
    expectScimError(() => user('userName eq 5'), 'invalidFilter');
  });
});

describe('filterToPredicate: Groups', () => {
  it('maps displayName, externalId and meta', () => {
    expect(group('displayName eq "Admins"')).toMatchObject({ field: 'name', op: 'eq', value: 'Admins' });
    expect(group('externalId eq "x"')).toMatchObject({ field: 'external_id', caseExact: true });
    expect(group('meta.created ge "2020-01-01T00:00:00Z"')).toMatchObject({ field: 'created', op: 'ge' });
  });

  it('maps members / members.value / members[value eq] to an elem over the membership', () => {
    const expected = {
      kind: 'elem',
      field: 'members',
      where: { kind: 'cmp', field: 'value', type: 'uuid', op: 'eq', value: UUID, caseExact: false },
    };
    expect(group(`members eq "${UUID}"`)).toEqual(expected);
    expect(group(`members.value eq "${UUID}"`)).toEqual(expected);
    expect(group(`members[value eq "${UUID}"]`)).toEqual(expected);
    expect(group('members pr')).toEqual({
      kind: 'elem',
      field: 'members',
      where: { kind: 'present', field: 'value', type: 'uuid' },
    });
    expect(group('members[value eq "junk"]')).toEqual({ kind: 'elem', field: 'members', where: FALSE });
  });

  it('rejects user attributes on groups', () => {
    expectScimError(() => group('userName eq "x"'), 'invalidFilter');
  });
});
