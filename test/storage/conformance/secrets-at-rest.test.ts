/**
 * Secrets are encrypted or digested at rest: a dump of every table of the schema (read raw
 * through Kysely) contains no private key, token key, password, session id or server secret.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/security/passwords.js';
import { generateSelfSigned } from '../../../src/security/certificates.js';
import { startSession } from '../../../src/services/sessions.js';
import { ADMIN_PASSWORD, ADMIN_TOKEN, createTestApp, type TestApp } from '../../support/app.js';

const SECRET_KEY = 'test-secret-key-that-is-long-enough-0123456789';
const TOKEN_KEY = 'PlainTokenKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
const USER_PASSWORD = 'Tr0ub4dor&3-plaintext';

let app: TestApp;
let privateKeyBody: string;
let sessionId: string;
beforeAll(async () => {
  app = await createTestApp();
  const repos = app.ctx.store.repos;
  const pair = await generateSelfSigned({ commonName: 'at-rest', subjectAltNames: [], validityDays: 1, algorithm: 'rsa' });
  // A distinctive slice of the key body, so a re-encoded (e.g. base64 of PEM) copy is found too.
  privateKeyBody = pair.privateKeyPem.split('\n')[5];
  await repos.keypairs.create({ name: 'at-rest', certificateData: pair.certificatePem, keyData: pair.privateKeyPem });
  const user = await repos.users.create({ username: 'at-rest', passwordHash: await hashPassword(USER_PASSWORD) });
  await repos.tokens.create({ identifier: 'at-rest', key: TOKEN_KEY, intent: 'api', userId: user.id });
  sessionId = (await startSession(app.ctx, repos, user.id)).id;
});
afterAll(async () => app?.close());

async function dumpSchema(): Promise<Record<string, string>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(app.db);
  const out: Record<string, string> = {};
  for (const { table_name } of tables.rows) {
    // row_to_json renders every column as text, whatever its type.
    const rows = await sql<{ j: unknown }>`SELECT row_to_json(t)::text AS j FROM ${sql.table(table_name)} t`.execute(app.db);
    out[table_name] = rows.rows.map((r) => r.j).join('\n');
  }
  return out;
}

describe('secrets at rest', () => {
  it('stores no plaintext secret in any column of any table', async () => {
    const dump = await dumpSchema();
    expect(dump.keypairs).toContain('at-rest');
    expect(dump.tokens).toContain('at-rest');
    const secrets: Record<string, string> = {
      'PRIVATE KEY': 'PRIVATE KEY',
      'private key body': privateKeyBody,
      'token key': TOKEN_KEY,
      'bootstrap token': ADMIN_TOKEN,
      'bootstrap password': ADMIN_PASSWORD,
      'user password': USER_PASSWORD,
      'session id': sessionId,
      'server secret key': SECRET_KEY,
    };
    for (const [table, text] of Object.entries(dump)) {
      for (const [label, secret] of Object.entries(secrets)) {
        expect(text.includes(secret), `${label} found in table ${table}`).toBe(false);
      }
    }
  });

  it('keeps the sealed values decryptable with the server key', async () => {
    const kp = await app.db.selectFrom('keypairs').select(['kp_uuid', 'key_sealed']).where('name', '=', 'at-rest').executeTakeFirstOrThrow();
    expect(kp.key_sealed).toMatch(/^v1\./);
    expect(app.ctx.box.decrypt(kp.key_sealed!)).toContain('PRIVATE KEY');
    const token = await app.db
      .selectFrom('tokens')
      .select(['key_sealed', 'key_digest'])
      .where('identifier', '=', 'at-rest')
      .executeTakeFirstOrThrow();
    expect(app.ctx.box.decrypt(token.key_sealed)).toBe(TOKEN_KEY);
    expect(token.key_digest).toBe(app.ctx.box.lookupDigest(TOKEN_KEY));
    const session = await app.db
      .selectFrom('sessions')
      .select('id_digest')
      .where('id_digest', '=', app.ctx.box.lookupDigest(sessionId))
      .executeTakeFirst();
    expect(session).toBeDefined();
  });

  it('stores passwords as scrypt hashes', async () => {
    const rows = await app.db.selectFrom('users').select(['username', 'password']).where('username', 'in', ['akadmin', 'at-rest']).execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.password).toMatch(/^scrypt\$/);
  });
});
