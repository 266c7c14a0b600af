/**
 * Keeps credentials that travel in URLs out of the logs. OAuth callbacks carry `code` and
 * `state`, SAML's Redirect binding carries `SAMLRequest`/`SAMLResponse`/`RelayState`, and a
 * client may put a token in the query (RFC 6750 §2.3); Fastify logs `req.url` with its query
 * string. Two layers:
 *  - the request serializer rewrites the values of those parameters to `[redacted]`;
 *  - every finished log line passes through the same rewrite before it is written (pino's
 *    `streamWrite` hook), for URLs inside messages and errors (Fastify's "Route GET:/…?code=… not
 *    found", upstream error texts).
 */

export const REDACTED = '[redacted]';

/** Query parameters whose value is a credential or a one-time secret (matched case-insensitively). */
export const SECRET_QUERY_PARAMETERS: readonly string[] = [
  'code',
  'state',
  'session_state',
  'id_token',
  'access_token',
  'refresh_token',
  'token',
  'client_secret',
  'password',
  'SAMLRequest',
  'SAMLResponse',
  'RelayState',
];

const SECRET_NAMES: ReadonlySet<string> = new Set(SECRET_QUERY_PARAMETERS.map((p) => p.toLowerCase()));

function isSecretName(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    // A malformed escape: judge the name as written.
  }
  return SECRET_NAMES.has(name.toLowerCase());
}

/** `url` (path and query, or absolute) with the values of secret query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && isSecretName(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${redacted}${hash < 0 ? '' : url.slice(hash)}`;
}

// `?name=value` or `&name=value` anywhere in text; a value runs to the next `&`, `#`, quote,
// whitespace or JSON-escaped character boundary (a `\` escape is consumed as part of it).
const IN_TEXT = new RegExp(`([?&](?:${SECRET_QUERY_PARAMETERS.join('|')})=)(?:\\\\.|[^&#"'\\s<>\\\\])+`, 'gi');

/** Any text (a log line, an error message) with secret query values replaced. */
export function redactSecretsInText(text: string): string {
  return text.replace(IN_TEXT, `$1${REDACTED}`);
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/** Fastify's request log fields, with the URL's secrets redacted. */
export function redactedRequestSerializer(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** Where log lines may be sent instead of standard output (tests capture them). */
export interface LogSink {
  write(line: string): unknown;
}
