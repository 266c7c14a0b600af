import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { STATUS } from './constants.js';
import { newSamlId, parseSamlTime, samlTime } from './encoding.js';
import { SamlError } from './errors.js';
import { buildRedirectUrl, parseRedirectMessage } from './redirect-binding.js';
import type { RedirectSigning } from './redirect-binding.js';
import { sameEndpoint } from './url-match.js';
import { NS, attr, childElements, escapeXml, firstChildElement, isNamed, parseXml, textContent } from './xml.js';

interface OutgoingCommon {
  /** The IdP's SingleLogoutService (Redirect binding), i.e. SAMLSource.slo_url. */
  sloUrl: string;
  spEntityId: string;
  now: Date;
  relayState?: string | null;
  /** Signs the query (SAML Bindings §3.4.4.1) when given. */
  signing?: RedirectSigning | null;
  randomBytes?: (size: number) => Uint8Array;
  id?: string;
}

/** SP-initiated single logout (SAML Core §3.7.1) for the Redirect binding. */
export function createLogoutRequest(input: OutgoingCommon & { nameId: string; nameIdFormat?: string | null; sessionIndex?: string | null }): {
  requestId: string;
  xml: string;
  url: string;
} {
  const requestId = input.id ?? newSamlId(input.randomBytes ?? nodeRandomBytes);
  const format = input.nameIdFormat ? ` Format="${escapeXml(input.nameIdFormat)}"` : '';
  const session = input.sessionIndex ? `<samlp:SessionIndex>${escapeXml(input.sessionIndex)}</samlp:SessionIndex>` : '';
  const xml =
    `<samlp:LogoutRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" Destination="${escapeXml(input.sloUrl)}"` +
    ` ID="${requestId}" IssueInstant="${samlTime(input.now)}" Version="2.0">` +
    `<saml:Issuer>${escapeXml(input.spEntityId)}</saml:Issuer>` +
    `<saml:NameID${format}>${escapeXml(input.nameId)}</saml:NameID>${session}</samlp:LogoutRequest>`;
  const url = buildRedirectUrl({ endpoint: input.sloUrl, param: 'SAMLRequest', xml, relayState: input.relayState, signing: input.signing });
  return { requestId, xml, url };
}

/** Our answer to an IdP-initiated LogoutRequest (SAML Core §3.7.2), Redirect binding. */
export function createLogoutResponse(input: OutgoingCommon & { inResponseTo: string; statusCode?: string }): {
  responseId: string;
  xml: string;
  url: string;
} {
  const responseId = input.id ?? newSamlId(input.randomBytes ?? nodeRandomBytes);
  const xml =
    `<samlp:LogoutResponse xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" Destination="${escapeXml(input.sloUrl)}"` +
    ` ID="${responseId}" InResponseTo="${escapeXml(input.inResponseTo)}" IssueInstant="${samlTime(input.now)}" Version="2.0">` +
    `<saml:Issuer>${escapeXml(input.spEntityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(input.statusCode ?? STATUS.success)}"/></samlp:Status></samlp:LogoutResponse>`;
  const url = buildRedirectUrl({ endpoint: input.sloUrl, param: 'SAMLResponse', xml, relayState: input.relayState, signing: input.signing });
  return { responseId, xml, url };
}

export interface IncomingLogoutOptions {
  /** IdP certificates; when non-empty the query signature is verified (see parseRedirectMessage). */
  verificationCerts?: string[];
  requireSignature?: boolean;
  allowSha1?: boolean;
  /** Our SLO endpoint; a Destination on the message must equal it. */
  sloUrl?: string | null;
  /** When known, the message Issuer must equal it. */
  idpEntityId?: string | null;
  /** ID of the LogoutRequest we sent (for an incoming LogoutResponse). */
  expectedRequestId?: string | null;
  now: Date;
  clockSkewSeconds?: number;
}

