import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

/**
 * The monthly journey-stage review's numbers: a fixed handful of GROUP BY statements over the whole
 * window (the month asked for and the five before it, for the trend and "since last month"), never one
 * per stage. Every statement takes the same window and the same scope (all stages, or some stages: the
 * untagged then drop out), so one stage and twenty cost the same number of statements.
 *
 * Raw SQL: postgres.js takes no Date objects as parameters, so instants go as ISO text, cast; counts are
 * cast to int and medians to float8 so both drivers return numbers.
 */

/** One month of the window: its key and its bounds in the company's zone (as instants and as dates). */
export interface ReviewMonth {
  month: string;
  start: Date;
  end: Date;
  /** YYYY-MM-DD of the first day, and of the first day of the next month (calls and due dates are dates). */
  startDate: string;
  endDate: string;
  /** First day (YYYY-MM-DD) of the quarter the month is in: "this quarter" for the executives' share. */
  quarterStartDate: string;
}

export interface ReviewWindow {
  /** Oldest first; the last one is the month under review. */
  months: ReviewMonth[];
  zone: string;
  /** Stage IDs to keep, or null for every stage and the untagged. */
  stageIds: number[] | null;
}

const at = (date: Date): SQL => sql`${date.toISOString()}::timestamptz`;

/** The window's months as a VALUES list: `m(month, start_at, end_at, start_date, end_date, quarter_date)`. */
function monthsTable(window: ReviewWindow): SQL {
  const rows = window.months.map(
    (m) =>
      sql`(${m.month}::text, ${at(m.start)}, ${at(m.end)}, ${m.startDate}::text, ${m.endDate}::text, ${m.quarterStartDate}::text)`,
  );
  return sql`(values ${sql.join(rows, sql`, `)}) as m(month, start_at, end_at, start_date, end_date, quarter_date)`;
}

function first(window: ReviewWindow): ReviewMonth {
  const month = window.months[0];
  if (!month) throw new Error('a review window has at least one month');
  return month;
}

function last(window: ReviewWindow): ReviewMonth {
  const month = window.months.at(-1);
  if (!month) throw new Error('a review window has at least one month');
  return month;
}

/** `and <column> in (…)` for a scoped review; nothing for the whole company. */
function inScope(column: SQL, window: ReviewWindow): SQL {
  if (window.stageIds === null) return sql``;
  if (window.stageIds.length === 0) return sql` and false`;
  return sql` and ${column} in (${sql.join(
    window.stageIds.map((id) => sql`${id}::int`),
    sql`, `,
  )})`;
}

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: unknown[] }).rows ?? []) as T[];
}

async function select<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/** A row keyed by month, stage and category (either may be null: untagged). */
export interface Keyed {
  month: string;
  stage_id: number | null;
  category_id: number | null;
}

/**
 * Rules by month, stage and category: made in the month; killed and kept (required by law counts as kept)
 * in the month; open at the month's end (not yet killed, kept, merged or found not to be a rule).
 * Decisions come from the audit trail (`rule_events`), with the rule's own status and decision time for a
 * rule that has none.
 */
export interface RuleCounts extends Keyed {
  made: number;
  killed: number;
  kept: number;
  open: number;
}

const decisionsCte = sql`decisions as (
  select rule_id,
    min(created_at) filter (where to_status in ('accepted', 'killed', 'kept', 'duplicate', 'not_a_rule', 'required_by_law')) as decided_at,
    min(created_at) filter (where to_status = 'accepted') as accepted_at,
    min(created_at) filter (where to_status = 'killed') as killed_at,
    min(created_at) filter (where to_status in ('kept', 'required_by_law')) as kept_at,
    min(created_at) filter (where to_status in ('killed', 'kept', 'duplicate', 'not_a_rule', 'required_by_law')) as closed_at
  from rule_events where to_status is not null group by rule_id
), decided as (
  select r.id, r.stage_id, r.category_id, r.created_at,
    coalesce(d.decided_at, case when r.status in ('accepted', 'killed', 'kept', 'duplicate', 'not_a_rule', 'required_by_law') then r.decided_at end) as decided_at,
    d.accepted_at,
    coalesce(d.killed_at, case when r.status = 'killed' then r.decided_at end) as killed_at,
    coalesce(d.kept_at, case when r.status in ('kept', 'required_by_law') then r.decided_at end) as kept_at,
    coalesce(d.closed_at, case when r.status in ('killed', 'kept', 'duplicate', 'not_a_rule', 'required_by_law') then r.decided_at end) as closed_at
  from rules r left join decisions d on d.rule_id = r.id
)`;

