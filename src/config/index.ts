/**
 * The one place that reads configuration. Every variable is parsed once; all problems are
 * collected and reported together so an operator fixes them in one go.
 */
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
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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
  };
}
