/**
 * Translates database constraint violations into domain errors, so a race between two
 * requests ends as a clean 400, never a 500 or a half-written row.
 */
import { ValidationError } from '../../errors/index.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
}

export interface ConstraintMessages {
  [constraint: string]: { field: string; message: string };
}

export function isUniqueViolation(e: unknown): boolean {
  return (e as PgLikeError)?.code === '23505';
}

export function isForeignKeyViolation(e: unknown): boolean {
  return (e as PgLikeError)?.code === '23503';
}

export function constraintName(e: unknown): string {
  const err = e as PgLikeError;
  if (err?.constraint) return err.constraint;
  // PGlite does not always fill `constraint`; the message names it.
  const m = /constraint "([^"]+)"/.exec(String((e as Error)?.message ?? ''));
  return m ? m[1] : '';
}

/** Rethrows a known constraint violation as a ValidationError; anything else unchanged. */
export function rethrowConstraint(e: unknown, messages: ConstraintMessages): never {
  if (isUniqueViolation(e) || isForeignKeyViolation(e)) {
    const known = messages[constraintName(e)];
    if (known) throw ValidationError.field(known.field, known.message);
  }
  throw e;
}

export async function withConstraints<T>(messages: ConstraintMessages, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    rethrowConstraint(e, messages);
  }
}
