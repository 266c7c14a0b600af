/**
 * The one transaction runner (SqlStore.transaction, runTransaction; the SCIM store delegates to
 * it): a value PostgreSQL refuses becomes a ValidationError with nothing half-written, and a
 * transaction aborted by a deadlock or serialization failure runs again, a bounded number of
 * times. Runs on PGlite and on PostgreSQL; the real deadlock needs two connections (PostgreSQL).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors/index.js';
import { runTransaction, TRANSACTION_ATTEMPTS } from '../../../src/storage/sql/store.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { DB_KIND } from '../../support/db.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function userCount(): Promise<number> {
  const r = await app.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('data errors become ValidationErrors, with nothing half-written', () => {
  it('a NUL character written through a repository inside store.transaction', async () => {
    const before = await userCount();
    const error = await rejection(
      app.ctx.store.transaction(async (repos) => {
        await repos.users.create({ username: 'runner-first-write' });
        await repos.users.create({ username: 'runner\u0000nul' });
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).nonField).toEqual(['The request contains a character the server cannot store (for example a NUL character).']);
    expect(await userCount()).toBe(before);
    expect(await app.ctx.store.repos.users.byUsername('runner-first-write')).toBeNull();
  });

  it('raw SQL inside the runner: int4 overflow, NUL in jsonb', async () => {
    const before = await userCount();
    const cases = [
      { tag: 'overflow', statement: sql`SELECT ${'99999999999'}::int4`, message: 'A number in the request is out of range.' },
      {
        tag: 'jsonb',
        statement: sql`SELECT ${'{"a":"\\u0000"}'}::jsonb`,
        message: 'The request contains a character the server cannot store (for example a NUL character).',
      },
    ];
    for (const { tag, statement, message } of cases) {
      const error = await rejection(
        runTransaction(app.db, async (trx) => {
          await sql`INSERT INTO users (username) VALUES (${`raw-${tag}`})`.execute(trx);
          await statement.execute(trx);
        }),
      );
      expect(error, tag).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).nonField, tag).toEqual([message]);
    }
    expect(await userCount()).toBe(before);
  });

  it('a repository call outside a transaction maps the same way', async () => {
    const error = await rejection(app.ctx.store.repos.users.byUsername('a\u0000b'));
    expect(error).toBeInstanceOf(ValidationError);
  });

  it('other errors pass through unchanged', async () => {
    const boom = new Error('boom');
    expect(await rejection(app.ctx.store.transaction(async () => Promise.reject(boom)))).toBe(boom);
  });
});

describe('deadlock and serialization-failure retry', () => {
  it('re-runs a transaction aborted with 40001; the aborted attempt left nothing behind', async () => {
    let attempts = 0;
    const result = await app.ctx.store.transaction(async (repos) => {
      attempts += 1;
      await repos.users.create({ username: `serialization-${attempts}` });
      if (attempts === 1) throw Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(attempts).toBe(2);
    expect(await app.ctx.store.repos.users.byUsername('serialization-1')).toBeNull();
    expect(await app.ctx.store.repos.users.byUsername('serialization-2')).not.toBeNull();
  });

  it(`gives up after ${TRANSACTION_ATTEMPTS} attempts and rethrows the database error`, async () => {
    let attempts = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const error = await rejection(
      app.ctx.store.transaction(async () => {
        attempts += 1;
        throw deadlock;
      }),
    );
    expect(error).toBe(deadlock);
    expect(attempts).toBe(TRANSACTION_ATTEMPTS);
  });

  it.skipIf(DB_KIND !== 'postgres')(
    'survives a real deadlock between two transactions (PostgreSQL)',
    async () => {
      const a = await app.ctx.store.repos.users.create({ username: 'deadlock-a' });
      const b = await app.ctx.store.repos.users.create({ username: 'deadlock-b' });
      // Each transaction locks one row, waits until the other holds its row, then wants the
      // other's: PostgreSQL aborts one of them with 40P01 and the runner runs it again.
      let holdA!: () => void;
      let holdB!: () => void;
      const aLocked = new Promise<void>((r) => (holdA = r));
      const bLocked = new Promise<void>((r) => (holdB = r));
      let attempts = 0;
      const first = app.ctx.store.transaction(async (repos) => {
        attempts += 1;
        await repos.users.update(a.id, { name: 'first' });
        holdA();
        await bLocked;
        await repos.users.update(b.id, { name: 'first' });
      });
      const second = app.ctx.store.transaction(async (repos) => {
        attempts += 1;
        await repos.users.update(b.id, { name: 'second' });
        holdB();
        await aLocked;
        await repos.users.update(a.id, { name: 'second' });
      });
      await Promise.all([first, second]);
      expect(attempts).toBe(3);
      const names = [(await app.ctx.store.repos.users.byId(a.id))!.name, (await app.ctx.store.repos.users.byId(b.id))!.name];
      // Whichever ran last wrote both rows: never one row from each.
      expect([
        ['first', 'first'],
        ['second', 'second'],
      ]).toContainEqual(names);
    },
    30_000,
  );
});
