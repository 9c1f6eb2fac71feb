import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { journeyStages, touchpointCategories } from '../settings/stages.schema.js';

export const RULE_STATUSES = ['new', 'under_review', 'accepted', 'killed', 'kept', 'duplicate'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export const HURTS = ['customers', 'employees', 'both'] as const;
export type Hurts = (typeof HURTS)[number];

/** Where a nomination was made: `/killrule`, a shortcut or button, or a message's shortcut. */
export const RULE_SOURCES = ['command', 'shortcut', 'message'] as const;
export type RuleSource = (typeof RULE_SOURCES)[number];

/**
 * Nominations of rules to kill. `submitterId` is kept even when anonymous, so the bot alone can tell the
 * submitter the outcome; views, exports and logs never show it for an anonymous nomination.
 */
export const rules = pgTable(
  'rules',
  {
    id: serial('id').primaryKey(),
    /** RULE-<number>: numbered without gaps (taken from `rule_numbers` by the inserting statement). */
    number: integer('number').notNull(),
    title: text('title').notNull(),
    hurts: text('hurts', { enum: HURTS }).notNull(),
    why: text('why').notNull(),
    stageId: integer('stage_id').references(() => journeyStages.id),
    /** The optional touch-point category, the second tag next to the stage. */
    categoryId: integer('category_id').references(() => touchpointCategories.id),
    replacementIdea: text('replacement_idea'),
    anonymous: boolean('anonymous').notNull().default(false),
    submitterId: text('submitter_id').notNull(),
    status: text('status', { enum: RULE_STATUSES }).notNull().default('new'),
    ownerId: text('owner_id'),
    duplicateOfId: integer('duplicate_of_id'),
    /** The note of the last decision (kill, keep, …), sent to submitter and voters. */
    decisionNote: text('decision_note'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    source: text('source', { enum: RULE_SOURCES }).notNull(),
    sourcePermalink: text('source_permalink'),
    /** The card in the backlog channel; null until posted. */
    cardChannel: text('card_channel'),
    cardTs: text('card_ts'),
    /** The modal's view ID: a replayed submission finds the nomination it already created. */
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('rules_number_unique').on(table.number),
    uniqueIndex('rules_idempotency_key_unique').on(table.idempotencyKey),
    index('rules_submitter_idx').on(table.submitterId),
    index('rules_status_idx').on(table.status),
  ],
);

/** "Me too": one row per person and nomination. */
export const ruleVotes = pgTable(
  'rule_votes',
  {
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id),
    userId: text('user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.ruleId, table.userId] })],
);

/** The audit trail: every change, who made it and when, written in the transaction of the change. */
export const ruleEvents = pgTable(
  'rule_events',
  {
    id: serial('id').primaryKey(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id),
    actorId: text('actor_id').notNull(),
    action: text('action', { enum: ['status', 'owner', 'duplicate', 'note'] }).notNull(),
    fromStatus: text('from_status', { enum: RULE_STATUSES }),
    toStatus: text('to_status', { enum: RULE_STATUSES }),
    ownerId: text('owner_id'),
    note: text('note'),
    /** A replayed click or submission finds its event instead of adding another. */
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('rule_events_rule_idx').on(table.ruleId),
    uniqueIndex('rule_events_idempotency_key_unique').on(table.idempotencyKey),
  ],
);

/**
 * The last RULE number given out (one row, id 1). A nomination takes its number and inserts itself in
 * one statement, so the row is locked only while the server runs that statement; a failed insert rolls
 * the increment back, so numbers stay gapless.
 */
export const ruleNumbers = pgTable('rule_numbers', {
  id: integer('id').primaryKey(),
  last: integer('last').notNull(),
});
