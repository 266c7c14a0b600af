/**
 * The authorization request (RFC 6749 §4.1.1; docs/behaviour.md#oauth-login-start), made safer than
 * authentik: query parameters already present in the configured authorization URL are kept and may
 * override the type's extra parameters, but never the protocol-critical ones generated here.
 */
import { randomBytes } from 'node:crypto';
import { calculatePKCECodeChallenge, randomNonce, randomState } from 'openid-client';
import { resolveClientId } from './client-credentials.js';
import type { ProviderType } from './provider-types.js';
import { asProviderType, effectivePkce, resolveScopes, resolveUrls } from './provider-types.js';
import type { OAuthSourceConfig, PkceMode } from './types.js';

export interface AuthorizationRequestInput {
  type: ProviderType | string;
  source: OAuthSourceConfig;
  /** Absolute callback URL (`…/source/oauth/callback/<slug>/`). */
  callbackUrl: string;
  /** Pending user's identifier or email. */
  loginHint?: string | null;
}

export interface AuthorizationRequest {
  /** Where to send the browser. */
  url: string;
  /** Store server-side; compare on callback (see callback.ts). */
  state: string;
  /** Present for types with `sendsNonce`; store and pass to profile/id-token verification. */
  nonce?: string;
  /** Present when PKCE is active; store and send with the code exchange. */
  codeVerifier?: string;
  pkce: PkceMode;
  /** Set when the authorization URL is empty/invalid: the caller records a configuration_error. */
  configurationError?: string;
}

/** Parameters a configured URL can never override. */
const PROTECTED = new Set(['client_id', 'appid', 'redirect_uri', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method']);

/** RFC 7636 §4.1: 43–128 chars of [A-Za-z0-9-._~]; 96 random bytes → 128 base64url chars. */
export function randomCodeVerifier(): string {
  return randomBytes(96).toString('base64url');
}

export async function buildAuthorizationRequest(input: AuthorizationRequestInput): Promise<AuthorizationRequest> {
  const type = asProviderType(input.type);
  const { source } = input;
  const pkce = effectivePkce(type, source);
  const state = randomState();
  const nonce = type.sendsNonce ? randomNonce() : undefined;
  const codeVerifier = pkce === 'none' ? undefined : randomCodeVerifier();

  // Generated (protected) parameters.
  const params = new Map<string, string>();
  const clientId = resolveClientId(type, source);
  for (const name of type.clientIdParameters) params.set(name, clientId);
  params.set('redirect_uri', input.callbackUrl);
  params.set('response_type', 'code');
  params.set('state', state);
  if (nonce) params.set('nonce', nonce);
  if (codeVerifier) {
    const challenge = pkce === 'S256' ? await calculatePKCECodeChallenge(codeVerifier) : codeVerifier;
    params.set('code_challenge', challenge);
    params.set('code_challenge_method', pkce);
  }

  // Type extras: scopes, static parameters, login_hint.
  const scopes = resolveScopes(type, source.additionalScopes);
  params.set('scope', scopes.scope.join(' '));
  // Slack documents user_scope as comma separated.
  if (scopes.userScope) params.set('user_scope', scopes.userScope.join(','));
  for (const [k, v] of Object.entries(type.extraAuthorizationParams)) params.set(k, v);
  if (input.loginHint) params.set('login_hint', input.loginHint);

  // Query of the configured URL wins over extras, never over protected parameters.
  const configured = resolveUrls(type, source).authorizationUrl ?? '';
  let base = '';
  let configurationError: string | undefined;
  if (configured === '') {
    configurationError = 'Source has an empty authorization URL.';
  } else {
    try {
      const u = new URL(configured);
      u.searchParams.forEach((value, key) => {
        if (!PROTECTED.has(key)) params.set(key, value);
      });
      base = `${u.origin}${u.pathname}`;
    } catch {
      configurationError = 'Source has an invalid authorization URL.';
    }
  }
  const scope = params.get('scope');
  if (scope !== undefined) params.set('scope', normaliseScope(scope));

  const fragment = type.authorizationFragment ? `#${type.authorizationFragment}` : '';
  const url = `${base}?${encodeParams(params)}${fragment}`;
  return { url, state, nonce, codeVerifier, pkce, configurationError };
}

/** De-duplicated, sorted, space-joined. */
function normaliseScope(scope: string): string {
  return [...new Set(scope.split(/\s+/).filter((s) => s !== ''))].sort().join(' ');
}

/** `%20` for spaces (not `+`), like the reference's `quote`-based encoding. */
function encodeParams(params: Map<string, string>): string {
  return [...params].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
