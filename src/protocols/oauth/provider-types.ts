/**
 * The provider-type model (docs/behaviour.md#oauth-provider-types) and the rules that combine a
 * type with a source (docs/behaviour.md#oauth-settings): URL resolution, scopes, PKCE mode,
 * token-endpoint client authentication. The registry data lives in provider-registry.ts.
 */
import type { EmailVerifiedReader, PropertyBuilder } from './base-properties.js';
import { PROVIDER_REGISTRY, DEFAULT_PROVIDER_TYPE } from './provider-registry.js';
import type { AuthCodeAuthMethod, OAuthSourceConfig, PkceMode } from './types.js';

export interface ProviderUrls {
  requestTokenUrl: string | null;
  authorizationUrl: string | null;
  accessTokenUrl: string | null;
  profileUrl: string | null;
  oidcWellKnownUrl: string | null;
  oidcJwksUrl: string | null;
}

/** `source` = use the source's `authorizationCodeAuthMethod` (OIDC client only). */
export type TokenAuth = AuthCodeAuthMethod | 'source';

/**
 * How the access token is presented to the profile endpoint:
 * `query_and_header` = `?access_token=` AND `Authorization: <token_type> <token>`;
 * `header` = header only; `query` = query only (Mailcow); `id_token` = no profile call, the
 * verified id_token claims are the profile (Apple); `wechat` = WeChat's own GET.
 */
export type ProfileStyle = 'query_and_header' | 'header' | 'query' | 'id_token' | 'wechat';

export interface ProviderType {
  readonly name: string;
  readonly verboseName: string;
  readonly urlsCustomizable: boolean;
  readonly urls: Readonly<ProviderUrls>;
  readonly defaultScopes: readonly string[];
  /** Slack sends its scopes as `user_scope` (comma separated) and an empty `scope`. */
  readonly scopeParameter: 'scope' | 'user_scope';
  readonly extraAuthorizationParams: Readonly<Record<string, string>>;
  /** Parameters that carry the client id on the authorization request (WeChat adds `appid`). */
  readonly clientIdParameters: readonly string[];
  /** Fragment appended to the authorization URL (WeChat: `wechat_redirect`). */
  readonly authorizationFragment: string | null;
  readonly pkce: PkceMode;
  /**
   * Whether the authorization request carries a `nonce`. True for the types whose code flow
   * returns an id_token (openidconnect, okta, entraid, gitlab, google, twitch, apple); the
   * nonce is checked wherever this module verifies an id_token (OIDC/Okta, Apple).
   */
  readonly sendsNonce: boolean;
  readonly tokenAuth: TokenAuth;
  readonly tokenRequest: 'form_post' | 'wechat_get';
  readonly tokenResponse: 'standard' | 'slack';
  readonly profileStyle: ProfileStyle;
  /** Twitch rejects `bearer`; send `Bearer`. */
  readonly capitaliseTokenType: boolean;
  readonly profileExtras: 'github_emails' | 'entra_member_of' | null;
  /** OIDC/Okta: when userinfo fails, the verified id_token claims are the profile. */
  readonly idTokenProfileFallback: boolean;
  /** Fixed issuer/JWKS for types whose id_token *is* the profile (Apple). */
  readonly idTokenIssuer: string | null;
  readonly idTokenJwksUrl: string | null;
  /** Candidate paths into the profile; the first present one is the connection identifier. */
  readonly identifier: readonly (readonly string[])[];
  readonly baseProperties: PropertyBuilder;
  readonly emailVerified: EmailVerifiedReader;
  /** Where groups come from: the `groups` claim, or Entra's memberOf (`raw_groups`). */
  readonly groupClaim: 'groups' | 'entra_raw_groups' | null;
}

/** The admin API's SourceType object. */
export interface SourceTypeDescriptor {
  name: string;
  verbose_name: string;
  urls_customizable: boolean;
  request_token_url: string | null;
  authorization_url: string | null;
  access_token_url: string | null;
  profile_url: string | null;
  oidc_well_known_url: string | null;
  oidc_jwks_url: string | null;
}

/**
 * authentik 2024.8 names Microsoft's provider `azuread` ("Azure AD"); later releases renamed it
 * `entraid`. Both are accepted and stored as sent; the 2024.8 name is the one listed.
 */
export const LEGACY_PROVIDER_TYPES: Record<string, string> = { azuread: 'entraid' };
const LISTED_NAMES: Record<string, { name: string; verboseName: string }> = { entraid: { name: 'azuread', verboseName: 'Azure AD' } };

const BY_NAME = new Map<string, ProviderType>(PROVIDER_REGISTRY.map((t) => [t.name, t]));
for (const [alias, name] of Object.entries(LEGACY_PROVIDER_TYPES)) BY_NAME.set(alias, BY_NAME.get(name)!);

