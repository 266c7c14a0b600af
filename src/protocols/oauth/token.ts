/**
 * Authorization-code exchange (RFC 6749 §4.1.3; client authentication §2.3.1).
 *
 * Why plain fetch instead of openid-client's `authorizationCodeGrant`: most registry types are
 * not OIDC-conformant (GitHub answers form-encoded bodies, Slack nests the user token, WeChat
 * uses GET, Reddit/Twitter force Basic), and openid-client would also require a discovered
 * issuer and validate id_tokens on its own terms. One small implementation shared by every type
 * keeps the fetch port, the error reasons and the limits uniform; id_tokens are verified
 * separately by id-token.ts where they are used.
 */
import { resolveClientId, resolveClientSecret } from './client-credentials.js';
import { oauthError, REASONS } from './errors.js';
import type { FetchLimits } from './http.js';
import { boundedFetch, withQuery } from './http.js';
import type { ProviderType } from './provider-types.js';
import { asProviderType, effectiveTokenAuth, resolveUrls } from './provider-types.js';
import { normaliseTokenResponse, parseTokenBody, tokenErrorReason } from './token-response.js';
import type { Clock, FetchPort, OAuthSourceConfig, TokenSet } from './types.js';

export interface CodeExchangeInput {
  type: ProviderType | string;
  source: OAuthSourceConfig;
  code: string;
  /** Must equal the redirect_uri of the authorization request. */
  callbackUrl: string;
  codeVerifier?: string | null;
  fetch: FetchPort;
  now?: Clock;
  limits?: FetchLimits;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined for HTTP Basic. */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')}`;
}

export async function exchangeCode(input: CodeExchangeInput): Promise<TokenSet> {
  const type = asProviderType(input.type);
  const tokenUrl = resolveUrls(type, input.source).accessTokenUrl;
  if (!tokenUrl) throw oauthError(REASONS.tokenFailed, 'empty_token_url');
  const clientId = resolveClientId(type, input.source);
  const clientSecret = await resolveClientSecret(type, input.source, input.now);

  let url = tokenUrl;
  let init: RequestInit;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (type.tokenRequest === 'wechat_get') {
    // WeChat: GET with appid/secret/code in the query.
    url = withQuery(tokenUrl, {
      appid: clientId,
      secret: clientSecret,
      code: input.code,
      grant_type: 'authorization_code',
    });
    init = { method: 'GET', headers };
  } else {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      redirect_uri: input.callbackUrl,
      code: input.code,
    });
    if (input.codeVerifier) form.set('code_verifier', input.codeVerifier);
    if (effectiveTokenAuth(type, input.source) === 'post_body') {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    } else {
      headers['Authorization'] = basicAuthorization(clientId, clientSecret);
    }
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    init = { method: 'POST', headers, body: form.toString() };
  }

  let res;
  try {
    res = await boundedFetch(input.fetch, url, init, input.limits);
  } catch (cause) {
    throw oauthError(REASONS.tokenFailed, 'token_request_failed', cause);
  }
  const body = parseTokenBody(res.text, res.contentType);
  const reason = body ? tokenErrorReason(body) : null;
  if (reason) throw oauthError(reason, 'token_error_response');
  if (!res.ok || !body) throw oauthError(REASONS.tokenFailed, `token_http_${res.status}`);
  const token = normaliseTokenResponse(type, body);
  if (!token) throw oauthError(REASONS.tokenFailed, 'token_missing_access_token');
  return token;
}
