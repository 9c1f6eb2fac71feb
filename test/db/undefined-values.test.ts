import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, UndefinedQueryValueError } from '../../src/db/client.js';
import { rowsOf } from '../../src/outbox/outbox.queries.js';
import { freshDatabase } from '../support/db.js';

// A statement with an `undefined` value is refused before the driver sees it, on both databases; on
// PostgreSQL the pool stays usable even when every connection is busy at that moment (postgres.js would
// otherwise fail a neighbour's query and hang the connection for good).
describe('a query with an undefined value', () => {
  let database: Database;
  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
  });
  afterAll(async () => {
    await database.close();
  });

  it('is refused with a clear error, in and out of a transaction, and nothing else is touched', async () => {
    const { db } = database;
    await expect(db.execute(sql`select ${sql.param(undefined)}::text as value`)).rejects.toBeInstanceOf(
      UndefinedQueryValueError,
    );
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`create temporary table undefined_probe (n int)`);
        await tx.execute(sql`insert into undefined_probe values (${sql.param(undefined)})`);
      }),
    ).rejects.toBeInstanceOf(UndefinedQueryValueError);
    const [row] = rowsOf(await db.execute(sql`select 1 + 1 as two`)) as { two: number }[];
    expect(Number(row?.two)).toBe(2);
  });

  it('leaves every pooled connection working when it arrives while all of them are busy', async () => {
    const { db } = database;
    // Ten slow queries hold the ten connections (PostgreSQL); the bad one comes in between.
    const slow = Array.from({ length: 10 }, (_, i) => db.execute(sql`select pg_sleep(0.2), ${i}::int as i`));
    const bad = db.execute(sql`select ${sql.param(undefined)}::text`);
    await expect(bad).rejects.toBeInstanceOf(UndefinedQueryValueError);
    await expect(Promise.all(slow)).resolves.toHaveLength(10);
    // And the pool answers afterwards, on every connection.
    const after = await Promise.all(Array.from({ length: 12 }, () => db.execute(sql`select 1 as one`)));
    expect(after).toHaveLength(12);
  });
});
