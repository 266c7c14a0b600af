/**
 * Per-type profile retrieval (docs/behaviour.md#oauth-provider-types, "profile" column).
 *
 * id_tokens: Apple's id_token *is* the profile, so it is always verified (Apple JWKS, issuer
 * `https://appleid.apple.com`, audience = services id, nonce) — authentik decodes it without
 * verification. For OIDC/Okta an id_token in the token response is always verified (OIDC Core
 * §3.1.3.7): a source without keys (cached JWKS or JWKS URL) or without a known issuer refuses the
 * login instead of skipping the check, so a forged or replayed id_token never gets through. A
 * verified id_token whose `sub` differs from userinfo's is refused (OIDC Core §5.3.2), and it is the
 * fallback profile when userinfo fails.
 */
import type { JSONWebKeySet } from 'jose';
import { resolveClientId } from './client-credentials.js';
import type { ProtocolError } from '../../errors/index.js';
import { oauthError, REASONS } from './errors.js';
import type { FetchLimits } from './http.js';
import { isJsonObject } from './http.js';
import type { VerifiedIdToken } from './id-token.js';
import { asJwks, ID_TOKEN_REASONS, verifyIdToken } from './id-token.js';
import { issuersForWellKnownUrl } from './discovery.js';
import { ENTRA_GROUP_SCOPE, entraMemberOf, githubPrimaryEmail, wechatProfile } from './profile-extras.js';
import { getProfileJson, profileRequest } from './profile-http.js';
import type { ProviderType } from './provider-types.js';
import { additionalScopeSet, asProviderType, resolveUrls } from './provider-types.js';
import type { Clock, FetchPort, JsonObject, OAuthSourceConfig, TokenSet } from './types.js';

export interface ProfileInput {
  type: ProviderType | string;
  source: OAuthSourceConfig;
  token: TokenSet;
  fetch: FetchPort;
  now?: Clock;
  /** The nonce stored with the authorization request (checked in verified id_tokens). */
  nonce?: string | null;
  /** Issuer from the well-known document, when the caller knows it (else the source's). */
  expectedIssuer?: string | null;
  limits?: FetchLimits;
}

export interface ProfileResult {
  /** The profile JSON handed to property mappings (`oauth_userinfo`). Entra adds `raw_groups`. */
  profile: JsonObject;
  /** Whether the provider vouches for the email address; null when it does not say. */
  emailVerified: boolean | null;
  /** Group id → display name, when the provider names groups (Entra memberOf). */
  groupNames?: Record<string, string>;
  /** GitHub: primary address from `/emails` when the profile has none. */
  fallbackEmail?: string;
  /** Claims of the verified id_token, when one was verified. */
  idTokenClaims?: JsonObject;
  /** A freshly fetched JWKS the caller may store as the source's `oidc_jwks`. */
  refreshedJwks?: JSONWebKeySet;
}

export async function fetchProfile(input: ProfileInput): Promise<ProfileResult> {
  const type = asProviderType(input.type);
  if (type.profileStyle === 'id_token') return appleProfile(type, input);
  if (type.idTokenProfileFallback) return oidcProfile(type, input);
  const profileUrl = resolveUrls(type, input.source).profileUrl;
  if (!profileUrl) throw oauthError(REASONS.profileFailed, 'empty_profile_url');
  const extra = { type, token: input.token, fetch: input.fetch, limits: input.limits };

  if (type.profileStyle === 'wechat') {
    const profile = await wechatProfile({ ...extra, profileUrl });
    return { profile, emailVerified: null };
  }
  const req = profileRequest(type.profileStyle, type, profileUrl, input.token);
  const profile = await getProfileJson(input.fetch, req.url, req.headers, input.limits);
  if (!isJsonObject(profile)) throw oauthError(REASONS.profileFailed, 'profile_not_object');
  const result: ProfileResult = { profile, emailVerified: type.emailVerified(profile) };

  if (type.profileExtras === 'github_emails' && !profile['email']) {
    const primary = await githubPrimaryEmail({ ...extra, profileUrl });
    if (primary) {
      result.fallbackEmail = primary.email;
      result.emailVerified = primary.verified;
    }
  }
  if (type.profileExtras === 'entra_member_of' && additionalScopeSet(input.source.additionalScopes).has(ENTRA_GROUP_SCOPE)) {
    const groups = await entraMemberOf(extra);
    result.profile = { ...profile, raw_groups: groups.rawGroups };
    result.groupNames = groups.names;
  }
  return result;
}

