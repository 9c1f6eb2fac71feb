import { DateTime } from 'luxon';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { claimJobRun, findJobRun, finishJobRun } from '../../jobs/job-runs.queries.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import { type Page, pageAt } from '../../paging.js';
import { inZone, isoWeekKey, localDateKey } from '../../time.js';
import type { DigestContribution, DigestWindow } from '../digest/digest.types.js';
import { readSetting, settingDefinitions } from '../settings/settings.keys.js';
import {
  isActiveCategory,
  listActiveJourneyStages,
  listActiveTouchpointCategories,
  listJourneyStages,
  type TouchpointCategory,
  touchpointCategoryNames,
} from '../settings/settings.service.js';
import type { JourneyStage } from '../settings/stages.queries.js';
import { shareCallAsStory } from '../stories/stories.service.js';
import type { FollowUpsDmKind } from './calls.ids.js';
import {
  type Call,
  claimFollowUpReminder,
  countActiveExecutives,
  countCallsBetween,
  countCallsLoggedBetween,
  countOpenFollowUps,
  deactivateExecutivesNotIn,
  type Executive,
  type FollowUp,
  findCall,
  findCallByIdempotencyKey,
  findExecutive,
  insertCall,
  insertFollowUps,
  listActiveExecutives,
  listActiveExecutivesPage,
  listAllCalls,
  listAllFollowUps,
  listCallsBetween,
  listFollowUpsToRemind,
  listFollowUpsWithCalls,
  listNudgedThisWeek,
  listOpenFollowUps,
  listOpenFollowUpsPage,
  listRecentCalls,
  markFollowUpDone,
  recordNudges,
  snoozeExecutive,
  updateExecutive,
  updateFollowUpOwnerZone,
  upsertExecutive,
} from './calls.queries.js';
import { type CALL_KINDS, type CALL_RESULTS, MAX_FOLLOW_UPS, type SENTIMENTS } from './calls.schema.js';
import {
  renderFollowUpsDm,
  renderNudge,
  renderSummary,
  renderThanks,
  type SummaryModel,
} from './calls.views.js';

/**
 * Product rules of "executives calling customers". No Slack here: every message a change causes is
 * rendered now and written to the outbox in the change's own transaction; the outbox worker sends it.
 */

/** A DM as an outbox item: the user ID is the channel (Slack opens the DM). */
function dm(key: string, userId: string, message: object): OutboxItem {
  return {
    key,
    method: 'chat.postMessage',
    channel: userId,
    args: { ...message, unfurl_links: false },
  };
}

// Keys of the messages calls cause: the same message always has the same key, so queuing it twice is harmless.
const keys = {
  nudge: (userId: string, week: string) => outboxKey('calls', 'nudge', userId, week),
  thanks: (callId: number) => outboxKey('calls', 'call', callId, 'thanks'),
  /** An owner's follow-ups of one call, in one DM. */
  followUps: (callId: number, ownerId: string) => outboxKey('calls', 'call', callId, 'followups', ownerId),
  /**
   * An owner's follow-ups due on `day`, in one DM. Each follow-up is claimed once (its `remindedOn`), so
   * the first of them names the DM: one found later that day (logged in the afternoon) gets a DM of its own.
   */
  due: (ownerId: string, day: string, firstId: number) =>
    outboxKey('calls', 'followups', 'due', ownerId, day, firstId),
  summary: (week: string, userId: string) => outboxKey('calls', 'summary', week, 'dm', userId),
};

// Large rosters are queued in slices: each slice is one transaction (its records and their DMs together),
// small enough for the 65,535 parameters a statement may carry.
const SLICE = 500;
const slices = <T>(list: T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / SLICE) }, (_, i) => list.slice(i * SLICE, (i + 1) * SLICE));

export interface Pace {
  calls: number;
  target: number;
  expected: number;
  behind: boolean;
}

/** On pace means at least the share of the target that the month so far calls for (rounded). */
export function paceOf(calls: number, target: number, now: Date, zone: string): Pace {
  const local = inZone(now, zone);
  const expected = Math.round(target * (local.day / (local.daysInMonth ?? 30)));
  return { calls, target, expected, behind: calls < expected };
}

