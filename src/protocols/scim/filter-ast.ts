/** Typed AST for RFC 7644 §3.4.2.2 filters. Produced by filter-parser.ts. */

/**
 * `[uri ":"] name ["." sub]` (RFC 7644 §3.10). Spelling is kept as written; consumers compare
 * case-insensitively. Inside a value filter (`emails[...]`) paths are relative to one element
 * and carry only `name`.
 */
export interface AttrPath {
  readonly uri?: string;
  readonly name: string;
  readonly sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type CompValue = string | number | boolean | null;

export type Filter =
  /** n-ary; `and` binds tighter than `or`, so `a or b and c` is or[a, and[b, c]]. */
  | { readonly type: 'logical'; readonly op: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly type: 'not'; readonly filter: Filter }
  | { readonly type: 'compare'; readonly path: AttrPath; readonly op: CompareOp; readonly value: CompValue }
  | { readonly type: 'present'; readonly path: AttrPath }
  /**
   * `attr[filter]`: true when ONE element of `attr` satisfies `filter` (element-relative paths).
   * A trailing sub-attribute expression (`emails[type eq "work"].value co "x"`) is folded into
   * the same element's filter: and[bracket filter, value co "x"].
   */
  | { readonly type: 'valuePath'; readonly path: AttrPath; readonly filter: Filter };

export const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

/** Render a path back to SCIM notation (for error messages). */
export function formatAttrPath(p: AttrPath): string {
  return `${p.uri ? `${p.uri}:` : ''}${p.name}${p.sub ? `.${p.sub}` : ''}`;
}
