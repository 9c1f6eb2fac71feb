import { and, desc, eq, lt, min, ne, or } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { jobRuns } from '../../jobs/job-runs.schema.js';

/**
 * The weekly update's record: one `job_runs` row per week (`digest` / `2026-W48`), written in the same
 * transaction as the update's outbox items, so "posted exactly once per week" holds across replicas,
 * restarts and double clicks.
 */

const DIGEST_JOB = 'digest';

/** What a week's row says (its `result` column, JSON). Rows from before the outbox carry a permalink. */
export const weekResultSchema = z.object({
  /** posted: the update is in the outbox (or sent); nothing: the schedule found nothing to say; skipped: the CX office. */
  reason: z.enum(['posted', 'nothing', 'skipped']).optional(),
  /** The outbox key of the headline: its `result` has the posted message's channel and ts. */
  headline: z.string().optional(),
  permalink: z.string().optional(),
  /** Who skipped the week. */
  by: z.string().optional(),
});
export type WeekResult = z.infer<typeof weekResultSchema>;

export interface WeekRecord {
  status: 'running' | 'done' | 'failed' | 'skipped';
  result: WeekResult;
}

const NOTHING = JSON.stringify({ reason: 'nothing' } satisfies WeekResult);
// A claim left by a process from before the outbox (it died mid-post): the week may be written again.
const STALE_CLAIM_MS = 10 * 60_000;

function parseResult(text: string | null): WeekResult {
  if (!text) return {};
  try {
    return weekResultSchema.parse(JSON.parse(text));
  } catch {
    return {};
  }
}

export async function findWeekRecord(db: DbOrTx, week: string): Promise<WeekRecord | undefined> {
  const [row] = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, DIGEST_JOB), eq(jobRuns.period, week)))
    .limit(1);
  return row && { status: row.status, result: parseResult(row.result) };
}

/** When the last week's update was posted (its record written), leaving `excludeWeek` out. */
export async function findLastPostedAt(db: DbOrTx, excludeWeek?: string): Promise<Date | undefined> {
  const [last] = await db
    .select({ finishedAt: jobRuns.finishedAt })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.job, DIGEST_JOB),
        eq(jobRuns.status, 'done'),
        excludeWeek === undefined ? undefined : ne(jobRuns.period, excludeWeek),
      ),
    )
    .orderBy(desc(jobRuns.finishedAt))
    .limit(1);
  return last?.finishedAt ?? undefined;
}

/**
 * Writes the week's record unless the week is taken; returns whether it was written. A week the schedule
 * found empty is taken for the schedule, not for the CX office (`overNothing`): they may send or skip it
 * once there is something to say.
 */
export async function recordWeek(
  tx: DbOrTx,
  week: string,
  record: { status: 'done' | 'skipped'; result: WeekResult },
  now: Date,
  options: { overNothing: boolean },
): Promise<boolean> {
  const values = {
    job: DIGEST_JOB,
    period: week,
    status: record.status,
    claimedAt: now,
    finishedAt: now,
    result: JSON.stringify(record.result),
  };
  const rows = await tx
    .insert(jobRuns)
    .values(values)
    .onConflictDoUpdate({
      target: [jobRuns.job, jobRuns.period],
      set: { status: values.status, claimedAt: now, finishedAt: now, result: values.result },
      setWhere: or(
        eq(jobRuns.status, 'failed'),
        and(
          eq(jobRuns.status, 'running'),
          // Through the column, so both drivers get the date as a timestamp.
          lt(jobRuns.claimedAt, new Date(now.getTime() - STALE_CLAIM_MS)),
        ),
        options.overNothing ? and(eq(jobRuns.status, 'skipped'), eq(jobRuns.result, NOTHING)) : undefined,
      ),
    })
    .returning({ job: jobRuns.job });
  return rows.length > 0;
}

/** Points the week's record at another headline (posted again): "already posted" links to the latest. */
export async function setWeekHeadline(tx: DbOrTx, week: string, headline: string): Promise<void> {
  await tx
    .update(jobRuns)
    .set({ result: JSON.stringify({ reason: 'posted', headline } satisfies WeekResult) })
    .where(and(eq(jobRuns.job, DIGEST_JOB), eq(jobRuns.period, week), eq(jobRuns.status, 'done')));
}

/** Records that something happened once for `period` (a notice, a click); false when it had already. */
export async function recordOnce(db: DbOrTx, job: string, period: string, now: Date): Promise<boolean> {
  const rows = await db
    .insert(jobRuns)
    .values({ job, period, status: 'done', claimedAt: now, finishedAt: now })
    .onConflictDoNothing()
    .returning({ job: jobRuns.job });
  return rows.length > 0;
}

/**
 * The earliest moment the database shows Touchpoint running: its first scheduled run of any job (the
 * weekly update's tick records one at its first tick). Undefined on a database nothing ever ran on.
 */
export async function firstSignOfRunning(db: DbOrTx): Promise<Date | undefined> {
  const [row] = await db.select({ first: min(jobRuns.claimedAt) }).from(jobRuns);
  return row?.first ?? undefined;
}
