/**
 * The one rule for URLs that reach a browser (a form `action`, a link, a redirect `Location`) or
 * that we fetch: absolute `http:`/`https:` URLs, or — where the target is our own site — a local
 * path. Anything else (`javascript:`, `data:`, `vbscript:`, `file:`, scheme-relative `//host`)
 * is refused.
 *
 * The check is on the text as given, not on a cleaned-up version of it: browsers and the WHATWG
 * URL parser drop leading/trailing control characters and spaces, remove tabs and newlines
 * inside, and read `\` as `/` in http(s) URLs, so `" javascript:…"`, `"java\tscript:…"` or
 * `"https:\\evil"` would mean something other than what a lenient check saw. Such text is
 * refused instead of normalised.
 */
import { ValidationError } from '../errors/index.js';

/** C0/C1 controls, space, backslash, and Unicode spaces/separators. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u00a0\\\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const HTTP_PREFIX = /^https?:\/\//i;

/** True for an absolute `http:` or `https:` URL with a host, written without tricks. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !HTTP_PREFIX.test(value) || UNSAFE_CHARACTERS.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** True for a path on our own origin: `/…`, but not `//host` or `/\host` (scheme-relative). */
export function isLocalPath(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !UNSAFE_CHARACTERS.test(value);
}

/** What a page may point a browser at: an http(s) URL or a local path. */
export function isNavigableUrl(value: unknown): value is string {
  return isHttpUrl(value) || isLocalPath(value);
}

/** `value` when it is an http(s) URL, else a 400 on `field`. */
export function requireHttpUrl(value: unknown, field: string): string {
  if (!isHttpUrl(value)) throw ValidationError.field(field, 'Enter a valid http(s) URL.', 'invalid_url');
  return value;
}

/**
 * `value` when a page may send a browser there. A page that would carry anything else is not
 * rendered (the caller's error page says why); this is the last line behind the checks where
 * such URLs enter (API fields, IdP metadata, discovery documents).
 */
export function requireNavigableUrl(value: unknown, what: string): string {
  if (!isNavigableUrl(value)) throw new UnsafeUrlError(what);
  return value;
}

/** A stored URL that is not http(s) was about to be put into a page or a redirect. */
export class UnsafeUrlError extends ValidationError {
  constructor(what: string) {
    super({}, [`The ${what} is not an http(s) URL; refusing to send the browser there.`], 'unsafe_url');
  }
}
