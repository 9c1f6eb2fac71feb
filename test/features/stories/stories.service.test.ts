import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { listJourneyStages } from '../../../src/features/settings/stages.queries.js';
import { storiesRenderers } from '../../../src/features/stories/stories.notify.js';
import { insertStory } from '../../../src/features/stories/stories.queries.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import {
  approveStory,
  chooseStoryOfTheWeek,
  editStory,
  markStoryFeatured,
  pickStory,
  rejectStory,
  STORY_CARD,
  type Story,
  type StoryInput,
  shareCallAsStory,
  shareStory,
  TELLER_DM_RENDER,
} from '../../../src/features/stories/stories.service.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { freshDatabase } from '../../support/db.js';
import { ids } from '../../support/payloads.js';

// The stories' product rules, called directly on a real database: no Slack, no HTTP, time as a parameter.

const channels = { backlogChannel: ids.backlogChannel };
const now = new Date('2026-11-05T10:00:00Z'); // a Thursday, ISO week 2026-W45
const TELLER = 'U0TELLER01';

describe('the stories service (real SQL)', () => {
  let database: Database;
  let db: Database['db'];
  let keys = 0;
  /** A fresh idempotency key: each call is a new submission. */
  const freshKey = () => {
    keys += 1;
    return `stories-service-${keys}`;
  };

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
  });

  const told: StoryInput = {
    body: 'She called back to say thanks',
    customer: 'ACME',
    stageId: null,
    categoryId: null,
    kind: 'delighted',
    shareable: true,
  };

  async function shared(story: Partial<StoryInput> = {}): Promise<Story> {
    const saved = await shareStory(
      db,
      {
        story: { ...told, ...story },
        tellerId: TELLER,
        source: 'command',
        permalink: null,
        idempotencyKey: freshKey(),
      },
      channels,
      now,
    );
    return saved.story;
  }

  const queued = (keyPattern: string) => db.select().from(outbox).where(like(outbox.key, keyPattern));
  const stored = async (id: number) => (await db.select().from(stories).where(eq(stories.id, id)))[0];
  /** What the teller was told, in order: each DM's event and the story as it was then. */
  const tellerDms = async (story: Story) =>
    (await queued(`story:${story.id}:dm:%`))
      .sort((a, b) => a.id - b.id)
      .map((row) => (row.payload as { input: Record<string, unknown> }).input);

  it('a shared story waits for review with its card and the teller’s thanks; a replay saves nothing twice', async () => {
    const input = {
      story: told,
      tellerId: TELLER,
      source: 'message' as const,
      permalink: 'https://touchpoint-test.slack.com/archives/C0GENERAL1/p1700000000000100',
      idempotencyKey: 'stories-service-replayed',
    };
    const first = await shareStory(db, input, channels, now);
    const again = await shareStory(db, input, channels, now);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, story: { id: first.story.id } });
    expect(first.story).toMatchObject({
      status: 'pending',
      customer: 'ACME',
      shareable: true,
      source: 'message',
    });

    const rows = await queued(`story:${first.story.id}:%`);
    expect(rows.map((row) => [row.key, row.render]).sort()).toEqual(
      [
        [`story:${first.story.id}:card`, STORY_CARD.name],
        [`story:${first.story.id}:dm:received`, TELLER_DM_RENDER],
      ].sort(),
    );
    expect(await tellerDms(first.story)).toEqual([{ event: 'received', body: told.body, reviewNote: null }]);
  });

  it('a call shared as a story gets its card once and no second thanks', async () => {
    const share = () =>
      db.transaction((tx) =>
        shareCallAsStory(
          tx,
          {
            callId: 7,
            body: 'From a call',
            customer: null,
            stageId: null,
            kind: 'recovery',
            tellerId: TELLER,
          },
          channels,
          now,
        ),
      );
    const first = await share();
    const again = await share();
    expect([first.created, again.created]).toEqual([true, false]);
    expect((await queued(`story:${first.story.id}:%`)).map((row) => row.key)).toEqual([
      `story:${first.story.id}:card`,
    ]);
  });

  it('approve and reject each change the story once and tell the teller the story as it was at the review', async () => {
    const story = await shared();
    expect(await approveStory(db, story.id, ids.cxOfficer, channels, now)).toMatchObject({
      ok: true,
      story: { status: 'approved', reviewedBy: ids.cxOfficer },
    });
    // A double click: nothing changes the second time.
    expect(await approveStory(db, story.id, ids.cxOfficer, channels, now)).toEqual({
      ok: false,
      reason: 'not_found_or_unchanged',
    });

    const later = new Date(now.getTime() + 60_000);
    expect(
      await rejectStory(db, story.id, ids.cxOfficer, 'Not shareable yet', channels, later),
    ).toMatchObject({
      ok: true,
      story: { status: 'rejected', reviewNote: 'Not shareable yet', pickedForWeek: null },
    });
    // Approved again: the note goes, but the rejection DM queued before keeps what it said.
    await approveStory(db, story.id, ids.cxOfficer, channels, new Date(later.getTime() + 60_000));
    expect((await stored(story.id))?.reviewNote).toBeNull();
    expect((await tellerDms(story)).map((dm) => [dm.event, dm.reviewNote])).toEqual([
      ['received', null],
      ['approved', null],
      ['rejected', 'Not shareable yet'],
      ['approved', null],
    ]);
    expect(await approveStory(db, 999_999, ids.cxOfficer, channels, now)).toMatchObject({ ok: false });
  });

  it('one story of the week at a time: a pick approves, records the company’s week and withdraws the previous pick', async () => {
    const previous = await shared({ body: 'Previous pick' });
    const next = await shared({ body: 'Next pick' });
    expect(await pickStory(db, previous.id, ids.cxOfficer, 'UTC', channels, now)).toMatchObject({
      ok: true,
      story: { status: 'approved', pickedForWeek: '2026-W45' },
    });
    const picked = await pickStory(db, next.id, ids.cxOfficer, 'UTC', channels, now);
    expect(picked).toMatchObject({ ok: true, unpicked: [previous.id] });
    expect((await stored(previous.id))?.pickedForWeek).toBeNull();
    // Picked already: a double click changes nothing and tells nobody twice.
    expect(await pickStory(db, next.id, ids.cxOfficer, 'UTC', channels, now)).toMatchObject({ ok: false });
    expect((await tellerDms(next)).filter((dm) => dm.event === 'picked')).toHaveLength(1);
    // The week is the company's: late on Sunday in Auckland is already the next ISO week.
    const auckland = await shared({ body: 'Picked in Auckland' });
    await pickStory(
      db,
      auckland.id,
      ids.cxOfficer,
      'Pacific/Auckland',
      channels,
      new Date('2026-11-08T12:00:00Z'),
    );
    expect((await stored(auckland.id))?.pickedForWeek).toBe('2026-W46');
  });

  it('edits change the story and ask for its card’s update; a featured story is no longer the pick', async () => {
    const story = await shared();
    const edited = await editStory(
      db,
      story.id,
      { ...told, body: 'Edited', customer: null, kind: 'recovery' },
      channels,
      now,
    );
    expect(edited).toMatchObject({ body: 'Edited', customer: null, kind: 'recovery', status: 'pending' });
    expect(await editStory(db, 999_999, told, channels, now)).toBeUndefined();
    expect((await queued(`story:${story.id}:card%`)).map((row) => row.key).sort()).toEqual([
      `story:${story.id}:card`,
      `story:${story.id}:card:update`,
    ]);

    await pickStory(db, story.id, ids.cxOfficer, 'UTC', channels, now);
    await db.transaction((tx) => markStoryFeatured(tx, story.id, '2026-W46', channels, now));
    expect(await stored(story.id)).toMatchObject({ featuredInWeek: '2026-W46' });
  });

  describe('the review card, through the shared card path', () => {
    const renderer = (name: string) => {
      const found = storiesRenderers.find((r) => r.name === name);
      if (!found) throw new Error(`no renderer ${name}`);
      return found;
    };

    it('posts the story as it is when sent (no unfurl), keeps its place, then updates it there', async () => {
      const story = await shared({ body: 'Card path story' });
      const input = { [STORY_CARD.inputKey]: story.id };
      const post = renderer(STORY_CARD.name);
      const update = renderer(`${STORY_CARD.name}Update`);
      expect(await update.render(db, input, now)).toBeNull();

      await pickStory(db, story.id, ids.cxOfficer, 'UTC', channels, now);
      const posted = await post.render(db, input, now);
      expect(posted).toMatchObject({ unfurl_links: false });
      expect(JSON.stringify(posted)).toContain('story of the week (next update)');

      await post.sent?.(db, input, { channel: ids.backlogChannel, ts: '1700000000.000200' });
      expect(await stored(story.id)).toMatchObject({
        cardChannel: ids.backlogChannel,
        cardTs: '1700000000.000200',
      });
      await db.transaction((tx) => markStoryFeatured(tx, story.id, '2026-W46', channels, now));
      const updated = await update.render(db, input, now);
      expect(updated).toMatchObject({ channel: ids.backlogChannel, ts: '1700000000.000200' });
      expect(updated).not.toHaveProperty('unfurl_links');
      expect(JSON.stringify(updated)).toContain('featured in the week of 9 November');
      expect(JSON.stringify(updated)).not.toContain('story of the week (next update)');
    });

    it('an update queued under the post’s name before updates had their own renderer is still an update', async () => {
      const story = await shared({ body: 'Queued before the deploy' });
      const input = { [STORY_CARD.inputKey]: story.id };
      const post = renderer(STORY_CARD.name);
      await post.sent?.(db, input, { channel: ids.backlogChannel, ts: '1700000000.000300' });
      const legacy = await post.render(db, { ...input, update: true }, now);
      expect(legacy).toMatchObject({ channel: ids.backlogChannel, ts: '1700000000.000300' });
      expect(legacy).not.toHaveProperty('unfurl_links');
    });

    it('the teller’s DM says what the input kept', async () => {
      const dm = await renderer(TELLER_DM_RENDER).render(
        db,
        { event: 'rejected', body: 'Kept body', reviewNote: 'Kept note' },
        now,
      );
      expect(JSON.stringify(dm)).toContain('Kept note');
      expect(dm).toMatchObject({ unfurl_links: false });
    });
  });
});

