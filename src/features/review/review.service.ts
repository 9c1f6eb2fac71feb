import { DateTime } from 'luxon';
import type { Db, DbOrTx } from '../../db/client.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import { inZone, periodInWords, quarterOfMonth } from '../../time.js';
import { listJourneyStages, listTouchpointCategories } from '../settings/settings.service.js';
import {
  countCallsByMonth,
  countExecutivesWhoReachedByMonth,
  countFollowUpsByMonth,
  countRoadmapByMonth,
  countRulesByMonth,
  countStageChecks,
  countStoriesByMonth,
  countVotesByMonth,
  type ExecutiveReach,
  type Keyed,
  measureRuleHealthByMonth,
  type ReviewMonth,
  type ReviewWindow,
  type RuleHealth,
} from './review.queries.js';
import type { ReviewPictureInput } from './review.types.js';

/**
 * The monthly journey-stage review (issue 16, points 6 and 8): per stage and touch-point category, what
 * was heard and what was done in a month, the change since the month before, the gaps in words, the
 * quarterly "it depends" answers and the health of the loop over time. Numbers only: nobody who made a
 * suggestion, anonymously or not, is named anywhere in it. No Slack here: the outbox sends it.
 */

// ---- Measures ------------------------------------------------------------------------------------

/** Every number of a stage (or a stage and category) in a month; the CSV's columns, in this order. */
export const REVIEW_MEASURES = [
  { key: 'made', label: 'Suggestions made' },
  { key: 'open', label: 'Suggestions open' },
  { key: 'killed', label: 'Rules killed' },
  { key: 'kept', label: 'Rules kept' },
  { key: 'votes', label: 'Votes' },
  { key: 'conversations', label: 'Conversations' },
  { key: 'positive', label: 'Positive conversations' },
  { key: 'neutral', label: 'Neutral conversations' },
  { key: 'negative', label: 'Negative conversations' },
  { key: 'notReached', label: 'Calls not reached' },
  { key: 'visits', label: 'Visits and front line' },
  { key: 'pain', label: 'Pain stories' },
  { key: 'delighted', label: 'Delight stories' },
  { key: 'recovery', label: 'Recovery stories' },
  { key: 'inProgress', label: 'Roadmap in progress' },
  { key: 'shipped', label: 'Roadmap shipped' },
  { key: 'followUpsOpen', label: 'Follow-ups open' },
  { key: 'followUpsOverdue', label: 'Follow-ups overdue' },
] as const;
export type MeasureKey = (typeof REVIEW_MEASURES)[number]['key'];
export type Counts = Record<MeasureKey, number> & {
  /** Planned or in progress at the month's end: some work on the stage (for the gap call-outs). */
  activeRoadmap: number;
  followUpsDue: number;
  followUpsDone: number;
};

/** The heatmap's columns: the measures that tell where the experience breaks and what is done about it. */
const PICTURE_MEASURES: MeasureKey[] = [
  'made',
  'open',
  'killed',
  'votes',
  'conversations',
  'negative',
  'pain',
  'delighted',
  'inProgress',
  'shipped',
  'followUpsOverdue',
];
/** The 6-month trend's measure, one line per stage. */
export const TREND_MEASURE: MeasureKey = 'made';
export const TREND_MONTHS = 6;

function emptyCounts(): Counts {
  const counts = { activeRoadmap: 0, followUpsDue: 0, followUpsDone: 0 } as Counts;
  for (const measure of REVIEW_MEASURES) counts[measure.key] = 0;
  return counts;
}

function addCounts(into: Counts, from: Counts): void {
  for (const key of Object.keys(from) as (keyof Counts)[]) into[key] += from[key];
}

/** Whether anything at all was heard about a stage: a suggestion, a vote, a call, a visit or a story. */
export function heardAnything(counts: Counts): boolean {
  return (
    counts.made +
      counts.votes +
      counts.conversations +
      counts.notReached +
      counts.visits +
      counts.pain +
      counts.delighted +
      counts.recovery >
    0
  );
}

