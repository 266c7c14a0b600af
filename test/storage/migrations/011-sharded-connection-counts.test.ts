/**
 * Migration 011 on a database that already has connections: the per-source counts of
 * migration 004 are carried into the slots exactly, the old counter table, triggers and
 * functions are gone, and the new triggers keep counting.
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

const ROLLBACK = new Error('roll the scratch schema back');

describe('011-sharded-connection-counts', () => {
  it('carries the per-source counts over exactly and replaces the old counter', async () => {
    const schema = `t_m011_${randomBytes(5).toString('hex')}`;
    let checked = false;
    await app.db
      .transaction()
      .execute(async (trx) => {
        // A scratch schema migrated up to just before 011, inside one transaction rolled back at the end.
        await sql.raw(`CREATE SCHEMA ${schema}`).execute(trx);
        await sql.raw(`SET LOCAL search_path TO ${schema}`).execute(trx);
        const before = migrations.map((m) => m.name).filter((n) => n < '011');
        for (const name of before) await apply(trx, name);

        const src = async (kind: string, slug: string) =>
          (await sql<{ id: string }>`INSERT INTO sources (kind, name, slug) VALUES (${kind}, ${slug}, ${slug}) RETURNING pbm_uuid AS id`.execute(trx))
            .rows[0].id;
        const oauth = await src('oauth', 'm-oauth');
        const saml = await src('saml', 'm-saml');
        const empty = await src('oauth', 'm-empty');
        const users: number[] = [];
        for (let i = 0; i < 4; i++)
          users.push((await sql<{ id: number }>`INSERT INTO users (username) VALUES (${`m011-${i}`}) RETURNING id`.execute(trx)).rows[0].id);
        for (const u of users)
          await sql`INSERT INTO user_source_connections (kind, user_id, source_uuid, identifier) VALUES ('oauth', ${u}, ${oauth}, ${`o-${u}`})`.execute(
            trx,
          );
        await sql`INSERT INTO user_source_connections (kind, user_id, source_uuid, identifier) VALUES ('saml', ${users[0]}, ${saml}, 's-0'), ('oauth', ${users[1]}, ${empty}, 'e-1')`.execute(
          trx,
        );
        await sql`DELETE FROM user_source_connections WHERE source_uuid = ${empty} OR identifier = ${`o-${users[3]}`}`.execute(trx);
        const old = await sql<{
          kind: string;
          source_uuid: string;
          n: string;
        }>`SELECT kind, source_uuid, n FROM user_source_connection_counts ORDER BY kind`.execute(trx);
        expect(old.rows.map((r) => [r.kind, r.source_uuid, Number(r.n)])).toEqual([
          ['oauth', oauth, 3],
          ['saml', saml, 1],
        ]);

        await apply(trx, '011-sharded-connection-counts');

        const sums = async () =>
          (
            await sql<{
              kind: string;
              source_uuid: string;
              n: string;
            }>`SELECT kind, source_uuid, sum(n) AS n FROM user_source_connection_count_slots GROUP BY kind, source_uuid HAVING sum(n) <> 0 ORDER BY kind, sum(n) DESC`.execute(
              trx,
            )
          ).rows.map((r) => [r.kind, r.source_uuid, Number(r.n)]);
        expect(await sums()).toEqual([
          ['oauth', oauth, 3],
          ['saml', saml, 1],
        ]);
        const leftovers = await sql<{
          table: string | null;
          fns: number;
          triggers: number;
        }>`SELECT to_regclass('user_source_connection_counts')::text AS table, (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace ns ON ns.oid = p.pronamespace WHERE ns.nspname = ${schema} AND p.proname LIKE 'usc_counts_%') AS fns, (SELECT count(*)::int FROM pg_trigger WHERE tgname LIKE 'usc_counts_%' AND tgrelid = 'user_source_connections'::regclass) AS triggers`.execute(
          trx,
        );
        expect(leftovers.rows[0]).toEqual({ table: null, fns: 0, triggers: 0 });

        // The new triggers count from where the old ones stopped.
        await sql`INSERT INTO user_source_connections (kind, user_id, source_uuid, identifier) VALUES ('oauth', ${users[3]}, ${oauth}, 'again')`.execute(
          trx,
        );
        await sql`UPDATE user_source_connections SET source_uuid = ${empty} WHERE identifier = ${`o-${users[0]}`}`.execute(trx);
        await sql`DELETE FROM sources WHERE pbm_uuid = ${saml}`.execute(trx);
        expect(await sums()).toEqual([
          ['oauth', oauth, 3],
          ['oauth', empty, 1],
        ]);
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
