import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import {
  findStory,
  insertStory,
  pickStoryForNextUpdate,
  type Story,
  transitionStory,
  updateStory,
} from './stories.queries.js';
import { renderTellerDm } from './stories.views.js';

export type { Story };

/** One story, as stored (to open its edit form). */
export function findStoryById(db: Db, storyId: number): Promise<Story | undefined> {
  return findStory(db, storyId);
}

/**
 * Product rules of customer stories. No Slack here: every message a change causes (the review card, its
 * updates, the teller's DMs) is written to the outbox in the change's own transaction.
 */

export const STORY_KINDS = ['delighted', 'pain_point', 'recovery'] as const;

const text = (what: string, max: number, required?: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    (required ? z.string().min(1, required) : z.string()).max(
      max,
      `${what} can be at most ${max.toLocaleString('en-US')} characters. Please shorten it.`,
    ),
  );

/** The story form, keyed by the modal's block IDs. */
export const storyFieldsSchema = z.object({
  body: text('The story', 3000, 'Tell us what happened.'),
  customer: text('The customer', 200),
  stage: z.string().regex(/^\d+$/).transform(Number).optional(),
  kind: z.enum(STORY_KINDS, { error: 'Pick what kind of moment it was.' }),
  shareable: z.array(z.string()).default([]),
});
export type StoryFields = z.infer<typeof storyFieldsSchema>;

export const rejectFieldsSchema = z.object({
  note: text('The note', 2000, 'Tell the teller why, kindly: they will read it.'),
});

function columns(fields: StoryFields) {
  return {
    body: fields.body,
    customer: fields.customer === '' ? null : fields.customer,
    stageId: fields.stage ?? null,
    kind: fields.kind,
    shareable: fields.shareable.includes('shareable'),
  };
}

/** The outbox renderer that builds a story's review card when it is sent (`stories.notify.ts`). */
export const STORY_CARD_RENDERER = 'stories.card';

/** The review card's key: its updates name it as their parent. */
export const storyCardKey = (storyId: number): string => outboxKey('story', storyId, 'card');

/** The review card, posted once to the backlog channel, rendered as the story is when it goes out. */
function cardItem(storyId: number, backlogChannel: string): OutboxItem {
  return {
    key: storyCardKey(storyId),
    method: 'chat.postMessage',
    channel: backlogChannel,
    render: { name: STORY_CARD_RENDERER, input: { storyId } },
  };
}

/**
 * The card shows the story's latest state: updates asked for while one waits are one update. A card the
 * outbox has not posted yet is the update's parent (the update follows it, in the same lane). A story
 * whose card was never queued (saved before the outbox) gets its card now, so nothing updates a card that
 * is not there.
 */
function cardUpdateItems(story: Story, backlogChannel: string): OutboxItem[] {
  const update: OutboxItem = {
    key: outboxKey('story', story.id, 'card', 'update'),
    method: 'chat.update',
    channel: backlogChannel,
    render: { name: STORY_CARD_RENDERER, input: { storyId: story.id, update: true } },
    again: true,
  };
  // Posted already: the renderer names the card by the channel and ts kept on the story.
  if (story.cardTs) return [update];
  return [cardItem(story.id, backlogChannel), { ...update, parentKey: storyCardKey(story.id) }];
}

type TellerEvent = Parameters<typeof renderTellerDm>[1];

/** What the teller hears, as it is at the change (a later edit does not rewrite a sent DM). */
function tellerDmItem(story: Story, event: TellerEvent, now: Date): OutboxItem {
  return {
    // Received happens once per story; reviews may repeat (approved, rejected, approved again).
    key:
      event === 'received'
        ? outboxKey('story', story.id, 'dm', event)
        : outboxKey('story', story.id, 'dm', event, now.getTime()),
    method: 'chat.postMessage',
    channel: story.tellerId,
    args: { ...renderTellerDm(story, event), unfurl_links: false },
  };
}

/** Where stories' messages go: the review cards live in the backlog channel. */
export interface StoryChannels {
  backlogChannel: string;
}

/**
 * Saves a story for the CX office to review, with its review card and the teller's thanks; a replayed
 * submission returns the first one and sends nothing again.
 */
