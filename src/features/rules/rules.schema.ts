import { sql } from 'drizzle-orm';
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

export const RULE_STATUSES = [
  'new',
  'under_review',
  'accepted',
  'killed',
  'kept',
  'duplicate',
  /** Not a rule at all: the CX office's clarification ("you can refund up to €200 without a signature"). */
  'not_a_rule',
  /** Kept because the law or a regulation requires it (the reference is the decision's). */
  'required_by_law',
] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export const HURTS = ['customers', 'employees', 'both'] as const;

/** The CX office's rating from the card: easy + high impact is a quick kill. */
export const EASE_LEVELS = ['easy', 'medium', 'hard'] as const;
export type Ease = (typeof EASE_LEVELS)[number];
export const IMPACT_LEVELS = ['low', 'medium', 'high'] as const;
export type Impact = (typeof IMPACT_LEVELS)[number];
/** Where the rule lives (a team, a system, a document), typed at intake: the input's max_length. */
export const LIVES_IN_MAX = 200;
/** A question to an anonymous submitter and its answer. */
export const QUESTION_MAX = 1000;
/** The note of "it's back" after a kill. */
export const BACK_NOTE_MAX = 1000;
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
    /**
     * Who suggested it; for an anonymous suggestion the placeholder `anonymous`: the person is kept only in
     * `anonymous_submitters`, which the rules feature alone reads (to answer them through the bot).
     */
    submitterId: text('submitter_id').notNull(),
    /** The submitter said at intake: do not thank me by name in the weekly update when it is killed. */
    creditOptOut: boolean('credit_opt_out').notNull().default(false),
    /** Where the rule lives (a team, a system, a document), as typed at intake. */
    livesIn: text('lives_in'),
    /** Who owns the rule itself (a Slack user), named at intake; not the owner of the decision. */
    ruleOwnerId: text('rule_owner_id'),
    ease: text('ease', { enum: EASE_LEVELS }),
    impact: text('impact', { enum: IMPACT_LEVELS }),
    /** Accepted: killed by this day (YYYY-MM-DD, company zone); past it the rule ages as overdue. */
    killBy: text('kill_by'),
    /** "It's back": this suggestion reopens a killed one. */
    reopenedFromId: integer('reopened_from_id'),
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
    // Similar suggestions while nominating and `/killrule search`: full text over title and why.
    index('rules_search_idx').using(
      'gin',
      sql`to_tsvector('english', ${table.title} || ' ' || ${table.why})`,
    ),
  ],
);

/**
 * The person behind an anonymous suggestion, apart from `rules` (which every feature reads): only the
 * rules feature's notify and question paths read it, to reach them through the bot.
 */
export const anonymousSubmitters = pgTable('anonymous_submitters', {
  ruleId: integer('rule_id')
    .primaryKey()
    .references(() => rules.id),
  userId: text('user_id').notNull(),
});

/** Two-way anonymous: the CX office's question to a suggestion's submitter and the answer, via the bot. */
export const ruleQuestions = pgTable(
  'rule_questions',
  {
    id: serial('id').primaryKey(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id),
    askedBy: text('asked_by').notNull(),
    question: text('question').notNull(),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull(),
    answer: text('answer'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    /** The modal's view ID: a replayed submission asks once. */
    idempotencyKey: text('idempotency_key').notNull(),
  },
  (table) => [
    index('rule_questions_rule_idx').on(table.ruleId),
    uniqueIndex('rule_questions_idempotency_key_unique').on(table.idempotencyKey),
  ],
);

/**
 * "Still dead?" 30 days after a kill: one question per killed rule and person (a voter by ID; the
 * submitter as `voter_id` null, reached through `anonymous_submitters` or `rules.submitter_id`).
 */
export const ruleStillDeadChecks = pgTable(
  'rule_still_dead_checks',
  {
    id: serial('id').primaryKey(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id),
    voterId: text('voter_id'),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull(),
    answer: text('answer', { enum: ['gone', 'back'] }),
    note: text('note'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('rule_still_dead_checks_once_unique').on(table.ruleId, sql`coalesce(${table.voterId}, '')`),
  ],
);

/** A voter's daily summary of what changed on what they backed: one per person and day (company zone). */
export const ruleVoterSummaries = pgTable(
  'rule_voter_summaries',
  {
    userId: text('user_id').notNull(),
    /** YYYY-MM-DD. */
    day: text('day').notNull(),
    /** The changes up to this instant are told; the next summary starts here. */
    upTo: timestamp('up_to', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.day] })],
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
    action: text('action', { enum: ['status', 'owner', 'duplicate', 'note', 'rating'] }).notNull(),
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
