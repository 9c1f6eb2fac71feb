import type { KnownBlock } from '@slack/types';
import { context, header, notice, packLines, type SlackMessage, section } from '../../slack/blocks.js';
import { toCsv } from '../../slack/csv.js';
import { escapeMrkdwn, userMention } from '../../slack/mrkdwn.js';
import { countOf } from '../../slack/plural.js';
import { periodInWords } from '../../time.js';
import { reviewIds } from './review.ids.js';
import {
  type CheckAnswers,
  type Counts,
  type Health,
  type HealthNow,
  heardAnything,
  REVIEW_MEASURES,
  type ReviewGap,
  type ReviewStage,
  type StageReview,
} from './review.service.js';
import type { ReviewPictureInput } from './review.types.js';

/**
 * The monthly journey-stage review in words: the DM's short summary (the picture and the CSV follow it),
 * the health lines of the CX office's Home, and the command's answers. Stage and category names are the
 * CX office's own text: escaped wherever they reach mrkdwn. Nobody who suggested anything is named.
 */

const bold = (name: string) => `*${escapeMrkdwn(name)}*`;

/** "+4", "−2", "no change". */
function change(now: number, before: number): string {
  const delta = now - before;
  if (delta === 0) return 'no change';
  return delta > 0 ? `+${delta.toLocaleString('en-US')}` : `−${Math.abs(delta).toLocaleString('en-US')}`;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const days = (value: number) => countOf(Math.round(value * 10) / 10, 'day');

function stories(c: Counts): number {
  return c.pain + c.delighted + c.recovery;
}

function checksLine(checks: CheckAnswers, previous: CheckAnswers): string | undefined {
  if (checks.asked === 0 && previous.asked === 0) return undefined;
  const answered = (a: CheckAnswers) => a.yes + a.itDepends + a.notYet;
  const quarter = (key: string) => key.replace('-Q', ' Q');
  const now =
    checks.asked === 0
      ? `not asked yet in ${quarter(checks.quarter)}`
      : `${quarter(checks.quarter)}: ${checks.yes} yes, ${checks.itDepends} it depends, ${checks.notYet} not yet (${answered(checks)} of ${checks.asked} asked answered)`;
  const before =
    previous.asked === 0
      ? ''
      : `; ${quarter(previous.quarter)}: ${previous.yes} yes, ${previous.itDepends} it depends, ${previous.notYet} not yet`;
  return `“Consistent and reliable?” ${now}${before}`;
}

/** One stage's lines in the summary. */
export function stageLines(stage: ReviewStage, previousMonth: string): string {
  const c = stage.counts;
  const p = stage.previous;
  const owner = stage.ownerId ? ` · owner ${userMention(stage.ownerId)}` : '';
  const checks = checksLine(stage.checks, stage.previousChecks);
  // A stage nobody spoke about says so in one line (the gaps call it out too).
  if (!heardAnything(c) && c.inProgress + c.shipped + c.followUpsOpen === 0 && !checks)
    return `${bold(stage.name)}${owner} — nothing heard this month${heardAnything(p) ? ` (${periodInWords(previousMonth)}: ${countOf(p.made, 'suggestion')}, ${countOf(p.conversations, 'conversation')}, ${countOf(stories(p), 'story', 'stories')})` : ''}`;
  const lines = [
    `${bold(stage.name)}${owner}`,
    `Suggestions: ${c.made} made, ${c.open} open, ${c.killed} killed, ${c.kept} kept · ${countOf(c.votes, 'vote')}`,
    `Customers: ${countOf(c.conversations, 'conversation')} (${c.positive} positive, ${c.negative} negative) · ${countOf(c.notReached, 'call')} not reached · visits and front line: ${c.visits}`,
    `Stories: ${c.pain} pain, ${c.delighted} delight, ${c.recovery} recovery · Roadmap: ${c.inProgress} in progress, ${c.shipped} shipped · Follow-ups: ${c.followUpsOpen} open, ${c.followUpsOverdue} overdue`,
    `Since ${periodInWords(previousMonth)}: suggestions ${change(c.made, p.made)}, conversations ${change(c.conversations, p.conversations)}, stories ${change(stories(c), stories(p))}, negative conversations ${change(c.negative, p.negative)}`,
  ];
  if (checks) lines.push(checks);
  const categories = stage.categories
    .map((category) => {
      const k = category.counts;
      return `${escapeMrkdwn(category.name)}: ${countOf(k.made, 'suggestion')}, ${countOf(k.conversations, 'conversation')}, ${countOf(stories(k), 'story', 'stories')}`;
    })
    .join(' · ');
  if (categories) lines.push(`_By category_ — ${categories}`);
  return lines.join('\n');
}

/** A gap in words, e.g. "*Get help*: 14 pain stories and 9 negative calls, no roadmap item". */
export function gapInWords(gap: ReviewGap): string {
  switch (gap.kind) {
    case 'unanswered_pain':
      return `${bold(gap.stage)}: ${countOf(gap.pain, 'pain story', 'pain stories')} and ${countOf(gap.negative, 'negative call')}, no roadmap item`;
    case 'it_depends':
      return `${bold(gap.stage)}: ${gap.unsure} of ${countOf(gap.answered, 'answer')} say “it depends” or “not yet”`;
    case 'overdue':
      return `${bold(gap.stage)}: ${countOf(gap.overdue, 'follow-up')} overdue`;
    case 'silent': {
      const names = gap.stages.map(bold);
      const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
      return `Nothing heard at all about ${list}: no suggestion, call or story this month`;
    }
  }
}

function healthLines(health: Health, previous: Health, previousMonth: string): string {
  const was = (text: string) => ` (${periodInWords(previousMonth)}: ${text})`;
  const maybeDays = (value: number | null) => (value === null ? 'none decided' : `median ${days(value)}`);
  const share = (value: number | null) => (value === null ? 'none' : percent(value));
  return [
    `• Suggestion → decision: ${maybeDays(health.daysToDecision)}${was(maybeDays(previous.daysToDecision))}`,
    `• Accepted → killed: ${health.daysAcceptedToKilled === null ? 'none killed' : `median ${days(health.daysAcceptedToKilled)}`}${was(previous.daysAcceptedToKilled === null ? 'none killed' : `median ${days(previous.daysAcceptedToKilled)}`)}`,
    `• Follow-ups done: ${health.followUpCompletion === null ? 'none due' : `${percent(health.followUpCompletion)} of ${countOf(health.followUpsDue, 'follow-up')} due`}${was(share(previous.followUpCompletion))}`,
    `• Executives who reached a customer this quarter: ${health.executivesReached === null ? 'no executives yet' : `${percent(health.executivesReached)} of ${countOf(health.executives, 'executive')}`}${was(share(previous.executivesReached))}`,
  ].join('\n');
}

/** The review's DM: what was heard and done per stage, the gaps in words and the loop's health. */
export function renderReviewSummary(review: StageReview): SlackMessage {
  const t = review.totals;
  const title =
    review.scope === 'all'
      ? `Journey-stage review, ${review.monthLabel}`
      : `Your journey stages, ${review.monthLabel}`;
  const scopeLine =
    review.scope === 'all'
      ? `Every journey stage, as the CX office keeps them.`
      : `The ${review.stages.length === 1 ? 'stage' : 'stages'} you own: ${review.stages.map((s) => bold(s.name)).join(', ')}.`;
  const intro = `${scopeLine} In ${review.monthLabel}: ${countOf(t.made, 'suggestion')}, ${countOf(t.conversations, 'conversation')} with customers, ${countOf(stories(t), 'story', 'stories')}, ${t.killed} killed and ${t.shipped} shipped. The picture and a CSV of the numbers follow.`;
  const gaps = review.gaps.map((gap) => `• ${gapInWords(gap)}`);
  const blocks: KnownBlock[] = [
    header(title),
    section(intro, reviewIds.summaryIntro),
    section(
      gaps.length > 0
        ? `*Where it breaks*\n${gaps.join('\n')}`
        : '*Where it breaks*\nNo gap stands out this month.',
      reviewIds.summaryGaps,
    ),
    ...packLines(
      review.stages.map((stage) => stageLines(stage, review.previousMonth)),
      '\n\n',
    )
      .slice(0, 40)
      .map((text, index) => section(text, `${reviewIds.summaryStages}.${index}`)),
    section(
      `*Health of the loop*\n${healthLines(review.health, review.previousHealth, review.previousMonth)}`,
      reviewIds.summaryHealth,
    ),
    context(
      'Conversations are calls that reached the customer; voicemail, no answer and visits are counted apart.',
    ),
  ];
  const gapCount = review.gaps.length;
  return {
    text: `${title}: ${countOf(t.made, 'suggestion')}, ${countOf(t.conversations, 'conversation')}, ${gapCount === 0 ? 'no gap called out' : `${countOf(gapCount, 'gap')} called out`}`,
    blocks,
  };
}

/** The CSV of the numbers: the month by stage and category (and each stage's total), and last month's totals. */
export function renderReviewCsv(review: StageReview): string {
  const header = [
    'Month',
    'Stage',
    'Category',
    ...REVIEW_MEASURES.map((m) => m.label),
    '“It depends” asked',
    'Yes',
    'It depends',
    'Not yet',
  ];
  const numbers = (c: Counts) => REVIEW_MEASURES.map((m) => c[m.key]);
  const rows: (string | number)[][] = [];
  for (const stage of review.stages) {
    rows.push([
      review.month,
      stage.name,
      'All categories',
      ...numbers(stage.counts),
      stage.checks.asked,
      stage.checks.yes,
      stage.checks.itDepends,
      stage.checks.notYet,
    ]);
    for (const category of stage.categories)
      rows.push([review.month, stage.name, category.name, ...numbers(category.counts), '', '', '', '']);
  }
  for (const stage of review.stages)
    rows.push([
      review.previousMonth,
      stage.name,
      'All categories',
      ...numbers(stage.previous),
      '',
      '',
      '',
      '',
    ]);
  return toCsv(header, rows);
}

/** The file names and the comment of the picture's upload. */
export function renderReviewFiles(review: StageReview): {
  png: string;
  csv: string;
  comment: string;
  title: string;
} {
  const title = `Journey-stage review, ${review.monthLabel}`;
  return {
    png: `touchpoint-stages-${review.month}.png`,
    csv: `touchpoint-stages-${review.month}.csv`,
    title,
    comment: `${title}: each stage × measure, and ${countOf(review.months.length, 'month')} of suggestions by stage. The CSV has every number.`,
  };
}

/**
 * What the picture shows, for screen readers (the upload's alt text: plain text, at most 1,000 characters):
 * its title, the stages as the heatmap's rows (names from settings), its columns, and the trend.
 */
export function pictureAltText(picture: ReviewPictureInput): string {
  const text = `${picture.title}. A heatmap of ${picture.stages.length === 0 ? 'no stage' : `the stages ${picture.stages.join(', ')}`} by ${picture.measures.map((measure) => measure.label.toLowerCase()).join(', ')}; below it, ${picture.trendLabel.toLowerCase()} per stage over the last months.`;
  return text.length <= 1000 ? text : `${text.slice(0, 999)}…`;
}

/** The CX office's Home: the loop's health this month so far, against last month. */
export function renderReviewHomeSection(model: HealthNow): KnownBlock[] {
  return [
    section(
      `*Health of the loop*, ${model.monthLabel} so far\n${healthLines(model.health, model.previous, model.previousMonth)}`,
      reviewIds.homeHealth,
    ),
    context('The whole picture by journey stage: `/touchpoint stages`.'),
  ];
}

/** The command's answer: the review is on its way by DM. */
export function renderReviewQueued(month: string, scope: 'all' | { stages: string[] }): SlackMessage {
  const what =
    scope === 'all'
      ? 'every journey stage'
      : `${scope.stages.length === 1 ? 'the stage' : 'the stages'} you own (${scope.stages.map(bold).join(', ')})`;
  return notice(
    `I’m sending you the review of ${periodInWords(month)} for ${what} in a direct message: the summary, the picture and a CSV of the numbers.`,
  );
}

/** Someone neither in the CX office nor a stage owner. */
export function renderReviewRefusal(): SlackMessage {
  return notice(
    'The journey-stage review goes to the CX office and to each stage’s owner (for their stage). Ask the CX office if you should own a stage.',
  );
}

/** A month that cannot be read, or one still to come. */
export function renderReviewBadMonth(
  typed: string,
  example: string,
  reason: 'unreadable' | 'future',
): SlackMessage {
  return notice(
    reason === 'future'
      ? `${periodInWords(typed)} has not happened yet: pick this month or an earlier one, e.g. \`/touchpoint stages ${example}\`.`
      : `“${escapeMrkdwn(typed.slice(0, 40))}” is not a month I can read: type it as year and month, e.g. \`/touchpoint stages ${example}\` (or nothing, for last month).`,
  );
}
