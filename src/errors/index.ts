/**
 * One error hierarchy for the whole server. Domain, protocol and service code throw these;
 * only `http/errors/` decides how each kind looks on the wire (admin API, SCIM, browser page).
 */

import type { ConcreteKind } from '../domain/sources.js';

export type FieldErrors = Record<string, string[]>;

/**
 * Every kind of AppError. A closed union, so each surface's renderer is a `switch` the
 * compiler checks for completeness.
 */
export type ErrorKind =
  | 'not_found'
  | 'permission_denied'
  | 'not_authenticated'
  | 'validation'
  | 'bad_request'
  | 'conflict'
  | 'payload_too_large'
  | 'throttled'
  | 'protocol'
  | 'upstream'
  | 'mapping'
  | 'internal';

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  /** Machine-readable code, rendered as `code` in authentik-style bodies. */
  readonly code: string | undefined;
  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** 404 — `{"detail": "No <Model> matches the given query."}` on the admin API. */
export class NotFoundError extends AppError {
  readonly kind = 'not_found';
  static forModel(model: string): NotFoundError {
    return new NotFoundError(`No ${model} matches the given query.`);
  }
}

/** 403 — authenticated, but not allowed. */
export class PermissionDeniedError extends AppError {
  readonly kind = 'permission_denied';
  constructor(message = 'You do not have permission to perform this action.', code?: string) {
    super(message, code);
  }
}

/** 403 on the admin API (authentik answers 403, not 401, for missing credentials). */
export class NotAuthenticatedError extends AppError {
  readonly kind = 'not_authenticated';
  constructor(message = 'Authentication credentials were not provided.', code?: string) {
    super(message, code);
  }
}

/** 400 — `{"field": ["msg"], "non_field_errors": ["msg"]}`. */
export class ValidationError extends AppError {
  readonly kind = 'validation';
  readonly fields: FieldErrors;
  readonly nonField: string[];
  constructor(fields: FieldErrors = {}, nonField: string[] = [], code?: string) {
    const first = Object.entries(fields)[0];
    super(first ? `${first[0]}: ${first[1].join(' ')}` : nonField.join(' ') || 'Invalid input.', code);
    this.fields = fields;
    this.nonField = nonField;
  }
  static field(field: string, message: string, code?: string): ValidationError {
    return new ValidationError({ [field]: [message] }, [], code);
  }
  static nonField(message: string, code?: string): ValidationError {
    return new ValidationError({}, [message], code);
  }
}

/** 400 with `{"detail": ...}` — a refused action that is not about one field (e.g. protected object). */
export class BadRequestError extends AppError {
  readonly kind = 'bad_request';
}

/** 409 — a uniqueness conflict (storage maps unique violations here when no field applies). */
export class ConflictError extends AppError {
  readonly kind = 'conflict';
  readonly field: string | undefined;
  constructor(message: string, field?: string, code?: string) {
    super(message, code);
    this.field = field;
  }
}

/**
 * 429 — too many failed attempts from this client; it may try again after `retryAfterSeconds`
 * (sent as `Retry-After`, RFC 9110 §10.2.3). The message is DRF's throttling text.
 */
export class ThrottledError extends AppError {
  readonly kind = 'throttled';
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(`Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`, 'throttled');
    this.retryAfterSeconds = seconds;
  }
}

/** A protocol-level failure (OAuth, SAML, SCIM). `status` is the HTTP status the surface should use. */
export class ProtocolError extends AppError {
  readonly kind = 'protocol';
  readonly protocol: ConcreteKind;
  readonly status: number;
  constructor(protocol: ConcreteKind, message: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(message, options.code, { cause: options.cause });
    this.protocol = protocol;
    this.status = options.status ?? 400;
  }
}

/** An upstream system (IdP, metadata URL, JWKS endpoint) failed or answered garbage. */
export class UpstreamError extends AppError {
  readonly kind = 'upstream';
}

/** A programming or infrastructure error: 500 with a generic body, details only in the log. */
export class InternalError extends AppError {
  readonly kind = 'internal';
}

/** For the `default` of an exhaustive switch: compile error when a case is missing. */
export function unreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
