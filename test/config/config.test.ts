import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, startupWarnings } from '../../src/config/index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reports every bad variable together in one ConfigError', () => {
    const env = {
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      TRIBUTARY_SECRET_KEY: 'short',
      LOG_LEVEL: 'loud',
      TRIBUTARY_PUBLIC_URL: 'not a url',
      TRIBUTARY_BOOTSTRAP_EMAIL: 'not-an-email',
    };
    let error: ConfigError | null = null;
    try {
      loadConfig(env);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems;
    expect(problems).toHaveLength(6);
    for (const name of ['PORT', 'DATABASE_URL', 'TRIBUTARY_SECRET_KEY', 'LOG_LEVEL', 'TRIBUTARY_PUBLIC_URL', 'TRIBUTARY_BOOTSTRAP_EMAIL']) {
      expect(
        problems.filter((p) => p.startsWith(name)),
        name,
      ).toHaveLength(1);
      // The one message an operator sees names every variable.
      expect(error!.message).toContain(name);
    }
    expect(problems.find((p) => p.startsWith('PORT'))).toContain('"abc"');
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('mysql:');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL'))).toContain('"loud"');
  });

  it.each(['0', '65536', '-1', '80.5', '9000abc', ' 1e3'])('rejects PORT=%j', (port) => {
    expect(problemsOf({ PORT: port })).toEqual([expect.stringMatching(/^PORT must be an integer between 1 and 65535/)]);
  });

  it.each(['1', '443', '65535'])('accepts PORT=%s', (port) => {
    expect(loadConfig({ PORT: port }).port).toBe(Number(port));
  });

  it('uses the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      databaseUrl: null,
      dataDir: path.resolve('./data'),
      secretKey: null,
      publicUrl: null,
      bootstrap: { password: null, token: null, email: null },
      logLevel: 'info',
      trustProxy: false,
      outboundDenyPrivate: false,
      shutdownGraceSeconds: 10,
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
  });

  it('treats blank variables as unset', () => {
    const config = loadConfig({ PORT: '', HOST: '  ', DATABASE_URL: '', LOG_LEVEL: '', TRIBUTARY_PUBLIC_URL: ' ' });
    expect(config.port).toBe(9000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBeNull();
    expect(config.logLevel).toBe('info');
    expect(config.publicUrl).toBeNull();
  });

  it('resolves a relative TRIBUTARY_DATA_DIR against the working directory', () => {
    expect(loadConfig({ TRIBUTARY_DATA_DIR: 'var/trib' }).dataDir).toBe(path.resolve('var/trib'));
    expect(loadConfig({ TRIBUTARY_DATA_DIR: '/srv/trib' }).dataDir).toBe('/srv/trib');
  });

  it('strips trailing slashes from TRIBUTARY_PUBLIC_URL', () => {
    expect(loadConfig({ TRIBUTARY_PUBLIC_URL: 'https://id.example.com/' }).publicUrl).toBe('https://id.example.com');
    expect(loadConfig({ TRIBUTARY_PUBLIC_URL: 'https://id.example.com/auth//' }).publicUrl).toBe('https://id.example.com/auth');
    expect(loadConfig({ TRIBUTARY_PUBLIC_URL: 'http://localhost:9000' }).publicUrl).toBe('http://localhost:9000');
  });

  it.each(['ftp://id.example.com', 'id.example.com', '/relative'])('rejects TRIBUTARY_PUBLIC_URL=%j', (url) => {
    expect(problemsOf({ TRIBUTARY_PUBLIC_URL: url })).toEqual([expect.stringMatching(/^TRIBUTARY_PUBLIC_URL must be an absolute http\(s\) URL/)]);
  });

  it('accepts postgres:// and postgresql:// database URLs and nothing else', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db' }).databaseUrl).toBe('postgres://u@h:5432/db');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe('postgresql://u@h/db');
    expect(problemsOf({ DATABASE_URL: 'not a url' })).toEqual([expect.stringMatching(/^DATABASE_URL is not a valid URL/)]);
    expect(problemsOf({ DATABASE_URL: 'sqlite:///tmp/x' })).toEqual([expect.stringMatching(/^DATABASE_URL must use the postgres:\/\/ scheme/)]);
  });

  it('requires a secret key of at least 32 characters', () => {
    expect(problemsOf({ TRIBUTARY_SECRET_KEY: 'x'.repeat(31) })).toEqual(['TRIBUTARY_SECRET_KEY must be at least 32 characters long']);
    expect(loadConfig({ TRIBUTARY_SECRET_KEY: 'x'.repeat(32) }).secretKey).toBe('x'.repeat(32));
  });

  it('validates the bootstrap values', () => {
    expect(problemsOf({ TRIBUTARY_BOOTSTRAP_TOKEN: 'too-short' })).toEqual(['TRIBUTARY_BOOTSTRAP_TOKEN must be at least 16 characters long']);
    expect(problemsOf({ TRIBUTARY_BOOTSTRAP_EMAIL: 'a b@example.com' })).toHaveLength(1);
    const config = loadConfig({
      TRIBUTARY_BOOTSTRAP_PASSWORD: 'pw',
      TRIBUTARY_BOOTSTRAP_TOKEN: 't'.repeat(16),
      TRIBUTARY_BOOTSTRAP_EMAIL: 'root@example.com',
    });
    expect(config.bootstrap).toEqual({ password: 'pw', token: 't'.repeat(16), email: 'root@example.com' });
  });

  it('accepts every log level case-insensitively', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(loadConfig({ LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
    }
  });

  it('keeps HOST as given', () => {
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  it.each(['', 'false', 'False', '0', 'no', 'off'])('trusts no proxy for TRIBUTARY_TRUST_PROXY=%j', (value) => {
    expect(loadConfig({ TRIBUTARY_TRUST_PROXY: value }).trustProxy).toBe(false);
  });

  it.each(['true', 'TRUE', '1', 'yes', 'on'])('trusts every peer for TRIBUTARY_TRUST_PROXY=%j', (value) => {
    expect(loadConfig({ TRIBUTARY_TRUST_PROXY: value }).trustProxy).toBe(true);
  });

  it('reads TRIBUTARY_TRUST_PROXY as a list of proxy addresses and ranges', () => {
    expect(loadConfig({ TRIBUTARY_TRUST_PROXY: '10.0.0.5' }).trustProxy).toEqual(['10.0.0.5']);
    expect(loadConfig({ TRIBUTARY_TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.1 ,fd00::/8,::1,loopback ' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.1',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
  });

  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.1/', 'fd00::/129', '300.1.1.1', '10.0.0.1,nope', ',', 'true,10.0.0.1'])(
    'rejects TRIBUTARY_TRUST_PROXY=%j',
    (value) => {
      expect(problemsOf({ TRIBUTARY_TRUST_PROXY: value })).toEqual([
        expect.stringMatching(/^TRIBUTARY_TRUST_PROXY must be true, false or a comma-separated list/),
      ]);
    },
  );

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['No', false],
    ['off', false],
    ['', false],
  ])('reads TRIBUTARY_OUTBOUND_DENY_PRIVATE=%j as %s', (value, expected) => {
    expect(loadConfig({ TRIBUTARY_OUTBOUND_DENY_PRIVATE: value }).outboundDenyPrivate).toBe(expected);
  });

  it.each(['maybe', '2', 'enabled', 'truee'])('rejects TRIBUTARY_OUTBOUND_DENY_PRIVATE=%j', (value) => {
    expect(problemsOf({ TRIBUTARY_OUTBOUND_DENY_PRIVATE: value })).toEqual([
      `TRIBUTARY_OUTBOUND_DENY_PRIVATE must be true or false (got "${value}")`,
    ]);
  });

  it('reads TRIBUTARY_SHUTDOWN_GRACE_SECONDS as seconds between 0 and 3600', () => {
    expect(loadConfig({ TRIBUTARY_SHUTDOWN_GRACE_SECONDS: '30' }).shutdownGraceSeconds).toBe(30);
    expect(loadConfig({ TRIBUTARY_SHUTDOWN_GRACE_SECONDS: '0.5' }).shutdownGraceSeconds).toBe(0.5);
    expect(loadConfig({ TRIBUTARY_SHUTDOWN_GRACE_SECONDS: '0' }).shutdownGraceSeconds).toBe(0);
    for (const value of ['-1', 'ten', '3601', '1e3']) {
      expect(problemsOf({ TRIBUTARY_SHUTDOWN_GRACE_SECONDS: value })).toEqual([
        expect.stringMatching(/^TRIBUTARY_SHUTDOWN_GRACE_SECONDS must be a number of seconds between 0 and 3600/),
      ]);
    }
  });

  it('warns at start when the public URL comes from the request', () => {
    const [warning, ...rest] = startupWarnings(loadConfig({}));
    expect(rest).toEqual([]);
    expect(warning).toMatch(/^TRIBUTARY_PUBLIC_URL is unset/);
    expect(startupWarnings(loadConfig({ TRIBUTARY_TRUST_PROXY: '10.0.0.1' }))[0]).toContain('X-Forwarded-Host');
    expect(startupWarnings(loadConfig({ TRIBUTARY_PUBLIC_URL: 'https://id.example.com' }))).toEqual([]);
  });
});
