import { z } from 'zod';
import type { Config } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { isCronExpression } from '../../time.js';
import { deleteSetting, findStoredSetting } from './settings.queries.js';

/**
 * Every setting the CX office can change in Slack (`/touchpoint settings`), with its schema and default.
 * A stored value wins over the environment; an unreadable stored value falls back to the default. The
 * schemas are the product's ranges: saving the settings checks them, and so does an executive's own target.
 * Only what the CX office changed is stored: a value they never touched follows the server's configuration
 * (or the product's default), so changing the environment later still takes effect.
 */

/** A time of the week, in a zone: ISO weekday (1 = Monday … 7 = Sunday), hour and minute. */
export interface WeeklySlot {
  weekday: number;
  hour: number;
  minute: number;
}

/** The digest schedule when nobody configured one (the environment's default too). */
export const DEFAULT_DIGEST_SCHEDULE = '0 9 * * 1';

// Nudges are read on a working-day morning: anything else lands in a weekend or in the middle of meetings.
export const NUDGE_DAY_PROBLEM = 'Nudges go out on working days: pick Monday to Friday.';
export const NUDGE_TIME_PROBLEM = 'Nudges go out in the morning: pick a time from 07:00 to 12:00.';
export const NUDGE_EARLIEST = 7 * 60;
export const NUDGE_LATEST = 12 * 60;

export const isNudgeDay = (weekday: number) => weekday >= 1 && weekday <= 5;
export const isNudgeTime = (hour: number, minute: number) =>
  hour * 60 + minute >= NUDGE_EARLIEST && hour * 60 + minute <= NUDGE_LATEST;

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * A cron that runs once a week at one time (`M H * * D`, D a number 0–7 or a day's name), as a weekly
 * slot; undefined for anything else (several days, a month day, steps): a custom schedule.
 */
export function parseWeeklySchedule(cron: string): WeeklySlot | undefined {
  const match = /^(\d{1,2}) (\d{1,2}) \* \* ([0-7]|[A-Za-z]{3})$/.exec(cron.trim().replace(/\s+/g, ' '));
  if (!match) return undefined;
  const [, m = '', h = '', d = ''] = match;
  const minute = Number(m);
  const hour = Number(h);
  const day = /^\d$/.test(d) ? Number(d) : DAY_NAMES.indexOf(d.toUpperCase());
  if (minute > 59 || hour > 23 || day < 0) return undefined;
  return { weekday: day === 0 ? 7 : day, hour, minute };
}

/** The cron of a weekly slot (Sunday as 0, as every cron reads it). */
export function weeklyCron(slot: WeeklySlot): string {
  return `${slot.minute} ${slot.hour} * * ${slot.weekday % 7}`;
}

export const settingDefinitions = {
  /** Nominations without a decision after this many working days are called out as late. */
  'rules.responseTargetWorkingDays': {
    schema: z.number().int('A whole number of days.').min(1, 'At least 1 day.').max(60, 'At most 60 days.'),
    fallback: (_config: Config) => 10,
    origin: (_config: Config): FallbackOrigin => 'default',
  },
  /**
   * Quick kills (rated easy to kill, high impact) without a decision after this many working days are late:
   * shorter than the response target (saving checks it; the aging job never lets it be longer).
   */
  'rules.quickKillTargetWorkingDays': {
    schema: z.number().int('A whole number of days.').min(1, 'At least 1 day.').max(60, 'At most 60 days.'),
    fallback: (_config: Config) => 3,
    origin: (_config: Config): FallbackOrigin => 'default',
  },
  /** Accepting a rule: the kill-by date the decision modal offers, this many days from today. */
  'rules.killByDays': {
    schema: z.number().int('A whole number of days.').min(1, 'At least 1 day.').max(90, 'At most 90 days.'),
    fallback: (_config: Config) => 30,
    origin: (_config: Config): FallbackOrigin => 'default',
  },
  /** Customer calls a month expected of an executive without a personal target. */
  'calls.defaultMonthlyTarget': {
    schema: z.number().int('A whole number.').min(0, 'At least 0.').max(31, 'At most 31 a month.'),
    fallback: (_config: Config) => 2,
    origin: (_config: Config): FallbackOrigin => 'default',
  },
  /** When nudges go out, in each executive's own time zone: a working day, in the morning. */
  'calls.nudgeSlot': {
    schema: z
      .object({
        weekday: z.number().int().refine(isNudgeDay, NUDGE_DAY_PROBLEM),
        hour: z.number().int().min(0).max(23),
        minute: z.number().int().min(0).max(59),
      })
      .refine((slot) => isNudgeTime(slot.hour, slot.minute), NUDGE_TIME_PROBLEM),
    fallback: (_config: Config) => ({ weekday: 2, hour: 10, minute: 0 }),
    origin: (_config: Config): FallbackOrigin => 'default',
  },
  /** The weekly update's cron schedule in the company time zone. */
  'digest.schedule': {
    schema: z
      .string()
      .trim()
      .refine(isCronExpression, 'Not a schedule Touchpoint can read: pick a day and a time.'),
    fallback: (config: Config) => config.digestSchedule,
    // The environment's default cannot be told from the same value set on purpose; both mean the same.
    origin: (config: Config): FallbackOrigin =>
      sameSchedule(config.digestSchedule, DEFAULT_DIGEST_SCHEDULE) ? 'default' : 'environment',
  },
} as const;

export type SettingKey = keyof typeof settingDefinitions;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingDefinitions)[K]['schema']>;

