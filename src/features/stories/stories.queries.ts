import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { stories } from './stories.schema.js';

export type Story = typeof stories.$inferSelect;
export type NewStory = typeof stories.$inferInsert;

/**
 * Inserts a story unless one with the same idempotency key exists; returns the stored row either way,
 * and whether this call created it. Takes a Db or a transaction, so a call and its story are saved together.
 */
export async function insertStory(db: DbOrTx, story: NewStory): Promise<{ story: Story; created: boolean }> {
  const [inserted] = await db.insert(stories).values(story).onConflictDoNothing().returning();
  if (inserted) return { story: inserted, created: true };
  const [existing] = await db.select().from(stories).where(eq(stories.idempotencyKey, story.idempotencyKey));
  if (!existing) throw new Error('story vanished after a conflicting insert');
  return { story: existing, created: false };
}

export async function findStory(db: DbOrTx, id: number): Promise<Story | undefined> {
  const [row] = await db.select().from(stories).where(eq(stories.id, id));
  return row;
}

export async function updateStory(
  db: DbOrTx,
  id: number,
  changes: Partial<NewStory>,
): Promise<Story | undefined> {
  const [row] = await db.update(stories).set(changes).where(eq(stories.id, id)).returning();
  return row;
}

/** Moves a story from one status to another only if it is still in `from` (a double click changes it once). */
export async function transitionStory(
  db: DbOrTx,
  id: number,
  from: Story['status'][],
  changes: Partial<NewStory>,
): Promise<Story | undefined> {
  const [row] = await db
    .update(stories)
    .set(changes)
    .where(and(eq(stories.id, id), inArray(stories.status, from)))
    .returning();
  return row;
}

/**
 * The CX office's pick for the next weekly update: the most recently picked approved story not featured
 * yet. A pick counts for the next update whenever it was made (a pick on Thursday goes out on Monday).
 */
export async function findPickedStory(db: DbOrTx): Promise<Story | undefined> {
  const [row] = await db
    .select()
    .from(stories)
    .where(
      and(eq(stories.status, 'approved'), isNotNull(stories.pickedForWeek), isNull(stories.featuredInWeek)),
    )
    .orderBy(desc(stories.reviewedAt), desc(stories.id))
    .limit(1);
  return row;
}

/** The story a week's update featured (to post that update again as it was). */
export async function findFeaturedStory(db: DbOrTx, week: string): Promise<Story | undefined> {
  const [row] = await db
    .select()
    .from(stories)
    .where(and(eq(stories.featuredInWeek, week), eq(stories.status, 'approved')))
    .orderBy(desc(stories.id))
    .limit(1);
  return row;
}

/**
 * Makes a story the pick for the next update, once: a double click or a story already picked or featured
 * changes nothing. Any other outstanding pick is withdrawn (one pick at a time) and returned.
 */
export async function pickStoryForNextUpdate(
  tx: DbOrTx,
  id: number,
  changes: Partial<NewStory> & { pickedForWeek: string },
): Promise<{ story: Story; unpicked: Story[] } | undefined> {
  // In the caller's transaction: the pick, the withdrawn picks and their card updates are one change.
  const [story] = await tx
    .update(stories)
    .set({ ...changes, status: 'approved' })
    .where(
      and(
        eq(stories.id, id),
        inArray(stories.status, ['pending', 'approved']),
        isNull(stories.pickedForWeek),
        isNull(stories.featuredInWeek),
      ),
    )
    .returning();
  if (!story) return undefined;
  const unpicked = await tx
    .update(stories)
    .set({ pickedForWeek: null })
    .where(and(isNotNull(stories.pickedForWeek), isNull(stories.featuredInWeek), ne(stories.id, id)))
    .returning();
  return { story, unpicked };
}

/**
 * The story the weekly update features when the CX office picked none: approved, never featured, and
 * marked by its teller as fine to share company-wide; a story whose journey stage had no story featured
 * since `sinceWeek` (an ISO week key, e.g. `2026-W44`: keys sort as text) comes first, then the most
 * recent. One statement: the preference is an ordering, so no candidate list is cut short.
 */
export async function findStoryToFeature(db: DbOrTx, sinceWeek: string): Promise<Story | undefined> {
  // Uncorrelated, so the server hashes the rested stages once; no stage (null) counts as a stage of its own.
  const rested = db
    .select({ stage: sql`coalesce(${stories.stageId}, 0)` })
    .from(stories)
    .where(gte(stories.featuredInWeek, sinceWeek));
  const stageRests = sql`coalesce(${stories.stageId}, 0) in (${rested})`;
  const [row] = await db
    .select()
    .from(stories)
    .where(and(eq(stories.status, 'approved'), isNull(stories.featuredInWeek), eq(stories.shareable, true)))
    .orderBy(asc(stageRests), desc(stories.createdAt), desc(stories.id))
    .limit(1);
  return row;
}

export async function listAllStories(db: DbOrTx): Promise<Story[]> {
  return db.select().from(stories).orderBy(asc(stories.id));
}
