import { and, count, eq, inArray, isNull, lt, min } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { followUps } from '../calls/calls.schema.js';
import { roadmapItems } from '../roadmap/roadmap.schema.js';
import { rules } from '../rules/rules.schema.js';
import { stories } from '../stories/stories.schema.js';

/** What waits for the CX office, counted for its App Home: one small aggregate query each, read-only. */

export interface Queue {
  count: number;
  /** When the oldest one arrived (null when the queue is empty). */
  oldest: Date | null;
}

const toQueue = (row: { n: number; oldest: Date | string | null } | undefined): Queue => ({
  count: Number(row?.n ?? 0),
  oldest: row?.oldest ? new Date(row.oldest) : null,
});

/** Suggestions without a decision (new or under review). */
export async function countUndecidedRules(db: DbOrTx): Promise<Queue> {
  const [row] = await db
    .select({ n: count(), oldest: min(rules.createdAt) })
    .from(rules)
    .where(inArray(rules.status, ['new', 'under_review']));
  return toQueue(row);
}

/** Customer stories waiting for the CX office's review. */
export async function countStoriesToReview(db: DbOrTx): Promise<Queue> {
  const [row] = await db
    .select({ n: count(), oldest: min(stories.createdAt) })
    .from(stories)
    .where(eq(stories.status, 'pending'));
  return toQueue(row);
}

/** Open follow-ups due before `today` (YYYY-MM-DD, the company's date). */
export async function countOverdueFollowUps(db: DbOrTx, today: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(followUps)
    .where(and(isNull(followUps.doneAt), lt(followUps.dueDate, today)));
  return Number(row?.n ?? 0);
}

/** Roadmap items per status. */
export async function countRoadmapByStatus(db: DbOrTx): Promise<Map<string, number>> {
  const rows = await db
    .select({ status: roadmapItems.status, n: count() })
    .from(roadmapItems)
    .groupBy(roadmapItems.status);
  return new Map(rows.map((row) => [row.status, Number(row.n)]));
}
