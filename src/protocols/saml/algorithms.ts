import {
  KeyObject,
  constants as cryptoConstants,
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyLike } from 'node:crypto';
import type { SignedXml } from 'xml-crypto';

/** XML-DSig signature method URIs accepted in SAMLSource.signature_algorithm. */
export const SIGNATURE_ALGORITHMS = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  ecdsaSha1: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ecdsaSha384: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384',
  ecdsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512',
  dsaSha1: 'http://www.w3.org/2000/09/xmldsig#dsa-sha1',
} as const;

/** XML-DSig digest method URIs accepted in SAMLSource.digest_algorithm. */
export const DIGEST_ALGORITHMS = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha384: 'http://www.w3.org/2001/04/xmldsig-more#sha384',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;

export const C14N_ALGORITHMS = {
  exclusive: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  exclusiveWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  inclusive: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  inclusiveWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
} as const;

export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';
export interface SignatureAlgorithmInfo {
  uri: string;
  hash: HashName;
  family: 'rsa' | 'ec';
}

/**
 * Signature methods we can verify and create. dsa-sha1 is listed by authentik but neither
 * xml-crypto nor a sensible IdP uses it in 2024; it is refused with a clear message.
 * sha256-rsa-MGF1 (RSA-PSS) is verified through xml-crypto's own implementation.
 */
const SIGNATURE_INFO: Record<string, SignatureAlgorithmInfo> = {
  [SIGNATURE_ALGORITHMS.rsaSha1]: { uri: SIGNATURE_ALGORITHMS.rsaSha1, hash: 'sha1', family: 'rsa' },
  [SIGNATURE_ALGORITHMS.rsaSha256]: { uri: SIGNATURE_ALGORITHMS.rsaSha256, hash: 'sha256', family: 'rsa' },
  [SIGNATURE_ALGORITHMS.rsaSha384]: { uri: SIGNATURE_ALGORITHMS.rsaSha384, hash: 'sha384', family: 'rsa' },
  [SIGNATURE_ALGORITHMS.rsaSha512]: { uri: SIGNATURE_ALGORITHMS.rsaSha512, hash: 'sha512', family: 'rsa' },
  [SIGNATURE_ALGORITHMS.ecdsaSha1]: { uri: SIGNATURE_ALGORITHMS.ecdsaSha1, hash: 'sha1', family: 'ec' },
  [SIGNATURE_ALGORITHMS.ecdsaSha256]: { uri: SIGNATURE_ALGORITHMS.ecdsaSha256, hash: 'sha256', family: 'ec' },
  [SIGNATURE_ALGORITHMS.ecdsaSha384]: { uri: SIGNATURE_ALGORITHMS.ecdsaSha384, hash: 'sha384', family: 'ec' },
  [SIGNATURE_ALGORITHMS.ecdsaSha512]: { uri: SIGNATURE_ALGORITHMS.ecdsaSha512, hash: 'sha512', family: 'ec' },
};
const RSA_PSS_SHA256 = 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1';

const DIGEST_HASH: Record<string, HashName> = {
  [DIGEST_ALGORITHMS.sha1]: 'sha1',
  [DIGEST_ALGORITHMS.sha256]: 'sha256',
  [DIGEST_ALGORITHMS.sha384]: 'sha384',
  [DIGEST_ALGORITHMS.sha512]: 'sha512',
};

/** Verification allow-list (XML-DSig and Redirect-binding SigAlg). HMAC is never accepted: its
 *  "key" would be the public certificate (key-confusion attack). SHA-1 only with `allowSha1`. */
export function isAllowedSignatureAlgorithm(uri: string, allowSha1: boolean): boolean {
  if (uri === RSA_PSS_SHA256) return true;
  const info = SIGNATURE_INFO[uri];
  return info !== undefined && (allowSha1 || info.hash !== 'sha1');
}

export function isAllowedDigestAlgorithm(uri: string, allowSha1: boolean): boolean {
  const hash = DIGEST_HASH[uri];
  return hash !== undefined && (allowSha1 || hash !== 'sha1');
}

export function isAllowedTransform(uri: string): boolean {
  return uri === ENVELOPED_SIGNATURE || (Object.values(C14N_ALGORITHMS) as string[]).includes(uri);
}

export function isAllowedCanonicalization(uri: string): boolean {
  return (Object.values(C14N_ALGORITHMS) as string[]).includes(uri);
}

/** Signature for the Redirect binding's octet string (SAML Bindings §3.4.4.1), base64. */
export function signOctets(octets: string, privateKey: KeyLike, algorithm: string): string {
  const info = requireSigningAlgorithm(algorithm);
  return cryptoSign(info.hash, Buffer.from(octets, 'utf8'), signKey(privateKey, info)).toString('base64');
}