export async function shareStory(
  db: Db,
  input: {
    fields: StoryFields;
    tellerId: string;
    source: 'command' | 'shortcut' | 'message';
    permalink: string | null;
    idempotencyKey: string;
  },
  channels: StoryChannels,
  now: Date,
): Promise<{ story: Story; created: boolean }> {
  return db.transaction(async (tx) => {
    const saved = await insertStory(tx, {
      ...columns(input.fields),
      tellerId: input.tellerId,
      source: input.source,
      sourcePermalink: input.permalink,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (saved.created)
      await enqueue(
        tx,
        [cardItem(saved.story.id, channels.backlogChannel), tellerDmItem(saved.story, 'received', now)],
        now,
      );
    return saved;
  });
}

/**
 * A logged call shared as a customer story: call it inside the call's own transaction. The story waits
 * for review like any other and gets its review card; the executive is not thanked twice (the call's own
 * confirmation says it was shared). Saving the same call again changes nothing.
 */
export async function shareCallAsStory(
  tx: DbOrTx,
  input: {
    callId: number;
    body: string;
    customer: string | null;
    stageId: number | null;
    kind: Story['kind'];
    tellerId: string;
  },
  channels: StoryChannels,
  now: Date,
): Promise<{ story: Story; created: boolean }> {
  const saved = await insertStory(tx, {
    body: input.body,
    customer: input.customer,
    stageId: input.stageId,
    kind: input.kind,
    shareable: false,
    tellerId: input.tellerId,
    source: 'call',
    sourceCallId: input.callId,
    idempotencyKey: `call:${input.callId}`,
    createdAt: now,
  });
  if (saved.created) await enqueue(tx, [cardItem(saved.story.id, channels.backlogChannel)], now);
  return saved;
}

export type ReviewResult = { ok: true; story: Story } | { ok: false; reason: 'not_found_or_unchanged' };

/** A review that changed the story: its card shows it and the teller hears it. */
async function reviewed(
  tx: DbOrTx,
  story: Story | undefined,
  event: TellerEvent,
  channels: StoryChannels,
  now: Date,
): Promise<ReviewResult> {
  if (!story) return { ok: false, reason: 'not_found_or_unchanged' };
  await enqueue(
    tx,
    [...cardUpdateItems(story, channels.backlogChannel), tellerDmItem(story, event, now)],
    now,
  );
  return { ok: true, story };
}

export async function approveStory(
  db: Db,
  id: number,
  reviewerId: string,
  channels: StoryChannels,
  now: Date,
): Promise<ReviewResult> {
  return db.transaction(async (tx) => {
    const story = await transitionStory(tx, id, ['pending', 'rejected'], {
      status: 'approved',
      reviewedBy: reviewerId,
      reviewedAt: now,
      reviewNote: null,
    });
    return reviewed(tx, story, 'approved', channels, now);
  });
}

export async function rejectStory(
  db: Db,
  id: number,
  reviewerId: string,
  note: string,
  channels: StoryChannels,
  now: Date,
): Promise<ReviewResult> {
  return db.transaction(async (tx) => {
    const story = await transitionStory(tx, id, ['pending', 'approved'], {
      status: 'rejected',
      reviewedBy: reviewerId,
      reviewedAt: now,
      reviewNote: note,
      pickedForWeek: null,
    });
    return reviewed(tx, story, 'rejected', channels, now);
  });
}

/**
 * Picks the story of the next weekly update (approving it if it was pending). `week` records when it
 * was picked. A double click, or a story already picked or featured, changes nothing. A previous pick is
 * withdrawn: its card offers the button again.
 */
export async function pickStory(
  db: Db,
  id: number,
  reviewerId: string,
  week: string,
  channels: StoryChannels,
  now: Date,
): Promise<ReviewResult & { unpicked?: number[] }> {
  return db.transaction(async (tx) => {
    const picked = await pickStoryForNextUpdate(tx, id, {
      pickedForWeek: week,
      reviewedBy: reviewerId,
      reviewedAt: now,
    });
    if (!picked) return { ok: false, reason: 'not_found_or_unchanged' } as const;
    await enqueue(
      tx,
      picked.unpicked.flatMap((other) => cardUpdateItems(other, channels.backlogChannel)),
      now,
    );
    const result = await reviewed(tx, picked.story, 'picked', channels, now);
    return { ...result, unpicked: picked.unpicked.map((other) => other.id) };
  });
}

export async function editStory(
  db: Db,
  id: number,
  fields: StoryFields,
  channels: StoryChannels,
  now: Date,
): Promise<Story | undefined> {
  return db.transaction(async (tx) => {
    const story = await updateStory(tx, id, columns(fields));
    if (story) await enqueue(tx, cardUpdateItems(story, channels.backlogChannel), now);
    return story;
  });
}

/**
 * The weekly update featured this story: call it in the update's transaction. Its card stops offering
 * "Story of the week".
 */
export async function markStoryFeatured(
  tx: DbOrTx,
  id: number,
  week: string,
  channels: StoryChannels,
  now: Date,
): Promise<void> {
  const story = await updateStory(tx, id, { featuredInWeek: week });
  if (story) await enqueue(tx, cardUpdateItems(story, channels.backlogChannel), now);
}
