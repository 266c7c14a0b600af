import { AppError } from '../../errors/index.js';

export type MappingFailureReason = 'exception' | 'timeout' | 'memory' | 'invalid_result' | 'syntax';

/**
 * A property mapping could not be evaluated: the login fails and the caller
 * emits a `configuration_error` event with this message.
 */
export class MappingError extends AppError {
  readonly kind = 'mapping';
  readonly mappingName: string;
  readonly reason: MappingFailureReason;
  /** The error text without the "Failed to evaluate…" prefix. */
  readonly detail: string;
  constructor(mappingName: string, reason: MappingFailureReason, detail: string, options: { cause?: unknown } = {}) {
    super(`Failed to evaluate property mapping: '${mappingName}': ${detail}`, `mapping_${reason}`, options);
    this.mappingName = mappingName;
    this.reason = reason;
    this.detail = detail;
  }
}
