import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { settings } from './settings.schema.js';

export type StoredSetting = typeof settings.$inferSelect;

/** The row the CX office stored for `key`, if any (its value is checked by the caller's schema). */
export async function findStoredSetting(db: DbOrTx, key: string): Promise<StoredSetting | undefined> {
  const rows = await db.select().from(settings).where(eq(settings.key, key)).limit(1);
  return rows[0];
}

export async function putSetting(
  db: DbOrTx,
  key: string,
  value: unknown,
  updatedBy: string,
  now: Date,
): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value, updatedBy, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy, updatedAt: now } });
}

/** Removes a stored setting; true when there was one. */
export async function deleteSetting(db: DbOrTx, key: string): Promise<boolean> {
  const deleted = await db.delete(settings).where(eq(settings.key, key)).returning({ key: settings.key });
  return deleted.length > 0;
}
