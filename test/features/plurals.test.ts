import { describe, expect, it } from 'vitest';
import {
  dayInWords,
  slackDate,
  slackDateTime,
  slackDay,
  weekOf,
  weekOfDate,
  zoneInWords,
} from '../../src/slack/dates.js';
import { countOf } from '../../src/slack/plural.js';
import { exportedViews, viewCases } from '../support/view-fixtures.js';

// Texts people read: every view of every feature, rendered with counts of one and of several, says "1 vote"
// and "3 votes" (never "1 votes"), and never shows a machine's words: an ISO week (2026-W48), an ISO date
// outside a date token's fallback, an IANA zone, a cron expression or an environment variable's name.

const now = new Date('2026-11-25T10:00:00Z');

// ---- What is read, and what is wrong in it ----------------------------------------------------------------

interface Text {
  where: string;
  text: string;
  /** plain_text: Slack shows it as typed (a date token would show as markup). */
  plain: boolean;
}

/** Keys whose strings people read: `text` (blocks, elements, messages), and an export's comment and answer. */
const READ_KEYS = new Set(['text', 'comment', 'said', 'title', 'fallback']);

/** Every string people read in a rendered view, message, block list, export or sentence. */
function textsOf(output: unknown, where: string): Text[] {
  if (typeof output === 'string') return [{ where, text: output, plain: false }];
  const found: Text[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${path}[${i}]`);
      });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const plain = record.type === 'plain_text';
    for (const [key, child] of Object.entries(record)) {
      if (typeof child === 'string' && READ_KEYS.has(key))
        found.push({ where: `${path}.${key}`, text: child, plain });
      else if (typeof child === 'object') walk(child, `${path}.${key}`);
    }
  };
  walk(output, where);
  return found;
}

/** The nouns Touchpoint counts, singular → plural. */
const NOUNS: Record<string, string> = {
  vote: 'votes',
  suggestion: 'suggestions',
  nomination: 'nominations',
  rule: 'rules',
  item: 'items',
  call: 'calls',
  conversation: 'conversations',
  executive: 'executives',
  leader: 'leaders',
  'follow-up': 'follow-ups',
  story: 'stories',
  day: 'days',
  week: 'weeks',
  month: 'months',
  minute: 'minutes',
  message: 'messages',
  update: 'updates',
  reply: 'replies',
  person: 'people',
  attempt: 'attempts',
  nudge: 'nudges',
  thing: 'things',
};
const PLURALS = new Set(Object.values(NOUNS));
const SINGULARS = Object.keys(NOUNS)
  .sort((a, b) => b.length - a.length)
  .join('|');
/** Words that may stand between a number and its noun ("1 more item", "3 working days", "2 new follow-ups"). */
const BETWEEN = '(?:(?:more|new|working|roadmap|customer|open|late|overdue) )?';

const ONE_WITH_PLURAL = new RegExp(`(?<![\\d,.#-])\\b1\\*? \\*?${BETWEEN}([a-z][a-z-]*)\\b`, 'g');
const MANY_WITH_SINGULAR = new RegExp(
  `(?<![\\d,.#-])\\b(0|[2-9]|\\d{2,})\\*? \\*?${BETWEEN}(${SINGULARS})(?![a-z-])`,
  'g',
);
const DATE_TOKEN = /<!date\^\d+\^[^|>]*\|[^>]*>/g;

/** What is wrong with one text people read, in words (empty when nothing is). */
function problemsIn({ text, plain }: Text): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(ONE_WITH_PLURAL)) {
    const noun = match[1]?.toLowerCase() ?? '';
    if (PLURALS.has(noun)) problems.push(`one with a plural: “${match[0]}”`);
  }
  for (const match of text.matchAll(MANY_WITH_SINGULAR))
    problems.push(`several with a singular: “${match[0]}”`);
  if (plain && text.includes('<!date^'))
    problems.push('a date token in plain_text (Slack shows it as typed)');
  // A token's fallback may say anything; outside tokens no ISO date, week, zone, cron or variable.
  const outside = text.replace(DATE_TOKEN, '');
  if (/\d{4}-W\d{2}/.test(outside)) problems.push('an ISO week');
  if (/\b\d{4}-\d{2}-\d{2}\b/.test(outside)) problems.push('an ISO date outside a date token');
  if (
    /\b(Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]/.test(outside)
  )
    problems.push('an IANA time zone');
  if (
    /(^|\s)(\*|\d+(-\d+)?|\*\/\d+) (\*|\d+(-\d+)?) (\*|\d+) (\*|\d+) (\*|[0-7](-[0-7])?)(\s|$)/.test(outside)
  )
    problems.push('a cron expression');
  if (/\b(TOUCHPOINT|SLACK)_[A-Z_]+|\bDATABASE_URL\b/.test(outside)) problems.push('an environment variable');
  return problems;
}

// ---- The tests ---------------------------------------------------------------------------------------------

describe('the scanner of texts people read', () => {
  const flagged = (text: string, plain = false) => problemsIn({ where: 'sample', text, plain });

  it('flags a number and a noun that disagree, and passes those that agree', () => {
    expect(flagged('RULE-4 (New, 1 votes)')).toHaveLength(1);
    expect(flagged('*1* calls so far')).toHaveLength(1);
    expect(flagged('…and 1 more items.')).toHaveLength(1);
    expect(flagged('2 vote')).toHaveLength(1);
    expect(flagged('0 follow-up overdue')).toHaveLength(1);
    expect(flagged('waiting longer than 10 working day')).toHaveLength(1);
    expect(flagged('1 people backed it')).toHaveLength(1);
    expect(flagged('1 vote · 3 votes · 1 more item · 11 votes · 21 follow-ups · 1 of 2 this month')).toEqual(
      [],
    );
    expect(flagged('Refunds over €50 need 2 signatures')).toEqual([]);
    // A reference or an ID is no count: “*RULE-36* Rule 36”, “#3 item”.
    expect(flagged(':skull: *RULE-36* Rule 36 · #3 item')).toEqual([]);
    expect(flagged(`${countOf(1, 'story', 'stories')}, ${countOf(2, 'story', 'stories')}`)).toEqual([]);
  });

  it('flags machine words outside a date token, and a date token in plain_text', () => {
    expect(flagged('This week’s update (2026-W48) is skipped.')).toEqual(['an ISO week']);
    expect(flagged('Due 2026-11-18.')).toEqual(['an ISO date outside a date token']);
    expect(flagged('in your time zone (America/New_York)')).toEqual(['an IANA time zone']);
    expect(flagged('a custom schedule: 0 9 * * 1-5')).toEqual(['a cron expression']);
    expect(flagged('Set TOUCHPOINT_EXECUTIVES to user IDs.')).toEqual(['an environment variable']);
    expect(flagged(`Due ${slackDay('2026-11-18')} · ${slackDate(now, '{date_num}', '2026-11-25')}`)).toEqual(
      [],
    );
    expect(flagged(`Paused until ${slackDay('2026-12-10')}`, true)).toEqual([
      'a date token in plain_text (Slack shows it as typed)',
    ]);
  });

  it('collects block texts, element and field texts, message texts and an export’s words', () => {
    const texts = textsOf(
      {
        text: 'top',
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'section' },
            fields: [{ type: 'mrkdwn', text: 'field' }],
          },
          { type: 'context', elements: [{ type: 'mrkdwn', text: 'context' }] },
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'button' }, value: '1 votes' }],
          },
        ],
        csv: '2026-11-25',
        said: 'said',
      },
      'sample',
    );
    expect(texts.map((t) => t.text).sort()).toEqual(['button', 'context', 'field', 'said', 'section', 'top']);
    expect(texts.find((t) => t.text === 'button')?.plain).toBe(true);
  });
});

