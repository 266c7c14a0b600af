/** Public surface of the SAML 2.0 SP protocol core (pure: no HTTP, no SQL). */
export { SamlError, SAML_ERROR_REASONS, isSamlError, replayError } from './errors.js';
export type { SamlErrorReason } from './errors.js';
export { BINDINGS, NAMEID_FORMATS, STATUS } from './constants.js';
export { SIGNATURE_ALGORITHMS, DIGEST_ALGORITHMS } from './algorithms.js';
export { buildAuthnRequestXml, createAuthnRequest } from './authn-request.js';
export type { AuthnRequestConfig, AuthnRequestInput, AuthnRequestOutcome, SamlBindingType } from './authn-request.js';
export { buildRedirectUrl, parseRedirectMessage, formEncode } from './redirect-binding.js';
export type { ParsedRedirectMessage, RedirectSigning } from './redirect-binding.js';
export type { XmlSigningKey } from './signing.js';
export { createSamlResponseValidator, validateSamlResponse } from './response-validator.js';
export type {
  SamlAssertionResult,
  SamlResponseRequestContext,
  SamlResponseValidationConfig,
  SamlResponseValidator,
  SamlResponseValidatorSettings,
} from './response-validator.js';
export { samlPropertiesFromAssertion, samlGroupProperties, GROUP_CLAIM } from './properties.js';
export type { SamlUserProperties } from './properties.js';
export { buildSpMetadata, parseIdpMetadata } from './metadata.js';
export type { IdpMetadata, SpMetadataInput } from './metadata.js';
export { createLogoutRequest, createLogoutResponse, parseLogoutRedirect } from './logout.js';
export type { IncomingLogoutMessage, IncomingLogoutOptions } from './logout.js';
export { certificateBody, certificatePem } from './pem.js';