/** Verifies a Redirect-binding signature; any malformed input is simply "not valid". */
export function verifyOctets(octets: string, publicKey: KeyLike, algorithm: string, signatureB64: string): boolean {
  const info = SIGNATURE_INFO[algorithm];
  if (!info) return false;
  try {
    return cryptoVerify(info.hash, Buffer.from(octets, 'utf8'), verifyKey(publicKey, info), Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Verifies an XML-DSig SignatureValue (base64) over canonical SignedInfo octets with node:crypto.
 * RSA-PSS (RFC 6931 sha256-rsa-MGF1) uses a salt as long as the digest, as its signers do.
 * Anything malformed is simply "not valid".
 */
export function verifyXmlSignatureValue(material: string, key: KeyObject, algorithm: string, signatureB64: string): boolean {
  const signature = Buffer.from(signatureB64.replace(/\s+/g, ''), 'base64');
  const data = Buffer.from(material, 'utf8');
  try {
    if (algorithm === RSA_PSS_SHA256) {
      return cryptoVerify(
        'sha256',
        data,
        { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST },
        signature,
      );
    }
    const info = SIGNATURE_INFO[algorithm];
    if (!info) return false;
    return cryptoVerify(info.hash, data, verifyKey(key, info), signature);
  } catch {
    return false;
  }
}

/** The node:crypto hash name of an allowed digest method URI, or null. */
export function digestHashName(uri: string): HashName | null {
  return DIGEST_HASH[uri] ?? null;
}

export function requireSigningAlgorithm(algorithm: string): SignatureAlgorithmInfo {
  const info = SIGNATURE_INFO[algorithm];
  if (!info) throw new Error(`Unsupported signature algorithm: ${algorithm}`);
  return info;
}

/** XML-DSig 1.1 §6.4.3 encodes ECDSA signatures as r||s (IEEE P1363), not DER. */
function signKey(key: KeyLike, info: SignatureAlgorithmInfo): { key: KeyObject; dsaEncoding?: 'ieee-p1363' } {
  const keyObject = key instanceof KeyObject ? key : createPrivateKey(key);
  return info.family === 'ec' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : { key: keyObject };
}

function verifyKey(key: KeyLike, info: SignatureAlgorithmInfo): { key: KeyObject; dsaEncoding?: 'ieee-p1363' } {
  const keyObject = key instanceof KeyObject ? key : createPublicKey(key);
  return info.family === 'ec' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : { key: keyObject };
}

/**
 * xml-crypto 6 ships rsa-sha1/256/512 and sha1/256/512 only. Its documented extension point
 * (the SignatureAlgorithms / HashAlgorithms maps) takes classes; these delegate to node:crypto,
 * so no cryptography is implemented here.
 */
function signatureClass(info: SignatureAlgorithmInfo) {
  return class NodeCryptoSignature {
    getAlgorithmName = () => info.uri;
    getSignature = (signedInfo: string | Buffer, privateKey: KeyLike, callback?: (err: Error | null, sig?: string) => void) => {
      const sig = cryptoSign(info.hash, Buffer.from(signedInfo), signKey(privateKey, info)).toString('base64');
      if (callback) callback(null, sig);
      return sig;
    };
    verifySignature = (material: string, key: KeyLike, signatureValue: string, callback?: (err: Error | null, ok?: boolean) => void) => {
      let ok = false;
      try {
        ok = cryptoVerify(info.hash, Buffer.from(material, 'utf8'), verifyKey(key, info), Buffer.from(signatureValue, 'base64'));
      } catch {
        ok = false;
      }
      if (callback) callback(null, ok);
      return ok;
    };
  };
}

class Sha384 {
  getAlgorithmName = () => DIGEST_ALGORITHMS.sha384;
  getHash = (xml: string) => createHash('sha384').update(xml, 'utf8').digest('base64');
}

const EXTRA_SIGNATURES = [
  SIGNATURE_ALGORITHMS.rsaSha384,
  SIGNATURE_ALGORITHMS.ecdsaSha1,
  SIGNATURE_ALGORITHMS.ecdsaSha256,
  SIGNATURE_ALGORITHMS.ecdsaSha384,
  SIGNATURE_ALGORITHMS.ecdsaSha512,
].map((uri) => [uri, signatureClass(SIGNATURE_INFO[uri])] as const);

/** Adds the algorithms above to one SignedXml instance (per-instance maps, no global mutation). */
export function registerExtraAlgorithms(sig: SignedXml): void {
  const signatures = sig.SignatureAlgorithms as Record<string, unknown>;
  for (const [uri, cls] of EXTRA_SIGNATURES) signatures[uri] = cls;
  (sig.HashAlgorithms as Record<string, unknown>)[DIGEST_ALGORITHMS.sha384] = Sha384;
}