// ---- Months --------------------------------------------------------------------------------------

/** The last whole month before `now` in the company's zone, e.g. `2026-10` on 2026-11-01. */
export function lastFullMonth(now: Date, zone: string): string {
  return inZone(now, zone).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
}

/** The month `now` is in, in the company's zone. */
export function currentMonth(now: Date, zone: string): string {
  return inZone(now, zone).toFormat('yyyy-MM');
}

function reviewMonth(month: string, zone: string): ReviewMonth {
  const start = DateTime.fromISO(`${month}-01`, { zone }).startOf('month');
  const end = start.plus({ months: 1 });
  const quarterStart = start.startOf('quarter');
  return {
    month,
    start: start.toJSDate(),
    end: end.toJSDate(),
    startDate: start.toISODate() ?? '',
    endDate: end.toISODate() ?? '',
    quarterStartDate: quarterStart.toISODate() ?? '',
  };
}

/** The month under review and the five before it, oldest first. */
export function reviewWindow(
  month: string,
  zone: string,
  stageIds: number[] | null,
  length = TREND_MONTHS,
): ReviewWindow {
  const last = DateTime.fromISO(`${month}-01`, { zone: 'UTC' });
  const months = Array.from({ length }, (_, i) =>
    reviewMonth(last.minus({ months: length - 1 - i }).toFormat('yyyy-MM'), zone),
  );
  return { months, zone, stageIds };
}

// ---- The model -----------------------------------------------------------------------------------

export interface CheckAnswers {
  quarter: string;
  asked: number;
  yes: number;
  itDepends: number;
  notYet: number;
}

export interface ReviewStage {
  /** Null: items tagged with no stage. */
  id: number | null;
  name: string;
  ownerId: string | null;
  /** The month under review, and the month before. */
  counts: Counts;
  previous: Counts;
  /** The month under review by touch-point category (null: no category), in settings order. */
  categories: { id: number | null; name: string; counts: Counts }[];
  /** The quarter's "it depends" answers, and the quarter before's (for the trend). */
  checks: CheckAnswers;
  previousChecks: CheckAnswers;
  /** The trend measure, month by month, oldest first. */
  trend: number[];
}

export interface Health {
  /** Median days from a suggestion to its first decision, for the suggestions decided in the month. */
  daysToDecision: number | null;
  /** Median days from accepted to killed, for the rules killed in the month. */
  daysAcceptedToKilled: number | null;
  /** Follow-ups due in the month (or made in it, without a due date) done by its end: a share, or null. */
  followUpCompletion: number | null;
  followUpsDue: number;
  /** Share of active executives who reached a customer this quarter, up to the month's end. */
  executivesReached: number | null;
  executives: number;
}

export type ReviewGap =
  | { kind: 'unanswered_pain'; stage: string; pain: number; negative: number }
  | { kind: 'it_depends'; stage: string; unsure: number; answered: number }
  | { kind: 'overdue'; stage: string; overdue: number }
  | { kind: 'silent'; stages: string[] };

export interface StageReview {
  month: string;
  monthLabel: string;
  previousMonth: string;
  quarter: string;
  /** The whole company, or only some stages (a stage owner's). */
  scope: 'all' | 'stages';
  stages: ReviewStage[];
  /** All stages together, this month and the month before. */
  totals: Counts;
  previousTotals: Counts;
  /** The window's months, oldest first (the trend's x axis). */
  months: string[];
  health: Health;
  previousHealth: Health;
  gaps: ReviewGap[];
}

export interface ReviewScope {
  month: string;
  zone: string;
  /** Null: every stage (and the untagged); else only these stages. */
  stageIds: number[] | null;
}

const NO_STAGE = 'No stage';
const NO_CATEGORY = 'No category';
/** Pain heard (pain stories and negative conversations) worth a call-out when no roadmap item answers it. */
const PAIN_GAP_MIN = 3;
const OVERDUE_GAP_MIN = 3;

