import type { Element } from '@xmldom/xmldom';
import { parseSamlTime } from './encoding.js';
import { SamlError } from './errors.js';
import { sameEndpoint } from './url-match.js';
import { NS, attr, childElements, textContent } from './xml.js';

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export interface NameIdInfo {
  nameId: string;
  format: string | null;
}

/**
 * Assertion/Subject/NameID must exist and be non-empty. The value is the
 * element's full character data with comments removed — the same string C14N signed — so a
 * comment cannot truncate it (`admin@corp<!---->.evil.com` stays `admin@corp.evil.com`).
 */
export function readNameId(assertion: Element): NameIdInfo {
  const subjects = childElements(assertion, NS.assertion, 'Subject');
  if (subjects.length === 0) throw new SamlError('MissingNameID', 'Subject element not found in the Assertion.');
  if (subjects.length > 1) throw new SamlError('InvalidXml', 'The Assertion contains more than one Subject.');
  const nameIds = childElements(subjects[0], NS.assertion, 'NameID');
  if (nameIds.length === 0) {
    const encrypted = childElements(subjects[0], NS.assertion, 'EncryptedID').length > 0;
    throw new SamlError('MissingNameID', encrypted ? 'NameID element not found (encrypted NameIDs are not supported).' : 'NameID element not found.');
  }
  if (nameIds.length > 1) throw new SamlError('InvalidXml', 'The Subject contains more than one NameID.');
  const el = nameIds[0];
  const nameId = textContent(el);
  if (nameId.trim() === '') throw new SamlError('MissingNameID', 'NameID is empty.');
  return { nameId, format: attr(el, 'Format') };
}

export interface ConfirmationContext {
  acsUrl: string;
  /** Request ID the confirmation must answer; null for an IdP-initiated response. */
  requestId: string | null;
  now: Date;
  skewMs: number;
}

/**
 * Binds the assertion to this SP and this request (SAML Profiles §4.1.4.2–3):
 * at least one SubjectConfirmation with Method bearer (or no Method — authentik reads those)
 * whose SubjectConfirmationData has Recipient = our ACS URL, InResponseTo = our request ID when
 * we sent one, and a NotOnOrAfter that has not passed. Confirmations with another Method (e.g.
 * holder-of-key, which we cannot check) are ignored. Returns the NotOnOrAfter of the accepted
 * confirmation.
 *
 * When none qualifies, the error names the most specific failure among the confirmations that
 * were addressed to us: wrong InResponseTo → MismatchedRequestID, expired → Expired; otherwise
 * MismatchedBinding.
 */
export function checkSubjectConfirmation(assertion: Element, ctx: ConfirmationContext): Date {
  const subject = childElements(assertion, NS.assertion, 'Subject')[0];
  let mismatchedRequest = false;
  let expired = false;
  let notYetValid = false;
  for (const confirmation of childElements(subject, NS.assertion, 'SubjectConfirmation')) {
    const method = attr(confirmation, 'Method');
    if (method !== null && method !== BEARER) continue;
    const data = childElements(confirmation, NS.assertion, 'SubjectConfirmationData');
    if (data.length !== 1) continue;
    const scd = data[0];
    const recipient = attr(scd, 'Recipient');
    if (recipient === null || !sameEndpoint(recipient, ctx.acsUrl)) continue;
    const inResponseTo = attr(scd, 'InResponseTo');
    if (ctx.requestId !== null && inResponseTo !== ctx.requestId) {
      mismatchedRequest = true;
      continue;
    }
    const notOnOrAfterAttr = attr(scd, 'NotOnOrAfter');
    // Profiles §4.1.4.2: a bearer confirmation MUST limit its delivery window.
    if (notOnOrAfterAttr === null) continue;
    const notOnOrAfter = parseSamlTime(notOnOrAfterAttr, 'SubjectConfirmationData NotOnOrAfter');
    if (ctx.now.getTime() - ctx.skewMs >= notOnOrAfter.getTime()) {
      expired = true;
      continue;
    }
    const notBeforeAttr = attr(scd, 'NotBefore');
    if (notBeforeAttr !== null && ctx.now.getTime() + ctx.skewMs < parseSamlTime(notBeforeAttr, 'SubjectConfirmationData NotBefore').getTime()) {
      notYetValid = true;
      continue;
    }
    return notOnOrAfter;
  }
  if (mismatchedRequest) {
    throw new SamlError('MismatchedRequestID', 'Mismatched request ID: the subject confirmation answers a different request.');
  }
  if (expired) throw new SamlError('Expired', 'The subject confirmation has expired (SubjectConfirmationData NotOnOrAfter has passed).');
  if (notYetValid) throw new SamlError('NotYetValid', 'The subject confirmation is not yet valid.');
  throw new SamlError(
    'MismatchedBinding',
    'The assertion is not addressed to this service provider: no bearer SubjectConfirmation with our ACS URL as Recipient.',
  );
}
