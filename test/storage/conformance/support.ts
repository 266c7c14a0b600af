/** Shared bits for the storage conformance files: each runs on the database this run uses. */
import { expect } from 'vitest';
import { ValidationError } from '../../../src/errors/index.js';
import type { ListQuery } from '../../../src/storage/ports.js';

export function q(partial: Partial<ListQuery> = {}): ListQuery {
  return { filters: [], search: null, ordering: [], offset: 0, limit: 100, ...partial };
}

/** The promise rejects with exactly this ValidationError body (never a raw database error). */
export async function expectValidation(promise: Promise<unknown>, fields: Record<string, string[]>): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a ValidationError').toBeInstanceOf(ValidationError);
  expect((error as ValidationError).fields).toEqual(fields);
}
