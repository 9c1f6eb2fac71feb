import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { stories } from './stories.schema.js';

export type Story = typeof stories.$inferSelect;
export type NewStory = typeof stories.$inferInsert;

/**
 * Inserts a story unless one with the same idempotency key exists; returns the stored row either way.
 * Takes a Db or a transaction, so a call and its story are saved together.
 */
export async function insertStory(db: Pick<Db, 'insert' | 'select'>, story: NewStory): Promise<Story> {
  const [inserted] = await db.insert(stories).values(story).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const [existing] = await db.select().from(stories).where(eq(stories.idempotencyKey, story.idempotencyKey));
  if (!existing) throw new Error('story vanished after a conflicting insert');
  return existing;
}
