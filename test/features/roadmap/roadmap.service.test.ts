import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { roadmapChanges, roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import {
  addRoadmapItem,
  addRoadmapNote,
  editRoadmapItem,
  listRoadmapByStage,
  loadItemForm,
  type RoadmapItemFields,
  saveRoadmapItem,
} from '../../../src/features/roadmap/roadmap.service.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { freshDatabase } from '../../support/db.js';

// The roadmap's product rules on a real database: every change kept with who, when and the status it
// moved from and to, replays changing nothing, an edit never turning into an addition.

const CX_OFFICER = 'U0CXOFF001';
const OTHER_OFFICER = 'U0CXOFF002';
const MONDAY = new Date('2026-11-23T09:00:00Z');
const TUESDAY = new Date('2026-11-24T09:00:00Z');
const WEDNESDAY = new Date('2026-11-25T09:00:00Z');

const refunds: RoadmapItemFields = {
  title: 'Refunds in one click',
  status: 'in_progress',
  customerChange: 'Money back the same day',
  employeeAsk: 'Agents approve up to €100',
  ownerId: 'U0EXEC0001',
  targetDate: '2027-01-31',
};

describe('roadmap service (real SQL)', () => {
  let database: Database;
  let db: Database['db'];
  let earlyStage: number;
  let lateStage: number;
  let retiredStage: number;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
    // Stages of this test's own, placed after any others (names no default stage has).
    const stage = async (name: string, position: number, retiredAt: Date | null = null) => {
      const [row] = await db
        .insert(journeyStages)
        .values({ name, position, retiredAt })
        .returning({ id: journeyStages.id });
      return row?.id ?? 0;
    };
    earlyStage = await stage('Roadmap test: first look', 100);
    lateStage = await stage('Roadmap test: renewal', 101);
    retiredStage = await stage('Roadmap test: fax orders', 102, MONDAY);
  });
  afterAll(async () => {
    await database?.close();
  });

  const changesOf = (itemId: number) =>
    db.select().from(roadmapChanges).where(eq(roadmapChanges.itemId, itemId)).orderBy(roadmapChanges.id);

  it('adds an item with who and when, clearing what was left out; a replay adds nothing', async () => {
    const first = await addRoadmapItem(
      db,
      {
        fields: { title: 'Callback scheduling', status: 'planned' },
        actorId: CX_OFFICER,
        idempotencyKey: 'add:1',
      },
      MONDAY,
    );
    expect(first.created).toBe(true);
    expect(first.item).toMatchObject({
      title: 'Callback scheduling',
      status: 'planned',
      customerChange: null,
      employeeAsk: null,
      stageId: null,
      ownerId: null,
      targetDate: null,
      createdBy: CX_OFFICER,
      createdAt: MONDAY,
    });
    const replay = await addRoadmapItem(
      db,
      {
        fields: { title: 'Something else', status: 'shipped' },
        actorId: OTHER_OFFICER,
        idempotencyKey: 'add:1',
      },
      TUESDAY,
    );
    expect(replay).toEqual({ created: false, item: first.item });
    expect(
      (await changesOf(first.item.id)).map((c) => [c.kind, c.actorId, c.fromStatus, c.toStatus]),
    ).toEqual([['created', CX_OFFICER, null, 'planned']]);
  });

  it('edits an item, keeping the status it moved from; a replay of the same form changes nothing', async () => {
    const { item } = await addRoadmapItem(
      db,
      { fields: refunds, actorId: CX_OFFICER, idempotencyKey: 'add:2' },
      MONDAY,
    );
    const edited = await editRoadmapItem(
      db,
      {
        itemId: item.id,
        fields: { title: 'Refunds in one click', status: 'shipped', stageId: earlyStage },
        actorId: OTHER_OFFICER,
        idempotencyKey: 'edit:2',
      },
      TUESDAY,
    );
    expect(edited).toMatchObject({
      ok: true,
      item: {
        status: 'shipped',
        stageId: earlyStage,
        customerChange: null, // left out of the form: cleared
        ownerId: null,
        createdAt: MONDAY,
        updatedAt: TUESDAY,
      },
    });
    const replay = await editRoadmapItem(
      db,
      {
        itemId: item.id,
        fields: { title: 'Replayed', status: 'paused' },
        actorId: OTHER_OFFICER,
        idempotencyKey: 'edit:2',
      },
      WEDNESDAY,
    );
    expect(replay).toEqual({ ok: false, reason: 'already_done' });
    const [stored] = await db.select().from(roadmapItems).where(eq(roadmapItems.id, item.id));
    expect(stored).toMatchObject({ title: 'Refunds in one click', status: 'shipped', updatedAt: TUESDAY });
    expect(
      (await changesOf(item.id)).map((c) => [c.kind, c.actorId, c.fromStatus, c.toStatus, c.createdAt]),
    ).toEqual([
      ['created', CX_OFFICER, null, 'in_progress', MONDAY],
      ['edited', OTHER_OFFICER, 'in_progress', 'shipped', TUESDAY],
    ]);
  });

  it('saves the item form as an edit when it names an item, and never adds one for an item that is gone', async () => {
    const before = await db.select().from(roadmapItems);
    const { item } = await addRoadmapItem(
      db,
      { fields: refunds, actorId: CX_OFFICER, idempotencyKey: 'add:3' },
      MONDAY,
    );
    const saved = await saveRoadmapItem(
      db,
      {
        itemId: item.id,
        fields: { ...refunds, status: 'paused' },
        actorId: CX_OFFICER,
        idempotencyKey: 'form:3',
      },
      TUESDAY,
    );
    expect(saved).toMatchObject({ ok: true, item: { id: item.id, status: 'paused' } });
    const missing = await saveRoadmapItem(
      db,
      { itemId: 999_999, fields: refunds, actorId: CX_OFFICER, idempotencyKey: 'form:missing' },
      TUESDAY,
    );
    expect(missing).toEqual({ ok: false, reason: 'not_found' });
    const added = await saveRoadmapItem(
      db,
      {
        fields: { title: 'Chat on weekends', status: 'planned' },
        actorId: CX_OFFICER,
        idempotencyKey: 'form:new',
      },
      TUESDAY,
    );
    expect(added).toMatchObject({ ok: true, item: { title: 'Chat on weekends' } });
    expect((await db.select().from(roadmapItems)).length).toBe(before.length + 2);
  });

  it('adds a progress note with the item’s status, once per submission; none for an item that is gone', async () => {
    const { item } = await addRoadmapItem(
      db,
      { fields: refunds, actorId: CX_OFFICER, idempotencyKey: 'add:4' },
      MONDAY,
    );
    const note = {
      itemId: item.id,
      note: 'Live in Germany',
      actorId: OTHER_OFFICER,
      idempotencyKey: 'note:4',
    };
    expect(await addRoadmapNote(db, note, TUESDAY)).toMatchObject({ ok: true, item: { updatedAt: TUESDAY } });
    expect(await addRoadmapNote(db, note, WEDNESDAY)).toEqual({ ok: false, reason: 'already_done' });
    expect(await addRoadmapNote(db, { ...note, itemId: 999_999, idempotencyKey: 'note:x' }, TUESDAY)).toEqual(
      {
        ok: false,
        reason: 'not_found',
      },
    );
    const notes = (await changesOf(item.id)).filter((c) => c.kind === 'note');
    expect(notes.map((c) => [c.note, c.fromStatus, c.toStatus, c.actorId])).toEqual([
      ['Live in Germany', 'in_progress', 'in_progress', OTHER_OFFICER],
    ]);
  });

  it('lists the roadmap by stage in the stages’ order, items without a stage last, each with its latest note', async () => {
    const add = async (title: string, stageId: number | undefined, key: string) =>
      (
        await addRoadmapItem(
          db,
          { fields: { title, status: 'planned', stageId }, actorId: CX_OFFICER, idempotencyKey: key },
          MONDAY,
        )
      ).item;
    const renewal = await add('Renewal reminders by text', lateStage, 'list:1');
    const fax = await add('Stop asking for faxes', retiredStage, 'list:2');
    const first = await add('Price on the first page', earlyStage, 'list:3');
    const anywhere = await add('One number to call', undefined, 'list:4');
    await addRoadmapNote(
      db,
      { itemId: first.id, note: 'first draft', actorId: CX_OFFICER, idempotencyKey: 'list:n1' },
      TUESDAY,
    );
    await addRoadmapNote(
      db,
      { itemId: first.id, note: 'tested with ten customers', actorId: CX_OFFICER, idempotencyKey: 'list:n2' },
      WEDNESDAY,
    );

    const groups = await listRoadmapByStage(db);
    const names = groups.map((group) => group.stage);
    const at = (name: string) => names.indexOf(name);
    expect(at('Roadmap test: first look')).toBeGreaterThanOrEqual(0);
    expect(at('Roadmap test: first look')).toBeLessThan(at('Roadmap test: renewal'));
    expect(at('Roadmap test: renewal')).toBeLessThan(at('Roadmap test: fax orders')); // retired: still listed
    expect(names.at(-1)).toBe('Across the journey');
    // Earlier tests of this file added items too: each group is checked for the ones added here.
    const stageOf = (itemId: number) =>
      groups.find((group) => group.items.some(({ item }) => item.id === itemId))?.stage;
    expect(stageOf(renewal.id)).toBe('Roadmap test: renewal');
    expect(stageOf(fax.id)).toBe('Roadmap test: fax orders');
    expect(stageOf(first.id)).toBe('Roadmap test: first look');
    expect(stageOf(anywhere.id)).toBe('Across the journey');
    const lastNotes = new Map(
      groups.flatMap((group) => group.items.map(({ item, lastNote }) => [item.id, lastNote])),
    );
    expect(lastNotes.get(first.id)).toBe('tested with ten customers'); // the latest note only
    expect(lastNotes.get(renewal.id)).toBeNull();
  });

  it('gives the item form every stage (retired ones too) and the item, or says the item is gone', async () => {
    const { item } = await addRoadmapItem(
      db,
      {
        fields: { title: 'Fewer forms', status: 'planned', stageId: retiredStage },
        actorId: CX_OFFICER,
        idempotencyKey: 'form:5',
      },
      MONDAY,
    );
    const forEdit = await loadItemForm(db, item.id);
    expect(forEdit.ok && forEdit.item?.id).toBe(item.id);
    expect(forEdit.ok && forEdit.stages.map((stage) => stage.id)).toEqual(
      expect.arrayContaining([earlyStage, lateStage, retiredStage]),
    );
    const forAdd = await loadItemForm(db);
    expect(forAdd.ok && forAdd.item).toBeUndefined();
    expect(await loadItemForm(db, 999_999)).toEqual({ ok: false, reason: 'not_found' });
  });
});
