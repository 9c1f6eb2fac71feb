import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { jobRuns } from './job-runs.schema.js';

export type JobRun = typeof jobRuns.$inferSelect;

/**
 * Claims `job` for `period`. Exactly one caller gets `true`, whatever the number of replicas; a run left
 * `running` longer than `staleAfterMs` (its process died) or `failed` can be claimed again.
 */
export async function claimJobRun(
  db: Db,
  job: string,
  period: string,
  now: Date,
  staleAfterMs = 10 * 60_000,
): Promise<boolean> {
  const inserted = await db
    .insert(jobRuns)
    .values({ job, period, status: 'running', claimedAt: now })
    .onConflictDoNothing()
    .returning({ job: jobRuns.job });
  if (inserted.length > 0) return true;
  const retaken = await db
    .update(jobRuns)
    .set({ status: 'running', claimedAt: now, finishedAt: null })
    .where(
      and(
        eq(jobRuns.job, job),
        eq(jobRuns.period, period),
        or(
          eq(jobRuns.status, 'failed'),
          and(eq(jobRuns.status, 'running'), lt(jobRuns.claimedAt, new Date(now.getTime() - staleAfterMs))),
        ),
      ),
    )
    .returning({ job: jobRuns.job });
  return retaken.length > 0;
}

export async function finishJobRun(
  db: Db,
  job: string,
  period: string,
  status: 'done' | 'failed' | 'skipped',
  now: Date,
  result?: string,
): Promise<void> {
  await db
    .update(jobRuns)
    .set({ status, finishedAt: now, result: result ?? null })
    .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period)));
}

export async function findJobRun(db: Db, job: string, period: string): Promise<JobRun | undefined> {
  const rows = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job), eq(jobRuns.period, period)))
    .limit(1);
  return rows[0];
}
