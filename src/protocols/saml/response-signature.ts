import { createHash, createPublicKey, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Element, Node } from '@xmldom/xmldom';
import { C14nCanonicalization, C14nCanonicalizationWithComments, ExclusiveCanonicalization, ExclusiveCanonicalizationWithComments } from 'xml-crypto';
import type { CanonicalizationOrTransformationAlgorithm } from 'xml-crypto';
import {
  C14N_ALGORITHMS,
  ENVELOPED_SIGNATURE,
  digestHashName,
  isAllowedCanonicalization,
  isAllowedDigestAlgorithm,
  isAllowedSignatureAlgorithm,
  isAllowedTransform,
  verifyXmlSignatureValue,
} from './algorithms.js';
import { SamlError } from './errors.js';
import { NS, attr, childElements, elementChildren, forEachElement, isElement, isNamed, parseXml, textContent } from './xml.js';

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
        throw new SamlError(
          'InvalidSignature',
          `The document contains the ID "${a.value.slice(0, 64)}" more than once (possible signature wrapping attack).`,
        );
      }
      seen.add(a.value);
    }
  });
}

/** The one ds:Signature that is a direct child of `el`, null if none. */
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
  /**
   * The element a `Reference URI=""` covers: the document element, or — for an assertion that
   * arrived encrypted — the assertion itself (the IdP signed it as its own document).
   */
  wholeDocument: Element;
}

/** A canonicalization algorithm: unlike a transform, its `process` returns the canonical text. */
type Canonicalizer = Omit<CanonicalizationOrTransformationAlgorithm, 'process'> & {
  process(...args: Parameters<CanonicalizationOrTransformationAlgorithm['process']>): string;
};
const C14N_CLASSES: Record<string, new () => Canonicalizer> = {
  [C14N_ALGORITHMS.exclusive]: ExclusiveCanonicalization,
  [C14N_ALGORITHMS.exclusiveWithComments]: ExclusiveCanonicalizationWithComments,
  [C14N_ALGORITHMS.inclusive]: C14nCanonicalization,
  [C14N_ALGORITHMS.inclusiveWithComments]: C14nCanonicalizationWithComments,
};
const EXC_C14N_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
/** Only consulted for a prefixed element without a namespace, which our parser never produces. */
const DEFAULT_NS_FOR_PREFIX = { ds: NS.ds };

