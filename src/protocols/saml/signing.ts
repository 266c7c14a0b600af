import { SignedXml } from 'xml-crypto';
import { C14N_ALGORITHMS, DIGEST_ALGORITHMS, ENVELOPED_SIGNATURE, registerExtraAlgorithms, requireSigningAlgorithm } from './algorithms.js';

export interface XmlSigningKey {
  /** PEM private key (RSA or EC). */
  privateKey: string;
  /** PEM certificate published in KeyInfo/X509Certificate. */
  certificate: string;
  signatureAlgorithm: string;
  digestAlgorithm: string;
}

/**
 * Enveloped XML-DSig over the document element (SAML Core §5.4): exclusive C14N,
 * Reference `#<ID>` with enveloped + exc-c14n transforms, KeyInfo carrying the certificate, and
 * the Signature placed right after the root's `saml:Issuer` as the protocol schema requires.
 */
export function signRootElement(xml: string, key: XmlSigningKey): string {
  requireSigningAlgorithm(key.signatureAlgorithm);
  if (!(Object.values(DIGEST_ALGORITHMS) as string[]).includes(key.digestAlgorithm)) {
    throw new Error(`Unsupported digest algorithm: ${key.digestAlgorithm}`);
  }
  const sig = new SignedXml({
    privateKey: key.privateKey,
    publicCert: key.certificate,
    signatureAlgorithm: key.signatureAlgorithm,
    canonicalizationAlgorithm: C14N_ALGORITHMS.exclusive,
  });
  registerExtraAlgorithms(sig);
  sig.addReference({
    xpath: '/*',
    transforms: [ENVELOPED_SIGNATURE, C14N_ALGORITHMS.exclusive],
    digestAlgorithm: key.digestAlgorithm,
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: {
      reference: "/*/*[local-name(.)='Issuer' and namespace-uri(.)='urn:oasis:names:tc:SAML:2.0:assertion']",
      action: 'after',
    },
  });
  return sig.getSignedXml();
}
