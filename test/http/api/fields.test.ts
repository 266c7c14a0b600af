import { describe, expect, it } from 'vitest';
import { coerceField, isValidUrl, validateBody } from '../../../src/http/api/fields.js';
import { ValidationError } from '../../../src/errors/index.js';

describe('isValidUrl (Django URLValidator semantics)', () => {
  it.each(['https://idp.example/sso', 'http://127.0.0.1:8080/x?y=1', 'ftp://files.example/'])('accepts %s', (u) => {
    expect(isValidUrl(u)).toBe(true);
  });
  it.each(['ftp:/nothing', 'https:idp.example', 'javascript:alert(1)', 'file:///etc/passwd', '//idp.example', 'idp.example', 'https://'])(
    'refuses %s',
    (u) => {
      expect(isValidUrl(u)).toBe(false);
    },
  );
});

describe('coerceField', () => {
  it('trims strings and applies max length after trimming', () => {
    expect(coerceField({ type: 'string', maxLength: 3 }, '  abc  ')).toEqual({ ok: true, value: 'abc' });
    expect(coerceField({ type: 'string', maxLength: 3 }, 'abcd')).toEqual({
      ok: false,
      errors: ['Ensure this field has no more than 3 characters.'],
    });
  });
  it('reports the first bad list item with DRF’s message', () => {
    expect(coerceField({ type: 'list', items: { type: 'integer' } }, [1, 'x'])).toEqual({ ok: false, errors: ['A valid integer is required.'] });
  });
});

describe('validateBody', () => {
  it('collects every field error at once and ignores read-only and unknown keys', () => {
    const serializer = {
      pk: { type: 'integer' as const, readOnly: true },
      name: { type: 'string' as const, required: true },
      url: { type: 'url' as const },
    };
    try {
      validateBody(serializer, { pk: 'x', url: 'ftp:/nothing', extra: 1 }, 'create');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fields).toEqual({ name: ['This field is required.'], url: ['Enter a valid URL.'] });
    }
    expect(validateBody(serializer, { name: 'n' }, 'partial')).toEqual({ name: 'n' });
  });
});