/**
 * Verifies `signature`, a direct child of `el`, and proves it covers `el`:
 * - exactly one Reference whose URI is `#<el's ID>` or "" (whole document) — a Reference to any
 *   other element (XSW-3 relocation, "signature over other element") is refused;
 * - algorithms, transforms and canonicalization from allow-lists (no HMAC, no XPath/XSLT);
 * - no ds:Object (the hiding place of XSW-1/XSW-8 wrapped originals);
 * - the SignatureValue over the canonical SignedInfo is verified FIRST, with the configured keys
 *   only (KeyInfo from the message is never read). Any one of the configured certificates may
 *   verify, which is how key rollover works. Only a signature made with the IdP's key gets us to
 *   canonicalize and digest the referenced content, the one step whose cost grows with the
 *   document (W3C XML Signature Best Practices, BP 1: authenticate the signature before doing
 *   costly work on what it claims to cover);
 * - then the Reference digest, computed over the very DOM we read afterwards: no re-serialization
 *   and no second parser, so what is checked is what is consumed (no parser differential), and
 *   character references such as `&#13;` keep the meaning they had in the signed document.
 * The canonicalization algorithms are xml-crypto's; the crypto is node:crypto.
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
  const signatureValues = parts.filter((p) => isNamed(p, NS.ds, 'SignatureValue'));
  if (signatureValues.length !== 1 || parts[1] !== signatureValues[0]) fail('exactly one SignatureValue must follow SignedInfo.');
  const signatureValue = textContent(signatureValues[0]);

  const info = elementChildren(signedInfo);
  const c14n = info[0];
  const method = info[1];
  if (!c14n || !isNamed(c14n, NS.ds, 'CanonicalizationMethod') || !method || !isNamed(method, NS.ds, 'SignatureMethod')) {
    fail('SignedInfo must start with CanonicalizationMethod and SignatureMethod.');
  }
  const c14nAlg = attr(c14n, 'Algorithm') ?? '';
  if (!isAllowedCanonicalization(c14nAlg)) fail('unsupported canonicalization method.');
  const sigAlg = attr(method, 'Algorithm') ?? '';
  if (!isAllowedSignatureAlgorithm(sigAlg, opts.allowSha1)) fail(`signature algorithm ${sigAlg || '(none)'} is not allowed.`);

  const references = info.filter((c) => isNamed(c, NS.ds, 'Reference'));
  if (references.length !== 1 || info.length !== 3) fail('SignedInfo must contain exactly one Reference.');
  const reference = references[0];
  const uri = attr(reference, 'URI');
  const id = attr(el, 'ID');
  let coversWholeDocument = false;
  if (uri === '') coversWholeDocument = true;
  else if (uri === null || !id || uri !== `#${id}`) {
    fail(`the Reference does not point to the ${opts.where} that contains the signature (signature wrapping).`);
  }
  const transformsEls = childElements(reference, NS.ds, 'Transforms');
  if (transformsEls.length > 1) fail('the Reference has more than one Transforms element.');
  const transforms = transformsEls[0] ? childElements(transformsEls[0], NS.ds, 'Transform') : [];
  for (const t of transforms) {
    if (!isAllowedTransform(attr(t, 'Algorithm') ?? '')) fail(`transform ${attr(t, 'Algorithm') ?? '(none)'} is not allowed.`);
  }
  const digests = childElements(reference, NS.ds, 'DigestMethod');
  const digestAlg = digests[0] ? (attr(digests[0], 'Algorithm') ?? '') : '';
  if (digests.length !== 1 || !isAllowedDigestAlgorithm(digestAlg, opts.allowSha1)) {
    fail(`digest algorithm ${digestAlg || '(none)'} is not allowed.`);
  }
  const digestValues = childElements(reference, NS.ds, 'DigestValue');
  if (digestValues.length !== 1) fail('the Reference must contain exactly one DigestValue.');
  const expectedDigest = textContent(digestValues[0]).replace(/\s+/g, '');

  // 1. SignatureValue over SignedInfo: cheap (SignedInfo is a handful of elements). Comments in
  // SignedInfo stay for the #WithComments methods: it is canonicalized directly (§4.4.3.1).
  let canonicalSignedInfo: string;
  try {
    const copy = signedInfo.cloneNode(true) as Element;
    canonicalSignedInfo = canonicalize(copy, c14nAlg, ancestorNamespaces(signedInfo), inclusivePrefixes(c14n));
  } catch (e) {
    return fail(`the signature could not be processed (${describe(e)}).`);
  }
  if (!opts.keys.some((k) => verifyXmlSignatureValue(canonicalSignedInfo, k.key, sigAlg, signatureValue))) {
    fail(`the signature does not verify with ${opts.keys.length === 1 ? 'the configured certificate' : 'any of the configured certificates'}.`);
  }

  // 2. The Reference digest over the signed content.
  const target = coversWholeDocument ? opts.wholeDocument : el;
  let canonicalContent: string;
  try {
    canonicalContent = referencedOctets(target, signature, transforms);
  } catch (e) {
    if (e instanceof SamlError) throw e;
    return fail(`the signature could not be processed (${describe(e)}).`);
  }
  const actual = createHash(digestHashName(digestAlg) as string)
    .update(canonicalContent, 'utf8')
    .digest();
  const expected = Buffer.from(expectedDigest, 'base64');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    fail('the signed content was modified (digest mismatch).');
  }
}

function describe(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return (message.split('\n')[0] ?? '').slice(0, 160);
}

/**
 * XML-DSig reference processing (§4.3.3.2, same-document references) over `target`, in place:
 * copying the subtree would cost more than everything else together. The dereferenced node-set
 * has no comments (§4.3.3.3), so the canonicalizations run without them; the enveloped
 * signature is detached for the duration and put back. Canonicalization transforms run in
 * order; a node-set left at the end is canonicalized with inclusive C14N (§4.3.3.2).
 */