export type IncomingLogoutMessage =
  | {
      kind: 'LogoutRequest';
      id: string;
      issuer: string | null;
      nameId: string;
      nameIdFormat: string | null;
      sessionIndexes: string[];
      relayState: string | null;
      signatureVerified: boolean;
      xml: string;
    }
  | {
      kind: 'LogoutResponse';
      id: string;
      inResponseTo: string | null;
      issuer: string | null;
      statusCode: string;
      success: boolean;
      relayState: string | null;
      signatureVerified: boolean;
      xml: string;
    };

/**
 * Reads an IdP LogoutRequest (`SAMLRequest`) or LogoutResponse (`SAMLResponse`) arriving on our
 * SLO endpoint by the Redirect binding (SAML Bindings §3.4). `rawQuery` is the undecoded query string.
 */
export function parseLogoutRedirect(rawQuery: string, opts: IncomingLogoutOptions): IncomingLogoutMessage {
  const message = parseRedirectMessage(rawQuery, opts);
  const root = parseXml(message.xml, message.param).documentElement as Element;
  const expectedName = message.param === 'SAMLRequest' ? 'LogoutRequest' : 'LogoutResponse';
  if (!isNamed(root, NS.protocol, expectedName)) {
    throw new SamlError('InvalidXml', `The ${message.param} is not a samlp:${expectedName}.`);
  }
  const id = attr(root, 'ID');
  if (attr(root, 'Version') !== '2.0' || !id) throw new SamlError('InvalidXml', `The ${expectedName} is not a SAML 2.0 message with an ID.`);
  const destination = attr(root, 'Destination');
  if (opts.sloUrl && destination !== null && !sameEndpoint(destination, opts.sloUrl)) {
    throw new SamlError('MismatchedBinding', `The ${expectedName} is addressed to a different endpoint.`);
  }
  const issuerEl = firstChildElement(root, NS.assertion, 'Issuer');
  const issuer = issuerEl ? textContent(issuerEl).trim() : null;
  if (opts.idpEntityId && issuer !== null && issuer !== opts.idpEntityId) {
    throw new SamlError('IssuerMismatch', `The ${expectedName} was not issued by the configured identity provider.`);
  }
  const common = { id, issuer, relayState: message.relayState, signatureVerified: message.signatureVerified, xml: message.xml };

  if (expectedName === 'LogoutRequest') {
    const notOnOrAfter = attr(root, 'NotOnOrAfter');
    const skewMs = (opts.clockSkewSeconds ?? 120) * 1000;
    if (notOnOrAfter !== null && opts.now.getTime() - skewMs >= parseSamlTime(notOnOrAfter, 'LogoutRequest NotOnOrAfter').getTime()) {
      throw new SamlError('Expired', 'The logout request has expired.');
    }
    const nameIdEl = childElements(root, NS.assertion, 'NameID')[0];
    if (!nameIdEl || textContent(nameIdEl).trim() === '') throw new SamlError('MissingNameID', 'The logout request has no NameID.');
    return {
      kind: 'LogoutRequest',
      ...common,
      nameId: textContent(nameIdEl),
      nameIdFormat: attr(nameIdEl, 'Format'),
      sessionIndexes: childElements(root, NS.protocol, 'SessionIndex').map((s) => textContent(s).trim()),
    };
  }

  const inResponseTo = attr(root, 'InResponseTo');
  if (opts.expectedRequestId && inResponseTo !== opts.expectedRequestId) {
    throw new SamlError('MismatchedRequestID', 'Mismatched request ID');
  }
  const status = childElements(root, NS.protocol, 'Status')[0];
  const code = status ? firstChildElement(status, NS.protocol, 'StatusCode') : null;
  const statusCode = code ? attr(code, 'Value') : null;
  if (!statusCode) throw new SamlError('InvalidXml', 'The logout response has no StatusCode.');
  return { kind: 'LogoutResponse', ...common, inResponseTo, statusCode, success: statusCode === STATUS.success };
}
