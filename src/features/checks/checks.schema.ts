import { index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { journeyStages } from '../settings/stages.schema.js';

export const CHECK_ANSWERS = ['yes', 'it_depends', 'not_yet'] as const;
export type CheckAnswer = (typeof CHECK_ANSWERS)[number];
/** The optional "why" of an answer: the input's max_length and the form's check. */
export const CHECK_WHY_MAX = 1000;

/**
 * The quarterly "it depends" check: one question per quarter, stage and person ("In <stage>, is the
 * experience we deliver consistent and reliable?"). The row is written with the DM's outbox item, in one
 * transaction; the unique index is the once-a-quarter guarantee. The answer is filled in when given.
 */
export const stageChecks = pgTable(
  'stage_checks',
  {
    id: serial('id').primaryKey(),
    /** YYYY-Qn, e.g. 2026-Q4. */
    quarter: text('quarter').notNull(),
    stageId: integer('stage_id')
      .notNull()
      .references(() => journeyStages.id),
    userId: text('user_id').notNull(),
    askedAt: timestamp('asked_at', { withTimezone: true }).notNull(),
    answer: text('answer', { enum: CHECK_ANSWERS }),
    why: text('why'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('stage_checks_once_unique').on(table.quarter, table.stageId, table.userId),
    index('stage_checks_quarter_idx').on(table.quarter),
  ],
);
