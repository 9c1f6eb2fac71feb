import { asc, eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { journeyStages, touchpointCategories } from './stages.schema.js';

/** The journey stages: read, renamed, added, retired. The defaults are seeded by a migration (0008). */

export type JourneyStage = typeof journeyStages.$inferSelect;

/** Stages in their order, including retired ones (old items keep their tag). */
export async function listJourneyStages(db: DbOrTx): Promise<JourneyStage[]> {
  return db.select().from(journeyStages).orderBy(asc(journeyStages.position), asc(journeyStages.id));
}

/** Stages people can pick for new items. */
export async function listActiveJourneyStages(db: DbOrTx): Promise<JourneyStage[]> {
  return (await listJourneyStages(db)).filter((stage) => stage.retiredAt === null);
}

export async function insertJourneyStage(
  tx: DbOrTx,
  stage: { name: string; position: number },
): Promise<void> {
  await tx.insert(journeyStages).values(stage);
}

export async function updateJourneyStage(
  tx: DbOrTx,
  id: number,
  change: Partial<Pick<JourneyStage, 'name' | 'position' | 'retiredAt' | 'ownerId'>>,
): Promise<void> {
  await tx.update(journeyStages).set(change).where(eq(journeyStages.id, id));
}

/**
 * Deletes a stage nothing refers to; false when a rule, call, story or roadmap item still does (their
 * foreign keys refuse). In a savepoint, so the refusal leaves the surrounding transaction usable.
 */
export function deleteUnusedJourneyStage(tx: Tx, id: number): Promise<boolean> {
  return deleteUnlessReferenced(tx, (savepoint) =>
    savepoint.delete(journeyStages).where(eq(journeyStages.id, id)),
  );
}

/** Runs a delete in a savepoint; false when a foreign key refuses it (the transaction stays usable). */
async function deleteUnlessReferenced(tx: Tx, remove: (savepoint: Tx) => Promise<unknown>): Promise<boolean> {
  try {
    await tx.transaction(async (savepoint) => {
      await remove(savepoint);
    });
    return true;
  } catch (error) {
    if (isForeignKeyViolation(error)) return false;
    throw error;
  }
}

// ---- Touch-point categories: the same shape and the same rules as the stages ------------------------

export type TouchpointCategory = typeof touchpointCategories.$inferSelect;

/** Categories in their order, including retired ones (old items keep their tag). */
export async function listTouchpointCategories(db: DbOrTx): Promise<TouchpointCategory[]> {
  return db
    .select()
    .from(touchpointCategories)
    .orderBy(asc(touchpointCategories.position), asc(touchpointCategories.id));
}

export async function insertTouchpointCategory(
  tx: DbOrTx,
  category: { name: string; position: number },
): Promise<void> {
  await tx.insert(touchpointCategories).values(category);
}

export async function updateTouchpointCategory(
  tx: DbOrTx,
  id: number,
  change: Partial<Pick<TouchpointCategory, 'name' | 'position' | 'retiredAt'>>,
): Promise<void> {
  await tx.update(touchpointCategories).set(change).where(eq(touchpointCategories.id, id));
}

/** Deletes a category nothing refers to; false when something still does (see deleteUnusedJourneyStage). */
export function deleteUnusedTouchpointCategory(tx: Tx, id: number): Promise<boolean> {
  return deleteUnlessReferenced(tx, (savepoint) =>
    savepoint.delete(touchpointCategories).where(eq(touchpointCategories.id, id)),
  );
}

/** A foreign key violation from either driver (postgres.js or PGlite), possibly wrapped by drizzle. */
function isForeignKeyViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause)
    if ((e as { code?: unknown }).code === '23503') return true;
  return false;
}
