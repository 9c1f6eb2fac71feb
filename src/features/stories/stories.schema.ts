import { boolean, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { journeyStages, touchpointCategories } from '../settings/stages.schema.js';

export const STORY_KINDS = ['delighted', 'pain_point', 'recovery'] as const;
export type StoryKind = (typeof STORY_KINDS)[number];

/** Where a story was told: `/story`, a shortcut or button, a message's shortcut, or a logged call. */
export const STORY_SOURCES = ['command', 'shortcut', 'message', 'call'] as const;
export type StorySource = (typeof STORY_SOURCES)[number];

/**
 * Customer stories, from `/story`, the shortcuts, or a logged call shared as a story. Every story waits
 * for the CX office (`pending`) before it can be featured in the weekly update.
 */
export const stories = pgTable(
  'stories',
  {
    id: serial('id').primaryKey(),
    /** What happened, as the teller wrote it. */
    body: text('body').notNull(),
    customer: text('customer'),
    stageId: integer('stage_id').references(() => journeyStages.id),
    /** The optional touch-point category, the second tag next to the stage. */
    categoryId: integer('category_id').references(() => touchpointCategories.id),
    kind: text('kind', { enum: STORY_KINDS }).notNull(),
    /** The teller confirmed the customer agreed / it can be shared company-wide. */
    shareable: boolean('shareable').notNull().default(false),
    tellerId: text('teller_id').notNull(),
    source: text('source', { enum: STORY_SOURCES }).notNull(),
    /** For stories from a call: the call it came from (no FK, so the calls feature owns its table). */
    sourceCallId: integer('source_call_id'),
    sourcePermalink: text('source_permalink'),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNote: text('review_note'),
    /** Chosen by the CX office as the story of the week `YYYY-Www`. */
    pickedForWeek: text('picked_for_week'),
    /** The week whose digest featured it. */
    featuredInWeek: text('featured_in_week'),
    /** The review card in the backlog channel; null until the outbox has posted it. */
    cardChannel: text('card_channel'),
    cardTs: text('card_ts'),
    /** Makes a retried submission harmless: Slack's view ID, or `call:<id>`. */
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('stories_idempotency_key_unique').on(table.idempotencyKey),
    index('stories_status_idx').on(table.status),
  ],
);