export function countRulesByMonth(db: DbOrTx, window: ReviewWindow): Promise<RuleCounts[]> {
  return select<RuleCounts>(
    db,
    sql`with ${decisionsCte}
    select m.month, r.stage_id, r.category_id,
      count(*) filter (where r.created_at >= m.start_at and r.created_at < m.end_at)::int as made,
      count(*) filter (where r.killed_at >= m.start_at and r.killed_at < m.end_at)::int as killed,
      count(*) filter (where r.kept_at >= m.start_at and r.kept_at < m.end_at)::int as kept,
      count(*) filter (where r.created_at < m.end_at and (r.closed_at is null or r.closed_at >= m.end_at))::int as open
    from decided r cross join ${monthsTable(window)}
    where r.created_at < ${at(last(window).end)}${inScope(sql`r.stage_id`, window)}
    group by m.month, r.stage_id, r.category_id`,
  );
}

/** Health of the backlog by month: median days from suggestion to decision, and from accepted to killed. */
export interface RuleHealth {
  month: string;
  decided: number;
  median_days_to_decision: number | null;
  killed_after_accept: number;
  median_days_accepted_to_killed: number | null;
}

export function measureRuleHealthByMonth(db: DbOrTx, window: ReviewWindow): Promise<RuleHealth[]> {
  return select<RuleHealth>(
    db,
    sql`with ${decisionsCte}
    select m.month,
      count(*) filter (where r.decided_at >= m.start_at and r.decided_at < m.end_at)::int as decided,
      (percentile_cont(0.5) within group (order by extract(epoch from r.decided_at - r.created_at) / 86400)
        filter (where r.decided_at >= m.start_at and r.decided_at < m.end_at))::float8 as median_days_to_decision,
      count(*) filter (where r.killed_at >= m.start_at and r.killed_at < m.end_at and r.accepted_at is not null)::int as killed_after_accept,
      (percentile_cont(0.5) within group (order by extract(epoch from r.killed_at - r.accepted_at) / 86400)
        filter (where r.killed_at >= m.start_at and r.killed_at < m.end_at and r.accepted_at is not null))::float8 as median_days_accepted_to_killed
    from decided r cross join ${monthsTable(window)}
    where r.created_at < ${at(last(window).end)}${inScope(sql`r.stage_id`, window)}
    group by m.month`,
  );
}

/** "Me too" votes cast in each month, by the stage and category of the rule voted for. */
export interface VoteCounts extends Keyed {
  votes: number;
}

export function countVotesByMonth(db: DbOrTx, window: ReviewWindow): Promise<VoteCounts[]> {
  return select<VoteCounts>(
    db,
    sql`select to_char(v.created_at at time zone ${window.zone}, 'YYYY-MM') as month, r.stage_id, r.category_id,
      count(*)::int as votes
    from rule_votes v join rules r on r.id = v.rule_id
    where v.created_at >= ${at(first(window).start)} and v.created_at < ${at(last(window).end)}${inScope(sql`r.stage_id`, window)}
    group by 1, r.stage_id, r.category_id`,
  );
}

/**
 * Logged calls by month (the call's own date), stage and category. Only a call that reached the customer
 * is a conversation (with its sentiment); calls that did not (voicemail, no answer, rescheduled) and
 * visits or time with the front line are counted apart.
 */
