import { parseAttrPath } from './attr-path.js';
import { ScimError } from './errors.js';
import { COMPARE_OPS, formatAttrPath } from './filter-ast.js';
import type { AttrPath, CompValue, CompareOp, Filter } from './filter-ast.js';
import { tokenize } from './filter-lexer.js';
import type { ErrorFactory, Token } from './filter-lexer.js';

/** Longest filter we accept; RFC 7644 sets no limit, but a filter is a query-string parameter. */
export const MAX_FILTER_LENGTH = 4096;
/** Deepest nesting of parentheses, `not (…)` and `[…]` (recursion guard). */
export const MAX_FILTER_DEPTH = 32;

/**
 * Parse an RFC 7644 §3.4.2.2 filter into a typed AST. Keywords (`and`, `or`, `not`, operators,
 * `true`/`false`/`null`) are case-insensitive like every ABNF literal (RFC 5234 §2.3).
 * Throws ScimError(400, invalidFilter) on anything malformed or unsupported.
 */
export function parseFilter(text: string): Filter {
  if (typeof text !== 'string' || text.trim() === '') throw ScimError.invalidFilter('Filter is empty.');
  if (text.length > MAX_FILTER_LENGTH) {
    throw ScimError.invalidFilter(`Filter exceeds ${MAX_FILTER_LENGTH} characters.`);
  }
  const parser = new FilterParser(tokenize(text));
  const filter = parser.parseExpression(false);
  parser.expectEnd();
  return filter;
}

/**
 * Recursive-descent parser over tokens. Exported for patch-path.ts, which reuses the
 * value-filter part for PATCH paths (RFC 7644 §3.5.2: PATH = attrPath / valuePath [subAttr]).
 */
export class FilterParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fail: ErrorFactory = ScimError.invalidFilter,
  ) {}

  peek(): Token {
    return this.tokens[this.i];
  }

  next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'eof') throw this.fail(`Unexpected ${describe(t)} at position ${t.pos}.`);
  }

  /** FILTER with `or` (lowest precedence). `inElement`: inside `attr[…]`, paths are relative. */
  parseExpression(inElement: boolean): Filter {
    const items = [this.parseAnd(inElement)];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      items.push(this.parseAnd(inElement));
    }
    return items.length === 1 ? items[0] : { type: 'logical', op: 'or', filters: items };
  }

  /** Content of `[…]` after the `[` has been consumed, through the closing `]`. */
  parseBracketBody(): Filter {
    this.enter();
    const inner = this.parseExpression(true);
    this.expect(']');
    this.depth--;
    return inner;
  }

  private parseAnd(inElement: boolean): Filter {
    const items = [this.parseUnary(inElement)];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      items.push(this.parseUnary(inElement));
    }
    return items.length === 1 ? items[0] : { type: 'logical', op: 'and', filters: items };
  }

  private parseUnary(inElement: boolean): Filter {
    const t = this.peek();
    if (this.isKeyword(t, 'not') && this.tokens[this.i + 1]?.kind === '(') {
      this.next();
      return { type: 'not', filter: this.parseGroup(inElement) };
    }
    if (t.kind === '(') return this.parseGroup(inElement);
    if (t.kind === 'word') return this.parseAttrExpression(inElement);
    throw this.fail(`Expected an attribute, "not" or "(" at position ${t.pos}, found ${describe(t)}.`);
  }

  private parseGroup(inElement: boolean): Filter {
    this.expect('(');
    this.enter();
    const inner = this.parseExpression(inElement);
    this.expect(')');
    this.depth--;
    return inner;
  }

  private parseAttrExpression(inElement: boolean): Filter {
    const word = this.next() as Extract<Token, { kind: 'word' }>;
    const path = this.toPath(word, inElement);
    if (this.peek().kind !== '[') return this.parseOperation(path);

    if (inElement) throw this.fail(`Nested value filters are not supported (position ${word.pos}).`);
    if (path.sub) {
      throw this.fail(`A value filter must follow a top-level attribute, not "${formatAttrPath(path)}".`);
    }
    this.next();
    const inner = this.parseBracketBody();
    const subTok = this.peek();
    if (subTok.kind !== 'subAttr') return { type: 'valuePath', path, filter: inner };
    // `attr[f].sub op value`: the trailing comparison applies to the SAME element as `f`.
    this.next();
    const sub = this.toPath({ text: subTok.name, pos: subTok.pos + 1 }, true);
    const trailing = this.parseOperation(sub);
    return { type: 'valuePath', path, filter: { type: 'logical', op: 'and', filters: [inner, trailing] } };
  }

  private parseOperation(path: AttrPath): Filter {
    const opTok = this.next();
    const op = opTok.kind === 'word' ? opTok.text.toLowerCase() : '';
    if (op === 'pr') return { type: 'present', path };
    if (!COMPARE_OPS.has(op)) {
      throw this.fail(
        `Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after "${formatAttrPath(path)}" ` +
          `at position ${opTok.pos}, found ${describe(opTok)}.`,
      );
    }
    const value = this.parseValue();
    checkOperand(op as CompareOp, value, path, this.fail);
    return { type: 'compare', path, op: op as CompareOp, value };
  }

  private parseValue(): CompValue {
    const t = this.next();
    if (t.kind === 'string' || t.kind === 'number') return t.value;
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    throw this.fail(
      `Expected a value (JSON string, number, true, false or null) at position ${t.pos}, found ${describe(t)}. ` +
        'String values must be double-quoted.',
    );
  }

  private toPath(word: { text: string; pos: number }, inElement: boolean): AttrPath {
    const path = parseAttrPath(word.text);
    if (!path) throw this.fail(`Invalid attribute path "${word.text}" at position ${word.pos}.`);
    if (inElement && (path.uri || path.sub)) {
      throw this.fail(`Inside a value filter only sub-attribute names are allowed, not "${word.text}".`);
    }
    return path;
  }

  private expect(kind: '(' | ')' | ']'): void {
    const t = this.next();
    if (t.kind !== kind) throw this.fail(`Expected "${kind}" at position ${t.pos}, found ${describe(t)}.`);
  }

  private enter(): void {
    if (++this.depth > MAX_FILTER_DEPTH) throw this.fail(`Filter nesting exceeds ${MAX_FILTER_DEPTH} levels.`);
  }

  private isKeyword(t: Token, kw: string): boolean {
    return t.kind === 'word' && t.text.toLowerCase() === kw;
  }
}

/**
 * RFC 7644 §3.4.2.2: gt/ge/lt/le are defined for strings, numbers and dates only ("boolean and
 * binary attributes SHALL cause a failed response ... invalidFilter"); co/sw/ew are substring
 * operators and need a string.
 */
function checkOperand(op: CompareOp, value: CompValue, path: AttrPath, fail: ErrorFactory): void {
  const where = `"${formatAttrPath(path)} ${op}"`;
  if ((op === 'co' || op === 'sw' || op === 'ew') && typeof value !== 'string') {
    throw fail(`Operator ${where} needs a string value.`);
  }
  if ((op === 'gt' || op === 'ge' || op === 'lt' || op === 'le') && typeof value !== 'string' && typeof value !== 'number') {
    throw fail(`Operator ${where} needs a string, number or date value.`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'word':
      return `"${t.text}"`;
    case 'string':
      return `string ${JSON.stringify(t.value)}`;
    case 'number':
      return `number ${t.value}`;
    case 'subAttr':
      return `".${t.name}"`;
    default:
      return `"${t.kind}"`;
  }
}
