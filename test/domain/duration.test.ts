import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { InvalidDurationError, addDuration, durationToMs, formatDuration, parseDuration, validateDurationField } from '../../src/domain/duration.js';

describe('parseDuration', () => {
  it('parses the authentik default and combinations', () => {
    expect(parseDuration('days=1')).toEqual({ days: 1 });
    expect(parseDuration('hours=3;minutes=1')).toEqual({ hours: 3, minutes: 1 });
    expect(durationToMs('hours=3;minutes=1')).toBe(3 * 3_600_000 + 60_000);
  });

  it('accepts every unit, floats, exponents, case and whitespace', () => {
    expect(durationToMs(' Weeks = 1 ; days=0.5; HOURS=1;minutes=1;seconds=1.5;milliseconds=2;microseconds=500 ')).toBe(
      7 * 86_400_000 + 43_200_000 + 3_600_000 + 60_000 + 1500 + 2 + 0.5,
    );
    expect(durationToMs('seconds=1e3')).toBe(1_000_000);
    expect(durationToMs('minutes=.5')).toBe(30_000);
    expect(durationToMs('seconds=0')).toBe(0);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['days', /not unit=value/],
    ['days=1;', /not unit=value/],
    ['days=1=2', /not unit=value/],
    ['fortnights=1', /unknown unit 'fortnights'/],
    ['days=abc', /'abc' is not a non-negative number/],
    ['days=', /'' is not a non-negative number/],
    ['days=-1', /not a non-negative number/],
    ['days=inf', /not a non-negative number/],
    ['days=1;days=2', /given more than once/],
    ['days=1000000000', /too large/],
  ])('rejects %j', (input, problem) => {
    let error: unknown;
    try {
      parseDuration(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as InvalidDurationError).message;
    expect(message).toMatch(/^Invalid duration: /);
    expect(message).toMatch(problem);
  });
});

describe('formatDuration', () => {
  it('formats milliseconds with the largest units first', () => {
    expect(formatDuration(86_400_000)).toBe('days=1');
    expect(formatDuration(90_061_001)).toBe('days=1;hours=1;minutes=1;seconds=1;milliseconds=1');
    expect(formatDuration(1.5)).toBe('milliseconds=1;microseconds=500');
    expect(formatDuration(0)).toBe('seconds=0');
    expect(formatDuration(14 * 86_400_000)).toBe('days=14');
  });

  it('formats a parsed duration canonically and round-trips', () => {
    expect(formatDuration(parseDuration('minutes=90'))).toBe('hours=1;minutes=30');
    for (const s of ['weeks=2;seconds=3', 'hours=0.25', 'microseconds=1', 'days=3;milliseconds=7']) {
      expect(durationToMs(formatDuration(parseDuration(s)))).toBe(durationToMs(s));
    }
  });

  it('refuses negative or non-finite input', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('validateDurationField / addDuration', () => {
  it('returns milliseconds or a field error with authentik wording', () => {
    expect(validateDurationField('temporary_user_delete_after', 'days=1')).toBe(86_400_000);
    try {
      validateDurationField('temporary_user_delete_after', 'garbage');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fields).toEqual({
        temporary_user_delete_after: ["garbage is not in the correct format of 'hours=3;minutes=1'."],
      });
    }
  });

  it('adds a duration to a given time', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    expect(addDuration(now, 'days=1;hours=2').toISOString()).toBe('2024-01-02T02:00:00.000Z');
    expect(now.toISOString()).toBe('2024-01-01T00:00:00.000Z');
  });
});