/**
 * Builds the review of `month` for `scope` in a fixed number of SQL statements (11, whatever the
 * number of stages, categories or rows): two lists (stages, categories) and nine GROUP BY statements
 * over the six months of the window.
 */
export async function buildStageReview(db: DbOrTx, scope: ReviewScope, now: Date): Promise<StageReview> {
  const window = reviewWindow(scope.month, scope.zone, scope.stageIds);
  const quarter = quarterOfMonth(scope.month);
  const previousMonth = window.months.at(-2)?.month ?? scope.month;
  const previousQuarter = quarterOfMonth(
    DateTime.fromISO(`${scope.month}-01`, { zone: 'UTC' }).minus({ months: 3 }).toFormat('yyyy-MM'),
  );
  // All at once: PostgreSQL runs them on several connections; PGlite runs them one after the other anyway.
  const [stages, categories, rules, ruleHealth, votes, calls, stories, roadmap, followUps, reach, checks] =
    await Promise.all([
      listJourneyStages(db),
      listTouchpointCategories(db),
      countRulesByMonth(db, window),
      measureRuleHealthByMonth(db, window),
      countVotesByMonth(db, window),
      countCallsByMonth(db, window),
      countStoriesByMonth(db, window),
      countRoadmapByMonth(db, window),
      countFollowUpsByMonth(db, window),
      countExecutivesWhoReachedByMonth(db, window),
      countStageChecks(db, [quarter, previousQuarter], window),
    ]);

  // month → stage → category → counts
  const cells = new Map<string, Counts>();
  const cellOf = (row: Keyed): Counts => {
    const key = `${row.month}|${row.stage_id ?? ''}|${row.category_id ?? ''}`;
    let found = cells.get(key);
    if (!found) {
      found = emptyCounts();
      cells.set(key, found);
    }
    return found;
  };
  for (const row of rules) {
    const c = cellOf(row);
    c.made += row.made;
    c.open += row.open;
    c.killed += row.killed;
    c.kept += row.kept;
  }
  for (const row of votes) cellOf(row).votes += row.votes;
  for (const row of calls) {
    const c = cellOf(row);
    c.conversations += row.conversations;
    c.positive += row.positive;
    c.neutral += row.neutral;
    c.negative += row.negative;
    c.notReached += row.not_reached;
    c.visits += row.visits;
  }
  for (const row of stories) {
    const c = cellOf(row);
    c.pain += row.pain;
    c.delighted += row.delighted;
    c.recovery += row.recovery;
  }
  for (const row of roadmap) {
    const c = cellOf(row);
    c.inProgress += row.in_progress;
    c.activeRoadmap += row.active;
    c.shipped += row.shipped;
  }
  for (const row of followUps) {
    const c = cellOf(row);
    c.followUpsOpen += row.open;
    c.followUpsOverdue += row.overdue;
    c.followUpsDue += row.due;
    c.followUpsDone += row.done;
  }

  const stageTotals = (month: string, stageId: number | null): Counts => {
    const total = emptyCounts();
    const prefix = `${month}|${stageId ?? ''}|`;
    for (const [key, counts] of cells) if (key.startsWith(prefix)) addCounts(total, counts);
    return total;
  };

  const checkOf = (q: string, stageId: number | null): CheckAnswers => {
    const row = checks.find((c) => c.quarter === q && c.stage_id === stageId);
    return {
      quarter: q,
      asked: row?.asked ?? 0,
      yes: row?.yes ?? 0,
      itDepends: row?.it_depends ?? 0,
      notYet: row?.not_yet ?? 0,
    };
  };

  const categoryRows = [
    ...categories.map((category) => ({ id: category.id as number | null, name: category.name })),
    { id: null, name: NO_CATEGORY },
  ];
  const stageRow = (id: number | null, name: string, ownerId: string | null): ReviewStage => ({
    id,
    name,
    ownerId,
    counts: stageTotals(scope.month, id),
    previous: stageTotals(previousMonth, id),
    categories: categoryRows
      .map((category) => ({
        ...category,
        counts: cells.get(`${scope.month}|${id ?? ''}|${category.id ?? ''}`) ?? emptyCounts(),
      }))
      .filter((category) => anyNumber(category.counts)),
    checks: checkOf(quarter, id),
    previousChecks: checkOf(previousQuarter, id),
    trend: window.months.map((m) => stageTotals(m.month, id)[TREND_MEASURE]),
  });

  const inScope = (id: number) => scope.stageIds === null || scope.stageIds.includes(id);
  const reviewed: ReviewStage[] = [];
  for (const stage of stages) {
    if (!inScope(stage.id)) continue;
    const row = stageRow(stage.id, stage.name, stage.ownerId);
    // A retired stage shows only while something of the window's months still carries it.
    if (stage.retiredAt !== null && !row.trend.some((n) => n > 0) && !anyNumber(row.counts)) continue;
    reviewed.push(row);
  }
  if (scope.stageIds === null) {
    const untagged = stageRow(null, NO_STAGE, null);
    if (anyNumber(untagged.counts) || anyNumber(untagged.previous)) reviewed.push(untagged);
  }

  const totals = emptyCounts();
  const previousTotals = emptyCounts();
  for (const stage of reviewed) {
    addCounts(totals, stage.counts);
    addCounts(previousTotals, stage.previous);
  }
  const healthOf = (month: string, counts: Counts): Health =>
    healthFrom(
      ruleHealth.find((row: RuleHealth) => row.month === month),
      reach.find((row: ExecutiveReach) => row.month === month),
      counts,
    );
  // `now` is the moment of reading: a month still running is counted as of then (its window ends later).
  void now;
  return {
    month: scope.month,
    monthLabel: periodInWords(scope.month),
    previousMonth,
    quarter,
    scope: scope.stageIds === null ? 'all' : 'stages',
    stages: reviewed,
    totals,
    previousTotals,
    months: window.months.map((m) => m.month),
    health: healthOf(scope.month, totals),
    previousHealth: healthOf(previousMonth, previousTotals),
    gaps: findGaps(reviewed),
  };
}

