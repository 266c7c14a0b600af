import { isAttrName, parseAttrPath } from './attr-path.js';
import { CORE_SCHEMAS, KNOWN_EXTENSION_SCHEMAS, isCoreSchema } from './constants.js';
import { ScimError } from './errors.js';
import type { Filter } from './filter-ast.js';
import { tokenize } from './filter-lexer.js';
import { FilterParser, MAX_FILTER_LENGTH } from './filter-parser.js';

/**
 * A resolved PATCH target (RFC 7644 §3.5.2: PATH = attrPath / valuePath [subAttr]).
 * `uri` is set only for extension attributes (they live under `resource[uri]`); core-schema
 * prefixes are stripped. A path that is an extension URN itself has `attr` = the URN and no `uri`.
 */
export interface PatchTarget {
  readonly uri?: string;
  readonly attr: string;
  readonly filter?: Filter;
  readonly sub?: string;
}

/**
 * Parse a PATCH `path`. Structural problems → invalidPath; a malformed bracket filter →
 * invalidFilter (RFC 7644 Table 9 lists "PATCH path filter" under invalidFilter).
 * `extensionUrns`: extension schemas the document uses, so a URN without a trailing attribute
 * (or with dots in its version) is recognised.
 */
export function parsePatchPath(text: string, extensionUrns: readonly string[] = []): PatchTarget {
  if (typeof text !== 'string' || text.trim() === '') throw ScimError.invalidPath('"path" must be a non-empty string.');
  if (text.length > MAX_FILTER_LENGTH) throw ScimError.invalidPath(`"path" exceeds ${MAX_FILTER_LENGTH} characters.`);
  const tokens = tokenize(text.trim(), ScimError.invalidPath);
  const parser = new FilterParser(tokens, ScimError.invalidFilter);
  const head = parser.next();
  if (head.kind !== 'word') throw ScimError.invalidPath(`Invalid path "${text}".`);

  const urns = [...CORE_SCHEMAS, ...KNOWN_EXTENSION_SCHEMAS, ...extensionUrns];
  const path = parseAttrPath(head.text, urns);
  if (!path) throw ScimError.invalidPath(`Invalid attribute path "${head.text}".`);

  let filter: Filter | undefined;
  let sub = path.sub;
  if (parser.peek().kind === '[') {
    if (sub) throw ScimError.invalidPath(`A value filter must follow a top-level attribute in "${text}".`);
    parser.next();
    filter = parser.parseBracketBody();
    const after = parser.peek();
    if (after.kind === 'subAttr') {
      parser.next();
      if (!isAttrName(after.name)) {
        throw ScimError.invalidPath(`Invalid sub-attribute ".${after.name}" in "${text}".`);
      }
      sub = after.name;
    }
  }
  if (parser.peek().kind !== 'eof') throw ScimError.invalidPath(`Unexpected text after the path in "${text}".`);

  const uri = path.uri && !isCoreSchema(path.uri) ? path.uri : undefined;
  if (!uri && path.name.includes(':') && isCoreSchema(path.name)) {
    throw ScimError.invalidPath(`"${text}" names a core schema, not an attribute.`);
  }
  const target: { uri?: string; attr: string; filter?: Filter; sub?: string } = { attr: path.name };
  if (uri) target.uri = uri;
  if (filter) target.filter = filter;
  if (sub) target.sub = sub;
  return target;
}
