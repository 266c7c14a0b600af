import type { Element } from '@xmldom/xmldom';
import { isHttpUrl } from '../../domain/urls.js';
import { BINDINGS } from './constants.js';
import { SamlError } from './errors.js';
import { certificatePem } from './pem.js';
import { METADATA_LIMITS, NS, attr, childElements, descendants, isNamed, parseXml, textContent } from './xml.js';

export interface IdpMetadata {
  entityId: string;
  ssoUrls: { redirect?: string; post?: string };
  sloUrls: { redirect?: string; post?: string };
  /** PEM certificates usable to verify the IdP's signatures (use="signing" or no use). */
  signingCerts: string[];
  nameIdFormats: string[];
}

function invalid(message: string): SamlError {
  return new SamlError('InvalidXml', message);
}

/**
 * Reads what an admin needs from IdP metadata (SAML Metadata §2.4.3): entity ID, SSO/SLO
 * endpoints per binding, signing certificates and NameID formats. Accepts an EntityDescriptor
 * or an EntitiesDescriptor holding exactly one IdP (pass `entityId` to pick one from a
 * federation aggregate). Parsed with the hardened parser — metadata comes from URLs too.
 * Endpoint locations end up in redirects and form actions, so one that is not an http(s) URL
 * (`javascript:…`) makes the whole document unacceptable.
 */
export function parseIdpMetadata(xml: string, opts: { entityId?: string } = {}): IdpMetadata {
  const root = parseXml(xml, 'IdP metadata', METADATA_LIMITS).documentElement as Element;
  if (!isNamed(root, NS.metadata, 'EntityDescriptor') && !isNamed(root, NS.metadata, 'EntitiesDescriptor')) {
    throw invalid('The metadata document is neither an EntityDescriptor nor an EntitiesDescriptor.');
  }
  const candidates = descendants(root, NS.metadata, 'EntityDescriptor').filter(
    (e) => idpDescriptor(e) !== null && (opts.entityId === undefined || attr(e, 'entityID') === opts.entityId),
  );
  if (candidates.length === 0) {
    throw invalid(
      opts.entityId
        ? `The metadata does not describe the identity provider "${opts.entityId}".`
        : 'The metadata contains no SAML 2.0 IDPSSODescriptor.',
    );
  }
  if (candidates.length > 1) {
    throw invalid(`The metadata describes ${candidates.length} identity providers; choose one by entity ID.`);
  }
  const entity = candidates[0];
  const entityId = attr(entity, 'entityID');
  if (!entityId) throw invalid('The EntityDescriptor has no entityID.');
  const idp = idpDescriptor(entity) as Element;

  const signingCerts: string[] = [];
  for (const kd of childElements(idp, NS.metadata, 'KeyDescriptor')) {
    const use = attr(kd, 'use');
    if (use !== null && use !== 'signing') continue;
    for (const cert of descendants(kd, NS.ds, 'X509Certificate')) {
      const pem = certificatePem(textContent(cert));
      if (!signingCerts.includes(pem)) signingCerts.push(pem);
    }
  }
  return {
    entityId,
    ssoUrls: endpoints(idp, 'SingleSignOnService'),
    sloUrls: endpoints(idp, 'SingleLogoutService'),
    signingCerts,
    nameIdFormats: childElements(idp, NS.metadata, 'NameIDFormat').map((n) => textContent(n).trim()),
  };
}

function idpDescriptor(entity: Element): Element | null {
  for (const d of childElements(entity, NS.metadata, 'IDPSSODescriptor')) {
    const protocols = (attr(d, 'protocolSupportEnumeration') ?? '').split(/\s+/);
    if (protocols.includes(NS.protocol)) return d;
  }
  return null;
}

/** First endpoint per binding, in document order (metadata lists preferred endpoints first). */
function endpoints(idp: Element, name: string): { redirect?: string; post?: string } {
  const out: { redirect?: string; post?: string } = {};
  for (const ep of childElements(idp, NS.metadata, name)) {
    const binding = attr(ep, 'Binding');
    const location = attr(ep, 'Location');
    if (!location || (binding !== BINDINGS.redirect && binding !== BINDINGS.post)) continue;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- typed string, `location` would be never below
    if (!isHttpUrl(location as unknown)) {
      const kind = binding === BINDINGS.redirect ? 'HTTP-Redirect' : 'HTTP-POST';
      throw invalid(`The ${name} (${kind}) Location ${JSON.stringify(location.slice(0, 80))} is not an http(s) URL.`);
    }
    if (binding === BINDINGS.redirect && out.redirect === undefined) out.redirect = location;
    if (binding === BINDINGS.post && out.post === undefined) out.post = location;
  }
  return out;
}
