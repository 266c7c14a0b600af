/**
 * User path templates (docs/behaviour.md#user-path-template). authentik formats
 * `user_path_template % {"slug": source.slug}` and, on any formatting error, logs and falls back
 * to the User default path `users`.
 */
import { ValidationError } from '../errors/index.js';

export const DEFAULT_USER_PATH = 'users';
export const DEFAULT_USER_PATH_TEMPLATE = 'goauthentik.io/sources/%(slug)s';

export interface UserPathVars {
  slug: string;
}

export type UserPathRender = { ok: true; path: string } | { ok: false; error: string };

// %(key) flags width .precision length-modifier conversion — Python's printf-style grammar.
const SPEC = /^%\(([^)]*)\)([#0\- +]*)(\d*)(?:\.(\d*))?[hlL]?([a-zA-Z%])/;

/** Python `repr()` of a str, good enough for slugs (`^[-a-zA-Z0-9_]+$`). */
function pyRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  const escaped = value.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

function pad(text: string, flags: string, width: string, precision: string | undefined): string {
  let out = precision !== undefined ? text.slice(0, Number(precision || '0')) : text;
  const w = Number(width || '0');
  if (out.length < w) out = flags.includes('-') ? out.padEnd(w) : out.padStart(w);
  return out;
}

/**
 * Python `%`-formatting with a mapping argument, restricted to what makes sense for a path:
 * `%%` and `%(name)s` / `%(name)r` / `%(name)a` (with flags, width, precision).
 * Deviation: an un-named conversion such as `%s` would, in Python, print the whole dict
 * (`{'slug': 'x'}`) into the path; we treat it as malformed instead.
 */
export function formatPythonMapping(template: string, vars: Readonly<Record<string, string>>): UserPathRender {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const pct = template.indexOf('%', i);
    if (pct === -1) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, pct);
    const rest = template.slice(pct);
    if (rest.startsWith('%%')) {
      out += '%';
      i = pct + 2;
      continue;
    }
    const m = SPEC.exec(rest);
    if (!m) return { ok: false, error: `unsupported or incomplete format at position ${pct}` };
    const [whole, key = '', flags = '', width = '', precision, conversion] = m;
    if (!Object.prototype.hasOwnProperty.call(vars, key)) return { ok: false, error: `unknown key '${key}'` };
    const value = vars[key] ?? '';
    if (conversion === 's') out += pad(value, flags, width, precision);
    else if (conversion === 'r' || conversion === 'a') out += pad(pyRepr(value), flags, width, precision);
    else return { ok: false, error: `conversion '%${conversion}' is not valid for a text value` };
    i = pct + whole.length;
  }
  return { ok: true, path: out };
}

/**
 * Checks a (rendered) user path the way authentik's user serializer does.
 * @returns an error message, or null when the path is valid.
 */
export function userPathError(path: string): string | null {
  if (path === '') return 'User path must not be empty.';
  if (path.startsWith('/') || path.endsWith('/')) return 'No leading or trailing slashes allowed.';
  if (path.split('/').some((segment) => segment === '')) return 'No empty segments in user path allowed.';
  return null;
}

/** Renders and validates; never throws. The caller logs `error` when it falls back. */
export function tryRenderUserPath(template: string, vars: UserPathVars): UserPathRender {
  const rendered = formatPythonMapping(template, { slug: vars.slug });
  if (!rendered.ok) return rendered;
  const invalid = userPathError(rendered.path);
  return invalid ? { ok: false, error: `${invalid} (rendered '${rendered.path}')` } : rendered;
}

/** `get_user_path()`: the rendered template, or `users` when the template cannot be used. */
export function renderUserPath(template: string, vars: UserPathVars): string {
  const rendered = tryRenderUserPath(template, vars);
  return rendered.ok ? rendered.path : DEFAULT_USER_PATH;
}

/**
 * API-side check for `user_path_template` (stricter than authentik, which accepts anything and
 * silently falls back at login time).
 * @throws ValidationError on field `user_path_template`.
 */
export function assertValidUserPathTemplate(template: string, sampleSlug = 'source-slug'): void {
  const rendered = tryRenderUserPath(template, { slug: sampleSlug });
  if (!rendered.ok) {
    throw ValidationError.field('user_path_template', `Invalid user path template: ${rendered.error}.`);
  }
}
