/**
 * Migration 012 on a database that already has SCIM users whose names differ only in case: it
 * applies (the oldest of each collision is marked, the others left alone), local users are never
 * marked, and from then on the index refuses a marked user whose name another marked user has in
 * other case while unmarked (local) users stay case-sensitive.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../src/storage/migrations/index.js';
import { applyMigration } from '../../../src/storage/migrator.js';
import { createTestApp, type TestApp } from '../../support/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

/** Runs one migration's script as the migrator does. */
async function apply(db: Kysely<any>, name: string): Promise<void> {
  const m = migrations.find((x) => x.name === name);
  if (!m) throw new Error(`no migration ${name}`);
  await applyMigration(db, m);
}

/** Whether `statement` fails with a unique violation (inside a savepoint, so the transaction goes on). */
async function uniqueViolation(db: Kysely<any>, statement: ReturnType<typeof sql>): Promise<boolean> {
  await sql`SAVEPOINT probe`.execute(db);
  try {
    await statement.execute(db);
    await sql`RELEASE SAVEPOINT probe`.execute(db);
    return false;
  } catch (e) {
    await sql`ROLLBACK TO SAVEPOINT probe`.execute(db);
    if ((e as { code?: string }).code === '23505') return true;
    throw e;
  }
}

const ROLLBACK = new Error('roll the scratch schema back');

describe('012-scim-username-case-insensitive', () => {
  it('applies over existing case collisions and guards new ones among SCIM users only', async () => {
    const schema = `t_m012_${randomBytes(5).toString('hex')}`;
    let checked = false;
    await app.db
      .transaction()
      .execute(async (trx) => {
        // A scratch schema migrated up to just before 012, inside one transaction rolled back at the end.
        await sql.raw(`CREATE SCHEMA ${schema}`).execute(trx);
        await sql.raw(`SET LOCAL search_path TO ${schema}`).execute(trx);
        for (const name of migrations.map((m) => m.name).filter((n) => n < '012')) await apply(trx, name);

        const source = (
          await sql<{ id: string }>`INSERT INTO sources (kind, name, slug) VALUES ('scim', 'm012', 'm012') RETURNING pbm_uuid AS id`.execute(trx)
        ).rows[0].id;
        const user = async (username: string, linked: boolean) => {
          const id = (await sql<{ id: number }>`INSERT INTO users (username) VALUES (${username}) RETURNING id`.execute(trx)).rows[0].id;
          if (linked)
            await sql`INSERT INTO scim_source_users (id, external_id, user_id, source_uuid) VALUES (${`l-${id}`}, ${`l-${id}`}, ${id}, ${source})`.execute(
              trx,
            );
        };
        await user('Dup', true);
        await user('dup', true);
        await user('DUP', true);
        await user('solo', true);
        await user('Local', false);
        await user('local', false);

        await apply(trx, '012-scim-username-case-insensitive');

        const marked = await sql<{ username: string }>`SELECT username FROM users WHERE scim_provisioned ORDER BY id`.execute(trx);
        expect(marked.rows.map((r) => r.username)).toEqual(['Dup', 'solo']);

        const insert = (username: string, scim: boolean) => sql`INSERT INTO users (username, scim_provisioned) VALUES (${username}, ${scim})`;
        expect(await uniqueViolation(trx, insert('SOLO', true))).toBe(true);
        expect(await uniqueViolation(trx, insert('dUP', true))).toBe(true);
        expect(await uniqueViolation(trx, insert('LOCAL', true))).toBe(false);
        expect(await uniqueViolation(trx, insert('Solo', false))).toBe(false);
        expect(await uniqueViolation(trx, insert('LoCaL', false))).toBe(false);
        // Renames of marked users are checked too; the unmarked collisions stay updatable.
        expect(await uniqueViolation(trx, sql`UPDATE users SET username = 'SOLO' WHERE username = 'Dup'`)).toBe(true);
        expect(await uniqueViolation(trx, sql`UPDATE users SET name = 'still works' WHERE username = 'dup'`)).toBe(false);
        checked = true;
        throw ROLLBACK;
      })
      .catch((e: unknown) => {
        if (e !== ROLLBACK) throw e;
      });
    expect(checked).toBe(true);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = ${schema}`.execute(app.db)).rows[0].n).toBe(0);
  });
});
