import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { inZone, isoWeekKey } from '../../time.js';
import { readSetting } from '../settings/settings.keys.js';
import { insertStory } from '../stories/stories.queries.js';
import {
  type Call,
  countCallsBetween,
  deactivateExecutivesNotIn,
  type Executive,
  type FollowUp,
  findCallByIdempotencyKey,
  insertCall,
  insertFollowUps,
  listActiveExecutives,
  listNudgedThisWeek,
  upsertExecutive,
} from './calls.queries.js';
import { CALL_KINDS, CALL_RESULTS, SENTIMENTS } from './calls.schema.js';

/** Product rules of "executives calling customers". No Slack here. */

export const FOLLOW_UP_ROWS = 3;

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

export async function targetOf(db: Db, config: Config, executive: Executive | undefined): Promise<number> {
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

/** Saves a call, its follow-ups and (when shared) its story in one transaction; a replay saves nothing twice. */
export async function logCall(
  db: Db,
  input: { fields: CallFields; userId: string; idempotencyKey: string; ownerTimeZones: Map<string, string> },
  now: Date,
): Promise<LoggedCall> {
  const f = input.fields;
  // The follow-up rows are dynamic keys of the form (followup_0, followup_0_owner, followup_0_due, …).
  const rowsOf = input.fields as unknown as Record<string, string | undefined>;
  return db.transaction(async (tx) => {
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
      return { call: existing, followUps: [], created: false };
    }
    const rows = Array.from({ length: FOLLOW_UP_ROWS }, (_, i) => i).flatMap((i) => {
      const action = rowsOf[`followup_${i}`];
      const ownerId = rowsOf[`followup_${i}_owner`];
      return action && ownerId
        ? [
            {
              callId: call.id,
              ownerId,
              ownerTimeZone: input.ownerTimeZones.get(ownerId) ?? 'UTC',
              action,
              dueDate: rowsOf[`followup_${i}_due`] ?? null,
              createdAt: now,
            },
          ]
        : [];
    });
    const followUps = await insertFollowUps(tx, rows);
    if (call.shareAsStory) {
      await insertStory(tx, {
        body: `${call.learned}`,
        customer: call.customer,
        stageId: call.stageId,
        kind: call.sentiment === 'negative' ? 'pain_point' : 'delighted',
        shareable: false,
        tellerId: input.userId,
        source: 'call',
        sourceCallId: call.id,
        idempotencyKey: `call:${call.id}`,
        createdAt: now,
      });
    }
    return { call, followUps, created: true };
  });
}

/** The executive's own local date today. */
export function localToday(now: Date, zone: string): string {
  return inZone(now, zone).toISODate() ?? '';
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
