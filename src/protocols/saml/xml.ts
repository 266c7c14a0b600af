import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { SamlError } from './errors.js';

/** Namespace URIs used by SAML 2.0 messages and metadata. */
export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xmlns: 'http://www.w3.org/2000/xmlns/',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const DOCUMENT_TYPE_NODE = 10;

/**
 * Any DTD construct is refused before the parser sees the text: entity declarations are the
 * vehicle for XXE (external entities) and billion-laughs expansion, and no SAML message or
 * metadata document needs a DTD (SAML Core §1.3 / SAML Bindings §3.5.5.2 "XML entity attacks").
 */
const DTD_MARKUP = /<!\s*(?:DOCTYPE|ENTITY|ATTLIST|ELEMENT|NOTATION)/i;

/**
 * How much XML we agree to turn into a DOM. Building and walking a DOM costs far more per element
 * than reading bytes (an unauthenticated 400 KB message of 100,000 empty elements used to cost
 * seconds of event-loop time), so the shape is bounded before the parser runs.
 */
export interface XmlLimits {
  /** UTF-16 code units of the text (≈ bytes for the ASCII that SAML messages are made of). */
  maxLength: number;
  maxElements: number;
  /** Nesting depth of elements (the root is depth 1). */
  maxDepth: number;
  maxAttributesPerElement: number;
  /** Length of one attribute value as written (entity references included). */
  maxAttributeValueLength: number;
}

/**
 * SAML protocol messages (POST and Redirect bindings). A real Response is a few dozen elements
 * nine deep; 5,000 elements leave room for thousands of group values. The length matches the
 * Redirect binding's inflate cap.
 */
export const MESSAGE_LIMITS: Readonly<XmlLimits> = {
  maxLength: 512 * 1024,
  maxElements: 5_000,
  maxDepth: 48,
  maxAttributesPerElement: 48,
  maxAttributeValueLength: 8 * 1024,
};

/** IdP metadata (admin-supplied, possibly a federation aggregate): larger, but still bounded. */
export const METADATA_LIMITS: Readonly<XmlLimits> = {
  maxLength: 5 * 1024 * 1024,
  maxElements: 200_000,
  maxDepth: 48,
  maxAttributesPerElement: 64,
  maxAttributeValueLength: 64 * 1024,
};

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

/**
 * One linear pass over the text that counts elements, depth and attributes without building
 * anything, so an oversized document is refused at the cost of reading it once. Markup it cannot
 * follow (a comment, quote or tag that never ends, a `<` inside a tag) is never well-formed XML,
 * so it is refused here too rather than left to how far a parser would get with it.
 */
export function checkXmlLimits(text: string, limits: Readonly<XmlLimits>, what: string): void {
  const refuse = (detail: string): never => {
    throw new SamlError('InvalidXml', `The ${what} is too large or too complex to process (${detail}).`);
  };
  const malformed = (): never => {
    throw new SamlError('InvalidXml', `The ${what} is not well-formed XML (unterminated markup).`);
  };
  if (text.length > limits.maxLength) refuse(`more than ${limits.maxLength} characters`);
  let elements = 0;
  let depth = 0;
  let i = text.indexOf('<');
  while (i !== -1 && i < text.length) {
    const next = text.charCodeAt(i + 1);
    if (next === BANG) {
      // Comment, CDATA section (DTD markup is refused separately).
      const close = text.startsWith('<!--', i) ? '-->' : text.startsWith('<![CDATA[', i) ? ']]>' : '>';
      const end = text.indexOf(close, i + 2);
      if (end === -1) malformed();
      i = text.indexOf('<', end + close.length);
    } else if (next === QUESTION) {
      const end = text.indexOf('?>', i + 2);
      if (end === -1) malformed();
      i = text.indexOf('<', end + 2);
    } else if (next === SLASH) {
      depth--;
      const end = text.indexOf('>', i + 2);
      if (end === -1) malformed();
      i = text.indexOf('<', end + 1);
    } else {
      if (++elements > limits.maxElements) refuse(`more than ${limits.maxElements} elements`);
      // Walk the start tag to its closing `>`, skipping quoted attribute values (which may hold `>`).
      let attributes = 0;
      let j = i + 1;
      let selfClosing = false;
      for (; j < text.length; j++) {
        const c = text.charCodeAt(j);
        if (c === DQUOTE || c === SQUOTE) {
          const end = text.indexOf(c === DQUOTE ? '"' : "'", j + 1);
          if (end === -1) malformed();
          if (end - j - 1 > limits.maxAttributeValueLength) refuse(`an attribute value longer than ${limits.maxAttributeValueLength} characters`);
          j = end;
        } else if (c === EQUALS) {
          if (++attributes > limits.maxAttributesPerElement) refuse(`an element with more than ${limits.maxAttributesPerElement} attributes`);
        } else if (c === GT) {
          selfClosing = text.charCodeAt(j - 1) === SLASH;
          break;
        } else if (c === LT) {
          malformed();
        }
      }
      if (j >= text.length) malformed();
      if (depth + 1 > limits.maxDepth) refuse(`elements nested more than ${limits.maxDepth} deep`);
      if (!selfClosing) depth++;
      i = text.indexOf('<', j + 1);
    }
  }
}

