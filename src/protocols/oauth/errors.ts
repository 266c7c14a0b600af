/**
 * OAuth failure reasons. The message of every error thrown by this module is the user-facing
 * reason (docs/behaviour.md#oauth-callback) — the caller shows "Authentication failed: <reason>".
 */
import { ProtocolError, UpstreamError } from '../../errors/index.js';

export const REASONS = {
  stateCheckFailed: 'State check failed.',
  noToken: 'No token received.',
  tokenFailed: 'Could not retrieve token.',
  profileFailed: 'Could not retrieve profile.',
  noIdentifier: 'Could not determine id.',
} as const;

/** Throw-helper for the common case. `code` is a machine-readable detail for logs. */
export function oauthError(reason: string, code?: string, cause?: unknown): ProtocolError {
  return new ProtocolError('oauth', reason, { code, cause });
}

/**
 * The profile endpoint answered something that is not JSON. The user sees "Could not retrieve
 * profile."; the caller should also record a `configuration_error` event with `eventMessage`
 * and the (truncated) raw body.
 */
export class ProfileDecodeError extends ProtocolError {
  readonly eventMessage = 'Failed to JSON-decode profile.';
  readonly rawBody: string;
  constructor(rawBody: string) {
    super('oauth', REASONS.profileFailed, { code: 'profile_not_json' });
    this.rawBody = rawBody.slice(0, 4096);
  }
}

/**
 * Discovery / JWKS fetch failed. `field` is the admin-API field the message belongs to
 * (`oidc_well_known_url` or `jwks_url`); the periodic refresh job just logs it.
 */
export class DiscoveryError extends UpstreamError {
  readonly field: 'oidc_well_known_url' | 'jwks_url';
  constructor(field: 'oidc_well_known_url' | 'jwks_url', message: string, cause?: unknown) {
    super(message, 'oauth_discovery_failed', { cause });
    this.field = field;
  }
}
