import type { OAuthSourceConfig } from '../../protocols/oauth/index.js';
import type { OAuthSource } from '../kinds.js';

/** The stored source as the protocol core sees it (the secret is decrypted by the repository). */
export function oauthSourceConfig(source: OAuthSource, consumerSecret: string): OAuthSourceConfig {
  const o = source.settings;
  return {
    slug: source.slug,
    name: source.name,
    providerType: o.provider_type,
    consumerKey: o.consumer_key,
    consumerSecret,
    requestTokenUrl: o.request_token_url,
    authorizationUrl: o.authorization_url,
    accessTokenUrl: o.access_token_url,
    profileUrl: o.profile_url,
    additionalScopes: o.additional_scopes,
    oidcWellKnownUrl: o.oidc_well_known_url,
    oidcIssuer: o.oidc_issuer,
    oidcJwksUrl: o.oidc_jwks_url,
    oidcJwks: o.oidc_jwks,
    pkce: o.pkce,
    authorizationCodeAuthMethod: o.authorization_code_auth_method,
  };
}

export function oauthCallbackUrl(base: string, slug: string): string {
  return `${base}/source/oauth/callback/${encodeURIComponent(slug)}/`;
}