describe('Slack date tokens', () => {
  it('say a day, a time and a week as Slack documents them, with words as the fallback', () => {
    expect(slackDay('2026-11-18')).toBe('<!date^1795003200^{date_short_pretty}|Wed 18 Nov 2026>');
    expect(slackDateTime(new Date('2026-11-25T09:00:00Z'), 'Europe/Berlin')).toBe(
      '<!date^1795597200^{date_short_pretty} at {time}|Wed 25 Nov 2026 at 10:00 Berlin time>',
    );
    expect(weekOf('2026-W48')).toBe('the week of 23 November');
    expect(weekOf('2027-W01')).toBe('the week of 4 January');
    // Sunday 23:30 UTC is already Monday in Tokyo: the company's week is the next one.
    expect(weekOfDate(new Date('2026-11-29T23:30:00Z'), 'Asia/Tokyo')).toBe('the week of 30 November');
    // In plain_text, where no token works: the day in words, the year only when it is not this year's.
    expect(dayInWords('2026-11-24', { now })).toBe('Tuesday 24 November');
    expect(dayInWords('2027-01-05', { now })).toBe('Tuesday 5 January 2027');
    expect(zoneInWords('America/New_York')).toBe('New York time');
    expect(zoneInWords('Etc/UTC')).toBe('UTC');
  });
});

describe('texts people read', () => {
  it('cover every view a feature exports', () => {
    expect(exportedViews()).toEqual(Object.keys(viewCases).sort());
  });

  for (const [name, renders] of Object.entries(viewCases)) {
    it(`${name}: numbers agree with their nouns, and no machine words`, () => {
      const outputs = renders();
      const texts = outputs.flatMap((output, i) => textsOf(output, `${name}#${i}`));
      expect(texts.length, name).toBeGreaterThan(0);
      const problems = texts.flatMap((text) =>
        problemsIn(text).map((problem) => `${text.where}: ${problem} in “${text.text.slice(0, 160)}”`),
      );
      expect(problems).toEqual([]);
    });
  }
});
