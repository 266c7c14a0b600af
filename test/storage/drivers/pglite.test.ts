/**
 * The PGlite driver hands out one session guarded by a FIFO lock: transactions and plain
 * queries issued concurrently must never interleave, whichever Kysely instance issues them.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, DataDirectoryLockedError, lockDataDirectory } from '../../../src/storage/drivers/pglite.js';
import { sharedPglite } from '../../support/db.js';

let pglite: PGlite;
const schemas: string[] = [];
const opened: Array<{ close(): Promise<void> }> = [];

async function attach(schema: string): Promise<Kysely<any>> {
  const database = await createPgliteDatabase({ dataDir: null, instance: pglite, schema });
  opened.push(database);
  return database.db;
}

async function open(): Promise<{ db: Kysely<any>; schema: string }> {
  const schema = `t_drv_${randomBytes(5).toString('hex')}`;
  await pglite.exec(`CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const db = await attach(schema);
  await sql`CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)`.execute(db);
  await sql`INSERT INTO counter VALUES (1, 0)`.execute(db);
  await sql`CREATE TABLE marks (v text NOT NULL)`.execute(db);
  return { db, schema };
}

/** Read-modify-write in one transaction: any interleaving loses an increment. */
function increment(db: Kysely<any>): Promise<void> {
  return db.transaction().execute(async (trx) => {
    const { n } = (await sql<{ n: number }>`SELECT n FROM counter WHERE id = 1`.execute(trx)).rows[0];
    await new Promise((r) => setImmediate(r));
    await sql`UPDATE counter SET n = ${n + 1} WHERE id = 1`.execute(trx);
  });
}

async function counter(db: Kysely<any>): Promise<number> {
  return (await sql<{ n: number }>`SELECT n FROM counter WHERE id = 1`.execute(db)).rows[0].n;
}

beforeAll(async () => {
  pglite = await sharedPglite();
});
afterAll(async () => {
  for (const d of opened) await d.close();
  await pglite.exec(`SET search_path TO public; ${schemas.map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE;`).join(' ')}`);
});

describe('PGlite driver', () => {
  it('runs 50 parallel transactions one at a time', async () => {
    const { db } = await open();
    await Promise.all(Array.from({ length: 50 }, () => increment(db)));
    expect(await counter(db)).toBe(50);
  });

  it('keeps concurrent plain queries out of an open transaction', async () => {
    const { db } = await open();
    const tx = db.transaction().execute(async (trx) => {
      await sql`INSERT INTO marks VALUES ('inside')`.execute(trx);
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('rollback');
    });
    // Issued while the transaction is open: must neither see its row nor be rolled back with it.
    const outside = Promise.all([
      sql<{ n: number }>`SELECT count(*)::int AS n FROM marks WHERE v = 'inside'`.execute(db),
      sql`INSERT INTO marks VALUES ('outside')`.execute(db),
    ]);
    await expect(tx).rejects.toThrow('rollback');
    const [seen] = await outside;
    expect(seen.rows[0].n).toBe(0);
    const rows = await sql<{ v: string }>`SELECT v FROM marks ORDER BY v`.execute(db);
    expect(rows.rows).toEqual([{ v: 'outside' }]);
  });

  it('mixes 100 concurrent queries and transactions without losing any', async () => {
    const { db } = await open();
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      work.push(increment(db));
      work.push(sql`INSERT INTO marks VALUES (${`m${i}`})`.execute(db));
    }
    await Promise.all(work);
    expect(await counter(db)).toBe(50);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM marks`.execute(db)).rows[0].n).toBe(50);
  });

  it('releases the session after a failed query and after a failed transaction', async () => {
    const { db } = await open();
    await expect(sql`SELECT * FROM no_such_table`.execute(db)).rejects.toThrow();
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`INSERT INTO counter VALUES (1, 1)`.execute(trx); // duplicate key
      }),
    ).rejects.toThrow();
    expect(await counter(db)).toBe(0);
    await increment(db);
    expect(await counter(db)).toBe(1);
  });

  it('pins each Kysely instance to its own schema even when two share one PGlite', async () => {
    const a = await open();
    const b = await open();
    await sql`INSERT INTO marks VALUES ('a')`.execute(a.db);
    await sql`INSERT INTO marks VALUES ('b')`.execute(b.db);
    await sql`INSERT INTO marks VALUES ('a2')`.execute(a.db);
    const rowsA = await sql<{ v: string }>`SELECT v FROM marks ORDER BY v`.execute(a.db);
    const rowsB = await sql<{ v: string }>`SELECT v FROM marks ORDER BY v`.execute(b.db);
    expect(rowsA.rows.map((r) => r.v)).toEqual(['a', 'a2']);
    expect(rowsB.rows.map((r) => r.v)).toEqual(['b']);
  });

  it('never interleaves transactions of two Kysely instances sharing one PGlite (two apps, one schema)', async () => {
    const { db: a, schema } = await open();
    const b = await attach(schema);
    await Promise.all(Array.from({ length: 20 }, (_, i) => increment(i % 2 === 0 ? a : b)));
    expect(await counter(a)).toBe(20);
  });

  it('pings, and leaves a borrowed instance open on close', async () => {
    const database = await createPgliteDatabase({ dataDir: null, instance: pglite });
    await database.ping();
    await database.close();
    expect((await pglite.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('the data directory lock', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-lock-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The PID of a process that has exited. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  it('holds <dataDir>.lock with our PID while open and removes it on close; a second open in this process is refused', async () => {
    const dataDir = path.join(dir, 'held');
    const database = await createPgliteDatabase({ dataDir });
    expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    await expect(createPgliteDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirectoryLockedError);
    await database.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await createPgliteDatabase({ dataDir });
    await again.close();
  }, 60_000);

  it('refuses while another live process holds the lock, naming it', async () => {
    const dataDir = path.join(dir, 'other');
    writeFileSync(`${dataDir}.lock`, `${process.ppid}\n`);
    const error = await lockDataDirectory(dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirectoryLockedError);
    expect((error as Error).message).toContain(`in use by another process (PID ${process.ppid})`);
    expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over a stale lock (its process is gone), and release leaves a lock another process took alone', async () => {
    const dataDir = path.join(dir, 'stale');
    writeFileSync(`${dataDir}.lock`, `${deadPid()}\n`);
    const release = await lockDataDirectory(dataDir);
    expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.pid));
    writeFileSync(`${dataDir}.lock`, `${process.ppid}\n`);
    await release();
    expect(readFileSync(`${dataDir}.lock`, 'utf8').trim()).toBe(String(process.ppid));
  });
});
