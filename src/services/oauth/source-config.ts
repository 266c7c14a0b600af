import type { AuthCodeAuthMethod, OAuthSourceConfig, PkceMode } from '../../protocols/oauth/index.js';
import type { OAuthSource } from '../../storage/source-ports.js';

/** The stored source as the protocol core sees it (the secret is decrypted by the repository). */
export function oauthSourceConfig(source: OAuthSource, consumerSecret: string): OAuthSourceConfig {
  const o = source.oauth;
  return {
    slug: source.slug,
    name: source.name,
    providerType: o.providerType,
    consumerKey: o.consumerKey,
    consumerSecret,
    requestTokenUrl: o.requestTokenUrl,
    authorizationUrl: o.authorizationUrl,
    accessTokenUrl: o.accessTokenUrl,
    profileUrl: o.profileUrl,
    additionalScopes: o.additionalScopes,
    oidcWellKnownUrl: o.oidcWellKnownUrl,
    oidcJwksUrl: o.oidcJwksUrl,
    oidcJwks: o.oidcJwks,
    pkce: o.pkce as PkceMode,
    authorizationCodeAuthMethod: o.authorizationCodeAuthMethod as AuthCodeAuthMethod,
  };
}

export function oauthCallbackUrl(base: string, slug: string): string {
  return `${base}/source/oauth/callback/${encodeURIComponent(slug)}/`;
}
