import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { claimJobRun, findJobRun, finishJobRun } from '../../jobs/job-runs.queries.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import type { SlackMessage } from '../../slack/blocks.js';
import { type FieldErrors, type FieldValue, validateFields } from '../../slack/view-state.js';
import { inZone, isoWeekKey, localDateKey } from '../../time.js';
import { readSetting, settingDefinitions } from '../settings/settings.keys.js';
import { type JourneyStage, listActiveJourneyStages, listJourneyStages } from '../settings/stages.queries.js';
import { shareCallAsStory } from '../stories/stories.service.js';
import { callsIds, FOLLOW_UP_ROWS } from './calls.ids.js';
import {
  type Call,
  claimFollowUpReminder,
  countCallsBetween,
  deactivateExecutivesNotIn,
  type Executive,
  type FollowUp,
  findCall,
  findCallByIdempotencyKey,
  findExecutive,
  insertCall,
  insertFollowUps,
  listActiveExecutives,
  listCallsBetween,
  listFollowUpsToRemind,
  listNudgedThisWeek,
  listOpenFollowUps,
  markFollowUpDone,
  recordNudges,
  updateExecutive,
  updateFollowUpOwnerZone,
  upsertExecutive,
} from './calls.queries.js';
import { CALL_KINDS, CALL_RESULTS, SENTIMENTS } from './calls.schema.js';
import {
  renderFollowUpDm,
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
function dm(key: string, userId: string, message: SlackMessage): OutboxItem {
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
  followUp: (followUpId: number, kind: 'assigned' | 'due') =>
    outboxKey('calls', 'followup', followUpId, kind),
  summary: (week: string, userId: string) => outboxKey('calls', 'summary', week, 'dm', userId),
};

// Large rosters are queued in slices: each slice is one transaction (its records and their DMs together),
// small enough for the 65,535 parameters a statement may carry.
const SLICE = 500;
const slices = <T>(list: T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / SLICE) }, (_, i) => list.slice(i * SLICE, (i + 1) * SLICE));

const text = (what: string, max: number, required?: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    (required ? z.string().min(1, required) : z.string()).max(
      max,
      `${what} can be at most ${max.toLocaleString('en-US')} characters.`,
    ),
  );

/** The call form, keyed by block IDs; `today` is the logger's local date (no calls from the future). */
export function callFieldsSchema(today: string) {
  const action = text('A follow-up', 500);
  const owner = z
    .string()
    .regex(/^[UW][A-Z0-9]+$/)
    .optional();
  const due = z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional();
  // FOLLOW_UP_ROWS rows, spelled out so the types stay exact.
  const followUpFields = {
    followup_0: action,
    followup_0_owner: owner,
    followup_0_due: due,
    followup_1: action,
    followup_1_owner: owner,
    followup_1_due: due,
    followup_2: action,
    followup_2_owner: owner,
    followup_2_due: due,
  };
  return z
    .object({
      customer: text('The customer', 200, 'Which customer or account?'),
      contact: text('The contact', 200),
      date: z
        .string({ error: 'When was it?' })
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date.')
        .refine((date) => date <= today, 'That date is in the future: log a call once it has happened.'),
      kind: z.enum(CALL_KINDS, { error: 'Pick what it was.' }),
      result: z.enum(CALL_RESULTS, { error: 'Pick how it went.' }),
      duration: z.preprocess(
        (value) => (value === undefined || value === '' ? undefined : value),
        z.coerce
          .number({ error: 'Minutes, as a number.' })
          .int('Whole minutes.')
          .min(1, 'At least a minute.')
          .max(600, 'At most 600 minutes.')
          .optional(),
      ),
      stage: z.string().regex(/^\d+$/).transform(Number).optional(),
      learned: text('What we learned', 3000, 'What did you learn? Even one sentence helps.'),
      sentiment: z.enum(SENTIMENTS).optional(),
      share: z.array(z.string()).default([]),
      ...followUpFields,
    })
    .superRefine((fields, ctx) => {
      const record = fields as Record<string, unknown>;
      for (let i = 0; i < FOLLOW_UP_ROWS; i += 1) {
        if (record[`followup_${i}`] && !record[`followup_${i}_owner`]) {
          ctx.addIssue({
            code: 'custom',
            path: [`followup_${i}_owner`],
            message: 'Who owns this follow-up?',
          });
        }
      }
    });
}
export type CallFields = z.infer<ReturnType<typeof callFieldsSchema>>;

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

