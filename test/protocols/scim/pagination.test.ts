import { describe, it, expect } from 'vitest';
import { parsePagination } from '../../../src/protocols/scim/pagination.js';
import { expectScimError } from './helpers.js';

const limits = { defaultCount: 100, maxCount: 500 };
const page = (q: { startIndex?: unknown; count?: unknown }) => parsePagination(q, limits);

describe('parsePagination (RFC 7644 §3.4.2.4)', () => {
  it('defaults to the first page of the default size', () => {
    expect(page({})).toEqual({ offset: 0, limit: 100, startIndex: 1 });
    expect(page({ startIndex: '', count: '' })).toEqual({ offset: 0, limit: 100, startIndex: 1 });
  });

  it('maps startIndex to an exact offset (authentik divides by the page size)', () => {
    expect(page({ startIndex: '51', count: '25' })).toEqual({ offset: 50, limit: 25, startIndex: 51 });
    expect(page({ startIndex: 7, count: 3 })).toEqual({ offset: 6, limit: 3, startIndex: 7 });
  });

  it('treats startIndex < 1 as 1 and negative count as 0', () => {
    expect(page({ startIndex: '0' })).toMatchObject({ offset: 0, startIndex: 1 });
    expect(page({ startIndex: '-5' })).toMatchObject({ offset: 0, startIndex: 1 });
    expect(page({ count: '-1' }).limit).toBe(0);
    expect(page({ count: '0' }).limit).toBe(0);
  });

  it('caps count at the maximum', () => {
    expect(page({ count: '100000' }).limit).toBe(500);
  });

  it('uses the last value of a repeated parameter', () => {
    expect(page({ count: ['5', '7'] }).limit).toBe(7);
  });

  it('rejects non-integers with invalidValue', () => {
    for (const bad of ['abc', '1.5', '1e3', '0x10', true, {}, 2.5]) {
      expectScimError(() => page({ count: bad }), 'invalidValue');
      expectScimError(() => page({ startIndex: bad }), 'invalidValue');
    }
  });

  it('keeps huge values safe integers', () => {
    const p = page({ startIndex: '99999999999999999999999' });
    expect(Number.isSafeInteger(p.offset)).toBe(true);
  });
});