export function monthRange(now: Date, zone: string): { from: string; to: string } {
  const local = inZone(now, zone);
  return { from: local.startOf('month').toISODate() ?? '', to: local.endOf('month').toISODate() ?? '' };
}

/** Pace for many executives: one count per distinct month (executives' months are local to them). */
export async function paceForExecutives(
  db: DbOrTx,
  config: Config,
  list: Executive[],
  now: Date,
): Promise<Map<string, Pace>> {
  const fallback = await readSetting(db, config, 'calls.defaultMonthlyTarget');
  const paces = new Map<string, Pace>();
  // Months are local to each executive: group by their month range.
  const byRange = new Map<string, Executive[]>();
  for (const executive of list) {
    const range = monthRange(now, executive.timeZone);
    const key = `${range.from}|${range.to}`;
    byRange.set(key, [...(byRange.get(key) ?? []), executive]);
  }
  for (const [key, group] of byRange) {
    const [from = '', to = ''] = key.split('|');
    const counts = await countCallsBetween(
      db,
      group.map((e) => e.userId),
      from,
      to,
    );
    for (const executive of group) {
      paces.set(
        executive.userId,
        paceOf(
          counts.get(executive.userId) ?? 0,
          executive.monthlyTarget ?? fallback,
          now,
          executive.timeZone,
        ),
      );
    }
  }
  return paces;
}

/** A roster member as Slack describes them (read by calls.directory.ts). */
export interface RosterMember {
  id: string;
  /** The user's Slack zone; undefined when Slack could not be asked. */
  timeZone: string | undefined;
  name: string | null;
  /** Deactivated in Slack; undefined when Slack could not be asked. */
  deleted: boolean | undefined;
}

/**
 * Syncs the roster: listed and active users in, everyone else out (deactivated users drop out). A user
 * Slack could not tell us about keeps their stored zone and status (a new one joins in `fallbackZone`,
 * the company's, until the next sync).
 */
export async function syncRoster(
  db: Db,
  members: RosterMember[],
  now: Date,
  fallbackZone: string,
): Promise<Executive[]> {
  await db.transaction(async (tx) => {
    for (const member of members) {
      await upsertExecutive(
        tx,
        {
          userId: member.id,
          timeZone: member.timeZone ?? fallbackZone,
          name: member.name,
          active: member.deleted !== true,
          syncedAt: now,
        },
        { keepTimeZone: member.timeZone === undefined, keepActive: member.deleted === undefined },
      );
    }
    await deactivateExecutivesNotIn(
      tx,
      members.filter((m) => m.deleted !== true).map((m) => m.id),
      now,
    );
  });
  return listActiveExecutives(db);
}

export type CallKind = (typeof CALL_KINDS)[number];
export type CallResult = (typeof CALL_RESULTS)[number];
export type Sentiment = (typeof SENTIMENTS)[number];

export interface FollowUpInput {
  action: string;
  ownerId: string;
  /** YYYY-MM-DD: the owner is reminded that morning, in their zone. */
  dueDate: string | null;
}

/** A call as the logger describes it. */
export interface CallInput {
  customer: string;
  contact: string | null;
  /** YYYY-MM-DD in the logger's zone. */
  callDate: string;
  kind: CallKind;
  result: CallResult;
  durationMinutes: number | null;
  stageId: number | null;
  /** The optional touch-point category. */
  categoryId: number | null;
  learned: string;
  sentiment: Sentiment | null;
  shareAsStory: boolean;
  followUps: FollowUpInput[];
}

/** A follow-up DM's contents: why it was sent, and its follow-ups, each with the call it came from. */
export interface FollowUpsDm {
  kind: FollowUpsDmKind;
  items: { followUp: FollowUp; call: Call }[];
}

/** At most this many follow-ups in one DM (Slack's 50 blocks; the button's value lists them all). */
const FOLLOW_UPS_PER_DM = 40;

/** Groups items by a key, in the order each key first appears. */
function groupBy<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}

export interface LoggedCall {
  call: Call;
  followUps: FollowUp[];
  created: boolean;
}

/**
 * Why a call was not saved: its date is after the logger's today, its stage was removed (or retired)
 * since the form opened, or it has more follow-ups than a call may have.
 */
