import type { InputBlock, InputBlockElement, KnownBlock, ModalView } from '@slack/types';
import type { Page } from '../../paging.js';
import {
  categorySelect,
  context,
  header,
  notice,
  option,
  plain,
  type SlackMessage,
  savedModal,
  section,
} from '../../slack/blocks.js';
import { toCsv } from '../../slack/csv.js';
import { slackDay, zoneInWords } from '../../slack/dates.js';
import { escapeAndTruncate, escapeMrkdwn, userMention } from '../../slack/mrkdwn.js';
import { pagerBlocks } from '../../slack/paging.js';
import { countOf } from '../../slack/plural.js';
import { turnButtons, turnMenu } from '../links/links.views.js';
import { settingDefinitions } from '../settings/settings.keys.js';
import type { JourneyStage } from '../settings/stages.queries.js';
import { callsIds, followUpBlockIds, followUpButtonValue } from './calls.ids.js';
import type { Call, Executive, FollowUp } from './calls.queries.js';
import {
  CONTACT_MAX,
  CUSTOMER_MAX,
  DURATION_MAX_MINUTES,
  FOLLOW_UP_MAX,
  LEARNED_MAX,
  MAX_FOLLOW_UPS,
} from './calls.schema.js';
import type { FollowUpsDm, Pace } from './calls.service.js';

export const KIND_LABELS = {
  call: 'A call',
  visit: 'A visit',
  frontline: 'Time with front-line employees',
} as const;
export const RESULT_LABELS = {
  reached: 'Reached them',
  voicemail: 'Voicemail',
  rescheduled: 'Rescheduled',
  no_answer: 'No answer',
} as const;
export const SENTIMENT_LABELS = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' } as const;

export function paceText(pace: Pace): string {
  return `${pace.calls} of ${pace.target} this month — ${pace.behind ? 'behind pace' : 'on pace'}`;
}

/** An input block: its one element carries the block's ID as its action ID, as calls.forms.ts reads it. */
function inputBlock(
  blockId: string,
  label: string,
  optional: boolean,
  element: InputBlockElement,
): InputBlock {
  return { type: 'input', block_id: blockId, optional, label: plain(label), element };
}

/** A text input that takes at most `maxLength` characters, as calls.forms.ts checks. */
const textInput = (blockId: string, label: string, optional: boolean, maxLength: number, multiline = false) =>
  inputBlock(blockId, label, optional, {
    type: 'plain_text_input',
    action_id: blockId,
    multiline,
    max_length: maxLength,
  });

/** As many characters as the largest number a field takes has digits. */
const digitsOf = (max: number) => String(max).length;

const selectInput = (blockId: string, label: string, labels: Record<string, string>) =>
  inputBlock(blockId, label, false, {
    type: 'static_select',
    action_id: blockId,
    options: Object.entries(labels).map(([value, text]) => option(text, value)),
  });

