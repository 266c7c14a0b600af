/** Profile-endpoint requests: how the token is presented, and uniform failure reasons. */
import { oauthError, ProfileDecodeError, REASONS } from './errors.js';
import type { FetchLimits } from './http.js';
import { boundedFetch, tryParseJson, withQuery } from './http.js';
import type { ProfileStyle, ProviderType } from './provider-types.js';
import type { FetchPort, TokenSet } from './types.js';

/** `Authorization: <token_type> <token>`; Twitch gets the type capitalised (`Bearer`). */
export function authorizationHeader(type: ProviderType, token: TokenSet): string {
  const t = type.capitaliseTokenType ? token.tokenType.charAt(0).toUpperCase() + token.tokenType.slice(1).toLowerCase() : token.tokenType;
  return `${t} ${token.accessToken}`;
}

/** Build the request for the `query_and_header`, `header` and `query` styles. */
export function profileRequest(
  style: ProfileStyle,
  type: ProviderType,
  url: string,
  token: TokenSet,
): { url: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const inQuery = style === 'query_and_header' || style === 'query';
  const inHeader = style === 'query_and_header' || style === 'header';
  if (inHeader) headers['Authorization'] = authorizationHeader(type, token);
  return { url: inQuery ? withQuery(url, { access_token: token.accessToken }) : url, headers };
}

/**
 * GET and JSON-decode. Network/HTTP failure → "Could not retrieve profile."; a body that is not
 * JSON → ProfileDecodeError (same reason, plus the raw body for a configuration_error event).
 */
export async function getProfileJson(fetchPort: FetchPort, url: string, headers: Record<string, string>, limits?: FetchLimits): Promise<unknown> {
  let res;
  try {
    res = await boundedFetch(fetchPort, url, { method: 'GET', headers }, limits);
  } catch (cause) {
    throw oauthError(REASONS.profileFailed, 'profile_request_failed', cause);
  }
  if (!res.ok) throw oauthError(REASONS.profileFailed, `profile_http_${res.status}`);
  const json = tryParseJson(res.text);
  if (json === undefined) throw new ProfileDecodeError(res.text);
  return json;
}
