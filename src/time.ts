import { Cron } from 'croner';
import { DateTime } from 'luxon';

/**
 * Calendar arithmetic in a named time zone (company or person), through luxon so DST is handled.
 * Everything takes `now` explicitly: jobs and tests drive the clock.
 */

export function inZone(now: Date, zone: string): DateTime {
  return DateTime.fromJSDate(now, { zone });
}

/** ISO week of `now` in `zone`, e.g. `2026-W48`: the key of "once a week" work. */
export function isoWeekKey(now: Date, zone: string): string {
  const local = inZone(now, zone);
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
}

/** The quarter of `now` in `zone`, e.g. `2026-Q4`: the key of "once a quarter" work. */
export function quarterKey(now: Date, zone: string): string {
  const local = inZone(now, zone);
  return `${local.year}-Q${local.quarter}`;
}

/** The quarter a month key falls in: `2026-10` → `2026-Q4`. */
export function quarterOfMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return `${year}-Q${Math.ceil((m ?? 1) / 3)}`;
}

/**
 * A week key (`2026-W48`, ISO weeks from Monday) in words: "the week of 23 November" (its Monday; no year:
 * these weeks are this one or close to it). The key is already a calendar week, so no zone is involved.
 * People read this; keys and logs keep the ISO form.
 */
export function weekInWords(weekKey: string): string {
  const monday = DateTime.fromISO(`${weekKey}-1`, { zone: 'UTC' });
  return monday.isValid ? `the week of ${monday.toFormat('d LLLL')}` : 'that week';
}

/** A period key in words: a week as `weekInWords`, a day (`2026-11-27`) "27 November 2026", a month "November 2026". */
export function periodInWords(key: string): string {
  if (/^\d{4}-W\d{2}$/.test(key)) return weekInWords(key);
  const day = DateTime.fromISO(key, { zone: 'UTC' });
  if (!day.isValid) return key;
  return day.toFormat(/^\d{4}-\d{2}$/.test(key) ? 'LLLL yyyy' : 'd LLLL yyyy');
}

/** Calendar date of `now` in `zone`, e.g. `2026-11-23`. */
export function localDateKey(now: Date, zone: string): string {
  return inZone(now, zone).toISODate() ?? '';
}

export function isWorkingDay(local: DateTime): boolean {
  return local.weekday <= 5;
}

/** Whole working days (Mon–Fri) from `from` to `now`, counted in `zone`; 0 on the same day. */
export function workingDaysBetween(from: Date, now: Date, zone: string): number {
  let day = inZone(from, zone).startOf('day');
  const end = inZone(now, zone).startOf('day');
  let count = 0;
  while (day < end) {
    day = day.plus({ days: 1 });
    if (isWorkingDay(day)) count += 1;
  }
  return count;
}

/** Start and end (exclusive) of the local ISO week containing `now`, as instants. */
export function weekBounds(now: Date, zone: string): { start: Date; end: Date } {
  const start = inZone(now, zone).startOf('week');
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** Whether croner accepts `expression` (settings and the environment both take cron schedules). */
export function isCronExpression(expression: string): boolean {
  try {
    new Cron(expression, { paused: true });
    return true;
  } catch {
    return false;
  }
}
