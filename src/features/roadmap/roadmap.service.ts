import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { listJourneyStages } from '../settings/stages.queries.js';
import {
  findRoadmapItem,
  findRoadmapItemByIdempotencyKey,
  findRoadmapItemForUpdate,
  insertRoadmapChange,
  insertRoadmapItem,
  listLatestNotes,
  listRoadmapItems,
  type RoadmapItem,
  updateRoadmapItem,
} from './roadmap.queries.js';
import { ROADMAP_STATUSES } from './roadmap.schema.js';

/** One roadmap item, as stored (to open its edit form). */
export function findItem(db: Db, itemId: number) {
  return findRoadmapItem(db, itemId);
}

/** Product rules of the roadmap. No Slack here. */

const optionalText = (what: string, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    z.string().max(max, `${what} can be at most ${max.toLocaleString('en-US')} characters.`),
  );

/** The item form, keyed by the modal's block IDs. */
export const roadmapFieldsSchema = z.object({
  title: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    z.string().min(1, 'Give the item a title.').max(150, 'Keep the title under 150 characters.'),
  ),
  customer_change: optionalText('What it changes for customers', 1000),
  employee_ask: optionalText('What it asks of employees', 1000),
  stage: z.string().regex(/^\d+$/).transform(Number).optional(),
  owner: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/)
    .optional(),
  status: z.enum(ROADMAP_STATUSES, { error: 'Pick a status.' }),
  target: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date.')
    .optional(),
});
export type RoadmapFields = z.infer<typeof roadmapFieldsSchema>;

export const noteFieldsSchema = z.object({
  note: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    z.string().min(1, 'Write the progress note.').max(2000, 'Keep the note under 2,000 characters.'),
  ),
});

function toColumns(fields: RoadmapFields) {
  return {
    title: fields.title,
    customerChange: fields.customer_change || null,
    employeeAsk: fields.employee_ask || null,
    stageId: fields.stage ?? null,
    ownerId: fields.owner ?? null,
    status: fields.status,
    targetDate: fields.target ?? null,
  };
}

/** Adds an item; a replayed submission returns the item it already added. */
export async function addRoadmapItem(
  db: Db,
  input: { fields: RoadmapFields; actorId: string; idempotencyKey: string },
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
    return { item, created: true };
  });
}

export async function editRoadmapItem(
  db: Db,
  input: { itemId: number; fields: RoadmapFields; actorId: string; idempotencyKey: string },
  now: Date,
): Promise<{ ok: true; item: RoadmapItem } | { ok: false; reason: 'not_found' | 'already_done' }> {
  return db.transaction(async (tx) => {
    const before = await findRoadmapItemForUpdate(tx, input.itemId);
    if (!before) return { ok: false, reason: 'not_found' };
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
    const item = await updateRoadmapItem(tx, before.id, { ...toColumns(input.fields), updatedAt: now });
    return { ok: true, item };
  });
}

export async function addRoadmapNote(
  db: Db,
  input: { itemId: number; note: string; actorId: string; idempotencyKey: string },
  now: Date,
): Promise<{ ok: true; item: RoadmapItem } | { ok: false; reason: 'not_found' | 'already_done' }> {
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

export interface RoadmapStageGroup {
  stage: string;
  items: { item: RoadmapItem; lastNote: string | null }[];
}

/** The roadmap grouped by journey stage (in the stages' order; items without a stage last). */
export async function listRoadmapByStage(db: Db): Promise<RoadmapStageGroup[]> {
  const [items, stages] = await Promise.all([listRoadmapItems(db), listJourneyStages(db)]);
  const notes = await listLatestNotes(
    db,
    items.map((item) => item.id),
  );
  const groups: RoadmapStageGroup[] = [];
  for (const stage of [
    ...stages.map((s) => ({ id: s.id as number | null, name: s.name })),
    { id: null, name: 'Across the journey' },
  ]) {
    const inStage = items.filter((item) => item.stageId === stage.id);
    if (inStage.length > 0) {
      groups.push({
        stage: stage.name,
        items: inStage.map((item) => ({ item, lastNote: notes.get(item.id)?.note ?? null })),
      });
    }
  }
  return groups;
}

/** `#12`, `12` → 12. */
export function parseItemRef(text: string): number | undefined {
  const match = /^\s*#?(\d{1,9})\b/.exec(text);
  return match ? Number(match[1]) : undefined;
}
