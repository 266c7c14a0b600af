import { ScimError } from './errors.js';

/** Tokens of the RFC 7644 §3.4.2.2 filter grammar. `pos` is a 0-based character offset. */
export type Token =
  | { readonly kind: '(' | ')' | '[' | ']' | 'eof'; readonly pos: number }
  /** Attribute path, operator keyword, or the literals true/false/null. */
  | { readonly kind: 'word'; readonly text: string; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'number'; readonly value: number; readonly pos: number }
  /** `.name` immediately after `]` — the sub-attribute of a value path (`emails[…].value`). */
  | { readonly kind: 'subAttr'; readonly name: string; readonly pos: number };

const WORD_CHAR = /[A-Za-z0-9_:.$-]/;
// JSON number grammar (RFC 8259 §6), anchored at the current position with the sticky flag.
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DELIMITER = /[\s()[\]]/;

export type ErrorFactory = (detail: string) => ScimError;

export function tokenize(text: string, fail: ErrorFactory = ScimError.invalidFilter): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[') {
      tokens.push({ kind: c, pos: i++ });
    } else if (c === ']') {
      tokens.push({ kind: ']', pos: i++ });
      if (text[i] === '.') {
        const start = i++;
        while (i < text.length && WORD_CHAR.test(text[i])) i++;
        tokens.push({ kind: 'subAttr', name: text.slice(start + 1, i), pos: start });
      }
    } else if (c === '"') {
      const end = scanString(text, i, fail);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, end));
      } catch {
        throw fail(`Invalid string literal at position ${i}: not a valid JSON string.`);
      }
      tokens.push({ kind: 'string', value: value as string, pos: i });
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      const end = m ? i + m[0].length : i;
      if (!m || (end < text.length && !DELIMITER.test(text[end]))) {
        throw fail(`Invalid number at position ${i}.`);
      }
      tokens.push({ kind: 'number', value: Number(m[0]), pos: i });
      i = end;
    } else if (WORD_CHAR.test(c)) {
      const start = i;
      while (i < text.length && WORD_CHAR.test(text[i])) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), pos: start });
    } else if (c === "'") {
      throw fail(`Unexpected "'" at position ${i}: string values must use double quotes.`);
    } else {
      throw fail(`Unexpected character ${JSON.stringify(c)} at position ${i}.`);
    }
  }
  tokens.push({ kind: 'eof', pos: text.length });
  return tokens;
}

/** Index just past the closing quote of the JSON string starting at `start`. */
function scanString(text: string, start: number, fail: ErrorFactory): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  throw fail(`Unterminated string starting at position ${start}.`);
}
