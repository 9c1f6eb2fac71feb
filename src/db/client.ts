import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Config } from '../config.js';
import { lockDataDir } from './data-dir-lock.js';
import * as schema from './schema.js';

/** The same drizzle API over PGlite and postgres.js: queries take a `Db` (or a transaction) first. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** What a query function takes first: the database, or the transaction it runs in. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies the migrations in drizzle/ (several replicas may call it at once). */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * A PGlite data directory dump (`PGlite.dumpDataDir()`) to start from. Tests open an already
   * migrated template instead of migrating a fresh database each time.
   */
  pgliteTemplate?: Blob;
  /** Called with every SQL statement and its values (the benchmark counts them). */
  logQuery?: (query: string, params: unknown[]) => void;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any constant: only Touchpoint's migration runs take this advisory lock.
const MIGRATION_LOCK_KEY = 7_203_114_001;

export async function openDatabase(
  config: Config['database'],
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const logger = refusingUndefinedValues(options.logQuery);
  return config.kind === 'postgres'
    ? openPostgres(config.url, logger)
    : openPglite(config.dataDir, options.pgliteTemplate, logger);
}

// Each driver is loaded by dynamic import so a PostgreSQL deployment never loads PGlite, and back.
type QueryLogger = { logQuery: (query: string, params: unknown[]) => void };

/** A query carried an `undefined` value: refused before the driver saw it (see `refusingUndefinedValues`). */
export class UndefinedQueryValueError extends Error {
  override name = 'UndefinedQueryValueError';
  constructor() {
    super('a query carried an undefined value (a bad input reached the database layer unchecked)');
  }
}

/**
 * drizzle's logger hook runs before every statement, in or out of a transaction: it refuses a statement
 * with an `undefined` value before postgres.js sees it. postgres.js 3.4 rejects such a query only after
 * queueing it behind a busy pooled connection, fails the query running there instead, and never settles
 * its own, so that connection hangs for good (porsager/postgres#729, #1082; a malformed Slack event once
 * wedged the pool this way). The same rule on the embedded database keeps the two alike.
 */
function refusingUndefinedValues(logQuery?: (query: string, params: unknown[]) => void): QueryLogger {
  return {
    logQuery(query, params) {
      if (params.some((value) => value === undefined)) throw new UndefinedQueryValueError();
      logQuery?.(query, params);
    },
  };
}

async function openPostgres(url: string, logger: QueryLogger): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  // A request answers within 3 s. While the server is away, a query waits for a connection: at most 2 s
  // for one attempt, and between attempts postgres.js's default backoff grows to 20 s (3^n / 100 s), so
  // queries queued during an outage would wait that long. Retrying at most every half second keeps the
  // answer "can't reach the database" prompt, and recovery within a second of the server's return.
  const client = postgres(url, {
    max: 10,
    connect_timeout: 2,
    backoff: (retries: number) => Math.min(0.1 * retries, 0.5),
    onnotice: () => {},
  });
  const db = drizzle(client, { schema, logger }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    migrate: async () => {
      // One connection holds a session advisory lock, so replicas starting together migrate one at a time.
      const single = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle(single), { migrationsFolder: MIGRATIONS_FOLDER });
        await single`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(
  dataDir: string,
  template: Blob | undefined,
  logger: QueryLogger,
): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const lock = inMemory ? undefined : lockDataDir(dataDir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // initdb's default of 128 MB of shared buffers lives in WebAssembly memory, which never shrinks: 16 MB
    // keeps a 5,000-person roster run ~180 MB smaller; the OS page cache still holds the files.
    const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
    const client = await PGlite.create(dataDir, {
      startParams,
      ...(template ? { loadDataDir: template } : {}),
    });
    const db = drizzle(client, { schema, logger }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      migrate: async () => {
        await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
      },
      ping: async () => {
        if (client.closed) throw new Error('the embedded database is closed');
        await client.query('select 1');
      },
      close: async () => {
        try {
          if (!client.closed) await client.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
