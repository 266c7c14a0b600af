import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { BINDINGS } from './constants.js';
import { encodeBase64, newSamlId, samlTime } from './encoding.js';
import { isHttpUrl } from '../../domain/urls.js';
import { buildRedirectUrl, unsafeEndpoint } from './redirect-binding.js';
import { signRootElement } from './signing.js';
import type { XmlSigningKey } from './signing.js';
import { NS, escapeXml } from './xml.js';

/** SAMLSource.binding_type (SAML Bindings §3.4 Redirect, §3.5 POST). */
export type SamlBindingType = 'REDIRECT' | 'POST' | 'POST_AUTO';

export interface AuthnRequestConfig {
  /** IdP SSO endpoint (SAMLSource.sso_url); becomes Destination. */
  ssoUrl: string;
  /** Absolute URL of our ACS endpoint. */
  acsUrl: string;
  /** Our SP entity ID (issuer_override or the metadata URL). */
  spEntityId: string;
  /** NameID format URN requested in NameIDPolicy. */
  nameIdPolicy: string;
  forceAuthn: boolean;
  binding: SamlBindingType;
  /** signing_kp plus the source's algorithms; null = unsigned request. */
  signing?: XmlSigningKey | null;
}

export interface AuthnRequestInput {
  now: Date;
  /** The `next` parameter of the initiate request; '' or absent = none. */
  relayState?: string | null;
  /** Randomness port (defaults to node:crypto); the request ID is `_` + 40 hex characters. */
  randomBytes?: (size: number) => Uint8Array;
  /** Fixed request ID, for tests and replays of a stored request. */
  requestId?: string;
}

export type AuthnRequestOutcome =
  | { binding: 'REDIRECT'; requestId: string; xml: string; url: string }
  | {
      binding: 'POST' | 'POST_AUTO';
      requestId: string;
      xml: string;
      /** Where the auto-submit form posts to (sso_url). */
      url: string;
      fields: { SAMLRequest: string; RelayState: string };
    };

/** The unsigned AuthnRequest document (SAML Core §3.4.1). */
export function buildAuthnRequestXml(config: AuthnRequestConfig, id: string, now: Date): string {
  const protocolBinding = config.binding === 'REDIRECT' ? BINDINGS.redirect : BINDINGS.post;
  const force = config.forceAuthn ? ' ForceAuthn="true"' : '';
  return (
    `<samlp:AuthnRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}"` +
    ` AssertionConsumerServiceURL="${escapeXml(config.acsUrl)}" Destination="${escapeXml(config.ssoUrl)}"` +
    `${force} ID="${escapeXml(id)}" IssueInstant="${samlTime(now)}" ProtocolBinding="${protocolBinding}" Version="2.0">` +
    `<saml:Issuer>${escapeXml(config.spEntityId)}</saml:Issuer>` +
    `<samlp:NameIDPolicy AllowCreate="true" Format="${escapeXml(config.nameIdPolicy)}"/>` +
    `</samlp:AuthnRequest>`
  );
}

/**
 * Builds the AuthnRequest for the configured binding. REDIRECT: deflated query message, signed
 * over the query octets when a key is configured (the XML itself carries no Signature element, unlike
 * authentik's old unsigned template; SAML Bindings §3.4.4.1). POST/POST_AUTO: enveloped XML signature
 * when a key is configured, base64 without line breaks, returned as form fields.
 */
export function createAuthnRequest(config: AuthnRequestConfig, input: AuthnRequestInput): AuthnRequestOutcome {
  // The POST bindings put sso_url into a form action: refuse `javascript:` and friends here too.
  if (!isHttpUrl(config.ssoUrl)) throw unsafeEndpoint();
  const requestId = input.requestId ?? newSamlId(input.randomBytes ?? nodeRandomBytes);
  const xml = buildAuthnRequestXml(config, requestId, input.now);
  const relayState = input.relayState ?? '';
  if (config.binding === 'REDIRECT') {
    const url = buildRedirectUrl({
      endpoint: config.ssoUrl,
      param: 'SAMLRequest',
      xml,
      relayState,
      signing: config.signing ? { privateKey: config.signing.privateKey, signatureAlgorithm: config.signing.signatureAlgorithm } : null,
    });
    return { binding: 'REDIRECT', requestId, xml, url };
  }
  const signedXml = config.signing ? signRootElement(xml, config.signing) : xml;
  return {
    binding: config.binding,
    requestId,
    xml: signedXml,
    url: config.ssoUrl,
    fields: { SAMLRequest: encodeBase64(signedXml), RelayState: relayState },
  };
}
