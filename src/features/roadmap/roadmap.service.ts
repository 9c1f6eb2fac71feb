import type { Db } from '../../db/client.js';
import { type Page, pageAt } from '../../paging.js';
import { type Links, linkItems, linksOf, queueLoopClosed } from '../links/links.service.js';
import type { TurnOrigin } from '../links/links.types.js';
import {
  type JourneyStage,
  journeyStageOwners,
  listJourneyStages,
  listTouchpointCategories,
  type TouchpointCategory,
  touchpointCategoryNames,
} from '../settings/settings.service.js';
import {
  countRoadmapItems,
  findRoadmapItem,
  findRoadmapItemByIdempotencyKey,
  findRoadmapItemForUpdate,
  insertRoadmapChange,
  insertRoadmapItem,
  listLatestNotes,
  listRoadmapItems,
  listRoadmapItemsPage,
  type RoadmapItem,
  updateRoadmapItem,
} from './roadmap.queries.js';
import type { RoadmapStatus } from './roadmap.schema.js';

export type { RoadmapItem };

/** Product rules of the roadmap: who changed what and when is kept for every change. No Slack here. */

/** What the CX office says about an item; a field left out is cleared. */
export interface RoadmapItemFields {
  title: string;
  status: RoadmapStatus;
  customerChange?: string;
  employeeAsk?: string;
  stageId?: number;
  /** The optional touch-point category. */
  categoryId?: number;
  ownerId?: string;
  /** YYYY-MM-DD. */
  targetDate?: string;
}

export interface RoadmapItemChange {
  fields: RoadmapItemFields;
  actorId: string;
  /** Saving the same form twice (a replayed submission) changes nothing the second time. */
  idempotencyKey: string;
  /** A new item proposed from a call's learning or follow-up: linked to it in the same transaction. */
  origin?: TurnOrigin;
}

export type RoadmapChangeResult =
  | {
      ok: true;
      item: RoadmapItem /** The item before an edit (for the confirmation). */;
      before?: RoadmapItem;
    }
  | { ok: false; reason: 'not_found' | 'already_done' };

function toColumns(fields: RoadmapItemFields) {
  return {
    title: fields.title,
    customerChange: fields.customerChange || null,
    employeeAsk: fields.employeeAsk || null,
    stageId: fields.stageId ?? null,
    categoryId: fields.categoryId ?? null,
    ownerId: fields.ownerId ?? null,
    status: fields.status,
    targetDate: fields.targetDate ?? null,
  };
}

/** One roadmap item, as stored. */
export function findItem(db: Db, itemId: number): Promise<RoadmapItem | undefined> {
  return findRoadmapItem(db, itemId);
}

/**
 * What the item form needs: every journey stage (the form offers a retired one only to the item that has
 * it) and, to edit, the item.
 */
export async function loadItemForm(
  db: Db,
  itemId?: number,
): Promise<
  | { ok: true; stages: JourneyStage[]; categories: TouchpointCategory[]; item?: RoadmapItem }
  | { ok: false; reason: 'not_found' }
> {
  const [stages, categories, item] = await Promise.all([
    listJourneyStages(db),
    listTouchpointCategories(db),
    itemId === undefined ? undefined : findRoadmapItem(db, itemId),
  ]);
  if (itemId !== undefined && !item) return { ok: false, reason: 'not_found' };
  return { ok: true, stages, categories, item };
}

/** Adds an item; a replayed submission returns the item it already added. */
export async function addRoadmapItem(
  db: Db,
  input: RoadmapItemChange,
  now: Date,
): Promise<{ item: RoadmapItem; created: boolean }> {
  return db.transaction(async (tx) => {
    const item = await insertRoadmapItem(tx, {
      ...toColumns(input.fields),
      createdBy: input.actorId,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
      updatedAt: now,
    });
    if (!item) {
      const existing = await findRoadmapItemByIdempotencyKey(tx, input.idempotencyKey);
      if (!existing) throw new Error('roadmap item vanished');
      return { item: existing, created: false };
    }
    await insertRoadmapChange(tx, {
      itemId: item.id,
      actorId: input.actorId,
      kind: 'created',
      toStatus: item.status,
      createdAt: now,
    });
    if (input.origin)
      await linkItems(
        tx,
        { origin: input.origin, item: { kind: 'roadmap_item', id: item.id }, createdBy: input.actorId },
        now,
      );
    return { item, created: true };
  });
}

