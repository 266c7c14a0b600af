import { ProtocolError } from '../../errors/index.js';

/**
 * Why a SAML message was refused. The reason is machine-readable (logs, tests, the service layer
 * deciding e.g. whether to record a replay); the message is shown to the user on a 400 page, so
 * it says what is wrong in plain words and never echoes secrets.
 */
export const SAML_ERROR_REASONS = [
  'InvalidXml',
  'InvalidSignature',
  'InvalidEncryption',
  'MismatchedRequestID',
  'MismatchedBinding',
  'Expired',
  'NotYetValid',
  'AudienceMismatch',
  'IssuerMismatch',
  'StatusError',
  'MissingNameID',
  'UnsolicitedResponse',
  'Replay',
  /** A configured IdP endpoint is not an http(s) URL (it would end up in a redirect or a form). */
  'UnsafeUrl',
] as const;

export type SamlErrorReason = (typeof SAML_ERROR_REASONS)[number];

export class SamlError extends ProtocolError {
  readonly reason: SamlErrorReason;
  constructor(reason: SamlErrorReason, message: string, options: { cause?: unknown } = {}) {
    super('saml', message, { status: 400, code: `saml_${reason}`, cause: options.cause });
    this.reason = reason;
  }
}

export function isSamlError(e: unknown): e is SamlError {
  return e instanceof SamlError;
}

/** The replay cache lives in storage (services layer); this keeps its error text in one place. */
export function replayError(): SamlError {
  return new SamlError('Replay', 'Replay attack detected: this SAML assertion was already used.');
}
