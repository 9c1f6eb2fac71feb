import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  insertStory,
  pickStoryForNextUpdate,
  type Story,
  transitionStory,
  updateStory,
} from './stories.queries.js';

/** Product rules of customer stories. No Slack here. */

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

/** Saves a story for the CX office to review; a replayed submission returns the first one. */
export async function shareStory(
  db: Db,
  input: {
    fields: StoryFields;
    tellerId: string;
    source: 'command' | 'shortcut' | 'message';
    permalink: string | null;
    idempotencyKey: string;
  },
  now: Date,
): Promise<{ story: Story; created: boolean }> {
  return insertStory(db, {
    ...columns(input.fields),
    tellerId: input.tellerId,
    source: input.source,
    sourcePermalink: input.permalink,
    idempotencyKey: input.idempotencyKey,
    createdAt: now,
  });
}

export type ReviewResult = { ok: true; story: Story } | { ok: false; reason: 'not_found_or_unchanged' };

export async function approveStory(db: Db, id: number, reviewerId: string, now: Date): Promise<ReviewResult> {
  const story = await transitionStory(db, id, ['pending', 'rejected'], {
    status: 'approved',
    reviewedBy: reviewerId,
    reviewedAt: now,
    reviewNote: null,
  });
  return story ? { ok: true, story } : { ok: false, reason: 'not_found_or_unchanged' };
}

export async function rejectStory(
  db: Db,
  id: number,
  reviewerId: string,
  note: string,
  now: Date,
): Promise<ReviewResult> {
  const story = await transitionStory(db, id, ['pending', 'approved'], {
    status: 'rejected',
    reviewedBy: reviewerId,
    reviewedAt: now,
    reviewNote: note,
    pickedForWeek: null,
  });
  return story ? { ok: true, story } : { ok: false, reason: 'not_found_or_unchanged' };
}

/**
 * Picks the story of the next weekly update (approving it if it was pending). `week` records when it
 * was picked. A double click, or a story already picked or featured, changes nothing.
 */
export async function pickStory(
  db: Db,
  id: number,
  reviewerId: string,
  week: string,
  now: Date,
): Promise<ReviewResult & { unpicked?: number[] }> {
  const picked = await pickStoryForNextUpdate(db, id, {
    pickedForWeek: week,
    reviewedBy: reviewerId,
    reviewedAt: now,
  });
  return picked
    ? { ok: true, story: picked.story, unpicked: picked.unpicked }
    : { ok: false, reason: 'not_found_or_unchanged' };
}

export async function editStory(db: Db, id: number, fields: StoryFields): Promise<Story | undefined> {
  return updateStory(db, id, columns(fields));
}
