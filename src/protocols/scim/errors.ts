import { ProtocolError } from '../../errors/index.js';

/** The `scimType` error keywords of RFC 7644 §3.12, Table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/**
 * A SCIM protocol failure. `http/errors/` renders it as an RFC 7644 §3.12 error body
 * (see `buildErrorBody` in messages.ts); `code` mirrors `scimType` for logs.
 */
export class ScimError extends ProtocolError {
  readonly scimType: ScimType | undefined;
  readonly detail: string;

  constructor(status: number, scimType: ScimType | undefined, detail: string, options: { cause?: unknown } = {}) {
    super('scim', detail, { status, code: scimType, cause: options.cause });
    this.scimType = scimType;
    this.detail = detail;
  }

  static invalidFilter(this: void, detail: string): ScimError {
    return new ScimError(400, 'invalidFilter', detail);
  }
  static invalidSyntax(this: void, detail: string): ScimError {
    return new ScimError(400, 'invalidSyntax', detail);
  }
  static invalidPath(this: void, detail: string): ScimError {
    return new ScimError(400, 'invalidPath', detail);
  }
  static invalidValue(this: void, detail: string): ScimError {
    return new ScimError(400, 'invalidValue', detail);
  }
  static noTarget(this: void, detail: string): ScimError {
    return new ScimError(400, 'noTarget', detail);
  }
  static mutability(this: void, detail: string): ScimError {
    return new ScimError(400, 'mutability', detail);
  }
  static uniqueness(this: void, detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }
  static notFound(this: void, detail = 'Resource not found.'): ScimError {
    return new ScimError(404, undefined, detail);
  }
}