/**
 * Parses XML for security-relevant use. Every parser warning or error is fatal: a lenient parse
 * (auto-closed tags, unbound prefixes, stray text) would let the document we check differ from
 * the document another parser — or the IdP — sees. The document's size and shape are checked
 * against `limits` before any DOM is built.
 */
export function parseXml(text: string, what = 'SAML message', limits: Readonly<XmlLimits> = MESSAGE_LIMITS): Document {
  if (DTD_MARKUP.test(text)) {
    throw new SamlError('InvalidXml', `The ${what} contains a DTD (DOCTYPE or ENTITY declaration), which is not allowed.`);
  }
  checkXmlLimits(text, limits, what);
  let doc: Document;
  let reported: string | undefined;
  try {
    doc = new DOMParser({
      locator: false,
      onError: (level, message) => {
        reported ??= message;
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(text, 'text/xml');
  } catch (cause) {
    const detail = firstLine(reported ?? (cause instanceof Error ? cause.message : 'parse error'));
    throw new SamlError('InvalidXml', `The ${what} is not well-formed XML (${detail}).`, { cause });
  }
  const root = doc.documentElement;
  if (!root) throw new SamlError('InvalidXml', `The ${what} has no root element.`);
  for (let n = doc.firstChild; n; n = n.nextSibling) {
    // Belt and braces: the text check above should make this unreachable.
    if (n.nodeType === DOCUMENT_TYPE_NODE) {
      throw new SamlError('InvalidXml', `The ${what} contains a DTD (DOCTYPE or ENTITY declaration), which is not allowed.`);
    }
  }
  return doc;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === ELEMENT_NODE;
}

/** True when `el` is the element `{ns}localName`. */
export function isNamed(el: Element, ns: string, localName: string): boolean {
  return el.localName === localName && el.namespaceURI === ns;
}

/** Direct element children named `{ns}localName`, in document order. */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (isElement(n) && isNamed(n, ns, localName)) out.push(n);
  }
  return out;
}

/** All direct element children. */
export function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (isElement(n)) out.push(n);
  return out;
}

export function firstChildElement(parent: Element, ns: string, localName: string): Element | null {
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (isElement(n) && isNamed(n, ns, localName)) return n;
  }
  return null;
}

/** Visits every element under `root` (root included) in document order, without recursion. */
export function forEachElement(root: Element, visit: (el: Element) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (!isElement(node)) continue;
    visit(node);
    for (let c = node.lastChild; c; c = c.previousSibling) if (isElement(c)) stack.push(c);
  }
}

/** Every element named `{ns}localName` anywhere under `root` (root included), in document order. */
export function descendants(root: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  forEachElement(root, (el) => {
    if (isNamed(el, ns, localName)) out.push(el);
  });
  return out;
}

/**
 * The element's character data: text and CDATA of all descendants, comments and processing
 * instructions skipped. This is what C14N signs (comments are dropped for same-document
 * references), so `abc<!--x-->def` reads as `abcdef` — never as the truncated `abc` that
 * first-text-node readers returned (the 2018 SAML comment-injection attack).
 */
export function textContent(el: Element): string {
  let out = '';
  const stack: Node[] = [el];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      out += node.nodeValue ?? '';
    } else if (isElement(node)) {
      for (let c = node.lastChild; c; c = c.previousSibling) stack.push(c);
    }
  }
  return out;
}

/** Attribute value or null when absent (unprefixed attribute name). */
export function attr(el: Element, name: string): string | null {
  return el.hasAttribute(name) ? el.getAttribute(name) : null;
}

/**
 * Namespace bindings in scope at `el` (nearest declaration wins), including the default
 * namespace under the key ''. Needed to re-home a subtree as its own document.
 */
export function inScopeNamespaces(el: Element): Map<string, string> {
  const out = new Map<string, string>();
  for (let n: Node | null = el; n && isElement(n); n = n.parentNode) {
    const attrs = n.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs.item(i);
      if (!a || a.namespaceURI !== NS.xmlns) continue;
      const prefix = a.prefix === 'xmlns' ? (a.localName ?? '') : '';
      if (!out.has(prefix)) out.set(prefix, a.value);
    }
  }
  return out;
}

/**
 * Serializes `el` as a standalone document, declaring on its root every namespace that was in
 * scope at its original position. For both exclusive and inclusive C14N the canonical form of
 * the subtree is unchanged (inclusive C14N renders the in-scope namespaces of the apex anyway),
 * so a signature over the element in context verifies over this string.
 */
export function serializeStandalone(el: Element): string {
  // Declarations are added to the element itself for the duration of the call and removed
  // again: a deep clone of the assertion cost more than the rest of our own checks together.
  const added: string[] = [];
  for (const [prefix, uri] of inScopeNamespaces(el)) {
    const qname = prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
    if (uri !== '' && !el.hasAttribute(qname)) {
      el.setAttributeNS(NS.xmlns, qname, uri);
      added.push(qname);
    }
  }
  try {
    return serialize(el);
  } finally {
    for (const qname of added) el.removeAttribute(qname);
  }
}

export function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

/** Escapes text for element content and double-quoted attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#xD;');
}
