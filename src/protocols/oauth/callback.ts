/**
 * Reading the authorization response (SPEC §3.5 steps 2–3): state first, then code/error.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { oauthError, REASONS } from './errors.js';

/** Constant-time comparison (hashing first makes lengths equal). */
export function statesEqual(expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}

export type CallbackParams = URLSearchParams | Record<string, string | string[] | undefined>;

function param(params: CallbackParams, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  const v = params[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * `params` = query for GET callbacks, form body for POST callbacks (Apple's form_post).
 * Returns the authorization code, or throws with the user-facing reason.
 */
export function readAuthorizationResponse(input: {
  params: CallbackParams;
  expectedState: string | null | undefined;
}): { code: string } {
  const state = param(input.params, 'state');
  if (!input.expectedState || state === undefined || !statesEqual(input.expectedState, state)) {
    throw oauthError(REASONS.stateCheckFailed, 'state_mismatch');
  }
  const code = param(input.params, 'code');
  if (!code) {
    const reason =
      param(input.params, 'error_description') || param(input.params, 'error') || REASONS.noToken;
    throw oauthError(reason, 'no_code');
  }
  return { code };
}