function anyNumber(counts: Counts): boolean {
  return Object.values(counts).some((n) => n > 0);
}

function healthFrom(
  rules: RuleHealth | undefined,
  reach: ExecutiveReach | undefined,
  counts: Counts,
): Health {
  const executives = reach?.executives ?? 0;
  return {
    daysToDecision: rules?.median_days_to_decision ?? null,
    daysAcceptedToKilled: rules?.median_days_accepted_to_killed ?? null,
    followUpCompletion: counts.followUpsDue > 0 ? counts.followUpsDone / counts.followUpsDue : null,
    followUpsDue: counts.followUpsDue,
    executivesReached: executives > 0 ? (reach?.reached ?? 0) / executives : null,
    executives,
  };
}

/** Where the experience breaks and nobody acts, and where nothing is heard at all, stage by stage. */
export function findGaps(stages: ReviewStage[]): ReviewGap[] {
  const gaps: ReviewGap[] = [];
  const silent: string[] = [];
  for (const stage of stages) {
    const c = stage.counts;
    if (stage.id !== null && !heardAnything(c)) silent.push(stage.name);
    if (c.pain + c.negative >= PAIN_GAP_MIN && c.activeRoadmap === 0 && c.shipped === 0)
      gaps.push({ kind: 'unanswered_pain', stage: stage.name, pain: c.pain, negative: c.negative });
    const answered = stage.checks.yes + stage.checks.itDepends + stage.checks.notYet;
    const unsure = stage.checks.itDepends + stage.checks.notYet;
    if (answered > 0 && unsure * 2 > answered)
      gaps.push({ kind: 'it_depends', stage: stage.name, unsure, answered });
    if (c.followUpsOverdue >= OVERDUE_GAP_MIN)
      gaps.push({ kind: 'overdue', stage: stage.name, overdue: c.followUpsOverdue });
  }
  if (silent.length > 0) gaps.push({ kind: 'silent', stages: silent });
  return gaps;
}