async function targetOf(db: Db, config: Config, executive: Executive | undefined): Promise<number> {
  return executive?.monthlyTarget ?? (await readSetting(db, config, 'calls.defaultMonthlyTarget'));
}

/** Pace for many executives in two queries. */
export async function paceForExecutives(
  db: Db,
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

export interface SlackUser {
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
  members: SlackUser[],
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

export interface LoggedCall {
  call: Call;
  followUps: FollowUp[];
  created: boolean;
}

export type LogCallOutcome = { ok: true; logged: LoggedCall } | { ok: false; errors: FieldErrors };

export const STAGE_REMOVED = 'That stage was removed — pick another.';

/** The zone a person's dates are in: their roster zone, else the company's. */
async function zoneOf(db: Db, config: Config, userId: string): Promise<string> {
  return (await findExecutive(db, userId))?.timeZone ?? config.timeZone;
}

/** What the call form starts with: the stages people can pick, and the logger's own today. */
export async function callFormDefaults(
  db: Db,
  config: Config,
  userId: string,
  now: Date,
): Promise<{ stages: JourneyStage[]; today: string }> {
  const [stages, zone] = await Promise.all([listActiveJourneyStages(db), zoneOf(db, config, userId)]);
  return { stages, today: localDateKey(now, zone) };
}

/**
 * Saves a call from the form's fields, its follow-ups and (when shared) its story, and queues the
 * logger's thank-you and each follow-up's DM to its owner, all in one transaction; a replay (same
 * `idempotencyKey`) saves and sends nothing twice. Field problems come back keyed by block ID, among them
 * a stage removed (or retired) since the form opened: saving again could never work, so it is the stage
 * field's error.
 */
export async function logCall(
  db: Db,
  config: Config,
  input: { fields: Record<string, FieldValue>; userId: string; idempotencyKey: string },
  now: Date,
): Promise<LogCallOutcome> {
  const zone = await zoneOf(db, config, input.userId);
  const validated = validateFields(callFieldsSchema(localDateKey(now, zone)), input.fields);
  if (!validated.ok) return validated;
  const f = validated.data;
  // The follow-up rows are dynamic keys of the form (followup_0, followup_0_owner, followup_0_due, …).
  const rowsOf = f as unknown as Record<string, string | undefined>;
  return db.transaction(async (tx): Promise<LogCallOutcome> => {
    if (f.stage !== undefined) {
      // Read in the transaction, not from the few seconds' cache: a stage just removed must not pass.
      const stage = (await listJourneyStages(tx)).find((s) => s.id === f.stage);
      if (!stage || stage.retiredAt !== null)
        return { ok: false, errors: { [callsIds.stage]: STAGE_REMOVED } };
    }
    const call = await insertCall(tx, {
      loggedBy: input.userId,
      customer: f.customer,
      contact: f.contact || null,
      callDate: f.date,
      kind: f.kind,
      result: f.result,
      durationMinutes: f.duration ?? null,
      stageId: f.stage ?? null,
      learned: f.learned,
      sentiment: f.sentiment ?? null,
      shareAsStory: f.share.includes('share'),
      idempotencyKey: input.idempotencyKey,
      createdAt: now,
    });
    if (!call) {
      const existing = await findCallByIdempotencyKey(tx, input.idempotencyKey);
      if (!existing) throw new Error('call vanished');
      return { ok: true, logged: { call: existing, followUps: [], created: false } };
    }
    const wanted = Array.from({ length: FOLLOW_UP_ROWS }, (_, i) => i).flatMap((i) => {
      const action = rowsOf[`followup_${i}`];
      const ownerId = rowsOf[`followup_${i}_owner`];
      return action && ownerId ? [{ action, ownerId, dueDate: rowsOf[`followup_${i}_due`] ?? null }] : [];
    });
    // An owner's zone until Slack tells us theirs (after the answer: `rememberOwnerZones`).
    const ownerZones = new Map<string, string>();
    for (const ownerId of new Set(wanted.map((w) => w.ownerId)))
      ownerZones.set(ownerId, await zoneOf(tx, config, ownerId));
    const followUps = await insertFollowUps(
      tx,
      wanted.map((w) => ({
        callId: call.id,
        ownerId: w.ownerId,
        ownerTimeZone: ownerZones.get(w.ownerId) ?? config.timeZone,
        action: w.action,
        dueDate: w.dueDate,
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
          kind: call.sentiment === 'negative' ? 'pain_point' : 'delighted',
          tellerId: input.userId,
        },
        { backlogChannel: config.backlogChannel },
        now,
      );
    }
    const executive = await findExecutive(tx, input.userId);
    const pace = executive
      ? (await paceForExecutives(tx, config, [executive], now)).get(input.userId)
      : undefined;
    await enqueue(
      tx,
      [
        dm(keys.thanks(call.id), input.userId, renderThanks(call, pace)),
        ...followUps.map((followUp) =>
          dm(
            keys.followUp(followUp.id, 'assigned'),
            followUp.ownerId,
            renderFollowUpDm(followUp, call, 'assigned'),
          ),
        ),
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

/** Snoozes an executive's nudges for a week; returns the owner's local date the snooze ends. */
export async function snoozeNudges(db: Db, config: Config, userId: string, now: Date): Promise<string> {
  const until = snoozeUntil(now);
  await updateExecutive(db, userId, { snoozedUntil: until });
  return localDateKey(until, await zoneOf(db, config, userId));
}

/** Pauses nudges until a local date (inclusive); a date already past is refused. */
export async function pauseNudges(
  db: Db,
  config: Config,
  userId: string,
  date: string,
  now: Date,
): Promise<{ ok: true } | { ok: false; reason: 'date_passed' }> {
  if (date < localDateKey(now, await zoneOf(db, config, userId))) return { ok: false, reason: 'date_passed' };
  await updateExecutive(db, userId, { pausedUntil: date });
  return { ok: true };
}

/** Marks a follow-up done by its owner; false when it is done already or not theirs. */
export async function completeFollowUp(db: Db, id: number, userId: string, now: Date): Promise<boolean> {
  return (await markFollowUpDone(db, id, userId, now)) !== undefined;
}

/** An executive and the target they are held to (their own, else the company default). */
export async function findExecutiveTarget(
  db: Db,
  config: Config,
  userId: string,
): Promise<{ executive: Executive; target: number } | undefined> {
  const executive = await findExecutive(db, userId);
  return executive ? { executive, target: await targetOf(db, config, executive) } : undefined;
}

/** Sets one executive's monthly target: the same range as the company default's setting. */
export async function setMonthlyTarget(
  db: Db,
  userId: string,
  value: unknown,
): Promise<{ ok: true } | { ok: false; reason: 'out_of_range' }> {
  const target = z.coerce
    .number()
    .pipe(settingDefinitions['calls.defaultMonthlyTarget'].schema)
    .safeParse(typeof value === 'string' ? value.trim() || undefined : value);
  if (!target.success) return { ok: false, reason: 'out_of_range' };
  await updateExecutive(db, userId, { monthlyTarget: target.data });
  return { ok: true };
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
      const items: OutboxItem[] = [];
      for (const { followUp, today } of slice) {
        const claimed = await claimFollowUpReminder(tx, followUp.id, today);
        const call = claimed && (await findCall(tx, claimed.callId));
        if (claimed && call)
          items.push(
            dm(keys.followUp(claimed.id, 'due'), claimed.ownerId, renderFollowUpDm(claimed, call, 'due')),
          );
      }
      await enqueue(tx, items, now);
      return items.length;
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
