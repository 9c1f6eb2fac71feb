import { and, desc, eq, lt, min, ne, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import { jobRuns } from '../../jobs/job-runs.schema.js';
import { rowsOf } from '../../outbox/outbox.queries.js';
import type { LinkKind } from '../links/links.schema.js';

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

/** One link of a chain that ends in the window, with what its origin is (a call, a story, a rule…). */
export interface ChainLinkRow {
  endKind: 'rule' | 'roadmap_item';
  endId: number;
  /** The end's RULE number (a rule end). */
  endRuleNumber: number | null;
  depth: number;
  linkId: number;
  originKind: LinkKind;
  originId: number;
  itemKind: LinkKind;
  itemId: number;
  /**
   * A call, or a follow-up's call: who logged it (null when it led to an anonymous suggestion), what kind,
   * the result, what we learned.
   */
  callUserId: string | null;
  callKind: 'call' | 'visit' | 'frontline' | null;
  callResult: string | null;
  learned: string | null;
  /** A story: its teller, whether it may be shared company-wide, its review status. */
  tellerId: string | null;
  shareable: boolean | null;
  storyStatus: string | null;
  /** A rule: its number, status, and its submitter unless anonymous (never read for an anonymous one). */
  ruleNumber: number | null;
  ruleStatus: string | null;
  ruleSubmitterId: string | null;
  /** A roadmap item: its title. */
  itemTitle: string | null;
}

// Calls → follow-ups → stories → rules → roadmap items: four links at most on any real path.
const MAX_CHAIN_DEPTH = 6;

/**
 * Every link of every chain that ends in the window (a rule killed, a roadmap item changed), each with
 * its origin's details: one statement, however many chains (a recursive walk of `item_links` from the
 * ends back to their roots, guarded against cycles). An anonymous rule's submitter is never selected.
 */
export async function listChainLinksEndingBetween(
  db: DbOrTx,
  start: Date,
  end: Date,
): Promise<ChainLinkRow[]> {
  // Raw SQL (a recursive CTE): postgres.js takes no Date objects as parameters, so times go as ISO text.
  const from = sql`${start.toISOString()}::timestamptz`;
  const to = sql`${end.toISOString()}::timestamptz`;
  const result = await db.execute(sql`
    with recursive ends(kind, id) as (
      select 'rule'::text, r.id from rules r
        where r.status = 'killed' and r.decided_at >= ${from} and r.decided_at < ${to}
      union
      select 'roadmap_item'::text, c.item_id from roadmap_changes c
        where c.created_at >= ${from} and c.created_at < ${to}
    ),
    chain(end_kind, end_id, depth, link_id, origin_kind, origin_id, item_kind, item_id, path) as (
      select e.kind, e.id, 1, l.id, l.origin_kind, l.origin_id, l.item_kind, l.item_id, array[l.id]
        from ends e join item_links l on l.item_kind = e.kind and l.item_id = e.id
      union all
      select c.end_kind, c.end_id, c.depth + 1, l.id, l.origin_kind, l.origin_id, l.item_kind, l.item_id,
          c.path || l.id
        from chain c join item_links l on l.item_kind = c.origin_kind and l.item_id = c.origin_id
        where c.depth < ${MAX_CHAIN_DEPTH} and not (l.id = any(c.path))
    )
    select c.end_kind, c.end_id, er.number as end_rule_number, c.depth, c.link_id,
        c.origin_kind, c.origin_id, c.item_kind, c.item_id,
        -- A call turned into an anonymous suggestion: naming who had the call could name the submitter.
        case when nr.anonymous then null else coalesce(oc.logged_by, fc.logged_by) end as call_user_id,
        coalesce(oc.kind, fc.kind) as call_kind,
        coalesce(oc.result, fc.result) as call_result,
        coalesce(oc.learned, fc.learned) as learned,
        s.teller_id, s.shareable, s.status as story_status,
        r.number as rule_number, r.status as rule_status,
        -- Named only when not anonymous and the submitter did not opt out of thanks by name.
        case when r.anonymous or r.credit_opt_out then null else r.submitter_id end as rule_submitter_id,
        ri.title as item_title
      from chain c
      left join rules er on c.end_kind = 'rule' and er.id = c.end_id
      left join rules nr on c.item_kind = 'rule' and nr.id = c.item_id
      left join calls oc on c.origin_kind = 'call' and oc.id = c.origin_id
      left join follow_ups f on c.origin_kind = 'follow_up' and f.id = c.origin_id
      left join calls fc on fc.id = f.call_id
      left join stories s on c.origin_kind = 'story' and s.id = c.origin_id
      left join rules r on c.origin_kind = 'rule' and r.id = c.origin_id
      left join roadmap_items ri on c.origin_kind = 'roadmap_item' and ri.id = c.origin_id
      order by c.end_kind, c.end_id, c.depth, c.link_id`);
  return (rowsOf(result) as Record<string, unknown>[]).map((row) => ({
    endKind: row.end_kind as ChainLinkRow['endKind'],
    endId: Number(row.end_id),
    endRuleNumber: row.end_rule_number == null ? null : Number(row.end_rule_number),
    depth: Number(row.depth),
    linkId: Number(row.link_id),
    originKind: row.origin_kind as LinkKind,
    originId: Number(row.origin_id),
    itemKind: row.item_kind as LinkKind,
    itemId: Number(row.item_id),
    callUserId: (row.call_user_id as string | null) ?? null,
    callKind: (row.call_kind as ChainLinkRow['callKind']) ?? null,
    callResult: (row.call_result as string | null) ?? null,
    learned: (row.learned as string | null) ?? null,
    tellerId: (row.teller_id as string | null) ?? null,
    shareable: (row.shareable as boolean | null) ?? null,
    storyStatus: (row.story_status as string | null) ?? null,
    ruleNumber: row.rule_number == null ? null : Number(row.rule_number),
    ruleStatus: (row.rule_status as string | null) ?? null,
    ruleSubmitterId: (row.rule_submitter_id as string | null) ?? null,
    itemTitle: (row.item_title as string | null) ?? null,
  }));
}
