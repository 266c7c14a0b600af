import { BINDINGS } from './constants.js';
import { certificateBody } from './pem.js';
import { NS, escapeXml } from './xml.js';

export { parseIdpMetadata } from './idp-metadata.js';
export type { IdpMetadata } from './idp-metadata.js';

export interface SpMetadataInput {
  /** entityID = our issuer (issuer_override or the metadata URL). */
  entityId: string;
  acsUrl: string;
  /** Our SLO endpoint; adds a Redirect-binding SingleLogoutService when given. */
  sloUrl?: string | null;
  /** name_id_policy. */
  nameIdFormat: string;
  /** signing_kp certificate (PEM); published as KeyDescriptor use="signing". */
  signingCertificate?: string | null;
  /** encryption_kp certificate (PEM); published as KeyDescriptor use="encryption". */
  encryptionCertificate?: string | null;
  /** Publishes WantAssertionsSigned="true" (signed_assertion). */
  wantAssertionsSigned?: boolean;
}

function keyDescriptor(use: 'signing' | 'encryption', pem: string): string {
  return (
    `    <md:KeyDescriptor use="${use}">\n` +
    `      <ds:KeyInfo xmlns:ds="${NS.ds}">\n` +
    `        <ds:X509Data>\n` +
    `          <ds:X509Certificate>${certificateBody(pem)}</ds:X509Certificate>\n` +
    `        </ds:X509Data>\n` +
    `      </ds:KeyInfo>\n` +
    `    </md:KeyDescriptor>\n`
  );
}

/**
 * SP metadata (SAML Metadata §2.4.4). Built from a fixed template, so the output is
 * a pure function of the input — byte-identical across calls and processes. Children follow
 * the XSD sequence of SPSSODescriptorType: KeyDescriptor*, SingleLogoutService*, NameIDFormat*,
 * AssertionConsumerService+.
 */
export function buildSpMetadata(input: SpMetadataInput): string {
  const attrs = [`protocolSupportEnumeration="${NS.protocol}"`];
  if (input.signingCertificate) attrs.push('AuthnRequestsSigned="true"');
  if (input.wantAssertionsSigned) attrs.push('WantAssertionsSigned="true"');
  let body = '';
  if (input.signingCertificate) body += keyDescriptor('signing', input.signingCertificate);
  if (input.encryptionCertificate) body += keyDescriptor('encryption', input.encryptionCertificate);
  if (input.sloUrl) {
    body += `    <md:SingleLogoutService Binding="${BINDINGS.redirect}" Location="${escapeXml(input.sloUrl)}"/>\n`;
  }
  body += `    <md:NameIDFormat>${escapeXml(input.nameIdFormat)}</md:NameIDFormat>\n`;
  body += `    <md:AssertionConsumerService Binding="${BINDINGS.post}" Location="${escapeXml(input.acsUrl)}" index="0" isDefault="true"/>\n`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" entityID="${escapeXml(input.entityId)}">\n` +
    `  <md:SPSSODescriptor ${attrs.join(' ')}>\n` +
    body +
    `  </md:SPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}
