import type { Document, Element } from '@xmldom/xmldom';
import xmlenc from 'xml-encryption';
import { SamlError } from './errors.js';
import { NS, attr, childElements, descendants, elementChildren, escapeXml, inScopeNamespaces, isElement, isNamed, parseXml } from './xml.js';

/** XML-Enc block ciphers we accept for EncryptedData (3DES and anything else are refused). */
const DATA_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
]);

/** Key transport algorithms we accept for EncryptedKey. */
const KEY_TRANSPORT_ALGORITHMS = new Set([
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  'http://www.w3.org/2001/04/xmlenc#rsa-1_5',
]);

function invalid(message: string, cause?: unknown): SamlError {
  return new SamlError('InvalidEncryption', message, { cause });
}

/**
 * Decrypts a saml:EncryptedAssertion (SAML Core §2.3.4, XML-Enc) with our private key and
 * replaces it in the tree by the plaintext saml:Assertion, which is returned.
 * Decryption itself is xml-encryption's; we only pre-check the algorithms and parse the
 * plaintext with the same hardened parser as the outer message (it is attacker-influenced too).
 */
export function decryptAssertionInPlace(doc: Document, encrypted: Element, privateKeyPem: string): Element {
  const data = childElements(encrypted, NS.xenc, 'EncryptedData');
  if (data.length !== 1) throw invalid('The EncryptedAssertion must contain exactly one EncryptedData element.');
  const dataMethod = childElements(data[0], NS.xenc, 'EncryptionMethod')[0];
  const dataAlg = dataMethod ? (attr(dataMethod, 'Algorithm') ?? '') : '';
  if (!DATA_ALGORITHMS.has(dataAlg)) {
    throw invalid(`The assertion is encrypted with an unsupported algorithm (${dataAlg || 'none'}); use AES-GCM or AES-CBC.`);
  }
  const keys = descendants(encrypted, NS.xenc, 'EncryptedKey');
  if (keys.length === 0) throw invalid('The EncryptedAssertion carries no EncryptedKey.');
  for (const key of keys) {
    const method = childElements(key, NS.xenc, 'EncryptionMethod')[0];
    const alg = method ? (attr(method, 'Algorithm') ?? '') : '';
    if (!KEY_TRANSPORT_ALGORITHMS.has(alg)) {
      throw invalid(`The assertion key is wrapped with an unsupported algorithm (${alg || 'none'}); use RSA-OAEP.`);
    }
  }

  let plaintext: string | undefined;
  let failure: unknown;
  xmlenc.decrypt(
    encrypted,
    // AES-CBC and rsa-1_5 are still common in IdP defaults, so xml-encryption's "insecure
    // algorithm" refusal is lifted; the allow-lists above are ours.
    { key: privateKeyPem, disallowDecryptionWithInsecureAlgorithm: false, warnInsecureAlgorithm: false },
    (err, result) => {
      failure = err ?? undefined;
      plaintext = result;
    },
  );
  if (failure !== undefined || plaintext === undefined) throw decryptionFailure(failure);

  const assertion = parsePlaintextAssertion(encrypted, plaintext);
  const imported = doc.importNode(assertion, true);
  (encrypted.parentNode as Element).replaceChild(imported, encrypted);
  return imported;
}

function decryptionFailure(cause: unknown): SamlError {
  const message = cause instanceof Error ? cause.message : '';
  if (message.includes('RSA_PKCS1_PADDING is no longer supported')) {
    return invalid(
      'The identity provider wrapped the assertion key with RSA PKCS#1 v1.5 (rsa-1_5), which this Node.js runtime refuses to decrypt (CVE-2023-46809). Configure the IdP to use RSA-OAEP.',
      cause,
    );
  }
  return invalid(
    'The encrypted assertion could not be decrypted with the configured encryption key (it was probably encrypted for a different certificate, or it is corrupt).',
    cause,
  );
}

/**
 * The plaintext is an Assertion serialized out of its context; prefixes it uses may be declared
 * on the enclosing Response. It is parsed inside a wrapper that re-declares the namespaces in
 * scope at the EncryptedAssertion, and must consist of exactly one saml:Assertion.
 */
function parsePlaintextAssertion(encrypted: Element, plaintext: string): Element {
  const decls = [...inScopeNamespaces(encrypted)]
    .map(([prefix, uri]) => `${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeXml(uri)}"`)
    .join(' ');
  const body = plaintext.replace(/^\uFEFF?\s*<\?xml[^?]*\?>/, '');
  const wrapper = parseXml(`<tributary-decrypted ${decls}>${body}</tributary-decrypted>`, 'decrypted assertion').documentElement as Element;
  const elements = elementChildren(wrapper);
  let strayText = false;
  for (let n = wrapper.firstChild; n; n = n.nextSibling) {
    if (!isElement(n) && n.nodeType !== 8 && (n.nodeValue ?? '').trim() !== '') strayText = true;
  }
  const assertion = elements[0];
  if (elements.length !== 1 || !assertion || !isNamed(assertion, NS.assertion, 'Assertion') || strayText) {
    throw invalid('The decrypted content is not a single saml:Assertion.');
  }
  return assertion;
}
