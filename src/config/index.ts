/**
 * The one place that reads configuration. Every variable is parsed once; all problems are
 * collected and reported together so an operator fixes them in one go.
 */
import { isIP } from 'node:net';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  /** postgres:// URL, or null for the embedded PGlite database under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** null → generated once and kept in the data dir (development convenience). */
  secretKey: string | null;
  /** External base URL (no trailing slash), or null to derive it from each request. */
  publicUrl: string | null;
  bootstrap: { password: string | null; token: string | null; email: string | null };
  logLevel: LogLevel;
  /**
   * Which peers may set X-Forwarded-For/-Host/-Proto: false (nobody, the default), true (any
   * peer) or the addresses/CIDR ranges of the reverse proxies. Handed to Fastify's `trustProxy`.
   */
  trustProxy: boolean | string[];
  /**
   * Outbound requests (discovery, JWKS, token/profile endpoints, SAML metadata) also refuse
   * loopback, private and reserved addresses, not only link-local and cloud-metadata ones.
   */
  outboundDenyPrivate: boolean;
  /** On SIGTERM/SIGINT, how long in-flight requests may take before the process is stopped anyway. */
  shutdownGraceSeconds: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Fastify's (proxy-addr's) names for the usual private ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IPv4/IPv6 address, optionally with a prefix length (`10.0.0.0/8`, `fd00::/8`), or a range name. */
function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.includes(entry)) return true;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash === -1) return true;
  const prefix = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** TRIBUTARY_TRUST_PROXY: unset/false → false; true → true; else a list of proxy addresses. */
function parseTrustProxy(raw: string | null, problems: string[]): boolean | string[] {
  if (raw === null || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
  if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const bad = entries.filter((e) => !isAddressOrCidr(e));
  if (entries.length === 0 || bad.length > 0) {
    problems.push(
      `TRIBUTARY_TRUST_PROXY must be true, false or a comma-separated list of proxy IP addresses, CIDR ranges or loopback/linklocal/uniquelocal (got "${bad.join(', ') || raw}")`,
    );
    return false;
  }
  return entries;
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** A boolean variable: unset → `fallback`; true/1/yes/on or false/0/no/off (any case). */
function parseBoolean(name: string, raw: string | null, fallback: boolean, problems: string[]): boolean {
  if (raw === null) return fallback;
  if (TRUE_WORDS.includes(raw.toLowerCase())) return true;
  if (FALSE_WORDS.includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

/** Settings that are valid but risky; the server logs each at start. */
export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.publicUrl === null) {
    warnings.push(
      'TRIBUTARY_PUBLIC_URL is unset: callback, ACS, SAML metadata and SCIM URLs are derived from each request' +
        (config.trustProxy === false ? "'s Host header" : ' (including X-Forwarded-Host/-Proto from trusted proxies)') +
        '; set it to the external base URL in production',
    );
  }
  return warnings;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? null : v.trim();
  };

  let port = 9000;
  const rawPort = str('PORT');
  if (rawPort !== null) {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      problems.push(`PORT must be an integer between 1 and 65535 (got "${rawPort}")`);
    } else {
      port = Number(rawPort);
    }
  }

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== null) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(databaseUrl);
    } catch {
      problems.push('DATABASE_URL is not a valid URL (expected postgres://user@host:port/database)');
    }
    if (parsed && !['postgres:', 'postgresql:'].includes(parsed.protocol)) {
      problems.push(`DATABASE_URL must use the postgres:// scheme (got "${parsed.protocol}")`);
    }
  }

  const secretKey = str('TRIBUTARY_SECRET_KEY');
  if (secretKey !== null && secretKey.length < 32) {
    problems.push('TRIBUTARY_SECRET_KEY must be at least 32 characters long');
  }

  let publicUrl = str('TRIBUTARY_PUBLIC_URL');
  if (publicUrl !== null) {
    try {
      const u = new URL(publicUrl);
      if (!['http:', 'https:'].includes(u.protocol)) throw new Error('scheme');
      publicUrl = publicUrl.replace(/\/+$/, '');
    } catch {
      problems.push(`TRIBUTARY_PUBLIC_URL must be an absolute http(s) URL (got "${publicUrl}")`);
    }
  }

  const token = str('TRIBUTARY_BOOTSTRAP_TOKEN');
  if (token !== null && token.length < 16) {
    problems.push('TRIBUTARY_BOOTSTRAP_TOKEN must be at least 16 characters long');
  }
  const email = str('TRIBUTARY_BOOTSTRAP_EMAIL');
  if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    problems.push(`TRIBUTARY_BOOTSTRAP_EMAIL is not an email address (got "${email}")`);
  }

  const rawLevel = (str('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(rawLevel as LogLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${rawLevel}")`);
  }

  const trustProxy = parseTrustProxy(str('TRIBUTARY_TRUST_PROXY'), problems);
  const outboundDenyPrivate = parseBoolean('TRIBUTARY_OUTBOUND_DENY_PRIVATE', str('TRIBUTARY_OUTBOUND_DENY_PRIVATE'), false, problems);

  let shutdownGraceSeconds = 10;
  const rawGrace = str('TRIBUTARY_SHUTDOWN_GRACE_SECONDS');
  if (rawGrace !== null) {
    if (!/^\d+(\.\d+)?$/.test(rawGrace) || Number(rawGrace) > 3600) {
      problems.push(`TRIBUTARY_SHUTDOWN_GRACE_SECONDS must be a number of seconds between 0 and 3600 (got "${rawGrace}")`);
    } else {
      shutdownGraceSeconds = Number(rawGrace);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(str('TRIBUTARY_DATA_DIR') ?? './data'),
    secretKey,
    publicUrl,
    bootstrap: { password: str('TRIBUTARY_BOOTSTRAP_PASSWORD'), token, email },
    logLevel: rawLevel as LogLevel,
    trustProxy,
    outboundDenyPrivate,
    shutdownGraceSeconds,
  };
}