/**
 * The issuer an id_token of this source must name: the type's fixed one (Apple), the caller's, the
 * one stored from discovery, else the one its well-known URL implies (OpenID Connect Discovery 1.0
 * §4: the URL is the issuer followed by `/.well-known/openid-configuration`, or RFC 8414's
 * inserted form). Both spellings with and without a terminating "/" are accepted, since §4 drops it
 * when building the URL. Null when the source cannot tell.
 */
export function expectedIdTokenIssuers(type: ProviderType, source: OAuthSourceConfig, expectedIssuer?: string | null): string[] | null {
  const known = type.idTokenIssuer || expectedIssuer || source.oidcIssuer;
  if (known) return [known];
  const wellKnown = resolveUrls(type, source).oidcWellKnownUrl;
  const derived = wellKnown ? issuersForWellKnownUrl(wellKnown) : [];
  if (derived.length === 0) return null;
  return [...new Set(derived.flatMap((issuer) => [issuer.replace(/\/$/, ''), `${issuer.replace(/\/$/, '')}/`]))];
}

/**
 * Why this source cannot verify an id_token at all (no keys, or no issuer to check), or null.
 * Such a token is refused, never trusted and never silently ignored.
 */
function unverifiableReason(type: ProviderType, input: ProfileInput): ProtocolError | null {
  const jwksUrl = resolveUrls(type, input.source).oidcJwksUrl ?? type.idTokenJwksUrl;
  if (asJwks(input.source.oidcJwks) === null && !jwksUrl) return oauthError(ID_TOKEN_REASONS.noKeys, 'id_token_no_keys');
  if (expectedIdTokenIssuers(type, input.source, input.expectedIssuer) === null) return oauthError(ID_TOKEN_REASONS.noIssuer, 'id_token_no_issuer');
  return null;
}

async function verify(type: ProviderType, input: ProfileInput, idToken: string): Promise<VerifiedIdToken> {
  const unverifiable = unverifiableReason(type, input);
  if (unverifiable) throw unverifiable;
  return verifyIdToken({
    idToken,
    clientId: resolveClientId(type, input.source),
    jwks: input.source.oidcJwks,
    jwksUrl: resolveUrls(type, input.source).oidcJwksUrl ?? type.idTokenJwksUrl,
    fetch: input.fetch,
    expectedIssuer: expectedIdTokenIssuers(type, input.source, input.expectedIssuer),
    nonce: input.nonce,
    now: input.now,
    limits: input.limits,
  });
}

/** Apple: the verified id_token claims are the profile. */
async function appleProfile(type: ProviderType, input: ProfileInput): Promise<ProfileResult> {
  if (!input.token.idToken) throw oauthError(REASONS.profileFailed, 'apple_no_id_token');
  const verified = await verify(type, input, input.token.idToken);
  const profile = verified.claims as JsonObject;
  return {
    profile,
    emailVerified: type.emailVerified(profile),
    idTokenClaims: profile,
    refreshedJwks: verified.refreshedJwks,
  };
}

/** OIDC/Okta: userinfo with header auth only (no token in the query); id_token fallback. */
async function oidcProfile(type: ProviderType, input: ProfileInput): Promise<ProfileResult> {
  const urls = resolveUrls(type, input.source);
  const idToken = input.token.idToken;
  // A token this source cannot check fails the login below, after userinfo: when userinfo fails
  // too, that failure is reported (there is no profile at all).
  const unverifiable = idToken ? unverifiableReason(type, input) : null;
  const verified = idToken && !unverifiable ? await verify(type, input, idToken) : null;
  const claims = verified ? (verified.claims as JsonObject) : undefined;

  let userinfo: unknown;
  let userinfoError: unknown;
  if (urls.profileUrl) {
    try {
      const req = profileRequest('header', type, urls.profileUrl, input.token);
      userinfo = await getProfileJson(input.fetch, req.url, req.headers, input.limits);
      if (!isJsonObject(userinfo)) throw oauthError(REASONS.profileFailed, 'profile_not_object');
    } catch (err) {
      userinfoError = err;
      userinfo = undefined;
    }
  }
  const base = { idTokenClaims: claims, refreshedJwks: verified?.refreshedJwks };
  if (isJsonObject(userinfo)) {
    if (unverifiable) throw unverifiable;
    if (claims && userinfo['sub'] !== undefined && userinfo['sub'] !== claims['sub']) {
      throw oauthError(REASONS.profileFailed, 'userinfo_sub_mismatch');
    }
    return { ...base, profile: userinfo, emailVerified: type.emailVerified(userinfo) };
  }
  if (claims) return { ...base, profile: claims, emailVerified: type.emailVerified(claims) };
  // Rethrown as the userinfo request threw it (typed unknown, as anything caught is).
  const failure: unknown = userinfoError ?? unverifiable ?? oauthError(REASONS.profileFailed, 'empty_profile_url');
  throw failure;
}
