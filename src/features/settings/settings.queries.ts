import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { settings } from './settings.schema.js';

/** A setting stored by the CX office, or `fallback` (usually from the environment) when none is stored. */
export async function getSetting<T>(db: DbOrTx, key: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  const rows = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, key))
    .limit(1);
  const parsed = rows[0] ? schema.safeParse(rows[0].value) : undefined;
  return parsed?.success ? parsed.data : fallback;
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
