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

/**
 * SQLSTATE classes 22 (data exception) and 54 (program limit exceeded): PostgreSQL refused a
 * value the client sent — a NUL character, an invalid byte sequence, a number outside the
 * column's range, a string over its length, a document nested past the stack limit. The
 * client's error (400), never a 500.
 */
export function isDataError(e: unknown): boolean {
  const code = (e as PgLikeError)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

const DATA_ERROR_MESSAGES: Record<string, string> = {
  '22021': 'The request contains a character the server cannot store (for example a NUL character).', // character_not_in_repertoire
  '22P05': 'The request contains a character the server cannot store (for example a NUL character).', // untranslatable_character
  '22003': 'A number in the request is out of range.', // numeric_value_out_of_range
  '22001': 'A value in the request is too long.', // string_data_right_truncation
  '22P02': 'A value in the request has an invalid format.', // invalid_text_representation
  '22007': 'A date or time in the request is invalid.', // invalid_datetime_format
  '22008': 'A date or time in the request is out of range.', // datetime_field_overflow
  '54001': 'A value in the request is nested too deeply.', // statement_too_complex (stack depth)
};

/** The ValidationError a data exception stands for; any other error is returned unchanged. */
export function dataErrorAsValidation(e: unknown): unknown {
  if (!isDataError(e)) return e;
  const code = (e as PgLikeError).code!;
  return ValidationError.nonField(DATA_ERROR_MESSAGES[code] ?? 'The request contains a value the server cannot store.');
}

/** deadlock_detected and serialization_failure: PostgreSQL aborted the whole transaction. */
export function isRetryableTransactionError(e: unknown): boolean {
  const code = (e as PgLikeError)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Wraps every method of a repository so a data exception surfaces as a ValidationError, for
 * calls outside a transaction too. Methods run on the target itself (private fields work).
 */
export function guardDataErrors<T extends object>(target: T): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop) as unknown;
      if (typeof value !== 'function') return value;
      let guarded = wrapped.get(prop);
      if (guarded === undefined) {
        guarded = (...args: unknown[]) => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          } catch (e) {
            throw dataErrorAsValidation(e);
          }
          if (result instanceof Promise)
            return result.catch((e: unknown) => {
              throw dataErrorAsValidation(e);
            });
          return result;
        };
        wrapped.set(prop, guarded);
      }
      return guarded;
    },
  });
}
