import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { journeyStages } from '../settings/stages.schema.js';
import { roadmapChanges, roadmapItems } from './roadmap.schema.js';

export type RoadmapItem = typeof roadmapItems.$inferSelect;
export type NewRoadmapItem = typeof roadmapItems.$inferInsert;
export type RoadmapChange = typeof roadmapChanges.$inferSelect;

export async function insertRoadmapItem(db: DbOrTx, item: NewRoadmapItem): Promise<RoadmapItem | undefined> {
  const [row] = await db.insert(roadmapItems).values(item).onConflictDoNothing().returning();
  return row;
}

export async function findRoadmapItemByIdempotencyKey(
  db: DbOrTx,
  key: string,
): Promise<RoadmapItem | undefined> {
  const [row] = await db.select().from(roadmapItems).where(eq(roadmapItems.idempotencyKey, key));
  return row;
}

export async function findRoadmapItem(db: DbOrTx, id: number): Promise<RoadmapItem | undefined> {
  const [row] = await db.select().from(roadmapItems).where(eq(roadmapItems.id, id));
  return row;
}

export async function findRoadmapItemForUpdate(db: DbOrTx, id: number): Promise<RoadmapItem | undefined> {
  const [row] = await db.select().from(roadmapItems).where(eq(roadmapItems.id, id)).for('update');
  return row;
}

export async function updateRoadmapItem(
  db: DbOrTx,
  id: number,
  changes: Partial<NewRoadmapItem>,
): Promise<RoadmapItem> {
  const [row] = await db.update(roadmapItems).set(changes).where(eq(roadmapItems.id, id)).returning();
  if (!row) throw new Error(`roadmap item ${id} not found`);
  return row;
}

export async function insertRoadmapChange(
  db: DbOrTx,
  change: typeof roadmapChanges.$inferInsert,
): Promise<RoadmapChange | undefined> {
  const [row] = await db.insert(roadmapChanges).values(change).onConflictDoNothing().returning();
  return row;
}

/** One page of the roadmap in the order `/roadmap` shows it: by journey stage (items without one last), then by ID. */
export async function listRoadmapItemsPage(
  db: DbOrTx,
  page: { limit: number; offset: number },
): Promise<RoadmapItem[]> {
  const rows = await db
    .select({ item: roadmapItems })
    .from(roadmapItems)
    .leftJoin(journeyStages, eq(journeyStages.id, roadmapItems.stageId))
    .orderBy(
      sql`${journeyStages.position} asc nulls last`,
      sql`${journeyStages.id} asc nulls last`,
      asc(roadmapItems.id),
    )
    .limit(page.limit)
    .offset(page.offset);
  return rows.map((row) => row.item);
}

export async function countRoadmapItems(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(roadmapItems);
  return Number(row?.n ?? 0);
}

export async function listRoadmapItems(db: DbOrTx): Promise<RoadmapItem[]> {
  return db.select().from(roadmapItems).orderBy(asc(roadmapItems.id));
}

/** The latest note of each item, in one query. */
export async function listLatestNotes(db: DbOrTx, itemIds: number[]): Promise<Map<number, RoadmapChange>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([roadmapChanges.itemId])
    .from(roadmapChanges)
    .where(and(inArray(roadmapChanges.itemId, itemIds), eq(roadmapChanges.kind, 'note')))
    .orderBy(roadmapChanges.itemId, desc(roadmapChanges.createdAt), desc(roadmapChanges.id));
  return new Map(rows.map((row) => [row.itemId, row]));
}

export interface ChangedItem {
  item: RoadmapItem;
  changes: number;
  /** The most recent note in the window. */
  lastNote: string | null;
  created: boolean;
  statusChanged: boolean;
}

/** Items changed in the window, with a summary of their changes: two queries whatever the volume. */
export async function listRoadmapChangesBetween(db: DbOrTx, start: Date, end: Date): Promise<ChangedItem[]> {
  const summary = await db
    .select({
      itemId: roadmapChanges.itemId,
      changes: sql<number>`count(*)::int`,
      created: sql<boolean>`bool_or(${roadmapChanges.kind} = 'created')`,
      statusChanged: sql<boolean>`bool_or(${roadmapChanges.fromStatus} is distinct from ${roadmapChanges.toStatus} and ${roadmapChanges.kind} = 'edited')`,
      lastNote: sql<
        string | null
      >`(array_agg(${roadmapChanges.note} order by ${roadmapChanges.createdAt} desc) filter (where ${roadmapChanges.kind} = 'note'))[1]`,
    })
    .from(roadmapChanges)
    .where(and(gte(roadmapChanges.createdAt, start), lt(roadmapChanges.createdAt, end)))
    .groupBy(roadmapChanges.itemId);
  if (summary.length === 0) return [];
  const items = await db
    .select()
    .from(roadmapItems)
    .where(
      inArray(
        roadmapItems.id,
        summary.map((row) => row.itemId),
      ),
    );
  const byId = new Map(items.map((item) => [item.id, item]));
  return summary.flatMap((row) => {
    const item = byId.get(row.itemId);
    return item
      ? [
          {
            item,
            changes: Number(row.changes),
            lastNote: row.lastNote,
            created: row.created,
            statusChanged: row.statusChanged,
          },
        ]
      : [];
  });
}
