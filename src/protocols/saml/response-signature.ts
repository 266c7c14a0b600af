import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import {
  isAllowedCanonicalization,
  isAllowedDigestAlgorithm,
  isAllowedSignatureAlgorithm,
  isAllowedTransform,
  registerExtraAlgorithms,
} from './algorithms.js';
import { SamlError } from './errors.js';
import { NS, attr, childElements, elementChildren, forEachElement, isNamed } from './xml.js';

/** A configured IdP certificate, parsed once. */
export interface VerificationKey {
  pem: string;
  key: KeyObject;
}

export function prepareVerificationKeys(pems: string[]): VerificationKey[] {
  return pems.map((pem) => {
    try {
      return { pem, key: createPublicKey(pem) };
    } catch (cause) {
      throw new SamlError('InvalidSignature', 'A configured verification certificate is not a valid PEM certificate.', { cause });
    }
  });
}

const ID_ATTRIBUTE_NAMES = new Set(['ID', 'Id', 'id']);

/**
 * XSW defence: every ID-like attribute value in the document must be unique. A Reference
 * `#x` then names exactly one element, so a forged element sharing the signed one's ID (e.g. an
 * outer Assertion with the ID of a signed copy hidden in Advice) cannot be what we consume.
 * Attributes are matched by local name in any namespace, a superset of what xml-crypto resolves.
 */
export function assertUniqueIds(root: Element): void {
  const seen = new Set<string>();
  forEachElement(root, (el) => {
    const attrs = el.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i);
      if (!a || !ID_ATTRIBUTE_NAMES.has(a.localName ?? '')) continue;
      if (seen.has(a.value)) {
        throw new SamlError('InvalidSignature', `The document contains the ID "${a.value.slice(0, 64)}" more than once (possible signature wrapping attack).`);
      }
      seen.add(a.value);
    }
  });
}

/** The one ds:Signature that is a direct child of `el`, null if none (SPEC §4.4 step 4). */
export function directSignature(el: Element, where: 'Response' | 'Assertion'): Element | null {
  const sigs = childElements(el, NS.ds, 'Signature');
  if (sigs.length > 1) {
    throw new SamlError('InvalidSignature', `The ${where} element contains more than one Signature.`);
  }
  return sigs[0] ?? null;
}

export interface VerifyOptions {
  keys: VerificationKey[];
  allowSha1: boolean;
  where: 'Response' | 'Assertion';
  /** The document a `Reference URI=""` covers, serialized. */
  wholeDocument: () => string;
  /** `el` as a standalone document (for `Reference URI="#ID"`), serialized. */
  standalone: () => string;
}

/**
 * Verifies `signature`, a direct child of `el`, and proves it covers `el`:
 * - exactly one Reference whose URI is `#<el's ID>` or "" (whole document) — a Reference to any
 *   other element (XSW-3 relocation, "signature over other element") is refused;
 * - algorithms, transforms and canonicalization from allow-lists (no HMAC, no XPath/XSLT);
 * - no ds:Object (the hiding place of XSW-1/XSW-8 wrapped originals);
 * - xml-crypto verifies digest and signature value with the configured keys only — KeyInfo
 *   from the message is never trusted (`getCertFromKeyInfo` returns null). Any one of the
 *   configured certificates may verify, which is how key rollover works.
 *
 * xml-crypto re-parses the string it is given; we give it our own serialization of the element
 * we will consume, so the bytes checked are the infoset we read (no parser differential).
 */
export function verifyElementSignature(el: Element, signature: Element, opts: VerifyOptions): void {
  function fail(why: string): never {
    throw new SamlError('InvalidSignature', `Invalid ${opts.where} signature: ${why}`);
  }
  const parts = elementChildren(signature);
  const signedInfo = parts[0];
  if (!signedInfo || !isNamed(signedInfo, NS.ds, 'SignedInfo')) fail('SignedInfo must be the first child of Signature.');
  if (parts.filter((p) => isNamed(p, NS.ds, 'SignedInfo')).length !== 1) fail('exactly one SignedInfo is required.');
  if (parts.some((p) => isNamed(p, NS.ds, 'Object'))) fail('ds:Object content is not accepted (signature wrapping).');

  const info = elementChildren(signedInfo as Element);
  const c14n = info[0];
  const method = info[1];
  if (!c14n || !isNamed(c14n, NS.ds, 'CanonicalizationMethod') || !method || !isNamed(method, NS.ds, 'SignatureMethod')) {
    fail('SignedInfo must start with CanonicalizationMethod and SignatureMethod.');
  }
  if (!isAllowedCanonicalization(attr(c14n as Element, 'Algorithm') ?? '')) fail('unsupported canonicalization method.');
  const sigAlg = attr(method as Element, 'Algorithm') ?? '';
  if (!isAllowedSignatureAlgorithm(sigAlg, opts.allowSha1)) fail(`signature algorithm ${sigAlg || '(none)'} is not allowed.`);

  const references = info.filter((c) => isNamed(c, NS.ds, 'Reference'));
  if (references.length !== 1 || info.length !== 3) fail('SignedInfo must contain exactly one Reference.');
  const reference = references[0] as Element;
  const uri = attr(reference, 'URI');
  const id = attr(el, 'ID');
  let coversWholeDocument = false;
  if (uri === '') coversWholeDocument = true;
  else if (uri === null || !id || uri !== `#${id}`) {
    fail(`the Reference does not point to the ${opts.where} that contains the signature (signature wrapping).`);
  }
  for (const transforms of childElements(reference, NS.ds, 'Transforms')) {
    for (const t of childElements(transforms, NS.ds, 'Transform')) {
      if (!isAllowedTransform(attr(t, 'Algorithm') ?? '')) fail(`transform ${attr(t, 'Algorithm') ?? '(none)'} is not allowed.`);
    }
  }
  const digests = childElements(reference, NS.ds, 'DigestMethod');
  const digestAlg = digests[0] ? attr(digests[0], 'Algorithm') ?? '' : '';
  if (digests.length !== 1 || !isAllowedDigestAlgorithm(digestAlg, opts.allowSha1)) {
    fail(`digest algorithm ${digestAlg || '(none)'} is not allowed.`);
  }

  const xml = coversWholeDocument ? opts.wholeDocument() : opts.standalone();
  // RSA-PSS in xml-crypto only accepts PEM strings; everything else takes the parsed key.
  const pssOnlyPem = sigAlg.endsWith('#sha256-rsa-MGF1');
  for (const candidate of opts.keys) {
    const verifier = new SignedXml({
      publicCert: pssOnlyPem ? candidate.pem : candidate.key,
      getCertFromKeyInfo: () => null,
    });
    // SAML's ID attribute is `ID`; narrowing xml-crypto's lookup also spares two document scans.
    verifier.idAttributes = ['ID'];
    registerExtraAlgorithms(verifier);
    let valid: boolean;
    try {
      verifier.loadSignature(signature as unknown as globalThis.Node);
      valid = verifier.checkSignature(xml);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // A wrong key only fails the final signature-value check: try the next certificate.
      if (message.startsWith('invalid signature: the signature value')) continue;
      return fail(`the signature could not be processed (${message.split('\n')[0]?.slice(0, 160)}).`);
    }
    if (valid) return;
    // checkSignature returns false when a Reference digest does not match: the signed content
    // was altered, and no other certificate can change that.
    return fail('the signed content was modified (digest mismatch).');
  }
  fail(`the signature does not verify with ${opts.keys.length === 1 ? 'the configured certificate' : 'any of the configured certificates'}.`);
}
