import { DateTime } from 'luxon';
import { weekInWords } from '../time.js';

/**
 * Dates and times as people read them in Slack. In mrkdwn a date goes out as Slack's date token,
 * `<!date^UNIX^{format}|fallback>`: each reader sees it in their own time zone and words ("today",
 * "Nov 24"), so no zone name is ever needed. The fallback is what a client that cannot show the token
 * shows (a notification, an old client): words, never an ISO date. Slack renders the token only in
 * mrkdwn; in plain_text (button labels, options, titles, hints) use the `…InWords` helpers.
 */

const UTC = 'UTC';

/** "Tue 24 Nov 2026": short words for a fallback. */
const fallbackDay = (local: DateTime) => local.toFormat('ccc d LLL yyyy');

/** A date, shown by Slack in the reader's zone: `slackDate(at)` → "today", "yesterday", "Nov 24". */
export function slackDate(at: Date, format = '{date_short_pretty}', fallback?: string): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^${format}|${fallback ?? fallbackDay(DateTime.fromJSDate(at, { zone: UTC }))}>`;
}

/** A date and time in the reader's zone ("today at 9:00 AM"); the fallback says it in `fallbackZone`. */
export function slackDateTime(at: Date, fallbackZone = UTC): string {
  const local = DateTime.fromJSDate(at, { zone: fallbackZone });
  const zone = local.isValid ? zoneInWords(fallbackZone) : UTC;
  const shown = local.isValid ? local : DateTime.fromJSDate(at, { zone: UTC });
  return slackDate(
    at,
    '{date_short_pretty} at {time}',
    `${fallbackDay(shown)} at ${shown.toFormat('HH:mm')} ${zone}`,
  );
}

/**
 * A calendar day such as a due date or a call's date (`2026-11-24`, no time of day), as a token. The
 * token needs an instant: noon UTC is the same calendar day for every reader from UTC−11 to UTC+11, so the
 * day reads the same wherever the reader is (bar the Pacific's last hours). Not a day: shown as given.
 */
export function slackDay(isoDate: string): string {
  const day = DateTime.fromISO(isoDate, { zone: UTC });
  if (!day.isValid) return isoDate;
  return slackDate(day.set({ hour: 12 }).toJSDate(), '{date_short_pretty}', fallbackDay(day));
}

/**
 * A day in words for plain_text ("Tuesday 24 November"), in `zone` for an instant. The year is said when
 * it is not the year of `now` (or always, without `now`: nothing tells the reader which year it is).
 */
export function dayInWords(day: Date | string, options: { zone?: string; now?: Date } = {}): string {
  const zone = options.zone ?? UTC;
  const local =
    typeof day === 'string' ? DateTime.fromISO(day, { zone }) : DateTime.fromJSDate(day, { zone });
  if (!local.isValid) return String(day);
  const sameYear = options.now && DateTime.fromJSDate(options.now, { zone }).year === local.year;
  return local.toFormat(sameYear ? 'cccc d LLLL' : 'cccc d LLLL yyyy');
}

/** A week key (`2026-W48`) in words: "the week of 23 November" (src/time.ts says it, for services too). */
export const weekOf = weekInWords;

/** The week an instant falls in, in `zone`, in words: "the week of 23 November". */
export function weekOfDate(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone });
  return local.isValid ? `the week of ${local.startOf('week').toFormat('d LLLL')}` : 'that week';
}

/**
 * A time zone as people say it: "New York time" for `America/New_York`, "UTC" for UTC. For the rare label
 * that must say which zone a time is in (a time picker in plain_text); never the IANA name itself.
 */
export function zoneInWords(zone: string): string {
  if (/^(Etc\/)?(UTC|GMT|Universal|Zulu|UCT)$/i.test(zone)) return UTC;
  const city = zone.split('/').pop()?.replace(/_/g, ' ');
  return city && zone.includes('/') ? `${city} time` : zone;
}
