/**
 * A real signing SAML 2.0 identity provider for tests: it builds Responses signed with
 * xml-crypto and encrypted with xml-encryption exactly as an external IdP would, answers our
 * AuthnRequests, publishes metadata and speaks Redirect-binding single logout.
 *
 * It deliberately shares no code with src/protocols/saml (own escaping, own query encoding, own
 * ECDSA glue), so a bug on our side cannot be mirrored here and cancel out.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyLike } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import xmlenc from 'xml-encryption';
import type { TestKeyPair } from './certs.js';

export const URN = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  bearer: 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  email: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  groupClaim: 'http://schemas.xmlsoap.org/claims/Group',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  aes128cbc: 'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  aes256cbc: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  aes128gcm: 'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  aes256gcm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  tripledes: 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  rsaOaep11: 'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  rsa15: 'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
} as const;

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const time = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);
const newId = () => `_${randomBytes(16).toString('hex')}`;

export interface ConfirmationSpec {
  /** null = no Method attribute. Default bearer. */
  method?: string | null;
  /** null = no SubjectConfirmationData. */
  data?: { recipient?: string | null; notOnOrAfter?: Date | null; notBefore?: Date; inResponseTo?: string | null } | null;
}

export interface ResponseOptions {
  now: Date;
  acsUrl: string;
  /** Audience(s); null = no AudienceRestriction. */
  audience: string | string[] | null;
  inResponseTo?: string | null;
  /** Defaults to `acsUrl`; null omits the attribute. */
  destination?: string | null;
  nameId?: string;
  nameIdFormat?: string | null;
  attributes?: Record<string, string[]>;
  sessionIndex?: string | null;
  /** Assertion Issuer (defaults to the IdP entity ID). */
  issuer?: string;
  /** Response Issuer; defaults to `issuer`, null omits it. */
  responseIssuer?: string | null;
  responseId?: string;
  assertionId?: string;
  /** A non-success status produces a Response without assertion. */
  status?: { code: string; subCode?: string; message?: string; detail?: string };
  /** Also add an assertion to a non-success response. */
  assertionDespiteStatus?: boolean;
  signAssertion?: boolean;
  signResponse?: boolean;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  /** Sign with another key (e.g. an attacker's). */
  signingKey?: TestKeyPair;
  assertionReferenceUri?: 'id' | 'empty';
  responseReferenceUri?: 'id' | 'empty';
  encrypt?: { certificate: string; keyTransport?: string; dataAlgorithm?: string };
  /** Default: one bearer confirmation for `acsUrl`, valid 5 minutes, InResponseTo = inResponseTo. */
  subjectConfirmations?: ConfirmationSpec[];
  /** null omits Conditions; defaults to now-30s … now+300s. */
  conditions?: { notBefore?: Date | null; notOnOrAfter?: Date | null } | null;
  /** Applied to the assertion XML before it is signed (e.g. to add a comment into NameID). */
  mutateAssertion?: (xml: string) => string;
  /** Applied to the finished Response XML (tampering after signing). */
  mutateResponse?: (xml: string) => string;
}

export type ParsedAuthnRequest = { doc: Document; xml: string; id: string; issuer: string; forceAuthn: boolean } & Record<
  'destination' | 'acsUrl' | 'protocolBinding' | 'nameIdPolicyFormat' | 'allowCreate' | 'relayState',
  string | null
>;

/** A Redirect-binding message; `signedOctets` is what the signature covers, taken raw from the URL. */
export type RedirectParts = Record<'relayState' | 'sigAlg' | 'signature' | 'signedOctets', string | null> & { xml: string };

