/** Public surface of the OAuth 2.0 / OIDC client protocol core. */
export type * from './types.js';
export * from './errors.js';
export type { ProviderType, ProviderUrls, ResolvedScopes, SourceTypeDescriptor, TokenAuth, ProfileStyle } from './provider-types.js';
export {
  additionalScopeSet,
  asProviderType,
  effectivePkce,
  effectiveTokenAuth,
  getProviderType,
  isKnownProviderType,
  listProviderTypes,
  resolveScopes,
  resolveUrls,
  sourceTypeDescriptor,
  usesOAuth1,
} from './provider-types.js';
export { DEFAULT_PROVIDER_TYPE } from './provider-registry.js';
export type { AuthorizationRequest, AuthorizationRequestInput } from './authorize.js';
export { buildAuthorizationRequest, randomCodeVerifier } from './authorize.js';
export { isStatePresent, readAuthorizationResponse } from './callback.js';
export type { CallbackParams } from './callback.js';
export type { CodeExchangeInput } from './token.js';
export { basicAuthorization, exchangeCode } from './token.js';
export type { ProfileInput, ProfileResult } from './profile.js';
export { fetchProfile } from './profile.js';
export type { IdTokenVerificationInput, VerifiedIdToken } from './id-token.js';
export { ALLOWED_ID_TOKEN_ALGORITHMS, ID_TOKEN_REASONS, asJwks, verifyIdToken } from './id-token.js';
export type { ExtractedIdentity, IdentitySupplement } from './identity.js';
export { extractIdentifier, extractIdentity } from './identity.js';
export type { NormalisedGroups } from './groups.js';
export { entraGroupsFromMemberOf, normaliseGroupClaim } from './groups.js';
export type { AppleConsumerKey } from './apple.js';
export { APPLE_KEY_FORMAT_ERROR, appleClientId, appleNativeChallenge, createAppleClientSecret, parseAppleConsumerKey } from './apple.js';
export type { DiscoveredConfiguration } from './discovery.js';
export { DISCOVERY_LIMITS, canonicalJson, discoverOidcConfiguration, fetchJwks } from './discovery.js';
export type { FetchLimits } from './http.js';
export { ENTRA_GROUP_SCOPE, ENTRA_MEMBER_OF_URL } from './profile-extras.js';
