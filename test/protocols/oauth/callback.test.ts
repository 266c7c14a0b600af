import { describe, expect, it } from 'vitest';
import { isStatePresent, readAuthorizationResponse } from '../../../src/protocols/oauth/index.js';

describe('readAuthorizationResponse (RFC 6749 §4.1.2)', () => {
  const expectedState = 's'.repeat(43);

  it('returns the code when the state matches', () => {
    expect(readAuthorizationResponse({ params: new URLSearchParams({ state: expectedState, code: 'abc' }), expectedState })).toEqual({ code: 'abc' });
    expect(readAuthorizationResponse({ params: { state: [expectedState], code: 'abc' }, expectedState })).toEqual({ code: 'abc' });
  });

  it.each([
    ['missing state', { code: 'abc' }, expectedState],
    ['wrong state', { state: 'x', code: 'abc' }, expectedState],
    ['nothing stored', { state: expectedState, code: 'abc' }, null],
    ['empty stored and received', { state: '', code: 'abc' }, ''],
    ['no state and no code', {}, expectedState],
  ])('%s → "State check failed." (checked before the code)', (_label, params, stored) => {
    expect(() => readAuthorizationResponse({ params, expectedState: stored })).toThrow('State check failed.');
  });

  it('missing code → error_description ?? error ?? "No token received."', () => {
    const run = (extra: Record<string, string>) => () => readAuthorizationResponse({ params: { state: expectedState, ...extra }, expectedState });
    expect(run({ error: 'access_denied', error_description: 'User said no' })).toThrow('User said no');
    expect(run({ error: 'access_denied' })).toThrow('access_denied');
    expect(run({})).toThrow('No token received.');
  });

  it('isStatePresent is a presence check: any non-empty string', () => {
    expect(isStatePresent('abc')).toBe(true);
    expect(isStatePresent('')).toBe(false);
    expect(isStatePresent(null)).toBe(false);
    expect(isStatePresent(undefined)).toBe(false);
  });

  it('a received state that differs from the looked-up one still fails, by plain comparison', () => {
    expect(() => readAuthorizationResponse({ params: { state: `${expectedState}x`, code: 'abc' }, expectedState })).toThrow('State check failed.');
    expect(() => readAuthorizationResponse({ params: { state: expectedState.toUpperCase(), code: 'abc' }, expectedState })).toThrow(
      'State check failed.',
    );
  });
});