function referencedOctets(target: Element, signature: Element, transforms: Element[]): string {
  const enveloped = transforms.some((t) => attr(t, 'Algorithm') === ENVELOPED_SIGNATURE);
  const parent = signature.parentNode;
  const next = signature.nextSibling;
  const detach = enveloped && parent !== null && isWithin(signature, target);
  if (detach) parent.removeChild(signature);
  try {
    let apex = target;
    let inScope = ancestorNamespaces(target);
    let octets: string | null = null;
    for (const transform of transforms) {
      const algorithm = attr(transform, 'Algorithm') ?? '';
      if (algorithm === ENVELOPED_SIGNATURE) {
        if (octets !== null)
          throw new SamlError('InvalidSignature', 'Invalid signature: the enveloped-signature transform must come before canonicalization.');
        continue;
      }
      if (octets !== null) {
        // A canonicalization after another one reads the octets as a new document.
        apex = parseXml(octets, 'signed content').documentElement as Element;
        inScope = [];
      }
      octets = canonicalize(apex, WITHOUT_COMMENTS[algorithm] ?? algorithm, inScope, inclusivePrefixes(transform));
    }
    return octets ?? canonicalize(apex, C14N_ALGORITHMS.inclusive, inScope, []);
  } finally {
    if (detach) parent.insertBefore(signature, next);
  }
}

const WITHOUT_COMMENTS: Record<string, string> = {
  [C14N_ALGORITHMS.exclusiveWithComments]: C14N_ALGORITHMS.exclusive,
  [C14N_ALGORITHMS.inclusiveWithComments]: C14N_ALGORITHMS.inclusive,
};

function isWithin(node: Node, ancestor: Element): boolean {
  for (let n: Node | null = node; n; n = n.parentNode) if (n === ancestor) return true;
  return false;
}

/**
 * Canonical form of `node`. Exclusive C14N with an InclusiveNamespaces prefix list declares
 * those prefixes on the element it is given; any declaration it adds is removed again, so the
 * tree we go on reading is unchanged.
 */
function canonicalize(node: Element, algorithm: string, inScope: NamespaceBinding[], prefixes: string[]): string {
  const Canonicalization = C14N_CLASSES[algorithm];
  if (!Canonicalization) throw new Error(`canonicalization ${algorithm} is not supported`);
  const declared = prefixes.map((p) => [`xmlns:${p}`, node.hasAttribute(`xmlns:${p}`) ? node.getAttribute(`xmlns:${p}`) : null] as const);
  try {
    return new Canonicalization().process(node as unknown as globalThis.Node, {
      ancestorNamespaces: inScope,
      inclusiveNamespacesPrefixList: prefixes,
      defaultNsForPrefix: DEFAULT_NS_FOR_PREFIX,
    });
  } finally {
    for (const [qname, value] of declared) {
      if (value === null) node.removeAttribute(qname);
      else if (node.getAttribute(qname) !== value) node.setAttributeNS(NS.xmlns, qname, value);
    }
  }
}

function inclusivePrefixes(transform: Element): string[] {
  const list = childElements(transform, EXC_C14N_NS, 'InclusiveNamespaces')[0];
  return list ? (attr(list, 'PrefixList') ?? '').split(/\s+/).filter((p) => p !== '') : [];
}

type NamespaceBinding = { prefix: string; namespaceURI: string };

/**
 * Namespace declarations in scope at `el` from its ancestors (nearest wins), minus those `el`
 * declares itself, its own prefix and undeclarations — what inclusive C14N renders on the apex
 * of a document subset (C14N 1.0 §2.4).
 */
function ancestorNamespaces(el: Element): NamespaceBinding[] {
  const own = new Set<string>([el.prefix ?? '']);
  const attrs = el.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i);
    if (a && a.namespaceURI === NS.xmlns) own.add(a.prefix === 'xmlns' ? (a.localName ?? '') : '');
  }
  const seen = new Set<string>();
  const out: NamespaceBinding[] = [];
  for (let n: Node | null = el.parentNode; n && isElement(n); n = n.parentNode) {
    const list = n.attributes;
    for (let i = 0; i < list.length; i++) {
      const a = list.item(i);
      if (!a || a.namespaceURI !== NS.xmlns) continue;
      const prefix = a.prefix === 'xmlns' ? (a.localName ?? '') : '';
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      if (a.value !== '' && !own.has(prefix)) out.push({ prefix, namespaceURI: a.value });
    }
  }
  return out;
}
