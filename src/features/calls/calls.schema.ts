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

export const CALL_KINDS = ['call', 'visit', 'frontline'] as const;
export const CALL_RESULTS = ['reached', 'voicemail', 'rescheduled', 'no_answer'] as const;
export const SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
/** A call has up to three follow-ups. */
export const MAX_FOLLOW_UPS = 3;
// What each text field of the call modal takes: the input's max_length and the form's check.
export const CUSTOMER_MAX = 200;
export const CONTACT_MAX = 200;
export const LEARNED_MAX = 3000;
export const FOLLOW_UP_MAX = 500;
/** A call's duration in whole minutes (the input takes as many digits as this has). */
export const DURATION_MAX_MINUTES = 600;

/** The executive roster, synced from TOUCHPOINT_EXECUTIVES (users and user groups) and users.info. */
export const executives = pgTable('executives', {
  userId: text('user_id').primaryKey(),
  active: boolean('active').notNull().default(true),
  timeZone: text('time_zone').notNull().default('UTC'),
  name: text('name'),
  /** Calls a month; null: the company default (a setting). */
  monthlyTarget: integer('monthly_target'),
  /** No nudges until this local date (YYYY-MM-DD), inclusive. */
  pausedUntil: text('paused_until'),
  /** No nudges before this instant. */
  snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
  syncedAt: timestamp('synced_at', { withTimezone: true }).notNull(),
});

/** A logged customer conversation (a call, a visit, or time with front-line employees). */
export const calls = pgTable(
  'calls',
  {
    id: serial('id').primaryKey(),
    loggedBy: text('logged_by').notNull(),
    customer: text('customer').notNull(),
    contact: text('contact'),
    /** YYYY-MM-DD in the logger's time zone. */
    callDate: text('call_date').notNull(),
    kind: text('kind', { enum: CALL_KINDS }).notNull(),
    result: text('result', { enum: CALL_RESULTS }).notNull(),
    durationMinutes: integer('duration_minutes'),
    stageId: integer('stage_id').references(() => journeyStages.id),
    /** The optional touch-point category, the second tag next to the stage. */
    categoryId: integer('category_id').references(() => touchpointCategories.id),
    learned: text('learned').notNull(),
    sentiment: text('sentiment', { enum: SENTIMENTS }),
    shareAsStory: boolean('share_as_story').notNull().default(false),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('calls_idempotency_key_unique').on(table.idempotencyKey),
    index('calls_logged_by_date_idx').on(table.loggedBy, table.callDate),
  ],
);

export const followUps = pgTable(
  'follow_ups',
  {
    id: serial('id').primaryKey(),
    callId: integer('call_id')
      .notNull()
      .references(() => calls.id),
    ownerId: text('owner_id').notNull(),
    ownerTimeZone: text('owner_time_zone').notNull().default('UTC'),
    action: text('action').notNull(),
    /** YYYY-MM-DD; the reminder goes out that morning in the owner's zone. */
    dueDate: text('due_date'),
    remindedOn: text('reminded_on'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('follow_ups_open_idx').on(table.doneAt, table.dueDate)],
);

/**
 * One nudge per executive and ISO week (in their zone): the primary key is the once-a-week guarantee. The
 * row is written with the nudge's outbox item, in one transaction; the outbox delivers it. `status`,
 * `claimed_at` and `sent_at` served the claim a run held while it sent itself: new rows are 'sent' with
 * both times the moment the nudge was queued.
 */
export const nudges = pgTable(
  'nudges',
  {
    executiveId: text('executive_id').notNull(),
    week: text('week').notNull(),
    status: text('status', { enum: ['sending', 'sent', 'failed'] }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.executiveId, table.week] })],
);
