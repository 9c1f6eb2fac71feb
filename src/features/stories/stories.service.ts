import type { Db, DbOrTx } from '../../db/client.js';
import { cardItems } from '../../outbox/card.js';
import { enqueue, type OutboxItem, outboxKey, type PostedMessage } from '../../outbox/outbox.js';
import { inZone, isoWeekKey } from '../../time.js';
import { type Links, linkItems, linksOf } from '../links/links.service.js';
import { findItem } from '../roadmap/roadmap.service.js';
import { findRule, queueRuleCardUpdate, ruleRef } from '../rules/rules.service.js';
import {
  type JourneyStage,
  journeyStageOwners,
  listJourneyStages,
  listTouchpointCategories,
  type TouchpointCategory,
  touchpointCategoryNames,
} from '../settings/settings.service.js';
import {
  findPickedStory,
  findStory,
  findStoryToFeature,
  insertStory,
  listAllStories,
  pickStoryForNextUpdate,
  type Story,
  transitionStory,
  updateStory,
} from './stories.queries.js';
import type { StoryKind, StorySource } from './stories.schema.js';

/**
 * Product rules of customer stories. No Slack here: every message a change causes (the review card, its
 * updates, the teller's DMs) is written to the outbox in the change's own transaction.
 */

export type { Story };

export const STORY_MAX = 3000;
export const CUSTOMER_MAX = 200;
export const REVIEW_NOTE_MAX = 2000;

/** A story as told (or edited by the CX office). */
export interface StoryInput {
  body: string;
  customer: string | null;
  stageId: number | null;
  /** The optional touch-point category. */
  categoryId: number | null;
  kind: StoryKind;
  /** The teller confirmed the customer agreed / it can be shared company-wide. */
  shareable: boolean;
}

/** Where stories' messages go: the review cards live in the backlog channel. */
export interface StoryChannels {
  backlogChannel: string;
}

/** The review card in the backlog channel (posted and updated through the shared card path). */
export const STORY_CARD = { name: 'stories.card', keyPrefix: 'story', inputKey: 'storyId' } as const;
const storyCard = cardItems(STORY_CARD);

/** The renderer of what the teller hears (stories.notify.ts). */
export const TELLER_DM_RENDER = 'stories.tellerDm';

export type TellerEvent = 'received' | 'approved' | 'rejected' | 'picked';

/** The card in place, as it is when sent; a story whose card was never queued (saved before the outbox) gets it now. */
function cardUpdate(story: Story, channels: StoryChannels): OutboxItem[] {
  return storyCard.update(story.id, story.cardTs !== null, channels.backlogChannel);
}

/** What the teller hears, as the story is at the change (a later edit does not rewrite it). */
function tellerDm(story: Story, event: TellerEvent, now: Date): OutboxItem {
  return {
    // Received happens once per story; reviews may repeat (approved, rejected, approved again).
    key:
      event === 'received'
        ? outboxKey('story', story.id, 'dm', event)
        : outboxKey('story', story.id, 'dm', event, now.getTime()),
    method: 'chat.postMessage',
    channel: story.tellerId,
    render: { name: TELLER_DM_RENDER, input: { event, body: story.body, reviewNote: story.reviewNote } },
  };
}

/**
 * Saves a story for the CX office to review, with its review card and the teller's thanks; a replayed
 * submission returns the first one and sends nothing again.
 */
