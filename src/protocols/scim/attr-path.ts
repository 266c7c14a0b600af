import type { AttrPath } from './filter-ast.js';

/** ATTRNAME = ALPHA *(nameChar) (RFC 7643 §2.1); `$ref` is the one reserved exception. */
const ATTRNAME_RE = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;

export function isAttrName(s: string): boolean {
  return ATTRNAME_RE.test(s);
}

/**
 * Split `[URI ":"] ATTRNAME ["." subAttr]` (RFC 7644 §3.10). The URI is everything before the
 * LAST colon: schema URNs contain dots ("…:2.0:User"), so dots only separate sub-attributes
 * after it. `knownUrns` lets a caller recognise a path that IS an extension URN (no attribute
 * after it) — it is then returned as a top-level attribute named by the URN, which is how an
 * extension is stored in a resource. Returns undefined when the text is not a valid path.
 */
export function parseAttrPath(text: string, knownUrns: readonly string[] = []): AttrPath | undefined {
  const lower = text.toLowerCase();
  for (const urn of knownUrns) {
    const u = urn.toLowerCase();
    if (lower === u) return { name: text };
    if (lower.startsWith(`${u}:`)) return withUri(text.slice(0, urn.length), text.slice(urn.length + 1));
  }
  const colon = text.lastIndexOf(':');
  if (colon === -1) return withUri(undefined, text);
  if (colon === 0) return undefined;
  return withUri(text.slice(0, colon), text.slice(colon + 1));
}

function withUri(uri: string | undefined, rest: string): AttrPath | undefined {
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every(isAttrName)) return undefined;
  const [name, sub] = parts as [string, string | undefined];
  const path: { uri?: string; name: string; sub?: string } = { name };
  if (uri !== undefined) path.uri = uri;
  if (sub !== undefined) path.sub = sub;
  return path;
}