/** All registered types in listing order (the generic `default` type is not listed). */
export function listProviderTypes(): readonly ProviderType[] {
  return PROVIDER_REGISTRY;
}

/** Unknown names fall back to the generic `default` type ; the caller logs a warning. */
export function getProviderType(name: string | null | undefined): ProviderType {
  return (name && BY_NAME.get(name)) || DEFAULT_PROVIDER_TYPE;
}

export function isKnownProviderType(name: string): boolean {
  return BY_NAME.has(name);
}

export function asProviderType(type: ProviderType | string): ProviderType {
  return typeof type === 'string' ? getProviderType(type) : type;
}

function pick(builtIn: string | null, configured: string | null | undefined, custom: boolean) {
  if (custom && configured) return configured;
  return builtIn || null;
}

/** The source's URL wins only for `urlsCustomizable` types and only when non-empty. */
export function resolveUrls(type: ProviderType, source: OAuthSourceConfig): ProviderUrls {
  const c = type.urlsCustomizable;
  return {
    requestTokenUrl: pick(type.urls.requestTokenUrl, source.requestTokenUrl, c),
    authorizationUrl: pick(type.urls.authorizationUrl, source.authorizationUrl, c),
    accessTokenUrl: pick(type.urls.accessTokenUrl, source.accessTokenUrl, c),
    profileUrl: pick(type.urls.profileUrl, source.profileUrl, c),
    oidcWellKnownUrl: pick(type.urls.oidcWellKnownUrl, source.oidcWellKnownUrl, c),
    oidcJwksUrl: pick(type.urls.oidcJwksUrl, source.oidcJwksUrl, c),
  };
}

/** OAuth 1 is used when a request-token URL resolves (not implemented here). */
export function usesOAuth1(type: ProviderType, source: OAuthSourceConfig): boolean {
  return resolveUrls(type, source).requestTokenUrl !== null;
}

export interface ResolvedScopes {
  /** Value list for the `scope` parameter (empty for Slack). De-duplicated and sorted. */
  scope: string[];
  /** Slack only: the `user_scope` list; `null` for every other type. */
  userScope: string[] | null;
}

function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].filter((s) => s !== '').sort();
}

/**
 * Additional scopes are appended to the defaults; a leading `*` replaces them.
 * Slack: defaults + additional go to `user_scope` (a leading `*` is stripped, never replaces).
 */
export function resolveScopes(type: ProviderType, additionalScopes: string | null | undefined): ResolvedScopes {
  const additional = (additionalScopes ?? '').trim();
  const replace = additional.startsWith('*');
  const extra = (replace ? additional.slice(1) : additional).split(/\s+/);
  if (type.scopeParameter === 'user_scope') {
    return { scope: [], userScope: uniqueSorted([...type.defaultScopes, ...extra]) };
  }
  const scope = replace ? extra : [...type.defaultScopes, ...extra];
  return { scope: uniqueSorted(scope), userScope: null };
}

/** Additional scopes as a set (used e.g. to detect Entra's GroupMember.Read.All). */
export function additionalScopeSet(additionalScopes: string | null | undefined): Set<string> {
  const s = (additionalScopes ?? '').trim().replace(/^\*/, '');
  return new Set(s.split(/\s+/).filter((x) => x !== ''));
}

/** The source's PKCE mode overrides the type default only when customizable. */
export function effectivePkce(type: ProviderType, source: OAuthSourceConfig): PkceMode {
  if (type.urlsCustomizable && source.pkce) return source.pkce;
  return type.pkce;
}

/**
 * Token endpoint client authentication (RFC 6749 §2.3.1): the type's method, except OIDC/Okta which
 * honour the source's setting.
 */
export function effectiveTokenAuth(type: ProviderType, source: OAuthSourceConfig): AuthCodeAuthMethod {
  if (type.tokenAuth === 'source') return source.authorizationCodeAuthMethod ?? 'basic_auth';
  return type.tokenAuth;
}

export function sourceTypeDescriptor(type: ProviderType | string): SourceTypeDescriptor {
  const t = asProviderType(type);
  const listed = LISTED_NAMES[t.name] ?? { name: t.name, verboseName: t.verboseName };
  return {
    name: listed.name,
    verbose_name: listed.verboseName,
    urls_customizable: t.urlsCustomizable,
    request_token_url: t.urls.requestTokenUrl,
    authorization_url: t.urls.authorizationUrl,
    access_token_url: t.urls.accessTokenUrl,
    profile_url: t.urls.profileUrl,
    oidc_well_known_url: t.urls.oidcWellKnownUrl,
    oidc_jwks_url: t.urls.oidcJwksUrl,
  };
}

/** Every accepted `provider_type` value, legacy aliases included. */
export function providerTypeNames(): string[] {
  return [...listProviderTypes().map((t) => t.name), ...Object.keys(LEGACY_PROVIDER_TYPES)];
}