export function renderCallModal(model: {
  stages: JourneyStage[];
  /** The touch-point categories people may pick (none: no select). */
  categories?: { id: number; name: string }[];
  today: string;
  privateMetadata: string;
  /** The customer to fill in ("Log the follow-up call" after their problem was fixed). */
  customer?: string;
}): ModalView {
  const stageOptions = model.stages
    .filter((s) => s.retiredAt === null)
    .map((s) => option(s.name, String(s.id)));
  const blocks: KnownBlock[] = [
    inputBlock(callsIds.customer, 'Customer / account', false, {
      type: 'plain_text_input',
      action_id: callsIds.customer,
      multiline: false,
      max_length: CUSTOMER_MAX,
      ...(model.customer ? { initial_value: model.customer.slice(0, CUSTOMER_MAX) } : {}),
    }),
    textInput(callsIds.contact, 'Contact (optional)', true, CONTACT_MAX),
    inputBlock(callsIds.date, 'Date', false, {
      type: 'datepicker',
      action_id: callsIds.date,
      initial_date: model.today,
    }),
    selectInput(callsIds.kind, 'What was it?', KIND_LABELS),
    selectInput(callsIds.result, 'How did it go?', RESULT_LABELS),
    textInput(callsIds.duration, 'Duration in minutes (optional)', true, digitsOf(DURATION_MAX_MINUTES)),
  ];
  if (stageOptions.length > 0) {
    blocks.push(
      inputBlock(callsIds.stage, 'Journey stage', true, {
        type: 'static_select',
        action_id: callsIds.stage,
        options: stageOptions,
      }),
    );
  }
  const categoryInput = categorySelect(callsIds.category, model.categories ?? []);
  if (categoryInput) blocks.push(categoryInput);
  blocks.push(
    textInput(callsIds.learned, 'What did we learn?', false, LEARNED_MAX, true),
    inputBlock(callsIds.sentiment, 'How did the customer feel?', true, {
      type: 'radio_buttons',
      action_id: callsIds.sentiment,
      options: Object.entries(SENTIMENT_LABELS).map(([value, text]) => option(text, value)),
    }),
  );
  for (let i = 0; i < MAX_FOLLOW_UPS; i += 1) {
    const row = followUpBlockIds(i);
    blocks.push(
      textInput(row.action, `Follow-up ${i + 1} (optional)`, true, FOLLOW_UP_MAX),
      inputBlock(row.owner, `Owner of follow-up ${i + 1}`, true, {
        type: 'users_select',
        action_id: row.owner,
      }),
      inputBlock(row.due, `Due date of follow-up ${i + 1}`, true, { type: 'datepicker', action_id: row.due }),
    );
  }
  blocks.push(
    inputBlock(callsIds.share, 'Customer story', true, {
      type: 'checkboxes',
      action_id: callsIds.share,
      options: [option('Share this as a customer story (the CX office reviews it first)', 'share')],
    }),
  );
  return {
    type: 'modal',
    callback_id: callsIds.callModal,
    title: plain('Log a customer call'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks,
  };
}

/** What was logged, as "your … on <day>" reads it. */
const KIND_NOUNS: Record<keyof typeof KIND_LABELS, string> = {
  call: 'call',
  visit: 'visit',
  frontline: 'time with front-line employees',
};

/**
 * The logger's confirmation of a saved call (the form just closes): what was saved — the call, its
 * follow-ups and whose they are, whether it goes on as a story — and their pace. The one message of the moment.
 */
export function renderThanks(
  call: Call,
  pace: Pace | undefined,
  followUps: Pick<FollowUp, 'ownerId'>[] = [],
  /** The logger is in the CX office: "Propose a roadmap item" is offered next to "Suggest killing a rule". */
  turns: { roadmap: boolean } = { roadmap: false },
): SlackMessage {
  const line = `:telephone_receiver: Thanks for talking to *${escapeAndTruncate(call.customer, 200)}*.${pace ? ` ${paceText(pace)}.` : ''}`;
  const saved = [`Saved: your ${KIND_NOUNS[call.kind]} on ${slackDay(call.callDate)}.`];
  if (followUps.length > 0) {
    const owners = [...new Set(followUps.map((f) => f.ownerId))].map(userMention);
    saved.push(
      `${countOf(followUps.length, 'follow-up')}: ${owners.length === 1 ? `${owners[0]} hears` : `${owners.slice(0, -1).join(', ')} and ${owners.at(-1)} hear`} about ${followUps.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (call.shareAsStory) saved.push('Shared as a customer story: the CX office reviews it first.');
  return {
    text: line,
    blocks: [
      section(line),
      context(saved.join(' '), 'calls.thanks.saved'),
      turnButtons({ kind: 'call', id: call.id }, turns),
    ],
  };
}

// The executive's zone decides when the nudge comes; it is never named (people do not read zone IDs).
export function renderNudge(_executive: Executive, pace: Pace): SlackMessage {
  const text = `Time for a customer call? You are at ${paceText(pace)}.`;
  return {
    text,
    blocks: [
      section(
        `:wave: ${text}\nA short call keeps you close to what customers live with. Log it here when done.`,
        'calls.nudge.text',
      ),
      {
        type: 'actions',
        block_id: 'calls.nudge.actions',
        elements: [
          { type: 'button', action_id: callsIds.logButton, text: plain('Log a call'), style: 'primary' },
          { type: 'button', action_id: callsIds.snooze, text: plain('Snooze a week') },
          { type: 'datepicker', action_id: callsIds.pause, placeholder: plain('Pause until…') },
        ],
      },
      context(
        'Nudges arrive at most once a week, on a working-day morning where you are, and only when you are behind pace.',
      ),
    ],
  };
}

/**
 * The DM that brings an owner their follow-ups: those of one call when it is logged (`assigned`), or
 * those due today (`due`), one DM for them all. Each open one has its "Mark done", which redraws this DM
 * in place (the button names the DM's kind and follow-ups); a done one says so instead.
 */
export function renderFollowUpsDm(
  dm: FollowUpsDm,
  /** The owner is in the CX office: "Propose a roadmap item" is offered too (DMs of new follow-ups only). */
  turns: { roadmap: boolean } = { roadmap: false },
): SlackMessage {
  const listed = dm.items.map((item) => item.followUp.id);
  const count = dm.items.length;
  const open = dm.items.filter((item) => item.followUp.doneAt === null).length;
  const first = dm.items[0]?.call;
  const head =
    dm.kind === 'assigned'
      ? `:pushpin: ${first ? userMention(first.loggedBy) : 'Someone'} gave you ${count === 1 ? 'a follow-up' : countOf(count, 'follow-up')} from a conversation with *${escapeAndTruncate(first?.customer ?? '', 200)}*`
      : `:alarm_clock: Due today: ${count === 1 ? 'your follow-up' : `${countOf(count, 'follow-up')} of yours`}`;
  const blocks: KnownBlock[] = [section(head, 'calls.followup.text')];
  for (const { followUp, call } of dm.items) {
    const lines = [
      dm.kind === 'due' ? `*${escapeAndTruncate(call.customer, 100)}*` : undefined,
      `>${escapeAndTruncate(followUp.action, 500)}`,
      followUp.doneAt
        ? ':white_check_mark: Done — marked by you'
        : followUp.dueDate && dm.kind === 'assigned'
          ? `Due ${slackDay(followUp.dueDate)}`
          : undefined,
    ];
    blocks.push({
      type: 'section',
      block_id: `calls.followup.${followUp.id}`,
      text: { type: 'mrkdwn', text: lines.filter((line) => line !== undefined).join('\n') },
      ...(followUp.doneAt
        ? {}
        : {
            accessory: {
              type: 'button',
              action_id: callsIds.followUpDone,
              text: plain('Mark done'),
              value: followUpButtonValue(followUp.id, dm.kind, listed),
              style: 'primary',
            },
          }),
    });
    // A new follow-up (at most three a DM) can become a suggestion or a roadmap item in one click.
    if (dm.kind === 'assigned') blocks.push(turnButtons({ kind: 'follow_up', id: followUp.id }, turns));
  }
  const text =
    open === 0
      ? `Done ✓ — ${count === 1 ? 'your follow-up is' : `all ${count} follow-ups are`} marked done`
      : dm.kind === 'assigned'
        ? count === 1
          ? 'You have a new follow-up'
          : `You have ${countOf(count, 'new follow-up')}`
        : count === 1
          ? 'A follow-up is due today'
          : `${countOf(count, 'follow-up')} due today`;
  return { text, blocks };
}

/** An executive's line in the roster, with "Change target". */
function rosterRow({ executive, pace }: { executive: Executive; pace: Pace }): KnownBlock {
  const paused = executive.pausedUntil ? ` · paused until ${slackDay(executive.pausedUntil)}` : '';
  return {
    type: 'section',
    block_id: `calls.roster.${executive.userId}`,
    text: {
      type: 'mrkdwn',
      text: `${userMention(executive.userId)} · ${escapeMrkdwn(zoneInWords(executive.timeZone))} · target ${pace.target}/month · ${paceText(pace)}${paused}`,
    },
    accessory: {
      type: 'button',
      action_id: callsIds.setTarget,
      text: plain('Change target'),
      value: executive.userId,
    },
  };
}

/** A button that opens the whole roster in a modal, paged (the CX office's; checked again on click). */
function seeAllButton(total: number) {
  return {
    type: 'button' as const,
    action_id: callsIds.rosterOpen,
    text: plain(`See all ${total.toLocaleString('en-US')}`),
    value: '1',
  };
}

/** Under a list of executives in a message: how many more there are, and "See all" for the modal. */
function rosterMore(shown: number, total: number): KnownBlock[] {
  if (total <= shown) return [];
  return [
    {
      ...section(`…and ${(total - shown).toLocaleString('en-US')} more.`, callsIds.rosterMore),
      accessory: seeAllButton(total),
    },
  ];
}

/** `/touchpoint roster`: the first page of the roster; "See all" opens every page in a modal. */
export function renderRoster(rows: { executive: Executive; pace: Pace }[], page: Page): SlackMessage {
  if (rows.length === 0) {
    const text =
      'Nobody is on the executive roster yet: whoever runs Touchpoint adds executives in its configuration (README, “Configuration”).';
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [header('Executive roster'), ...rows.map(rosterRow)];
  blocks.push(...rosterMore(rows.length, page.total));
  return { text: `Executive roster: ${countOf(page.total, 'executive')}`, blocks };
}

/** The roster in a modal, one page at a time ("Showing 41–50 of 50", "‹ Previous", "Next ›"). */
export function renderRosterModal(rows: { executive: Executive; pace: Pace }[], page: Page): ModalView {
  return {
    type: 'modal',
    callback_id: callsIds.rosterModal,
    title: plain('Executive roster'),
    close: plain('Done'),
    blocks: [
      ...(rows.length > 0 ? rows.map(rosterRow) : [section('Nobody is on the executive roster now.')]),
      ...pagerBlocks(page, {
        block: callsIds.rosterPager,
        previous: callsIds.rosterPrevious,
        next: callsIds.rosterNext,
      }),
    ],
  };
}

export function renderTargetModal(executive: Executive, current: number, privateMetadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: callsIds.targetModal,
    title: plain('Call target'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: privateMetadata,
    blocks: [
      section(`Customer calls a month for ${userMention(executive.userId)}`),
      inputBlock(callsIds.target, 'Calls a month', false, {
        type: 'plain_text_input',
        action_id: callsIds.target,
        // The service checks the range: the setting's schema, as for the default target.
        max_length: digitsOf(settingDefinitions['calls.defaultMonthlyTarget'].schema.maxValue ?? current),
        initial_value: String(current),
      }),
    ],
  };
}

export interface SummaryModel {
  month: string;
  rows: { userId: string; pace: Pace }[];
  overdue: number;
  byStage: { stage: string; calls: number; positive: number; negative: number; quotes: string[] }[];
}

/** The CX office's Monday summary (a DM: who is behind is named only here, never in a channel). */
export function renderSummary(model: SummaryModel): SlackMessage {
  const total = model.rows.reduce((sum, row) => sum + row.pace.calls, 0);
  const behind = model.rows.filter((row) => row.pace.behind);
  const lines = model.rows
    .slice(0, 40)
    .map(
      (row) =>
        `${row.pace.behind ? ':small_orange_diamond:' : ':white_check_mark:'} ${userMention(row.userId)} ${paceText(row.pace)}`,
    );
  const blocks: KnownBlock[] = [
    header(`Customer calls, ${model.month}`),
    section(
      `*${countOf(total, 'call')}* so far · *${behind.length}* of ${countOf(model.rows.length, 'executive')} behind pace · *${countOf(model.overdue, 'follow-up')}* overdue`,
      'calls.summary.totals',
    ),
  ];
  for (let i = 0; i < lines.length; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  blocks.push(...rosterMore(lines.length, model.rows.length));
  if (model.byStage.length > 0) {
    const stageLines = model.byStage
      .slice(0, 12)
      .map(
        (s) =>
          `*${escapeMrkdwn(s.stage)}*: ${countOf(s.calls, 'call')} (${s.positive} positive, ${s.negative} negative)${s.quotes[0] ? ` — “${escapeAndTruncate(s.quotes[0], 150)}”` : ''}`,
      );
    // At most 12 stages fit the section; the rest are counted, not dropped in silence.
    const hidden = model.byStage.length - stageLines.length;
    if (hidden > 0) stageLines.push(`…and ${countOf(hidden, 'more stage')}.`);
    blocks.push(
      section(`*What customers said, by journey stage*\n${stageLines.join('\n')}`, 'calls.summary.stages'),
    );
  }
  return {
    text: `Customer calls ${model.month}: ${countOf(total, 'call')}, ${behind.length} of ${countOf(model.rows.length, 'executive')} behind pace, ${countOf(model.overdue, 'follow-up')} overdue`,
    blocks,
  };
}

export function renderCallsHome(model: {
  pace?: Pace;
  calls: Call[];
  followUps: FollowUp[];
  followUpsPage: Page;
  /** The viewer is in the CX office: each call's menu also offers "Propose a roadmap item". */
  canPropose?: boolean;
}): KnownBlock[] {
  if (!model.pace && model.followUps.length === 0) return [];
  const blocks: KnownBlock[] = [header('Customer calls')];
  if (model.pace) {
    blocks.push({
      type: 'section',
      block_id: 'calls.home.pace',
      text: { type: 'mrkdwn', text: `*Your pace:* ${paceText(model.pace)}` },
      accessory: {
        type: 'button',
        action_id: callsIds.logButton,
        text: plain('Log a call'),
        style: 'primary',
      },
    });
    if (model.calls.length > 0) {
      // One line per call, with its menu: suggest killing a rule, propose a roadmap item (CX office).
      blocks.push(section('*Your last calls*', 'calls.home.calls'));
      for (const c of model.calls) {
        blocks.push({
          ...section(
            `• ${slackDay(c.callDate)} — ${escapeAndTruncate(c.customer, 100)}: ${escapeAndTruncate(c.learned, 150)}`,
            `calls.home.call.${c.id}`,
          ),
          accessory: turnMenu({ kind: 'call', id: c.id }, { roadmap: model.canPropose ?? false }),
        });
      }
    }
  }
  if (model.followUps.length > 0) {
    for (const followUp of model.followUps) {
      blocks.push({
        type: 'section',
        block_id: `calls.home.followup.${followUp.id}`,
        text: {
          type: 'mrkdwn',
          text: `:pushpin: ${escapeAndTruncate(followUp.action, 300)}${followUp.dueDate ? ` · due ${slackDay(followUp.dueDate)}` : ''}`,
        },
        accessory: {
          type: 'button',
          action_id: callsIds.followUpDone,
          text: plain('Mark done'),
          value: String(followUp.id),
        },
      });
    }
    blocks.push(
      ...pagerBlocks(model.followUpsPage, {
        block: callsIds.followUpsPager,
        previous: callsIds.followUpsPrevious,
        next: callsIds.followUpsNext,
      }),
    );
  }
  return blocks;
}

/** A nudge once answered: what was chosen, in place of its buttons ("Log a call" stays). */
function answeredNudge(line: string, text: string): SlackMessage {
  return {
    text,
    blocks: [
      section(line, 'calls.nudge.text'),
      {
        type: 'actions',
        block_id: 'calls.nudge.actions',
        elements: [
          { type: 'button', action_id: callsIds.logButton, text: plain('Log a call'), style: 'primary' },
        ],
      },
    ],
  };
}

/** The nudge after "Snooze a week": `until` is the executive's local date the snooze ends. */
export function renderNudgeSnoozed(until: string): SlackMessage {
  return answeredNudge(
    `:zzz: Snoozed until ${slackDay(until)} — next week’s nudge is skipped, and we’ll remind you after that if you are behind pace.`,
    'Nudges snoozed for a week',
  );
}

/** The nudge after "Pause until…": no nudges through `until` (the executive's local date). */
export function renderNudgePaused(until: string): SlackMessage {
  return answeredNudge(
    `:palm_tree: Paused until ${slackDay(until)} — no nudges until after then.`,
    'Nudges paused',
  );
}

/** Said only to the person who picked a past date; the nudge keeps its buttons. */
export function renderPauseRefused(): SlackMessage {
  return notice('That date has passed: pick today or a later date to pause.');
}

/** A "Mark done" on a follow-up that is not the clicker's (a forwarded message): nothing changes. */
export function renderFollowUpNotYours(): SlackMessage {
  return notice('That follow-up is not yours, so it stays as it is.');
}

/** The answer to `/touchpoint nudges run`. */
export function renderNudgesQueued(queued: number): SlackMessage {
  return notice(`Sent ${countOf(queued, 'nudge')} to executives behind pace who had not had this week’s.`);
}

/** `/touchpoint export calls`: every call with its follow-ups, as a CSV file named for `today`. */
export function renderCallsExport(
  model: {
    calls: Call[];
    followUps: FollowUp[];
    stageNames?: Map<number, string>;
    categoryNames?: Map<number, string>;
  },
  today: string,
): { filename: string; title: string; csv: string; comment: string } {
  const byCall = new Map<number, string[]>();
  for (const f of model.followUps) {
    byCall.set(f.callId, [
      ...(byCall.get(f.callId) ?? []),
      `${f.action} (${f.ownerId}${f.dueDate ? `, due ${f.dueDate}` : ''}${f.doneAt ? ', done' : ''})`,
    ]);
  }
  const csv = toCsv(
    [
      'id',
      'logged by',
      'date',
      'customer',
      'contact',
      'kind',
      'result',
      'minutes',
      'journey stage',
      'touch-point category',
      'what we learned',
      'sentiment',
      'shared as story',
      'follow-ups',
    ],
    model.calls.map((c) => [
      c.id,
      c.loggedBy,
      c.callDate,
      c.customer,
      c.contact,
      KIND_LABELS[c.kind],
      RESULT_LABELS[c.result],
      c.durationMinutes,
      c.stageId ? model.stageNames?.get(c.stageId) : undefined,
      c.categoryId ? model.categoryNames?.get(c.categoryId) : undefined,
      c.learned,
      c.sentiment,
      c.shareAsStory ? 'yes' : 'no',
      (byCall.get(c.id) ?? []).join('; '),
    ]),
  );
  return {
    filename: `touchpoint-calls-${today}.csv`,
    title: 'Touchpoint: customer calls',
    csv,
    comment: `Every logged call (${model.calls.length}) with its follow-ups.`,
  };
}

/** The target form after Save: what the executive's target was and is now. */
export function renderTargetSaved(saved: { userId: string; from: number | null; to: number }): ModalView {
  const calls = (n: number) => `${countOf(n, 'call')} a month`;
  const who = userMention(saved.userId);
  const text =
    saved.from === saved.to
      ? `Nothing changed: ${who}’s target stays ${calls(saved.to)}.`
      : `Saved: ${who}’s target ${saved.from === null ? `is now ${calls(saved.to)} (was the company default)` : `${saved.from} → ${calls(saved.to)}`}.`;
  return savedModal('Call target', text, callsIds.targetSaved);
}
