/**
 * A Kysely driver over PGlite (Postgres in WASM). PGlite is one session, so the driver hands
 * out a single connection guarded by a FIFO mutex: a transaction holds it from BEGIN to
 * COMMIT and everything else waits, which gives the same isolation a pool would.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  sql,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Database } from '../schema.js';

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return acquired;
  }
}

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.pg.query<R>(query.sql, query.parameters as unknown[]);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }
  // eslint-disable-next-line require-yield -- Kysely's DatabaseConnection needs the method; PGlite cannot stream, so iterating it fails
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite driver does not support streaming');
  }
}

/**
 * The one session of a PGlite instance, shared by every Kysely instance built on it (tests run
 * several apps on one PGlite): one lock and one notion of the current search_path per instance.
 */
interface SharedSession {
  mutex: Mutex;
  schema: string | null;
}
const sessions = new WeakMap<PGlite, SharedSession>();

function sessionOf(pg: PGlite): SharedSession {
  let s = sessions.get(pg);
  if (!s) {
    s = { mutex: new Mutex(), schema: null };
    sessions.set(pg, s);
  }
  return s;
}

class PgliteDriver implements Driver {
  readonly #connection: PgliteConnection;
  readonly #releases = new WeakMap<DatabaseConnection, () => void>();
  readonly #session: SharedSession;

  constructor(
    private readonly pg: PGlite,
    private readonly schema: string | undefined,
  ) {
    this.#connection = new PgliteConnection(pg);
    this.#session = sessionOf(pg);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#session.mutex.lock();
    const wanted = this.schema ?? 'public';
    if (this.#session.schema !== wanted) {
      try {
        await this.pg.exec(`SET search_path TO "${wanted}"`);
      } catch (e) {
        release();
        throw e;
      }
      this.#session.schema = wanted;
    }
    this.#releases.set(this.#connection, release);
    return this.#connection;
  }
  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}` : '';
    await conn.executeQuery(CompiledQuery.raw(`BEGIN${level}`));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const release = this.#releases.get(conn);
    this.#releases.delete(conn);
    release?.();
  }
  async destroy(): Promise<void> {}
}

/** Shared search_path state must be reset when another Kysely instance changed it. */
function pgliteDialect(pg: PGlite, schema: string | undefined): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteDriver(pg, schema),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

export interface PgliteOptions {
  /** Directory for the data files, or null for an in-memory database. */
  dataDir: string | null;
  /** Reuse an existing instance (tests share one per worker). */
  instance?: PGlite;
  schema?: string;
}

/** Lock files this process holds (our PID in a lock file we do not hold is a stale one). */
const heldHere = new Set<string>();

/** The embedded database is in use by another process. */
export class DataDirectoryLockedError extends Error {}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dataDir>.lock` for this process: PGlite is one process's database, and two processes
 * writing one data directory corrupt it. The file is created exclusively and holds our PID. A lock
 * whose PID is no longer running (a crash, or a restarted container where we got the same PID)
 * is stale and taken over. Returns the release function.
 * @throws DataDirectoryLockedError while another live process holds the lock.
 */
export async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = `${dataDir}.lock`;
  if (heldHere.has(lockFile)) throw new DataDirectoryLockedError('it is already open in this process.');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      heldHere.add(lockFile);
      return async () => {
        heldHere.delete(lockFile);
        // Only our own lock: never one a later process took over.
        const holder = await readFile(lockFile, 'utf8').catch(() => '');
        if (Number.parseInt(holder, 10) === process.pid) await unlink(lockFile).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
      throw new DataDirectoryLockedError(
        `it is in use by another process (PID ${holder}); stop that process first. If no such server is running, delete ${lockFile}.`,
      );
    }
    await unlink(lockFile).catch(() => undefined); // stale or unreadable: try again
  }
  throw new DataDirectoryLockedError(`could not take the lock file ${lockFile}.`);
}

export async function createPgliteDatabase(
  options: PgliteOptions,
): Promise<{ db: Kysely<Database>; close: () => Promise<void>; ping: () => Promise<void> }> {
  const owned = !options.instance;
  const unlock = owned && options.dataDir !== null ? await lockDataDirectory(options.dataDir) : async () => undefined;
  let pg: PGlite;
  try {
    pg = options.instance ?? (await PGlite.create(options.dataDir ?? undefined));
  } catch (e) {
    await unlock();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: pgliteDialect(pg, options.schema) });
  return {
    db,
    close: async () => {
      await db.destroy();
      if (owned) await pg.close();
      await unlock();
    },
    // Through the driver's lock: never interleaved with another instance's transaction.
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
  };
}