export async function shareStory(
  db: Db,
  input: {
    story: StoryInput;
    tellerId: string;
    source: Exclude<StorySource, 'call'>;
    permalink: string | null;
    /** The submitted modal's identity: a replay returns the story already saved. */
    idempotencyKey: string;
  },
  channels: StoryChannels,
  now: Date,
): Promise<{ story: Story; created: boolean }> {
  return db.transaction(async (tx) => {
    const saved = await insertStory(tx, {
      ...input.story,
      tellerId: input.tellerId,
      source: input.source,
      sourcePermalink: input.permalink,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (saved.created)
      await enqueue(
        tx,
        [storyCard.post(saved.story.id, channels.backlogChannel), tellerDm(saved.story, 'received', now)],
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
    categoryId?: number | null;
    kind: StoryKind;
    tellerId: string;
  },
  channels: StoryChannels,
  now: Date,
): Promise<{ story: Story; created: boolean }> {
  const saved = await insertStory(tx, {
    body: input.body,
    customer: input.customer,
    stageId: input.stageId,
    categoryId: input.categoryId ?? null,
    kind: input.kind,
    shareable: false,
    tellerId: input.tellerId,
    source: 'call',
    sourceCallId: input.callId,
    idempotencyKey: `call:${input.callId}`,
    createdAt: now,
  });
  if (saved.created) await enqueue(tx, [storyCard.post(saved.story.id, channels.backlogChannel)], now);
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
  await enqueue(tx, [...cardUpdate(story, channels), tellerDm(story, event, now)], now);
  return { ok: true, story };
}

/** Approves a pending or rejected story (a double click approves it once). */
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

/** Rejects a pending or approved story with a note for the teller; it is no longer the pick. */
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
 * Picks the story of the next weekly update (approving it if it was pending), noting the week (in the
 * company's time zone) it was picked in. A double click, or a story already picked or featured, changes
 * nothing. A previous pick is withdrawn: its card offers the button again.
 */
export async function pickStory(
  db: Db,
  id: number,
  reviewerId: string,
  zone: string,
  channels: StoryChannels,
  now: Date,
): Promise<ReviewResult & { unpicked?: number[] }> {
  return db.transaction(async (tx) => {
    const picked = await pickStoryForNextUpdate(tx, id, {
      pickedForWeek: isoWeekKey(now, zone),
      reviewedBy: reviewerId,
      reviewedAt: now,
    });
    if (!picked) return { ok: false, reason: 'not_found_or_unchanged' } as const;
    await enqueue(
      tx,
      picked.unpicked.flatMap((other) => cardUpdate(other, channels)),
      now,
    );
    const result = await reviewed(tx, picked.story, 'picked', channels, now);
    return { ...result, unpicked: picked.unpicked.map((other) => other.id) };
  });
}

/** The CX office's edit of a story; its card shows the change. */
export async function editStory(
  db: Db,
  id: number,
  edited: StoryInput,
  channels: StoryChannels,
  now: Date,
): Promise<Story | undefined> {
  return db.transaction(async (tx) => {
    const story = await updateStory(tx, id, edited);
    if (story) await enqueue(tx, cardUpdate(story, channels), now);
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
  if (story) await enqueue(tx, cardUpdate(story, channels), now);
}

/** A journey stage featured in the weekly update rests this many weeks: the next stories prefer others. */
export const STAGE_REST_WEEKS = 4;

/**
 * The story of the week: the CX office's pick (whenever they picked it; the card shows them whether the
 * teller confirmed it can be shared), else the most recent approved story not featured yet that its teller
 * marked as fine to share company-wide, preferring a journey stage not featured in the last four weeks.
 */
export async function chooseStoryOfTheWeek(db: DbOrTx, zone: string, now: Date): Promise<Story | undefined> {
  const picked = await findPickedStory(db);
  if (picked) return picked;
  const since = isoWeekKey(inZone(now, zone).minus({ weeks: STAGE_REST_WEEKS }).toJSDate(), zone);
  return findStoryToFeature(db, since);
}

// ---- Reading ------------------------------------------------------------------------------------------

/** One story, as stored (the reject form shows it). */
export function findStoryById(db: Db, storyId: number): Promise<Story | undefined> {
  return findStory(db, storyId);
}

/** A story and the stages its edit form offers (retired ones too: the story may have one). */
export async function loadStoryForEdit(
  db: Db,
  storyId: number,
): Promise<{ story: Story; stages: JourneyStage[]; categories: TouchpointCategory[] } | undefined> {
  const [story, stages, categories] = await Promise.all([
    findStory(db, storyId),
    listJourneyStages(db),
    listTouchpointCategories(db),
  ]);
  return story && { story, stages, categories };
}

export interface StoryCardModel {
  story: Story;
  stageName: string | undefined;
  categoryName?: string | undefined;
  /** The accountable executive of the story's stage (set in settings), if any. */
  stageOwnerId?: string | undefined;
  /** The pick for the next weekly update. */
  picked: boolean;
  /** The rules and roadmap items it is linked to. */
  links?: Links | undefined;
}

/** What the review card shows: the story as it is now, its stage's name and whether it is the pick. */
export async function loadStoryCard(db: DbOrTx, storyId: number): Promise<StoryCardModel | undefined> {
  const story = await findStory(db, storyId);
  if (!story) return undefined;
  const [stages, categories, owners, links] = await Promise.all([
    listJourneyStages(db),
    touchpointCategoryNames(db),
    journeyStageOwners(db),
    linksOf(db, 'story', [story.id]),
  ]);
  return {
    links: links.get(story.id),
    story,
    stageName: stages.find((stage) => stage.id === story.stageId)?.name,
    categoryName: story.categoryId ? categories.get(story.categoryId) : undefined,
    stageOwnerId: story.stageId ? owners.get(story.stageId) : undefined,
    picked: story.pickedForWeek !== null && story.featuredInWeek === null,
  };
}

export type LinkStoryResult =
  | { ok: true; created: boolean; storyName: string; targetName: string }
  | { ok: false; reason: 'not_found' | 'no_such_target' };

/**
 * The CX office links a story to the rule or roadmap item it shows the need for: the link, and both
 * cards in place (the story's says "linked to RULE-42", the rule's "from customer story #5"), in one
 * transaction. The same link twice changes nothing.
 */
export async function linkStory(
  db: Db,
  input: { storyId: number; target: { kind: 'rule' | 'roadmap_item'; id: number }; actorId: string },
  channels: StoryChannels,
  now: Date,
): Promise<LinkStoryResult> {
  const { target } = input;
  const [story, targetName] = await Promise.all([
    findStory(db, input.storyId),
    target.kind === 'rule'
      ? findRule(db, target.id).then((rule) => rule && `${ruleRef(rule)} “${rule.title}”`)
      : findItem(db, target.id).then((item) => item && `roadmap item #${item.id} “${item.title}”`),
  ]);
  if (!story) return { ok: false, reason: 'not_found' };
  if (!targetName) return { ok: false, reason: 'no_such_target' };
  const created = await db.transaction(async (tx) => {
    const linked = await linkItems(
      tx,
      { origin: { kind: 'story', id: story.id }, item: target, createdBy: input.actorId },
      now,
    );
    if (!linked) return false;
    await enqueue(tx, cardUpdate(story, channels), now);
    if (target.kind === 'rule') await queueRuleCardUpdate(tx, target.id, now, channels);
    return true;
  });
  return { ok: true, created, storyName: `customer story #${story.id}`, targetName };
}

/** Keeps where Slack put the story's review card: its updates name it from there. */
export async function rememberStoryCard(db: DbOrTx, storyId: number, posted: PostedMessage): Promise<void> {
  await updateStory(db, storyId, { cardChannel: posted.channel, cardTs: posted.ts });
}

/** Every story, with its stage's name, for the CX office's export. */
export async function listStoriesForExport(
  db: Db,
): Promise<{ story: Story; stageName: string | undefined; categoryName: string | undefined }[]> {
  const [all, stages, categories] = await Promise.all([
    listAllStories(db),
    listJourneyStages(db),
    touchpointCategoryNames(db),
  ]);
  const stageName = new Map(stages.map((stage) => [stage.id, stage.name]));
  return all.map((story) => ({
    story,
    stageName: story.stageId ? stageName.get(story.stageId) : undefined,
    categoryName: story.categoryId ? categories.get(story.categoryId) : undefined,
  }));
}
