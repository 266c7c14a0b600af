/**
 * Values PostgreSQL refuses to store — a NUL character in text or jsonb (SQLSTATE class 22,
 * "data exception"), a document nested past the stack limit (class 54) — come straight from the
 * client's payload or filter. They are the client's error (400), never a 500.
 */
import { ValidationError } from '../../../errors/index.js';

export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

export function asClientError(e: unknown): unknown {
  return isDataError(e) ? ValidationError.nonField('The request contains a value the server cannot store (for example a NUL character).') : e;
}

/** Wraps every method of a repository so data exceptions surface as ValidationError. */
export function guardDataErrors<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        } catch (e) {
          throw asClientError(e);
        }
      };
    },
  });
}