/** The picture's numbers: the heatmap of the month (stage × measure) and the 6-month trend. */
export function reviewPictureInput(review: StageReview): ReviewPictureInput {
  // The heatmap's column heads are short (a long one is cut in the picture).
  const short: Partial<Record<MeasureKey, string>> = { negative: 'Negative calls' };
  const label = (key: MeasureKey) => short[key] ?? REVIEW_MEASURES.find((m) => m.key === key)?.label ?? key;
  return {
    title: `Journey-stage review, ${review.monthLabel}`,
    stages: review.stages.map((stage) => stage.name),
    measures: PICTURE_MEASURES.map((key) => ({ key, label: label(key) })),
    cells: review.stages.flatMap((stage) =>
      PICTURE_MEASURES.map((key) => ({ stage: stage.name, measure: key, value: stage.counts[key] })),
    ),
    trendLabel: label(TREND_MEASURE),
    trend: review.stages.flatMap((stage) =>
      review.months.map((month, i) => ({ month, stage: stage.name, value: stage.trend[i] ?? 0 })),
    ),
  };
}

// ---- Who may see what ----------------------------------------------------------------------------

/** The stages `userId` owns (journey_stages.owner_id), in settings order. */
export async function stagesOwnedBy(db: DbOrTx, userId: string): Promise<{ id: number; name: string }[]> {
  return (await listJourneyStages(db))
    .filter((stage) => stage.ownerId === userId && stage.retiredAt === null)
    .map((stage) => ({ id: stage.id, name: stage.name }));
}

// ---- Delivery ------------------------------------------------------------------------------------

/** The outbox renderers' names and their input (the review is built when the outbox sends it). */
export const REVIEW_SUMMARY_RENDERER = 'review.summary';
export const REVIEW_PICTURE_RENDERER = 'review.picture';

export interface ReviewDeliveryInput extends Record<string, unknown> {
  month: string;
  zone: string;
  stageIds: number[] | null;
}

const keys = {
  /** The monthly delivery: once per month and recipient, for ever (the outbox key is unique). */
  monthly: (month: string, userId: string) => outboxKey('review', month, userId),
  monthlyPicture: (month: string, userId: string) => outboxKey('review', month, userId, 'picture'),
  /** One asked for with `/touchpoint stages`: once per request (Slack's trigger ID). */
  asked: (month: string, userId: string, request: string) =>
    outboxKey('review', month, userId, 'asked', request),
  askedPicture: (month: string, userId: string, request: string) =>
    outboxKey('review', month, userId, 'asked', request, 'picture'),
};

/** A review to one person: the text summary, then the picture and the CSV (one DM lane, in order). */
function reviewItems(
  userId: string,
  input: ReviewDeliveryInput,
  summaryKey: string,
  pictureKey: string,
): OutboxItem[] {
  return [
    {
      key: summaryKey,
      method: 'chat.postMessage',
      channel: userId,
      render: { name: REVIEW_SUMMARY_RENDERER, input },
    },
    {
      key: pictureKey,
      method: 'files.uploadV2',
      channel: userId,
      render: { name: REVIEW_PICTURE_RENDERER, input },
    },
  ];
}

export type ReviewRequest =
  | { ok: true; scope: 'all' | { stages: string[] } }
  | { ok: false; reason: 'not_allowed' | 'future_month' };

/**
 * `/touchpoint stages [YYYY-MM]`: the CX office gets the whole review, a stage owner their stages', anyone
 * else nothing. Queued for the outbox; the review is built when it is sent.
 */