/** Where a value comes from when the CX office did not set it: the server's configuration, or the default. */
export type FallbackOrigin = 'environment' | 'default';
/** Where a value comes from: set in Slack, the server's configuration, or the product's default. */
export type SettingOrigin = 'slack' | FallbackOrigin;

export interface SettingState<T> {
  /** The value in effect. */
  value: T;
  origin: SettingOrigin;
  /** What applies without a value set in Slack, and where that comes from. */
  fallback: T;
  fallbackOrigin: FallbackOrigin;
}

/** Two schedules that run at the same times: the same weekly slot, or the same cron text. */
export function sameSchedule(a: string, b: string): boolean {
  const [weeklyA, weeklyB] = [parseWeeklySchedule(a), parseWeeklySchedule(b)];
  if (weeklyA && weeklyB) return weeklyCron(weeklyA) === weeklyCron(weeklyB);
  return a.trim().replace(/\s+/g, ' ') === b.trim().replace(/\s+/g, ' ');
}

/** Whether two values of a setting mean the same (so saving one over the other changes nothing). */
export function sameSettingValue<K extends SettingKey>(
  key: K,
  a: SettingValue<K>,
  b: SettingValue<K>,
): boolean {
  if (key === 'digest.schedule') return sameSchedule(a as string, b as string);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A setting with where its value comes from. */
export async function readSettingState<K extends SettingKey>(
  db: DbOrTx,
  config: Config,
  key: K,
): Promise<SettingState<SettingValue<K>>> {
  const definition = settingDefinitions[key];
  const fallback = definition.fallback(config) as SettingValue<K>;
  const fallbackOrigin = definition.origin(config);
  const stored = await findStoredSetting(db, key);
  const parsed = stored ? definition.schema.safeParse(stored.value) : undefined;
  return parsed?.success
    ? { value: parsed.data as SettingValue<K>, origin: 'slack', fallback, fallbackOrigin }
    : { value: fallback, origin: fallbackOrigin, fallback, fallbackOrigin };
}

/** The value in effect: set in Slack, else the server's configuration or the default. */
export async function readSetting<K extends SettingKey>(
  db: DbOrTx,
  config: Config,
  key: K,
): Promise<SettingValue<K>> {
  return (await readSettingState(db, config, key)).value;
}

/** Forgets the value set in Slack: the server's configuration or the default applies again. */
export async function clearSetting(db: DbOrTx, key: SettingKey): Promise<boolean> {
  return deleteSetting(db, key);
}
