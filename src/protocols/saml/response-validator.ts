import type { Element } from '@xmldom/xmldom';
import { decodeBase64, parseSamlTime } from './encoding.js';
import { SamlError } from './errors.js';
import { readAttributes, readSessionIndex } from './response-attributes.js';
import { checkConditions } from './response-conditions.js';
import { decryptAssertionInPlace } from './response-decrypt.js';
import { assertUniqueIds, directSignature, prepareVerificationKeys, verifyElementSignature } from './response-signature.js';
import type { VerificationKey } from './response-signature.js';
import { checkStatus } from './response-status.js';
import { checkSubjectConfirmation, readNameId } from './response-subject.js';
import { sameEndpoint } from './url-match.js';
import { NS, attr, childElements, descendants, isNamed, parseXml, serialize, textContent } from './xml.js';

/** What does not change between two logins through the same source. */
export interface SamlResponseValidatorSettings {
  /** Absolute URL of our ACS endpoint (Destination / Recipient must match it). */
  acsUrl: string;
  /** Our entity ID (the Audience the assertion must name). */
  spEntityId: string;
  /** The IdP's entity ID; when known, Response and Assertion Issuer must equal it. */
  idpEntityId?: string | null;
  /**
   * PEM certificates of the IdP (verification_kp; several during key rollover — any one may
   * verify). Empty = signatures are NOT checked at all: authentik semantics for a source
   * without verification_kp. The admin API refuses a certificate without at least
   * one of the require flags, and we refuse that combination here too.
   */
  verificationCerts: string[];
  requireSignedAssertion: boolean;
  requireSignedResponse: boolean;
  /** PEM private key of encryption_kp; when set, the assertion MUST be encrypted. */
  decryptionKey?: string | null;
  allowIdpInitiated: boolean;
  /** Accepted clock difference with the IdP (default 120 s). */
  clockSkewSeconds?: number;
  /** Accept rsa-sha1 / ecdsa-sha1 signatures and sha1 digests (default true, as authentik). */
  allowSha1?: boolean;
}

/** What changes per ACS request. */
export interface SamlResponseRequestContext {
  now: Date;
  /** The AuthnRequest ID stored in this browser's flow state; null/absent = none. */
  expectedRequestId?: string | null;
}

export type SamlResponseValidationConfig = SamlResponseValidatorSettings & SamlResponseRequestContext;

export interface SamlAssertionResult {
  responseId: string;
  assertionId: string;
  /** The Response's InResponseTo when it answered our request; null for IdP-initiated. */
  inResponseTo: string | null;
  /** Assertion Issuer (the IdP entity ID). */
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  attributes: Record<string, string[]>;
  /** Until when a replay cache must remember assertionId (after it the assertion is expired anyway). */
  notOnOrAfter: Date;
  /** The Response XML (with the assertion decrypted in place when it was encrypted). */
  responseXml: string;
}

export type SamlResponseValidator = (samlResponse: string, context: SamlResponseRequestContext) => SamlAssertionResult;

/**
 * Prepares a validator for one source: certificates are parsed once, so repeated validations
 * (including a benchmark loop over the same document with a fixed `now`) pay only per-message
 * work. The returned function is pure: no I/O, no clock, no shared mutable state.
 */
export function createSamlResponseValidator(settings: SamlResponseValidatorSettings): SamlResponseValidator {
  const keys = prepareVerificationKeys(settings.verificationCerts);
  if (keys.length > 0 && !settings.requireSignedAssertion && !settings.requireSignedResponse) {
    // The admin API refuses this too: a certificate that verifies nothing would be a silent downgrade.
    throw new SamlError(
      'InvalidSignature',
      'A verification certificate is configured but neither the assertion nor the response signature is required.',
    );
  }
  return (samlResponse, context) => validate(samlResponse, settings, keys, context);
}

/** One-shot form of createSamlResponseValidator. `samlResponse` is the base64 form field. */
export function validateSamlResponse(samlResponse: string, config: SamlResponseValidationConfig): SamlAssertionResult {
  return createSamlResponseValidator(config)(samlResponse, config);
}

