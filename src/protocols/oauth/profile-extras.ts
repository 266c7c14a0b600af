/** Type-specific profile steps: GitHub's /emails fallback, Entra's memberOf, WeChat's userinfo. */
import { oauthError, REASONS } from './errors.js';
import type { FetchLimits } from './http.js';
import { isJsonObject, withQuery } from './http.js';
import { entraGroupsFromMemberOf } from './groups.js';
import { authorizationHeader, getProfileJson } from './profile-http.js';
import type { ProviderType } from './provider-types.js';
import type { FetchPort, JsonObject, TokenSet } from './types.js';

export const ENTRA_GROUP_SCOPE = 'https://graph.microsoft.com/GroupMember.Read.All';
export const ENTRA_MEMBER_OF_URL = 'https://graph.microsoft.com/v1.0/me/memberOf';

interface ExtraInput {
  type: ProviderType;
  token: TokenSet;
  fetch: FetchPort;
  limits?: FetchLimits;
}

/**
 * GitHub: `GET <profile_url>/emails`, take the `primary` entry. Unlike authentik
 * its `verified` flag is reported, so email-based linking can refuse unverified addresses.
 * A failing call is tolerated (no email), as upstream does.
 */
export async function githubPrimaryEmail(input: ExtraInput & { profileUrl: string }): Promise<{ email: string; verified: boolean } | null> {
  const url = `${input.profileUrl.replace(/\/+$/, '')}/emails`;
  let emails: unknown;
  try {
    emails = await getProfileJson(
      input.fetch,
      url,
      { Accept: 'application/json', Authorization: authorizationHeader(input.type, input.token) },
      input.limits,
    );
  } catch {
    return null;
  }
  if (!Array.isArray(emails)) return null;
  const primary = emails.find((e) => isJsonObject(e) && e['primary'] === true) as JsonObject | undefined;
  if (!primary || typeof primary['email'] !== 'string') return null;
  return { email: primary['email'], verified: primary['verified'] === true };
}

/** Entra ID memberOf (header auth). Any failure fails the whole profile fetch. */
export async function entraMemberOf(input: ExtraInput): Promise<{ rawGroups: JsonObject; names: Record<string, string> }> {
  const json = await getProfileJson(
    input.fetch,
    ENTRA_MEMBER_OF_URL,
    { Accept: 'application/json', Authorization: authorizationHeader(input.type, input.token) },
    input.limits,
  );
  if (!isJsonObject(json)) throw oauthError(REASONS.profileFailed, 'entra_member_of_shape');
  return { rawGroups: json, names: entraGroupsFromMemberOf(json).names };
}

/** WeChat userinfo: GET with access_token, openid, lang=en; any `errcode` is an error. */
export async function wechatProfile(input: ExtraInput & { profileUrl: string }): Promise<JsonObject> {
  const openid = input.token.raw['openid'];
  const url = withQuery(input.profileUrl, {
    access_token: input.token.accessToken,
    openid: typeof openid === 'string' ? openid : '',
    lang: 'en',
  });
  const json = await getProfileJson(input.fetch, url, { Accept: 'application/json' }, input.limits);
  if (!isJsonObject(json) || json['errcode'] !== undefined) {
    throw oauthError(REASONS.profileFailed, 'wechat_errcode');
  }
  return json;
}
