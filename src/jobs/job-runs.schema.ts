import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per scheduled piece of work and period (`rules.aging` / `2026-11-23`, `digest` / `2026-W48`).
 * The primary key makes "once per period" hold across replicas and restarts.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    job: text('job').notNull(),
    period: text('period').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed', 'skipped'] }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** What the run produced (e.g. the posted message's channel and ts), for "already posted" answers. */
    result: text('result'),
  },
  (table) => [primaryKey({ columns: [table.job, table.period] })],
);