function validate(
  samlResponse: string,
  settings: SamlResponseValidatorSettings,
  keys: VerificationKey[],
  context: SamlResponseRequestContext,
): SamlAssertionResult {
  const skewMs = (settings.clockSkewSeconds ?? 120) * 1000;
  const allowSha1 = settings.allowSha1 ?? true;
  const now = context.now;

  // HTTP-POST binding (SAML Bindings §3.5.4): base64, not deflated; hardened parser.
  const originalXml = decodeBase64(samlResponse, 'SAMLResponse').toString('utf8');
  const doc = parseXml(originalXml, 'SAMLResponse');
  const response = doc.documentElement as Element;
  if (!isNamed(response, NS.protocol, 'Response')) {
    throw new SamlError('InvalidXml', 'The SAMLResponse is not a samlp:Response.');
  }
  if (attr(response, 'Version') !== '2.0') throw new SamlError('InvalidXml', 'The SAML Response is not SAML version 2.0.');
  const responseId = attr(response, 'ID');
  if (!responseId) throw new SamlError('InvalidXml', 'The SAML Response has no ID.');
  parseSamlTime(attr(response, 'IssueInstant') ?? '', 'Response IssueInstant');
  assertUniqueIds(response);

  // SAML Bindings §3.5.5.2: a Destination present must be our ACS URL.
  const destination = attr(response, 'Destination');
  if (destination !== null && !sameEndpoint(destination, settings.acsUrl)) {
    throw new SamlError('MismatchedBinding', 'The Response is addressed to a different endpoint (Destination does not match our ACS URL).');
  }
  checkStatus(response);
  checkIssuer(response, settings.idpEntityId, 'Response', false);
  const inResponseTo = checkInResponseTo(attr(response, 'InResponseTo'), context.expectedRequestId ?? null, settings.allowIdpInitiated);

  // Response signature over the ORIGINAL document: it covers the encrypted form.
  if (keys.length > 0 && settings.requireSignedResponse) {
    const signature = directSignature(response, 'Response');
    if (!signature) throw new SamlError('InvalidSignature', 'No Signature exists in the Response element.');
    verifyElementSignature(response, signature, { keys, allowSha1, where: 'Response', wholeDocument: response });
  }

  const { assertion, decrypted } = locateAssertion(doc, response, settings.decryptionKey ?? null);
  if (decrypted) assertUniqueIds(response);

  if (keys.length > 0 && settings.requireSignedAssertion) {
    const signature = directSignature(assertion, 'Assertion');
    if (!signature) throw new SamlError('InvalidSignature', 'No Signature exists in the Assertion element.');
    verifyElementSignature(assertion, signature, {
      keys,
      allowSha1,
      where: 'Assertion',
      // Encrypted: the IdP signed the assertion as the document it then encrypted.
      wholeDocument: decrypted ? assertion : response,
    });
  }

  if (attr(assertion, 'Version') !== '2.0') throw new SamlError('InvalidXml', 'The Assertion is not SAML version 2.0.');
  const assertionId = attr(assertion, 'ID');
  if (!assertionId) throw new SamlError('InvalidXml', 'The Assertion has no ID.');
  const issuer = checkIssuer(assertion, settings.idpEntityId, 'Assertion', true) as string;
  const { nameId, format } = readNameId(assertion);
  const confirmationEnd = checkSubjectConfirmation(assertion, {
    acsUrl: settings.acsUrl,
    requestId: inResponseTo,
    now,
    skewMs,
  });
  const conditionsEnd = checkConditions(assertion, { spEntityId: settings.spEntityId, now, skewMs });
  const end = Math.min(confirmationEnd.getTime(), conditionsEnd?.getTime() ?? Number.POSITIVE_INFINITY);

  return {
    responseId,
    assertionId,
    inResponseTo,
    issuer,
    nameId,
    nameIdFormat: format,
    sessionIndex: readSessionIndex(assertion),
    attributes: readAttributes(assertion),
    notOnOrAfter: new Date(end + skewMs),
    responseXml: decrypted ? serialize(doc) : originalXml,
  };
}