export interface CallCounts extends Keyed {
  conversations: number;
  positive: number;
  neutral: number;
  negative: number;
  not_reached: number;
  visits: number;
}

export function countCallsByMonth(db: DbOrTx, window: ReviewWindow): Promise<CallCounts[]> {
  return select<CallCounts>(
    db,
    sql`select substr(c.call_date, 1, 7) as month, c.stage_id, c.category_id,
      count(*) filter (where c.kind = 'call' and c.result = 'reached')::int as conversations,
      count(*) filter (where c.kind = 'call' and c.result = 'reached' and c.sentiment = 'positive')::int as positive,
      count(*) filter (where c.kind = 'call' and c.result = 'reached' and c.sentiment = 'neutral')::int as neutral,
      count(*) filter (where c.kind = 'call' and c.result = 'reached' and c.sentiment = 'negative')::int as negative,
      count(*) filter (where c.kind = 'call' and c.result <> 'reached')::int as not_reached,
      count(*) filter (where c.kind <> 'call')::int as visits
    from calls c
    where c.call_date >= ${first(window).startDate} and c.call_date < ${last(window).endDate}${inScope(sql`c.stage_id`, window)}
    group by 1, c.stage_id, c.category_id`,
  );
}

/** Stories told in each month, by kind (a story the CX office rejected is left out). */
export interface StoryCounts extends Keyed {
  pain: number;
  delighted: number;
  recovery: number;
}

export function countStoriesByMonth(db: DbOrTx, window: ReviewWindow): Promise<StoryCounts[]> {
  return select<StoryCounts>(
    db,
    sql`select to_char(s.created_at at time zone ${window.zone}, 'YYYY-MM') as month, s.stage_id, s.category_id,
      count(*) filter (where s.kind = 'pain_point')::int as pain,
      count(*) filter (where s.kind = 'delighted')::int as delighted,
      count(*) filter (where s.kind = 'recovery')::int as recovery
    from stories s
    where s.status <> 'rejected' and s.created_at >= ${at(first(window).start)} and s.created_at < ${at(last(window).end)}${inScope(sql`s.stage_id`, window)}
    group by 1, s.stage_id, s.category_id`,
  );
}

/**
 * Roadmap items by month, stage and category: in progress at the month's end, planned or in progress
 * then (some work on the stage), and shipped during the month. Status over time comes from the change
 * history (`roadmap_changes`); an item without any is taken as it is now, from its creation.
 */
export interface RoadmapCounts extends Keyed {
  in_progress: number;
  active: number;
  shipped: number;
}

export function countRoadmapByMonth(db: DbOrTx, window: ReviewWindow): Promise<RoadmapCounts[]> {
  return select<RoadmapCounts>(
    db,
    sql`with statuses as (
      select c.item_id, c.to_status as status, c.created_at as from_at,
        lead(c.created_at) over (partition by c.item_id order by c.created_at, c.id) as to_at,
        lag(c.to_status) over (partition by c.item_id order by c.created_at, c.id) as before
      from roadmap_changes c where c.to_status is not null
      union all
      select i.id, i.status, i.created_at, null, null from roadmap_items i
      where not exists (select 1 from roadmap_changes c where c.item_id = i.id and c.to_status is not null)
    )
    select m.month, i.stage_id, i.category_id,
      count(distinct i.id) filter (where s.status = 'in_progress' and s.from_at < m.end_at and (s.to_at is null or s.to_at >= m.end_at))::int as in_progress,
      count(distinct i.id) filter (where s.status in ('planned', 'in_progress') and s.from_at < m.end_at and (s.to_at is null or s.to_at >= m.end_at))::int as active,
      count(distinct i.id) filter (where s.status = 'shipped' and s.before is distinct from 'shipped' and s.from_at >= m.start_at and s.from_at < m.end_at)::int as shipped
    from roadmap_items i join statuses s on s.item_id = i.id cross join ${monthsTable(window)}
    where s.from_at < ${at(last(window).end)}${inScope(sql`i.stage_id`, window)}
    group by m.month, i.stage_id, i.category_id`,
  );
}