export async function requestStageReview(
  db: Db,
  request: { userId: string; isCxOffice: boolean; month: string; zone: string; requestId: string },
  now: Date,
): Promise<ReviewRequest> {
  if (request.month > currentMonth(now, request.zone)) return { ok: false, reason: 'future_month' };
  let stageIds: number[] | null = null;
  let scope: 'all' | { stages: string[] } = 'all';
  if (!request.isCxOffice) {
    const owned = await stagesOwnedBy(db, request.userId);
    if (owned.length === 0) return { ok: false, reason: 'not_allowed' };
    stageIds = owned.map((stage) => stage.id);
    scope = { stages: owned.map((stage) => stage.name) };
  }
  const input: ReviewDeliveryInput = { month: request.month, zone: request.zone, stageIds };
  await enqueue(
    db,
    reviewItems(
      request.userId,
      input,
      keys.asked(request.month, request.userId, request.requestId),
      keys.askedPicture(request.month, request.userId, request.requestId),
    ),
    now,
  );
  return { ok: true, scope };
}

/**
 * The monthly delivery of last month's review: to every CX office member (the whole review) and every
 * stage owner (their stages; a stage owner in the CX office gets the whole review once). Exactly once per
 * month and recipient: the outbox keys (`review:2026-10:U…`) are unique for ever, so a second run, a run
 * on another replica or a run after downtime queues nothing twice. Returns how many people were queued
 * a review they did not have yet (or would have, on a second run: the keys decide).
 */
export async function queueMonthlyReviews(
  db: Db,
  zone: string,
  cxOfficeMembers: () => Promise<string[]>,
  now: Date,
): Promise<number> {
  const month = lastFullMonth(now, zone);
  const members = new Set(await cxOfficeMembers());
  const owned = new Map<string, number[]>();
  for (const stage of await listJourneyStages(db)) {
    if (!stage.ownerId || stage.retiredAt !== null || members.has(stage.ownerId)) continue;
    owned.set(stage.ownerId, [...(owned.get(stage.ownerId) ?? []), stage.id]);
  }
  const items: OutboxItem[] = [];
  for (const userId of members)
    items.push(
      ...reviewItems(
        userId,
        { month, zone, stageIds: null },
        keys.monthly(month, userId),
        keys.monthlyPicture(month, userId),
      ),
    );
  for (const [userId, stageIds] of owned)
    items.push(
      ...reviewItems(
        userId,
        { month, zone, stageIds },
        keys.monthly(month, userId),
        keys.monthlyPicture(month, userId),
      ),
    );
  await db.transaction(async (tx) => enqueue(tx, items, now));
  return members.size + owned.size;
}

// ---- Health on the CX office's Home --------------------------------------------------------------

export interface HealthNow {
  month: string;
  monthLabel: string;
  previousMonth: string;
  health: Health;
  previous: Health;
}

/** The loop's health this month so far, against last month (the CX office's Home). */
export async function healthThisMonth(db: DbOrTx, zone: string, now: Date): Promise<HealthNow> {
  const month = currentMonth(now, zone);
  // Three statements over this month and the last: the Home is rendered often.
  const window = reviewWindow(month, zone, null, 2);
  const previousMonth = window.months[0]?.month ?? month;
  const [ruleHealth, followUps, reach] = await Promise.all([
    measureRuleHealthByMonth(db, window),
    countFollowUpsByMonth(db, window),
    countExecutivesWhoReachedByMonth(db, window),
  ]);
  const healthOf = (m: string): Health => {
    const counts = emptyCounts();
    for (const row of followUps) {
      if (row.month !== m) continue;
      counts.followUpsDue += row.due;
      counts.followUpsDone += row.done;
    }
    return healthFrom(
      ruleHealth.find((row) => row.month === m),
      reach.find((row) => row.month === m),
      counts,
    );
  };
  return {
    month,
    monthLabel: periodInWords(month),
    previousMonth,
    health: healthOf(month),
    previous: healthOf(previousMonth),
  };
}
