import { describe, it, expect } from 'vitest';
import { parseFilter, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from '../../../src/protocols/scim/filter-parser.js';
import { ScimError } from '../../../src/protocols/scim/errors.js';
import { ProtocolError } from '../../../src/errors/index.js';
import { expectScimError } from './helpers.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const cmp = (name: string, op: string, value: unknown, extra: Record<string, string> = {}) => ({
  type: 'compare',
  path: { ...extra, name },
  op,
  value,
});

describe('parseFilter: attribute expressions', () => {
  it('parses each comparison operator, case-insensitively', () => {
    for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
      expect(parseFilter(`title ${op} "x"`)).toEqual(cmp('title', op, 'x'));
      expect(parseFilter(`title ${op.toUpperCase()} "x"`)).toEqual(cmp('title', op, 'x'));
    }
  });

  it('parses pr', () => {
    expect(parseFilter('title pr')).toEqual({ type: 'present', path: { name: 'title' } });
    expect(parseFilter('title PR')).toEqual({ type: 'present', path: { name: 'title' } });
  });

  it('parses literals: JSON strings with escapes, numbers, true/false/null in any case', () => {
    expect(parseFilter('a eq "q\\"uote\\\\ \\u00e9\\n"')).toEqual(cmp('a', 'eq', 'q"uote\\ é\n'));
    expect(parseFilter('a eq 42')).toEqual(cmp('a', 'eq', 42));
    expect(parseFilter('a gt -1.5e3')).toEqual(cmp('a', 'gt', -1500));
    expect(parseFilter('a eq 0')).toEqual(cmp('a', 'eq', 0));
    expect(parseFilter('a eq true')).toEqual(cmp('a', 'eq', true));
    expect(parseFilter('a eq False')).toEqual(cmp('a', 'eq', false));
    expect(parseFilter('a eq NULL')).toEqual(cmp('a', 'eq', null));
    expect(parseFilter('a eq ""')).toEqual(cmp('a', 'eq', ''));
  });

  it('keeps attribute spelling and parses sub-attributes', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toEqual({
      type: 'compare',
      path: { name: 'name', sub: 'familyName' },
      op: 'co',
      value: "O'Malley",
    });
    expect(parseFilter('members.$ref pr')).toEqual({ type: 'present', path: { name: 'members', sub: '$ref' } });
  });

  it('parses schema-URN-prefixed paths; the URN ends at the last colon even though it contains dots', () => {
    expect(parseFilter(`${ENT}:employeeNumber eq "701984"`)).toEqual(cmp('employeeNumber', 'eq', '701984', { uri: ENT }));
    expect(parseFilter(`${ENT}:manager.value eq "26118915"`)).toEqual({
      type: 'compare',
      path: { uri: ENT, name: 'manager', sub: 'value' },
      op: 'eq',
      value: '26118915',
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr')).toEqual({
      type: 'present',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'name', sub: 'familyName' },
    });
  });

  it('tolerates extra whitespace', () => {
    expect(parseFilter('  userName   eq   "a"  ')).toEqual(cmp('userName', 'eq', 'a'));
  });
});

describe('parseFilter: logical structure', () => {
  const a = cmp('a', 'eq', 1);
  const b = cmp('b', 'eq', 2);
  const c = cmp('c', 'eq', 3);

  it('and binds tighter than or (both orders)', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      type: 'logical',
      op: 'or',
      filters: [a, { type: 'logical', op: 'and', filters: [b, c] }],
    });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({
      type: 'logical',
      op: 'or',
      filters: [{ type: 'logical', op: 'and', filters: [a, b] }, c],
    });
  });

  it('flattens chains into n-ary nodes', () => {
    expect(parseFilter('a eq 1 and b eq 2 AND c eq 3')).toEqual({ type: 'logical', op: 'and', filters: [a, b, c] });
    expect(parseFilter('a eq 1 Or b eq 2 or c eq 3')).toEqual({ type: 'logical', op: 'or', filters: [a, b, c] });
  });

  it('parentheses override precedence', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({
      type: 'logical',
      op: 'and',
      filters: [{ type: 'logical', op: 'or', filters: [a, b] }, c],
    });
    expect(parseFilter('((a eq 1))')).toEqual(a);
  });

  it('parses not (…), with or without a space, any case', () => {
    expect(parseFilter('not (a eq 1)')).toEqual({ type: 'not', filter: a });
    expect(parseFilter('NOT(a eq 1 or b eq 2)')).toEqual({
      type: 'not',
      filter: { type: 'logical', op: 'or', filters: [a, b] },
    });
    expect(parseFilter('c eq 3 and not (a eq 1)')).toEqual({
      type: 'logical',
      op: 'and',
      filters: [c, { type: 'not', filter: a }],
    });
  });

  it('treats "not" without a following "(" as an attribute name', () => {
    expect(parseFilter('not eq "x"')).toEqual(cmp('not', 'eq', 'x'));
  });
});