export type CallRefusal = 'future_date' | 'stage_removed' | 'category_removed' | 'too_many_follow_ups';

export type LogCallOutcome = { ok: true; logged: LoggedCall } | { ok: false; reason: CallRefusal };

/** The zone a person's dates are in: their roster zone, else the company's. */
async function zoneOf(db: DbOrTx, config: Config, userId: string): Promise<string> {
  return (await findExecutive(db, userId))?.timeZone ?? config.timeZone;
}

/** A call happens before it is logged: its date may be the logger's today, never later. */
export function isFutureCallDate(callDate: string, today: string): boolean {
  return callDate > today;
}

/**
 * What the call form starts with: the stages people can pick, and the logger's zone and today there
 * (the form's default date, and the day no call may be after).
 */
export async function callFormContext(
  db: Db,
  config: Config,
  userId: string,
  now: Date,
): Promise<{ stages: JourneyStage[]; categories: TouchpointCategory[]; zone: string; today: string }> {
  const [stages, categories, zone] = await Promise.all([
    listActiveJourneyStages(db),
    listActiveTouchpointCategories(db),
    zoneOf(db, config, userId),
  ]);
  return { stages, categories, zone, today: localDateKey(now, zone) };
}

/**
 * Saves a call, its follow-ups and (when shared) its story, and queues the logger's thank-you and each
 * follow-up's DM to its owner, all in one transaction; a replay (same `idempotencyKey`) saves and sends
 * nothing twice. A stage removed since the form opened is refused: saving again could never work.
 */
