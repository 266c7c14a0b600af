import { expect } from 'vitest';
import { ScimError } from '../../../src/protocols/scim/errors.js';
import type { ScimType } from '../../../src/protocols/scim/errors.js';

/** Run `fn`, assert it throws a ScimError with the given status/scimType, and return it. */
export function expectScimError(fn: () => unknown, scimType: ScimType | undefined, status = 400): ScimError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ScimError to be thrown').toBeInstanceOf(ScimError);
  const err = caught as ScimError;
  expect({ status: err.status, scimType: err.scimType }).toEqual({ status, scimType });
  expect(err.detail.length).toBeGreaterThan(0);
  return err;
}

/** Deep-freeze a value so any mutation by the code under test throws in strict mode. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