describe('parseFilter: value paths', () => {
  it('parses attr[filter]', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      type: 'valuePath',
      path: { name: 'emails' },
      filter: { type: 'logical', op: 'and', filters: [cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')] },
    });
  });

  it('folds a trailing sub-attribute comparison into the SAME element filter', () => {
    expect(parseFilter('emails[type eq "work" and primary eq true].value co "x"')).toEqual({
      type: 'valuePath',
      path: { name: 'emails' },
      filter: {
        type: 'logical',
        op: 'and',
        filters: [{ type: 'logical', op: 'and', filters: [cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)] }, cmp('value', 'co', 'x')],
      },
    });
    expect(parseFilter('emails[type eq "work"].value pr')).toEqual({
      type: 'valuePath',
      path: { name: 'emails' },
      filter: { type: 'logical', op: 'and', filters: [cmp('type', 'eq', 'work'), { type: 'present', path: { name: 'value' } }] },
    });
  });

  it('combines value paths with logic, as in RFC 7644 §3.4.2.2 examples', () => {
    const f = parseFilter(
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    );
    expect(f.type).toBe('logical');
    if (f.type !== 'logical') return;
    expect(f.op).toBe('or');
    expect(f.filters[1]).toMatchObject({ type: 'valuePath', path: { name: 'ims' } });
  });

  it('accepts not and parentheses inside brackets, and URN-prefixed value paths', () => {
    expect(parseFilter('emails[not (type eq "home")]')).toEqual({
      type: 'valuePath',
      path: { name: 'emails' },
      filter: { type: 'not', filter: cmp('type', 'eq', 'home') },
    });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]')).toMatchObject({
      type: 'valuePath',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'emails' },
    });
  });
});

describe('parseFilter: errors are invalidFilter', () => {
  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['userName eq bjensen', /double-quoted/],
    ["userName eq 'bjensen'", /double quotes/],
    ['userName', /Expected an operator/],
    ['userName eq', /Expected a value/],
    ['userName xx "a"', /Expected an operator/],
    ['userName eq "a" and', /Expected an attribute/],
    ['userName eq "a" userName eq "b"', /Unexpected/],
    ['(userName eq "a"', /Expected "\)"/],
    ['userName eq "a")', /Unexpected/],
    ['emails[type eq "work"', /Expected "\]"/],
    ['emails[type eq "work"].value', /Expected an operator/],
    ['emails[type eq "work"]]', /Unexpected/],
    ['emails[addresses[type eq "x"]]', /Nested/],
    ['emails[name.familyName eq "x"]', /only sub-attribute names/],
    ['name.familyName[x eq "y"]', /top-level attribute/],
    ['a.b.c eq "x"', /Invalid attribute path/],
    ['1abc eq "x"', /Invalid number/],
    ['userName eq "unterminated', /Unterminated/],
    ['userName eq "bad \\q escape"', /not a valid JSON string/],
    ['userName eq 01', /Invalid number/],
    ['userName co 1', /needs a string/],
    ['active gt true', /string, number or date/],
    ['active lt null', /string, number or date/],
    ['userName eq "a" & x', /Unexpected character/],
    ['not a eq "x"', /Expected an operator/],
  ];
  for (const [input, detail] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const err = expectScimError(() => parseFilter(input), 'invalidFilter');
      expect(err.detail).toMatch(detail);
    });
  }

  it('is a ProtocolError for the scim protocol with status 400', () => {
    try {
      parseFilter('x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ProtocolError);
      expect(e).toBeInstanceOf(ScimError);
      expect((e as ScimError).protocol).toBe('scim');
      expect((e as ScimError).code).toBe('invalidFilter');
    }
  });

  it('rejects filters longer than the limit, but accepts one at the limit', () => {
    const atLimit = `a eq "${'x'.repeat(MAX_FILTER_LENGTH - 7)}"`;
    expect(atLimit.length).toBe(MAX_FILTER_LENGTH);
    expect(parseFilter(atLimit)).toMatchObject({ type: 'compare' });
    expectScimError(() => parseFilter(`${atLimit} `), 'invalidFilter');
  });

  it('limits nesting depth instead of overflowing the stack', () => {
    const nest = (n: number) => `${'('.repeat(n)}a eq 1${')'.repeat(n)}`;
    expect(parseFilter(nest(MAX_FILTER_DEPTH))).toEqual(cmp('a', 'eq', 1));
    expect(expectScimError(() => parseFilter(nest(MAX_FILTER_DEPTH + 1)), 'invalidFilter').detail).toMatch(/nesting/);
    expectScimError(() => parseFilter(`${'not ('.repeat(1000)}a eq 1${')'.repeat(1000)}`), 'invalidFilter');
  });

  it('handles long flat chains iteratively', () => {
    const chain = Array.from({ length: 300 }, (_, i) => `a eq ${i}`).join(' or ');
    const f = parseFilter(chain);
    expect(f.type === 'logical' && f.filters.length).toBe(300);
  });
});
