import { describe, expect, it } from 'vitest';
import { readAuthorizationResponse, statesEqual } from '../../../src/protocols/oauth/index.js';

describe('readAuthorizationResponse (SPEC §3.5 steps 2–3)', () => {
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
    const run = (extra: Record<string, string>) => () =>
      readAuthorizationResponse({ params: { state: expectedState, ...extra }, expectedState });
    expect(run({ error: 'access_denied', error_description: 'User said no' })).toThrow('User said no');
    expect(run({ error: 'access_denied' })).toThrow('access_denied');
    expect(run({})).toThrow('No token received.');
  });

  it('statesEqual compares exactly', () => {
    expect(statesEqual('abc', 'abc')).toBe(true);
    expect(statesEqual('abc', 'abd')).toBe(false);
    expect(statesEqual('abc', 'abcd')).toBe(false);
  });
});
