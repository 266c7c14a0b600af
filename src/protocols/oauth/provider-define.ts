/** `define()`: a provider type = the generic defaults overridden by one registry entry. */
import * as p from './base-properties.js';
import type { ProviderType, ProviderUrls } from './provider-types.js';

const NO_URLS: ProviderUrls = {
  requestTokenUrl: null,
  authorizationUrl: null,
  accessTokenUrl: null,
  profileUrl: null,
  oidcWellKnownUrl: null,
  oidcJwksUrl: null,
};

export type Definition = Partial<Omit<ProviderType, 'urls'>> & Pick<ProviderType, 'name' | 'verboseName'> & { urls?: Partial<ProviderUrls> };

export function define(d: Definition): ProviderType {
  return Object.freeze({
    urlsCustomizable: false,
    defaultScopes: [],
    scopeParameter: 'scope',
    extraAuthorizationParams: {},
    clientIdParameters: ['client_id'],
    authorizationFragment: null,
    pkce: 'none',
    sendsNonce: false,
    tokenAuth: 'basic_auth',
    tokenRequest: 'form_post',
    tokenResponse: 'standard',
    profileStyle: 'query_and_header',
    capitaliseTokenType: false,
    profileExtras: null,
    idTokenProfileFallback: false,
    idTokenIssuer: null,
    idTokenJwksUrl: null,
    identifier: [['id']],
    baseProperties: p.rawProperties,
    emailVerified: p.noEmailVerification,
    groupClaim: null,
    ...d,
    urls: Object.freeze({ ...NO_URLS, ...d.urls }),
  } satisfies ProviderType);
}