/**
 * Follow-ups of calls by month and the call's stage and category: open at the month's end, overdue then
 * (due before the month ended), and the completion of those due in the month (or, without a due date,
 * made in it): how many, and how many were done by the month's end.
 */
export interface FollowUpCounts extends Keyed {
  open: number;
  overdue: number;
  due: number;
  done: number;
}

export function countFollowUpsByMonth(db: DbOrTx, window: ReviewWindow): Promise<FollowUpCounts[]> {
  return select<FollowUpCounts>(
    db,
    sql`select m.month, c.stage_id, c.category_id,
      count(*) filter (where f.created_at < m.end_at and (f.done_at is null or f.done_at >= m.end_at))::int as open,
      count(*) filter (where f.created_at < m.end_at and (f.done_at is null or f.done_at >= m.end_at) and f.due_date < m.end_date)::int as overdue,
      count(*) filter (where coalesce(f.due_date, to_char(f.created_at at time zone ${window.zone}, 'YYYY-MM-DD')) >= m.start_date
        and coalesce(f.due_date, to_char(f.created_at at time zone ${window.zone}, 'YYYY-MM-DD')) < m.end_date)::int as due,
      count(*) filter (where coalesce(f.due_date, to_char(f.created_at at time zone ${window.zone}, 'YYYY-MM-DD')) >= m.start_date
        and coalesce(f.due_date, to_char(f.created_at at time zone ${window.zone}, 'YYYY-MM-DD')) < m.end_date
        and f.done_at < m.end_at)::int as done
    from follow_ups f join calls c on c.id = f.call_id cross join ${monthsTable(window)}
    where f.created_at < ${at(last(window).end)} and (f.done_at is null or f.done_at >= ${at(first(window).start)})${inScope(sql`c.stage_id`, window)}
    group by m.month, c.stage_id, c.category_id`,
  );
}

/**
 * For each month: how many active executives reached a customer (a call that reached them) in that
 * month's quarter up to the month's end, and how many active executives there are.
 */
export interface ExecutiveReach {
  month: string;
  reached: number;
  executives: number;
}

export function countExecutivesWhoReachedByMonth(
  db: DbOrTx,
  window: ReviewWindow,
): Promise<ExecutiveReach[]> {
  return select<ExecutiveReach>(
    db,
    sql`select m.month,
      count(distinct c.logged_by) filter (where c.call_date >= m.quarter_date and c.call_date < m.end_date)::int as reached,
      (select count(*) from executives where active)::int as executives
    from ${monthsTable(window)}
    left join calls c on c.kind = 'call' and c.result = 'reached'
      and c.call_date >= ${first(window).quarterStartDate} and c.call_date < ${last(window).endDate}
      and c.logged_by in (select user_id from executives where active)${inScope(sql`c.stage_id`, window)}
    group by m.month`,
  );
}

/** The quarterly "it depends" check: answers by quarter and stage (unanswered questions count as asked). */
export interface CheckCounts {
  quarter: string;
  stage_id: number;
  asked: number;
  yes: number;
  it_depends: number;
  not_yet: number;
}

export function countStageChecks(
  db: DbOrTx,
  quarters: string[],
  window: ReviewWindow,
): Promise<CheckCounts[]> {
  return select<CheckCounts>(
    db,
    sql`select k.quarter, k.stage_id,
      count(*)::int as asked,
      count(*) filter (where k.answer = 'yes')::int as yes,
      count(*) filter (where k.answer = 'it_depends')::int as it_depends,
      count(*) filter (where k.answer = 'not_yet')::int as not_yet
    from stage_checks k
    where k.quarter in (${sql.join(
      quarters.map((quarter) => sql`${quarter}::text`),
      sql`, `,
    )})${inScope(sql`k.stage_id`, window)}
    group by k.quarter, k.stage_id`,
  );
}