describe('the story of the week (real SQL)', () => {
  // A database of its own: which story wins depends on every story in it.
  let database: Database;
  let db: Database['db'];
  const UTC = 'UTC';
  const W48_MONDAY = new Date('2026-11-23T09:00:00Z');
  const W50_MONDAY = new Date('2026-12-07T09:00:00Z');
  let stageIds: Record<string, number | null> = {};

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
    const stages = await listJourneyStages(db);
    stageIds = Object.fromEntries(stages.map((stage) => [stage.name, stage.id]));
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A story as stored, with what decides the choice: status, shareable, stage, when told, featured. */
  const story = async (
    key: string,
    stage: string,
    createdAt: string,
    extra: Partial<Story> = {},
  ): Promise<Story> =>
    (
      await insertStory(db, {
        body: `Story ${key}`,
        kind: 'delighted',
        tellerId: TELLER,
        source: 'command',
        stageId: stageIds[stage] ?? null,
        status: 'approved',
        shareable: true,
        idempotencyKey: `choice-${key}`,
        createdAt: new Date(createdAt),
        ...extra,
      })
    ).story;
  const chosen = async (at: Date) => (await chooseStoryOfTheWeek(db, UTC, at))?.body;

  it('the most recent approved story that may be shared; a stage featured in the last four weeks rests; the CX office’s pick wins', async () => {
    expect(await chosen(W48_MONDAY)).toBeUndefined();

    await story('old-use', 'Use', '2026-10-01T10:00:00Z');
    await story('recent-use', 'Use', '2026-11-19T10:00:00Z');
    const notShareable = await story('not-shareable', 'Use', '2026-11-20T10:00:00Z', { shareable: false });
    await story('pending', 'Use', '2026-11-21T10:00:00Z', { status: 'pending' });
    await story('rejected', 'Use', '2026-11-21T11:00:00Z', { status: 'rejected' });
    await story('featured-before', 'Buy', '2026-11-22T10:00:00Z', { featuredInWeek: '2026-W40' });
    // Not the oldest: the most recent. Never one the teller did not mark as fine to share.
    expect(await chosen(W48_MONDAY)).toBe('Story recent-use');

    // Use was featured in W45, within the four weeks before W48: an older Onboard story goes first.
    await story('use-featured', 'Use', '2026-10-20T10:00:00Z', { featuredInWeek: '2026-W45' });
    const onboard = await story('onboard-older', 'Onboard', '2026-11-02T10:00:00Z');
    expect(await chosen(W48_MONDAY)).toBe('Story onboard-older');
    // In W50 the four weeks are W46–W49: Use rests no more, and the most recent wins again.
    expect(await chosen(W50_MONDAY)).toBe('Story recent-use');

    // Onboard featured this week too: every candidate's stage rests, so the most recent goes.
    await db.transaction((tx) => markStoryFeatured(tx, onboard.id, '2026-W48', channels, W48_MONDAY));
    expect(await chosen(W48_MONDAY)).toBe('Story recent-use');

    // The CX office's pick wins, even an older one whose sharing the teller did not confirm (its card
    // says so to the CX office when they pick it).
    await db.update(stories).set({ pickedForWeek: '2026-W48' }).where(eq(stories.id, notShareable.id));
    expect(await chosen(W48_MONDAY)).toBe('Story not-shareable');
  });
});