/**
 * SAML Profiles §4.1.4.3. With a stored request ID the Response must answer it. Without an
 * InResponseTo the response is unsolicited: accepted only when IdP-initiated logins are allowed
 * (then no request binding exists). Returns the request ID the assertion must be bound to.
 */
function checkInResponseTo(inResponseTo: string | null, expected: string | null, allowIdpInitiated: boolean): string | null {
  if (inResponseTo === null) {
    if (!allowIdpInitiated) {
      throw new SamlError('MismatchedRequestID', 'Missing InResponseTo and IdP-initiated Logins are not allowed');
    }
    return null;
  }
  if (expected !== null) {
    if (inResponseTo !== expected) throw new SamlError('MismatchedRequestID', 'Mismatched request ID');
    return expected;
  }
  if (allowIdpInitiated) return null;
  throw new SamlError(
    'UnsolicitedResponse',
    'This response answers a login request that was not started in this browser session, and IdP-initiated logins are not allowed.',
  );
}

/**
 * Finds the one assertion to consume. XSW defence: after decryption the Response must contain
 * exactly one saml:Assertion anywhere in the tree (Advice, Extensions and ds:Object included),
 * and it must be a direct child of the Response — so the element whose signature we verify is
 * the element we read, and no unsigned sibling can be picked up instead.
 * With a decryption key the assertion MUST be encrypted (no downgrade).
 */
function locateAssertion(
  doc: Parameters<typeof decryptAssertionInPlace>[0],
  response: Element,
  decryptionKey: string | null,
): { assertion: Element; decrypted: boolean } {
  const encrypted = descendants(response, NS.assertion, 'EncryptedAssertion');
  let decrypted = false;
  if (decryptionKey) {
    const plain = childElements(response, NS.assertion, 'Assertion');
    if (encrypted.length === 0 && plain.length > 0) {
      throw new SamlError('InvalidEncryption', 'Assertion is not encrypted, but this source requires encrypted assertions.');
    }
    if (encrypted.length !== 1 || encrypted[0].parentNode !== response) {
      throw new SamlError('InvalidEncryption', 'The Response must contain exactly one EncryptedAssertion.');
    }
    decryptAssertionInPlace(doc, encrypted[0], decryptionKey);
    decrypted = true;
  } else if (encrypted.length > 0) {
    throw new SamlError('InvalidEncryption', 'The assertion is encrypted, but no decryption key is configured for this source.');
  }

  const all = descendants(response, NS.assertion, 'Assertion');
  if (all.length === 0) throw new SamlError('InvalidXml', 'Assertion element not found.');
  const assertion = all[0];
  if (all.length > 1 || assertion.parentNode !== response) {
    throw new SamlError(
      'InvalidSignature',
      `The Response must contain exactly one Assertion, directly under the Response (found ${all.length}); refusing a possible signature wrapping attack.`,
    );
  }
  if (descendants(response, NS.assertion, 'EncryptedAssertion').length > 0) {
    throw new SamlError('InvalidSignature', 'The decrypted assertion contains a nested EncryptedAssertion; refusing.');
  }
  return { assertion, decrypted };
}

/** Issuer is optional on a Response and required on an Assertion (SAML Core §3.2.2, §2.3.3). */
function checkIssuer(el: Element, idpEntityId: string | null | undefined, where: string, required: boolean): string | null {
  const issuers = childElements(el, NS.assertion, 'Issuer');
  if (issuers.length > 1) throw new SamlError('InvalidXml', `The ${where} contains more than one Issuer.`);
  const issuer = issuers[0] ? textContent(issuers[0]).trim() : null;
  if (issuer === null || issuer === '') {
    if (required) throw new SamlError('IssuerMismatch', `The ${where} has no Issuer.`);
    return null;
  }
  if (idpEntityId && issuer !== idpEntityId) {
    throw new SamlError('IssuerMismatch', `The ${where} was issued by "${issuer.slice(0, 200)}", not by the configured identity provider.`);
  }
  return issuer;
}