/** Changes an item; the change (with its status before and after) is kept in the same transaction. */
export async function editRoadmapItem(
  db: Db,
  input: RoadmapItemChange & { itemId: number },
  now: Date,
): Promise<RoadmapChangeResult> {
  return db.transaction(async (tx) => {
    const before = await findRoadmapItemForUpdate(tx, input.itemId);
    if (!before) return { ok: false, reason: 'not_found' };
    // Saved as it was: nothing to keep in the history (nor to show in the next weekly update).
    const columns = toColumns(input.fields);
    if (Object.entries(columns).every(([key, value]) => before[key as keyof typeof columns] === value))
      return { ok: true, item: before, before };
    const change = await insertRoadmapChange(tx, {
      itemId: before.id,
      actorId: input.actorId,
      kind: 'edited',
      fromStatus: before.status,
      toStatus: input.fields.status,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (!change) return { ok: false, reason: 'already_done' };
    const item = await updateRoadmapItem(tx, before.id, { ...columns, updatedAt: now });
    // Shipped, and it came from a customer conversation (or from a rule that did): the executive who
    // had it is told, once per item, call and executive.
    if (item.status === 'shipped' && before.status !== 'shipped')
      await queueLoopClosed(
        tx,
        { kind: 'roadmap_item', id: item.id, title: item.title, customerChange: item.customerChange },
        now,
      );
    return { ok: true, item, before };
  });
}

/** The item form's one way in: an item ID edits that item, none adds one. */
export async function saveRoadmapItem(
  db: Db,
  input: RoadmapItemChange & { itemId?: number },
  now: Date,
): Promise<RoadmapChangeResult> {
  const { itemId } = input;
  if (itemId !== undefined) return editRoadmapItem(db, { ...input, itemId }, now);
  return { ok: true, item: (await addRoadmapItem(db, input, now)).item };
}

/** A progress note (it goes into the next weekly update); the item's status is kept with it. */
export async function addRoadmapNote(
  db: Db,
  input: { itemId: number; note: string; actorId: string; idempotencyKey: string },
  now: Date,
): Promise<RoadmapChangeResult> {
  return db.transaction(async (tx) => {
    const item = await findRoadmapItemForUpdate(tx, input.itemId);
    if (!item) return { ok: false, reason: 'not_found' };
    const change = await insertRoadmapChange(tx, {
      itemId: item.id,
      actorId: input.actorId,
      kind: 'note',
      fromStatus: item.status,
      toStatus: item.status,
      note: input.note,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (!change) return { ok: false, reason: 'already_done' };
    return { ok: true, item: await updateRoadmapItem(tx, item.id, { updatedAt: now }) };
  });
}

/** Who may say why an item matters: its owner, and the CX office. */
export function maySayWhy(item: RoadmapItem, who: { userId: string; isCxOffice: boolean }): boolean {
  return who.isCxOffice || (item.ownerId !== null && item.ownerId === who.userId);
}

/** The "why this matters" form for one item, if it exists and the person may say why it matters. */
export async function loadWhyForm(
  db: Db,
  itemId: number,
  who: { userId: string; isCxOffice: boolean },
): Promise<{ ok: true; item: RoadmapItem } | { ok: false; reason: 'not_found' | 'forbidden' }> {
  const item = await findRoadmapItem(db, itemId);
  if (!item) return { ok: false, reason: 'not_found' };
  return maySayWhy(item, who) ? { ok: true, item } : { ok: false, reason: 'forbidden' };
}

export type WhySaveResult =
  | { ok: true; item: RoadmapItem; before: RoadmapItem }
  | { ok: false; reason: 'not_found' | 'forbidden' | 'already_done' };

/**
 * The owner's (or the CX office's) short "why this matters", quoted by the weekly update under the item.
 * Checked against the item as it is now (its owner may have changed since the form opened); kept in the
 * item's history like every change, so the next update shows the item with it.
 */
export async function saveWhyItMatters(
  db: Db,
  input: {
    itemId: number;
    whyItMatters: string | undefined;
    actorId: string;
    isCxOffice: boolean;
    idempotencyKey: string;
  },
  now: Date,
): Promise<WhySaveResult> {
  return db.transaction(async (tx) => {
    const before = await findRoadmapItemForUpdate(tx, input.itemId);
    if (!before) return { ok: false, reason: 'not_found' };
    if (!maySayWhy(before, { userId: input.actorId, isCxOffice: input.isCxOffice }))
      return { ok: false, reason: 'forbidden' };
    const why = input.whyItMatters || null;
    if (before.whyItMatters === why) return { ok: true, item: before, before };
    const change = await insertRoadmapChange(tx, {
      itemId: before.id,
      actorId: input.actorId,
      kind: 'edited',
      fromStatus: before.status,
      toStatus: before.status,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (!change) return { ok: false, reason: 'already_done' };
    const item = await updateRoadmapItem(tx, before.id, { whyItMatters: why, updatedAt: now });
    return { ok: true, item, before };
  });
}

export interface RoadmapStageGroup {
  stage: string;
  /** The stage's accountable executive (set in settings), if any. */
  stageOwnerId?: string | undefined;
  items: {
    item: RoadmapItem;
    lastNote: string | null;
    categoryName?: string | undefined;
    /** Where it came from (a call, a story, the rule it removes). */
    links?: Links | undefined;
  }[];
}

/** What the listing names besides the items: each category's name and each stage's owner. */
interface RoadmapTags {
  categories: Map<number, string>;
  owners: Map<number, string>;
}

async function roadmapTags(db: Db): Promise<RoadmapTags> {
  const [categories, owners] = await Promise.all([touchpointCategoryNames(db), journeyStageOwners(db)]);
  return { categories, owners };
}

/** Items grouped by journey stage, in the stages' order (items without a stage last), each with its last note. */
function groupByStage(
  items: RoadmapItem[],
  stages: JourneyStage[],
  notes: Map<number, { note: string | null }>,
  tags: RoadmapTags,
  links?: Map<number, Links>,
): RoadmapStageGroup[] {
  const groups: RoadmapStageGroup[] = [];
  for (const stage of [
    ...stages.map((s) => ({ id: s.id as number | null, name: s.name })),
    { id: null, name: 'Across the journey' },
  ]) {
    const inStage = items.filter((item) => item.stageId === stage.id);
    if (inStage.length > 0) {
      groups.push({
        stage: stage.name,
        stageOwnerId: stage.id === null ? undefined : tags.owners.get(stage.id),
        items: inStage.map((item) => ({
          item,
          lastNote: notes.get(item.id)?.note ?? null,
          categoryName: item.categoryId ? tags.categories.get(item.categoryId) : undefined,
          links: links?.get(item.id),
        })),
      });
    }
  }
  return groups;
}

/** The roadmap grouped by journey stage (in the stages' order; items without a stage last). */
export async function listRoadmapByStage(db: Db): Promise<RoadmapStageGroup[]> {
  const [items, stages, tags] = await Promise.all([
    listRoadmapItems(db),
    listJourneyStages(db),
    roadmapTags(db),
  ]);
  const notes = await listLatestNotes(
    db,
    items.map((item) => item.id),
  );
  return groupByStage(items, stages, notes, tags);
}

/** How many items `/roadmap` shows at once (its "See all" modal pages by as many). */
export const ROADMAP_PAGE_SIZE = 40;

/** One page of the roadmap, grouped by journey stage as `/roadmap` shows it: paged in SQL, counted in one query. */
export async function roadmapPage(
  db: Db,
  requested: number,
): Promise<{ groups: RoadmapStageGroup[]; page: Page }> {
  const [total, stages, tags] = await Promise.all([
    countRoadmapItems(db),
    listJourneyStages(db),
    roadmapTags(db),
  ]);
  const page = pageAt(requested, ROADMAP_PAGE_SIZE, total);
  const items = await listRoadmapItemsPage(db, { limit: page.size, offset: page.offset });
  const ids = items.map((item) => item.id);
  const [notes, links] = await Promise.all([listLatestNotes(db, ids), linksOf(db, 'roadmap_item', ids)]);
  return { groups: groupByStage(items, stages, notes, tags, links), page };
}