export async function logCall(
  db: Db,
  config: Config,
  input: {
    loggedBy: string;
    idempotencyKey: string;
    call: CallInput;
    /**
     * Who among the logger and the follow-up owners is in the CX office (the listener asks): their DMs
     * also offer "Propose a roadmap item" next to "Suggest killing a rule".
     */
    proposers?: string[];
  },
  now: Date,
): Promise<LogCallOutcome> {
  const { call: draft, loggedBy } = input;
  if (draft.followUps.length > MAX_FOLLOW_UPS) return { ok: false, reason: 'too_many_follow_ups' };
  if (isFutureCallDate(draft.callDate, localDateKey(now, await zoneOf(db, config, loggedBy))))
    return { ok: false, reason: 'future_date' };
  return db.transaction(async (tx): Promise<LogCallOutcome> => {
    if (draft.stageId !== null) {
      // Read in the transaction: a stage just removed must not pass.
      const stage = (await listJourneyStages(tx)).find((s) => s.id === draft.stageId);
      if (!stage || stage.retiredAt !== null) return { ok: false, reason: 'stage_removed' };
    }
    if (!(await isActiveCategory(tx, draft.categoryId))) return { ok: false, reason: 'category_removed' };
    const call = await insertCall(tx, {
      loggedBy,
      customer: draft.customer,
      contact: draft.contact,
      callDate: draft.callDate,
      kind: draft.kind,
      result: draft.result,
      durationMinutes: draft.durationMinutes,
      stageId: draft.stageId,
      categoryId: draft.categoryId,
      learned: draft.learned,
      sentiment: draft.sentiment,
      shareAsStory: draft.shareAsStory,
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (!call) {
      const existing = await findCallByIdempotencyKey(tx, input.idempotencyKey);
      if (!existing) throw new Error('call vanished');
      return { ok: true, logged: { call: existing, followUps: [], created: false } };
    }
    // An owner's zone until Slack tells us theirs (after the answer: `rememberOwnerZones`).
    const ownerZones = new Map<string, string>();
    for (const ownerId of new Set(draft.followUps.map((f) => f.ownerId)))
      ownerZones.set(ownerId, await zoneOf(tx, config, ownerId));
    const followUps = await insertFollowUps(
      tx,
      draft.followUps.map((f) => ({
        callId: call.id,
        ownerId: f.ownerId,
        ownerTimeZone: ownerZones.get(f.ownerId) ?? config.timeZone,
        action: f.action,
        dueDate: f.dueDate,
        createdAt: now,
      })),
    );
    if (call.shareAsStory) {
      await shareCallAsStory(
        tx,
        {
          callId: call.id,
          body: call.learned,
          customer: call.customer,
          stageId: call.stageId,
          categoryId: call.categoryId,
          kind: call.sentiment === 'negative' ? 'pain_point' : 'delighted',
          tellerId: loggedBy,
        },
        { backlogChannel: config.backlogChannel },
        now,
      );
    }
    const mayPropose = (userId: string) => input.proposers?.includes(userId) ?? false;
    const executive = await findExecutive(tx, loggedBy);
    const pace = executive
      ? (await paceForExecutives(tx, config, [executive], now)).get(loggedBy)
      : undefined;
    await enqueue(
      tx,
      [
        dm(
          keys.thanks(call.id),
          loggedBy,
          renderThanks(call, pace, followUps, { roadmap: mayPropose(loggedBy) }),
        ),
        // One DM per owner, listing all their follow-ups from this call (at most three).
        ...groupBy(followUps, (followUp) => followUp.ownerId).map((theirs) => {
          const ownerId = theirs[0]?.ownerId ?? '';
          return dm(
            keys.followUps(call.id, ownerId),
            ownerId,
            renderFollowUpsDm(
              { kind: 'assigned', items: theirs.map((followUp) => ({ followUp, call })) },
              { roadmap: mayPropose(ownerId) },
            ),
          );
        }),
      ],
      now,
    );
    return { ok: true, logged: { call, followUps, created: true } };
  });
}

/** Keeps the zones Slack gave for follow-up owners (undefined: Slack could not say; the stored one stays). */
export async function rememberOwnerZones(
  db: Db,
  followUps: FollowUp[],
  zones: Map<string, string | undefined>,
): Promise<void> {
  for (const [ownerId, zone] of zones) {
    if (zone === undefined) continue;
    const ids = followUps.filter((f) => f.ownerId === ownerId).map((f) => f.id);
    await updateFollowUpOwnerZone(db, ownerId, zone, ids);
  }
}

/**
 * Executives due a nudge at `now`: active, not paused or snoozed, behind pace, not nudged this ISO week
 * (their zone), and — unless `anyTime` (`/touchpoint nudges run`) — at or after their slot on its day.
 * A snooze covers the slots before it ends (so a week's snooze skips the next weekly nudge, whenever in
 * the week it was pressed); `anyTime` honours it until it ends.
 */
export async function dueNudges(
  db: Db,
  config: Config,
  now: Date,
  options: { anyTime: boolean },
): Promise<{ executive: Executive; week: string; pace: Pace }[]> {
  const slot = await readSetting(db, config, 'calls.nudgeSlot');
  const roster = await listActiveExecutives(db);
  const candidates = roster.filter((executive) => {
    const local = inZone(now, executive.timeZone);
    if (executive.pausedUntil && (local.toISODate() ?? '') <= executive.pausedUntil) return false;
    if (options.anyTime) return !(executive.snoozedUntil && executive.snoozedUntil > now);
    const slotTime = local.set({ hour: slot.hour, minute: slot.minute, second: 0, millisecond: 0 });
    if (local.weekday !== slot.weekday || local < slotTime) return false;
    // A snooze skips every slot that falls before it ends: "Snooze a week" skips exactly the next nudge.
    return !(executive.snoozedUntil && executive.snoozedUntil > slotTime.toJSDate());
  });
  const weeks = candidates.map((executive) => ({
    executiveId: executive.userId,
    week: isoWeekKey(now, executive.timeZone),
  }));
  const [nudged, paces] = await Promise.all([
    listNudgedThisWeek(db, weeks),
    paceForExecutives(db, config, candidates, now),
  ]);
  return candidates.flatMap((executive) => {
    const pace = paces.get(executive.userId);
    if (!pace?.behind || nudged.has(executive.userId)) return [];
    return [{ executive, week: isoWeekKey(now, executive.timeZone), pace }];
  });
}

export function snoozeUntil(now: Date): Date {
  return DateTime.fromJSDate(now).plus({ weeks: 1 }).toJSDate();
}

/**
 * Records this week's nudge for every executive due one and queues its DM, together: a slice of the roster
 * per transaction. Runs that overlap (a second replica, the manual run, a retried tick) queue each nudge
 * once. Returns how many this call queued.
 */
export async function queueDueNudges(
  db: Db,
  config: Config,
  now: Date,
  options: { anyTime: boolean },
): Promise<number> {
  // One order for every run, so two transactions take the same row locks in the same order.
  const due = (await dueNudges(db, config, now, options)).sort((a, b) =>
    a.executive.userId.localeCompare(b.executive.userId),
  );
  let queued = 0;
  for (const slice of slices(due)) {
    queued += await db.transaction(async (tx) => {
      const recorded = await recordNudges(
        tx,
        slice.map(({ executive, week }) => ({ executiveId: executive.userId, week })),
        now,
      );
      const items = slice
        .filter(({ executive }) => recorded.has(executive.userId))
        .map(({ executive, week, pace }) =>
          dm(keys.nudge(executive.userId, week), executive.userId, renderNudge(executive, pace)),
        );
      await enqueue(tx, items, now);
      return items.length;
    });
  }
  return queued;
}

/**
 * Snoozes an executive's nudges for a week; returns the executive's local date the snooze ends. A snooze
 * in force stays as it is (a double click, the same nudge on a second device): it is what is returned.
 */
export async function snoozeNudges(db: Db, config: Config, userId: string, now: Date): Promise<string> {
  const until = (await snoozeExecutive(db, userId, snoozeUntil(now), now)) ?? snoozeUntil(now);
  return localDateKey(until, await zoneOf(db, config, userId));
}

/** Pauses nudges until a local date (inclusive); a date already past is refused. */
export async function pauseNudges(
  db: Db,
  config: Config,
  userId: string,
  date: string,
  now: Date,
): Promise<{ ok: true; until: string } | { ok: false; reason: 'date_passed' }> {
  if (date < localDateKey(now, await zoneOf(db, config, userId))) return { ok: false, reason: 'date_passed' };
  await updateExecutive(db, userId, { pausedUntil: date });
  return { ok: true, until: date };
}

/**
 * Marks a follow-up done by its owner (once: a second click changes nothing). With the DM it was clicked
 * in (`dm`: why it was sent and what it lists), returns that DM as it is now, to be redrawn in place:
 * only the clicker's own follow-ups are in it; `mine` is false when the follow-up is not theirs.
 */
export async function completeFollowUp(
  db: Db,
  id: number,
  userId: string,
  now: Date,
  dm?: { kind: FollowUpsDmKind; listed: number[] },
): Promise<{ done: boolean; mine: boolean; dm?: FollowUpsDm }> {
  const done = (await markFollowUpDone(db, id, userId, now)) !== undefined;
  if (!dm) return { done, mine: done };
  const listed = dm.listed.includes(id) ? dm.listed : [...dm.listed, id];
  const items = (await listFollowUpsWithCalls(db, listed.slice(0, FOLLOW_UPS_PER_DM))).filter(
    (item) => item.followUp.ownerId === userId,
  );
  const mine = items.some((item) => item.followUp.id === id);
  return { done, mine, dm: { kind: dm.kind, items } };
}

/** An executive and the target they are held to (their own, else the company default). */
export async function findExecutiveTarget(
  db: Db,
  config: Config,
  userId: string,
): Promise<{ executive: Executive; target: number } | undefined> {
  const executive = await findExecutive(db, userId);
  if (!executive) return undefined;
  const target = executive.monthlyTarget ?? (await readSetting(db, config, 'calls.defaultMonthlyTarget'));
  return { executive, target };
}

/** The range a monthly target may take: the company default's (a setting), for one executive's own too. */
export const monthlyTargetSchema = settingDefinitions['calls.defaultMonthlyTarget'].schema;

/**
 * Sets one executive's monthly target; a target out of the setting's range is refused. Says what it was
 * (`null`: the company default) and what it is, for the confirmation.
 */
export async function setMonthlyTarget(
  db: Db,
  userId: string,
  target: number,
): Promise<
  { ok: true; userId: string; from: number | null; to: number } | { ok: false; reason: 'out_of_range' }
> {
  if (!monthlyTargetSchema.safeParse(target).success) return { ok: false, reason: 'out_of_range' };
  const before = await findExecutive(db, userId);
  if (before?.monthlyTarget !== target) await updateExecutive(db, userId, { monthlyTarget: target });
  return { ok: true, userId, from: before?.monthlyTarget ?? null, to: target };
}

/** How many executives one page of the roster shows (`/touchpoint roster` and its modal; Slack's 50 blocks a message). */
export const ROSTER_PAGE_SIZE = 40;

/**
 * One page of the active roster, each executive with their pace this month (`/touchpoint roster`, and the
 * roster's modal behind "See all"): paged in SQL and counted in one query; a page past the end is the last.
 */
export async function rosterPage(
  db: Db,
  config: Config,
  now: Date,
  requested: number,
): Promise<{ rows: { executive: Executive; pace: Pace }[]; page: Page }> {
  const page = pageAt(requested, ROSTER_PAGE_SIZE, await countActiveExecutives(db));
  const roster = await listActiveExecutivesPage(db, { limit: page.size, offset: page.offset });
  const paces = await paceForExecutives(db, config, roster, now);
  const rows = roster.flatMap((executive) => {
    const pace = paces.get(executive.userId);
    return pace ? [{ executive, pace }] : [];
  });
  return { rows, page };
}

const HOME_RECENT_CALLS = 5;
/** How many open follow-ups App Home shows at once (the rest are a "Next ›" away). */
export const HOME_FOLLOW_UPS_PAGE_SIZE = 8;

/** Someone's calls in App Home: an active executive's pace and last calls; anyone's open follow-ups. */
export async function callsHome(
  db: Db,
  config: Config,
  userId: string,
  now: Date,
  followUpsPage = 1,
): Promise<{ pace?: Pace; calls: Call[]; followUps: FollowUp[]; followUpsPage: Page }> {
  const [executive, openFollowUps] = await Promise.all([
    findExecutive(db, userId),
    countOpenFollowUps(db, userId),
  ]);
  const active = executive?.active ? executive : undefined;
  const page = pageAt(followUpsPage, HOME_FOLLOW_UPS_PAGE_SIZE, openFollowUps);
  const [paces, recent, followUps] = await Promise.all([
    active ? paceForExecutives(db, config, [active], now) : Promise.resolve(new Map<string, Pace>()),
    active ? listRecentCalls(db, userId, HOME_RECENT_CALLS) : Promise.resolve([]),
    listOpenFollowUpsPage(db, userId, { limit: page.size, offset: page.offset }),
  ]);
  return { pace: paces.get(userId), calls: recent, followUps, followUpsPage: page };
}

/** Every logged call and every follow-up, oldest first (`/touchpoint export calls`). */
export async function exportCalls(db: Db): Promise<{
  calls: Call[];
  followUps: FollowUp[];
  stageNames: Map<number, string>;
  categoryNames: Map<number, string>;
}> {
  const [all, followUps, stages, categoryNames] = await Promise.all([
    listAllCalls(db),
    listAllFollowUps(db),
    listJourneyStages(db),
    touchpointCategoryNames(db),
  ]);
  return { calls: all, followUps, stageNames: new Map(stages.map((s) => [s.id, s.name])), categoryNames };
}

/** The weekly update's part: who logged calls in the window, and how many. */
export async function leadersWhoCalled(db: Db, window: DigestWindow): Promise<DigestContribution> {
  return { kind: 'leaders_called', leaders: await countCallsLoggedBetween(db, window.start, window.end) };
}

/**
 * Queues the due-date reminder of every open follow-up whose due date is today in its owner's zone, from
 * 09:00 there: the "reminded" mark and the DM in one transaction, so each is reminded once.
 */
export async function queueFollowUpReminders(db: Db, now: Date): Promise<number> {
  // Zones run from UTC-12 to UTC+14: "today" is one of the dates between those two zones' dates.
  const earliest = inZone(now, 'Etc/GMT+12').toISODate() ?? '';
  const latest = inZone(now, 'Pacific/Kiritimati').toISODate() ?? '';
  const due = (await listFollowUpsToRemind(db, earliest, latest)).flatMap((followUp) => {
    const local = inZone(now, followUp.ownerTimeZone);
    const today = local.toISODate() ?? '';
    return followUp.dueDate === today && local.hour >= 9 ? [{ followUp, today }] : [];
  });
  let queued = 0;
  for (const slice of slices(due)) {
    queued += await db.transaction(async (tx) => {
      const claimed: { followUp: FollowUp; call: Call; today: string }[] = [];
      for (const { followUp, today } of slice) {
        const mine = await claimFollowUpReminder(tx, followUp.id, today);
        const call = mine && (await findCall(tx, mine.callId));
        if (mine && call) claimed.push({ followUp: mine, call, today });
      }
      // One DM per owner and day, listing every follow-up of theirs due then (40 at most a DM).
      const items: OutboxItem[] = [];
      for (const group of groupBy(claimed, (c) => `${c.followUp.ownerId} ${c.today}`)) {
        for (let i = 0; i < group.length; i += FOLLOW_UPS_PER_DM) {
          const part = group.slice(i, i + FOLLOW_UPS_PER_DM);
          const head = part[0];
          if (!head) continue;
          items.push(
            dm(
              keys.due(head.followUp.ownerId, head.today, head.followUp.id),
              head.followUp.ownerId,
              renderFollowUpsDm({ kind: 'due', items: part }),
            ),
          );
        }
      }
      await enqueue(tx, items, now);
      return claimed.length;
    });
  }
  return queued;
}

const SUMMARY_JOB = 'calls.summary';

/**
 * Queues the week's engagement summary (company zone) to each CX office member, once a week: the week's
 * record and the DMs in one transaction. Returns false when this week's is queued already.
 */
export async function queueWeeklySummary(
  db: Db,
  config: Config,
  cxOfficeMembers: () => Promise<string[]>,
  now: Date,
): Promise<boolean> {
  const week = isoWeekKey(now, config.timeZone);
  if ((await findJobRun(db, SUMMARY_JOB, week))?.status === 'done') return false;
  const message = renderSummary(await buildSummary(db, config, now));
  const members = await cxOfficeMembers();
  return db.transaction(async (tx) => {
    // Claimed and finished in one transaction: a run that dies leaves nothing, a concurrent one waits and
    // finds the week done.
    if (!(await claimJobRun(tx, SUMMARY_JOB, week, now))) return false;
    await enqueue(
      tx,
      members.map((userId) => dm(keys.summary(week, userId), userId, message)),
      now,
    );
    await finishJobRun(tx, SUMMARY_JOB, week, 'done', now);
    return true;
  });
}

export async function buildSummary(db: Db, config: Config, now: Date): Promise<SummaryModel> {
  const zone = config.timeZone;
  const roster = await listActiveExecutives(db);
  const { from, to } = monthRange(now, zone);
  const [paces, monthCalls, open, stages] = await Promise.all([
    paceForExecutives(db, config, roster, now),
    listCallsBetween(db, from, to),
    listOpenFollowUps(db),
    listJourneyStages(db),
  ]);
  const today = inZone(now, zone).toISODate() ?? '';
  const stageName = new Map(stages.map((s) => [s.id, s.name]));
  const byStage = new Map<
    string,
    { stage: string; calls: number; positive: number; negative: number; quotes: string[] }
  >();
  for (const call of monthCalls) {
    const stage = call.stageId ? (stageName.get(call.stageId) ?? 'Other') : 'No stage';
    const entry = byStage.get(stage) ?? { stage, calls: 0, positive: 0, negative: 0, quotes: [] };
    entry.calls += 1;
    if (call.sentiment === 'positive') entry.positive += 1;
    if (call.sentiment === 'negative') entry.negative += 1;
    entry.quotes.push(call.learned);
    byStage.set(stage, entry);
  }
  return {
    month: inZone(now, zone).toFormat('LLLL yyyy'),
    rows: roster.map((executive) => ({
      userId: executive.userId,
      pace: paces.get(executive.userId) ?? { calls: 0, target: 0, expected: 0, behind: false },
    })),
    overdue: open.filter((f) => f.dueDate !== null && f.dueDate < today).length,
    byStage: [...byStage.values()].sort((a, b) => b.calls - a.calls),
  };
}