/** XML-DSig ECDSA glue for xml-crypto (r||s encoding), independent of the production one. */
class EcdsaSha256 {
  getAlgorithmName = () => URN.ecdsaSha256;
  getSignature = (data: string, key: KeyLike) =>
    nodeSign('sha256', Buffer.from(data), { key: key as string, dsaEncoding: 'ieee-p1363' }).toString('base64');
  verifySignature = (data: string, key: KeyLike, sig: string) =>
    nodeVerify('sha256', Buffer.from(data), { key: key as string, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64'));
}

export class TestSamlIdp {
  constructor(readonly config: { entityId: string; ssoUrl: string; sloUrl: string; signing: TestKeyPair }) {}

  get entityId(): string { return this.config.entityId; } // prettier-ignore
  get certificate(): string { return this.config.signing.certificate; } // prettier-ignore

  private sign(xml: string, key: TestKeyPair, o: ResponseOptions, emptyUri: boolean, issuerPath: string | null): string {
    const sig = new SignedXml({
      privateKey: key.privateKey,
      publicCert: key.certificate,
      signatureAlgorithm: o.signatureAlgorithm ?? URN.rsaSha256,
      canonicalizationAlgorithm: URN.excC14n,
    });
    (sig.SignatureAlgorithms as Record<string, unknown>)[URN.ecdsaSha256] = EcdsaSha256;
    sig.addReference({
      xpath: '/*',
      transforms: [URN.enveloped, URN.excC14n],
      digestAlgorithm: o.digestAlgorithm ?? URN.sha256,
      isEmptyUri: emptyUri,
    });
    sig.computeSignature(xml, {
      prefix: 'ds',
      location: issuerPath ? { reference: issuerPath, action: 'after' } : { reference: '/*', action: 'prepend' },
    });
    return sig.getSignedXml();
  }

  /** The Assertion element as a standalone document (declares its own namespaces). */
  assertionXml(o: ResponseOptions, id: string): string {
    const now = o.now;
    const inResponseTo = o.inResponseTo ?? null;
    const confirmations = o.subjectConfirmations ?? [
      { method: URN.bearer, data: { recipient: o.acsUrl, notOnOrAfter: plus(now, 300), inResponseTo } },
    ];
    const scXml = confirmations
      .map((c) => {
        const method = c.method === null ? '' : ` Method="${esc(c.method ?? URN.bearer)}"`;
        if (c.data === null) return `<saml:SubjectConfirmation${method}/>`;
        const d = c.data ?? {};
        const attrs = [
          d.inResponseTo === undefined
            ? inResponseTo
              ? `InResponseTo="${esc(inResponseTo)}"`
              : ''
            : d.inResponseTo === null
              ? ''
              : `InResponseTo="${esc(d.inResponseTo)}"`,
          d.notBefore ? `NotBefore="${time(d.notBefore)}"` : '',
          d.notOnOrAfter === null ? '' : `NotOnOrAfter="${time(d.notOnOrAfter ?? plus(now, 300))}"`,
          d.recipient === null ? '' : `Recipient="${esc(d.recipient ?? o.acsUrl)}"`,
        ].filter(Boolean);
        return `<saml:SubjectConfirmation${method}><saml:SubjectConfirmationData ${attrs.join(' ')}/></saml:SubjectConfirmation>`;
      })
      .join('');
    let conditions = '';
    if (o.conditions !== null) {
      const c = o.conditions ?? {};
      const nb = c.notBefore === null ? '' : ` NotBefore="${time(c.notBefore ?? plus(now, -30))}"`;
      const na = c.notOnOrAfter === null ? '' : ` NotOnOrAfter="${time(c.notOnOrAfter ?? plus(now, 300))}"`;
      const audiences = o.audience === null ? null : Array.isArray(o.audience) ? o.audience : [o.audience];
      const restriction = audiences
        ? `<saml:AudienceRestriction>${audiences.map((a) => `<saml:Audience>${esc(a)}</saml:Audience>`).join('')}</saml:AudienceRestriction>`
        : '';
      conditions = `<saml:Conditions${nb}${na}>${restriction}</saml:Conditions>`;
    }
    const attrs = Object.entries(o.attributes ?? {})
      .map(
        ([name, values]) =>
          `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">` +
          values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('') +
          `</saml:Attribute>`,
      )
      .join('');
    const format = o.nameIdFormat === null ? '' : ` Format="${esc(o.nameIdFormat ?? URN.persistent)}"`;
    const sessionIndex = o.sessionIndex === null ? '' : ` SessionIndex="${esc(o.sessionIndex ?? '_session1')}"`;
    return (
      `<saml:Assertion xmlns:saml="${URN.assertion}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
      ` ID="${id}" IssueInstant="${time(now)}" Version="2.0">` +
      `<saml:Issuer>${esc(o.issuer ?? this.entityId)}</saml:Issuer>` +
      `<saml:Subject><saml:NameID${format}>${esc(o.nameId ?? 'jdoe')}</saml:NameID>${scXml}</saml:Subject>` +
      conditions +
      `<saml:AuthnStatement AuthnInstant="${time(now)}"${sessionIndex}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      (attrs ? `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`
    );
  }

  /** The assertion as placed in the Response (signed unless disabled), before any encryption. */
  signedAssertionXml(o: ResponseOptions & { assertionId: string }): string {
    let assertion = this.assertionXml(o, o.assertionId);
    if (o.mutateAssertion) assertion = o.mutateAssertion(assertion);
    if (o.signAssertion !== false && o.assertionReferenceUri !== 'empty') {
      assertion = this.sign(assertion, o.signingKey ?? this.config.signing, o, false, "/*/*[local-name(.)='Issuer']");
    }
    return assertion;
  }

  /** Builds a complete samlp:Response (XML text). */
  async buildResponse(o: ResponseOptions): Promise<string> {
    const key = o.signingKey ?? this.config.signing;
    const responseId = o.responseId ?? newId();
    const assertionId = o.assertionId ?? newId();
    const status = o.status ?? { code: URN.success };
    const success = status.code === URN.success;
    const issuerPath = "/*/*[local-name(.)='Issuer']";

    let assertion = '';
    if (success || o.assertionDespiteStatus) {
      assertion = this.signedAssertionXml({ ...o, assertionId });
      if (o.encrypt) assertion = await this.encrypt(assertion, o.encrypt);
    }
    const responseIssuer = o.responseIssuer === undefined ? (o.issuer ?? this.entityId) : o.responseIssuer;
    const subCode = status.subCode ? `<samlp:StatusCode Value="${esc(status.subCode)}"/>` : '';
    let xml =
      `<samlp:Response xmlns:samlp="${URN.protocol}" xmlns:saml="${URN.assertion}"` +
      (o.destination === null ? '' : ` Destination="${esc(o.destination ?? o.acsUrl)}"`) +
      ` ID="${responseId}"` +
      (o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : '') +
      ` IssueInstant="${time(o.now)}" Version="2.0">` +
      (responseIssuer === null ? '' : `<saml:Issuer>${esc(responseIssuer)}</saml:Issuer>`) +
      `<samlp:Status><samlp:StatusCode Value="${esc(status.code)}">${subCode}</samlp:StatusCode>` +
      (status.message ? `<samlp:StatusMessage>${esc(status.message)}</samlp:StatusMessage>` : '') +
      (status.detail ? `<samlp:StatusDetail><Cause xmlns="urn:test">${esc(status.detail)}</Cause></samlp:StatusDetail>` : '') +
      `</samlp:Status>${assertion}</samlp:Response>`;
    if ((success || o.assertionDespiteStatus) && o.signAssertion !== false && o.assertionReferenceUri === 'empty') {
      // Reference URI="" inside the Assertion: the signature covers the whole Response document.
      xml = this.sign(xml, key, o, true, "/*/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']");
    }
    if (o.signResponse) {
      xml = this.sign(xml, key, o, o.responseReferenceUri === 'empty', responseIssuer === null ? null : issuerPath);
    }
    return o.mutateResponse ? o.mutateResponse(xml) : xml;
  }

  async buildResponseBase64(o: ResponseOptions): Promise<string> {
    return Buffer.from(await this.buildResponse(o), 'utf8').toString('base64');
  }

  private encrypt(xml: string, e: NonNullable<ResponseOptions['encrypt']>): Promise<string> {
    return new Promise((resolve, reject) => {
      xmlenc.encrypt(
        xml,
        {
          rsa_pub: e.certificate,
          pem: e.certificate,
          encryptionAlgorithm: e.dataAlgorithm ?? URN.aes256gcm,
          keyEncryptionAlgorithm: e.keyTransport ?? URN.rsaOaepMgf1p,
          disallowEncryptionWithInsecureAlgorithm: false,
          warnInsecureAlgorithm: false,
        },
        (err, result) =>
          err || !result ? reject(err ?? new Error('encryption failed')) : resolve(`<saml:EncryptedAssertion>${result}</saml:EncryptedAssertion>`),
      );
    });
  }

  /** Splits a Redirect-binding URL (ours) into its parts, keeping the raw signed octets. */
  static readRedirect(url: string): RedirectParts {
    const query = new URL(url).search.slice(1);
    const raw = new Map(query.split('&').map((p) => [decodeURIComponent(p.split('=')[0] ?? ''), p.slice(p.indexOf('=') + 1)] as const));
    const dec = (v: string | undefined) => (v === undefined ? null : decodeURIComponent(v.replace(/\+/g, ' ')));
    const messageKey = raw.has('SAMLRequest') ? 'SAMLRequest' : 'SAMLResponse';
    const xml = inflateRawSync(Buffer.from(dec(raw.get(messageKey)) ?? '', 'base64')).toString('utf8');
    let signedOctets: string | null = null;
    if (raw.has('SigAlg')) {
      signedOctets = `${messageKey}=${raw.get(messageKey)}`;
      if (raw.has('RelayState')) signedOctets += `&RelayState=${raw.get('RelayState')}`;
      signedOctets += `&SigAlg=${raw.get('SigAlg')}`;
    }
    return { xml, relayState: dec(raw.get('RelayState')), sigAlg: dec(raw.get('SigAlg')), signature: dec(raw.get('Signature')), signedOctets };
  }

  /** Verifies a Redirect-binding query signature with node:crypto (RSA/ECDSA by certificate). */
  static verifyRedirectSignature(parts: RedirectParts, certificate: string): boolean {
    if (!parts.signature || !parts.signedOctets || !parts.sigAlg) return false;
    const hash = /sha(1|256|384|512)$/.exec(parts.sigAlg)?.[0];
    if (!hash) return false;
    const key = createPublicKey(certificate);
    const opts = key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
    return nodeVerify(hash, Buffer.from(parts.signedOctets), opts, Buffer.from(parts.signature, 'base64'));
  }

  /** Verifies an enveloped XML signature on the root with xml-crypto and the given certificate. */
  static verifyPostSignature(xml: string, certificate: string): boolean {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const root = doc.documentElement as Element;
    const sigEl = Array.from(root.childNodes).find((n) => n.nodeType === 1 && n.localName === 'Signature');
    if (!sigEl) return false;
    const sig = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
    (sig.SignatureAlgorithms as Record<string, unknown>)[URN.ecdsaSha256] = EcdsaSha256;
    sig.loadSignature(sigEl as unknown as globalThis.Node);
    try {
      return sig.checkSignature(xml);
    } catch {
      return false; // xml-crypto throws when the signature value does not verify
    }
  }

  static parseAuthnRequestXml(xml: string, relayState: string | null): ParsedAuthnRequest {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const root = doc.documentElement as Element;
    if (root.localName !== 'AuthnRequest' || root.namespaceURI !== URN.protocol) throw new Error('not an AuthnRequest');
    const child = (name: string) => Array.from(root.childNodes).find((n) => n.nodeType === 1 && n.localName === name) as Element | undefined;
    const policy = child('NameIDPolicy');
    return {
      doc,
      xml,
      id: root.getAttribute('ID') ?? '',
      issuer: child('Issuer')?.textContent ?? '',
      destination: root.getAttribute('Destination'),
      acsUrl: root.getAttribute('AssertionConsumerServiceURL'),
      protocolBinding: root.getAttribute('ProtocolBinding'),
      forceAuthn: root.getAttribute('ForceAuthn') === 'true',
      nameIdPolicyFormat: policy?.getAttribute('Format') ?? null,
      allowCreate: policy?.getAttribute('AllowCreate') ?? null,
      relayState,
    };
  }

  static parseAuthnRequestRedirect(url: string): ParsedAuthnRequest & { redirect: RedirectParts } {
    const redirect = TestSamlIdp.readRedirect(url);
    return { ...TestSamlIdp.parseAuthnRequestXml(redirect.xml, redirect.relayState), redirect };
  }

  static parseAuthnRequestPost(fields: { SAMLRequest: string; RelayState?: string }): ParsedAuthnRequest {
    const xml = Buffer.from(fields.SAMLRequest, 'base64').toString('utf8');
    return TestSamlIdp.parseAuthnRequestXml(xml, fields.RelayState ?? null);
  }

  /** IdP metadata; `withUse: false` omits KeyDescriptor@use, `wrapInEntities` adds an aggregate. */
  metadataXml(opts: { withUse?: boolean; wrapInEntities?: boolean; extraCertificates?: string[] } = {}): string {
    const body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const use = opts.withUse === false ? '' : ' use="signing"';
    const keys = [this.certificate, ...(opts.extraCertificates ?? [])]
      .map(
        (c) =>
          `<md:KeyDescriptor${use}><ds:KeyInfo xmlns:ds="${URN.ds}"><ds:X509Data><ds:X509Certificate>\n${body(c)}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
      )
      .join('');
    const entity =
      `<md:EntityDescriptor xmlns:md="${URN.metadata}" entityID="${esc(this.entityId)}">` +
      `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${URN.protocol}">${keys}` +
      `<md:SingleLogoutService Binding="${URN.redirect}" Location="${esc(this.config.sloUrl)}"/>` +
      `<md:NameIDFormat>${URN.persistent}</md:NameIDFormat><md:NameIDFormat>${URN.email}</md:NameIDFormat>` +
      `<md:SingleSignOnService Binding="${URN.post}" Location="${esc(this.config.ssoUrl)}/post"/>` +
      `<md:SingleSignOnService Binding="${URN.redirect}" Location="${esc(this.config.ssoUrl)}"/>` +
      `</md:IDPSSODescriptor></md:EntityDescriptor>`;
    return opts.wrapInEntities ? `<md:EntitiesDescriptor xmlns:md="${URN.metadata}" Name="fed">${entity}</md:EntitiesDescriptor>` : entity;
  }

  /** A Redirect-binding URL carrying `xml` to `endpoint`, signed with the IdP key unless `sign` is false. */
  redirectUrl(
    endpoint: string,
    param: 'SAMLRequest' | 'SAMLResponse',
    xml: string,
    relayState: string | null,
    sign = true,
    sigAlg: string = URN.rsaSha256,
  ): string {
    // encodeURIComponent (not form encoding) on purpose: SPs must verify the octets as sent.
    let query = `${param}=${encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'))}`;
    if (relayState !== null) query += `&RelayState=${encodeURIComponent(relayState)}`;
    if (sign) {
      query += `&SigAlg=${encodeURIComponent(sigAlg)}`;
      const hash = /sha(1|256|384|512)$/.exec(sigAlg)?.[0] ?? 'sha256';
      const key = createPrivateKey(this.config.signing.privateKey);
      const signer = key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
      const signature = nodeSign(hash, Buffer.from(query), signer).toString('base64');
      query += `&Signature=${encodeURIComponent(signature)}`;
    }
    return `${endpoint}${endpoint.includes('?') ? '&' : '?'}${query}`;
  }

  logoutRequestXml(o: { id?: string; now: Date; destination: string; nameId: string; sessionIndex?: string; notOnOrAfter?: Date }): string {
    return (
      `<samlp:LogoutRequest xmlns:samlp="${URN.protocol}" xmlns:saml="${URN.assertion}" ID="${o.id ?? newId()}" Version="2.0"` +
      ` IssueInstant="${time(o.now)}" Destination="${esc(o.destination)}"` +
      (o.notOnOrAfter ? ` NotOnOrAfter="${time(o.notOnOrAfter)}"` : '') +
      `><saml:Issuer>${esc(this.entityId)}</saml:Issuer><saml:NameID Format="${URN.persistent}">${esc(o.nameId)}</saml:NameID>` +
      (o.sessionIndex ? `<samlp:SessionIndex>${esc(o.sessionIndex)}</samlp:SessionIndex>` : '') +
      `</samlp:LogoutRequest>`
    );
  }

  logoutResponseXml(o: { id?: string; now: Date; destination: string; inResponseTo: string; statusCode?: string }): string {
    return (
      `<samlp:LogoutResponse xmlns:samlp="${URN.protocol}" xmlns:saml="${URN.assertion}" ID="${o.id ?? newId()}" Version="2.0"` +
      ` IssueInstant="${time(o.now)}" Destination="${esc(o.destination)}" InResponseTo="${esc(o.inResponseTo)}">` +
      `<saml:Issuer>${esc(this.entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${esc(o.statusCode ?? URN.success)}"/></samlp:Status>` +
      `</samlp:LogoutResponse>`
    );
  }
}
