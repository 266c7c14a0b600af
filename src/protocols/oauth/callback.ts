/**
 * Reading the authorization response (RFC 6749 §4.1.2): the state first, then the code or the
 * error.
 *
 * The state check proper is the caller's: it takes — once — the state it stored when it sent
 * the browser to the IdP, looked up by the `state` the browser brought back and bound to that
 * browser and source, and passes that state as `expectedState` (null when the lookup failed).
 * The exact-key lookup is the comparison that matters; what is left here is a presence check,
 * and a plain equality holding the caller to the state it looked up (no secret is compared, so
 * there is no timing to protect).
 */
import { oauthError, REASONS } from './errors.js';

/** A state is present: a non-empty string. */
export function isStatePresent(state: string | null | undefined): state is string {
  return typeof state === 'string' && state.length > 0;
}

export type CallbackParams = URLSearchParams | Record<string, string | string[] | undefined>;

function param(params: CallbackParams, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const v = Object.hasOwn(params, name) ? params[name] : undefined;
  return Array.isArray(v) ? v[0] : v;
}

/**
 * `params` = query for GET callbacks, form body for POST callbacks (Apple's form_post).
 * Returns the authorization code, or throws with the user-facing reason.
 */
export function readAuthorizationResponse(input: { params: CallbackParams; expectedState: string | null | undefined }): { code: string } {
  const state = param(input.params, 'state');
  if (!isStatePresent(input.expectedState) || state !== input.expectedState) {
    throw oauthError(REASONS.stateCheckFailed, 'state_mismatch');
  }
  const code = param(input.params, 'code');
  if (!code) {
    const reason = param(input.params, 'error_description') || param(input.params, 'error') || REASONS.noToken;
    throw oauthError(reason, 'no_code');
  }
  return { code };
}
