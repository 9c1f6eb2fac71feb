import type { InputBlock, InputBlockElement, KnownBlock, ModalView } from '@slack/types';
import {
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
import { escapeAndTruncate, escapeMrkdwn, userMention } from '../../slack/mrkdwn.js';
import { settingDefinitions } from '../settings/settings.keys.js';
import type { JourneyStage } from '../settings/stages.queries.js';
import { callsIds, followUpBlockIds } from './calls.ids.js';
import type { Call, Executive, FollowUp } from './calls.queries.js';
import {
  CONTACT_MAX,
  CUSTOMER_MAX,
  DURATION_MAX_MINUTES,
  FOLLOW_UP_MAX,
  LEARNED_MAX,
  MAX_FOLLOW_UPS,
} from './calls.schema.js';
import type { Pace } from './calls.service.js';

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
  today: string;
  privateMetadata: string;
}): ModalView {
  const stageOptions = model.stages
    .filter((s) => s.retiredAt === null)
    .map((s) => option(s.name, String(s.id)));
  const blocks: KnownBlock[] = [
    textInput(callsIds.customer, 'Customer / account', false, CUSTOMER_MAX),
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

export function renderThanks(call: Call, pace: Pace | undefined): SlackMessage {
  const line = `:telephone_receiver: Thanks for talking to *${escapeAndTruncate(call.customer, 200)}*.${pace ? ` ${paceText(pace)}.` : ''}`;
  return { text: line, blocks: [section(line)] };
}

export function renderNudge(executive: Executive, pace: Pace): SlackMessage {
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
        `Nudges arrive at most once a week, in your time zone (${escapeMrkdwn(executive.timeZone)}), and only when you are behind pace.`,
      ),
    ],
  };
}

export function renderFollowUpDm(
  followUp: FollowUp,
  call: Pick<Call, 'customer' | 'loggedBy'>,
  kind: 'assigned' | 'due',
): SlackMessage {
  const head =
    kind === 'assigned'
      ? `:pushpin: ${userMention(call.loggedBy)} gave you a follow-up from a conversation with *${escapeAndTruncate(call.customer, 200)}*`
      : `:alarm_clock: Due today: your follow-up for *${escapeAndTruncate(call.customer, 200)}*`;
  const text = `${head}\n>${escapeAndTruncate(followUp.action, 500)}${followUp.dueDate && kind === 'assigned' ? `\nDue ${followUp.dueDate}.` : ''}`;
  return {
    text: kind === 'assigned' ? 'You have a new follow-up' : 'A follow-up is due today',
    blocks: [
      section(text, 'calls.followup.text'),
      {
        type: 'actions',
        block_id: `calls.followup.${followUp.id}`,
        elements: [
          {
            type: 'button',
            action_id: callsIds.followUpDone,
            text: plain('Mark done'),
            value: String(followUp.id),
            style: 'primary',
          },
        ],
      },
    ],
  };
}

export function renderRoster(rows: { executive: Executive; pace: Pace }[]): SlackMessage {
  if (rows.length === 0) {
    const text = 'The executive roster is empty. Set TOUCHPOINT_EXECUTIVES to user IDs or a user group.';
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [header('Executive roster')];
  for (const { executive, pace } of rows.slice(0, 45)) {
    const paused = executive.pausedUntil ? ` · paused until ${executive.pausedUntil}` : '';
    blocks.push({
      type: 'section',
      block_id: `calls.roster.${executive.userId}`,
      text: {
        type: 'mrkdwn',
        text: `${userMention(executive.userId)} · ${escapeMrkdwn(executive.timeZone)} · target ${pace.target}/month · ${paceText(pace)}${paused}`,
      },
      accessory: {
        type: 'button',
        action_id: callsIds.setTarget,
        text: plain('Change target'),
        value: executive.userId,
      },
    });
  }
  if (rows.length > 45) blocks.push(context(`…and ${rows.length - 45} more.`));
  return { text: `Executive roster: ${rows.length}`, blocks };
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
      `*${total}* calls so far · *${behind.length}* of ${model.rows.length} executives behind pace · *${model.overdue}* follow-ups overdue`,
      'calls.summary.totals',
    ),
  ];
  for (let i = 0; i < lines.length; i += 10) blocks.push(section(lines.slice(i, i + 10).join('\n')));
  if (model.byStage.length > 0) {
    const stageLines = model.byStage
      .slice(0, 12)
      .map(
        (s) =>
          `*${escapeMrkdwn(s.stage)}*: ${s.calls} (${s.positive} positive, ${s.negative} negative)${s.quotes[0] ? ` — “${escapeAndTruncate(s.quotes[0], 150)}”` : ''}`,
      );
    blocks.push(
      section(`*What customers said, by journey stage*\n${stageLines.join('\n')}`, 'calls.summary.stages'),
    );
  }
  return {
    text: `Customer calls ${model.month}: ${total} calls, ${behind.length} executives behind pace, ${model.overdue} follow-ups overdue`,
    blocks,
  };
}

export function renderCallsHome(model: { pace?: Pace; calls: Call[]; followUps: FollowUp[] }): KnownBlock[] {
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
      blocks.push(
        section(
          `*Your last calls*\n${model.calls.map((c) => `• ${c.callDate} — ${escapeAndTruncate(c.customer, 100)}: ${escapeAndTruncate(c.learned, 150)}`).join('\n')}`,
          'calls.home.calls',
        ),
      );
    }
  }
  if (model.followUps.length > 0) {
    for (const followUp of model.followUps.slice(0, 8)) {
      blocks.push({
        type: 'section',
        block_id: `calls.home.followup.${followUp.id}`,
        text: {
          type: 'mrkdwn',
          text: `:pushpin: ${escapeAndTruncate(followUp.action, 300)}${followUp.dueDate ? ` · due ${followUp.dueDate}` : ''}`,
        },
        accessory: {
          type: 'button',
          action_id: callsIds.followUpDone,
          text: plain('Mark done'),
          value: String(followUp.id),
        },
      });
    }
  }
  return blocks;
}

/** The answer to "Snooze a week": `until` is the executive's local date the snooze ends. */
export function renderSnoozed(until: string): SlackMessage {
  return notice(`:zzz: Snoozed for a week: next week’s nudge is skipped (none before ${until}).`);
}

export function renderPauseAnswer(outcome: { ok: true; until: string } | { ok: false }): SlackMessage {
  return notice(
    outcome.ok
      ? `:palm_tree: Paused: no nudges until after ${outcome.until}.`
      : 'That date has passed: pick today or a later date to pause.',
  );
}

export function renderFollowUpDoneAnswer(done: boolean): SlackMessage {
  return notice(
    done
      ? ':white_check_mark: Follow-up marked done. Thank you!'
      : 'That follow-up is already done, or it is not yours.',
  );
}

/** The answer to `/touchpoint nudges run`. */
export function renderNudgesQueued(queued: number): SlackMessage {
  return notice(
    `Sent ${queued} ${queued === 1 ? 'nudge' : 'nudges'} to executives behind pace who had not had this week’s.`,
  );
}

/** `/touchpoint export calls`: every call with its follow-ups, as a CSV file named for `today`. */
export function renderCallsExport(
  model: { calls: Call[]; followUps: FollowUp[] },
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
  const calls = (n: number) => `${n} ${n === 1 ? 'call' : 'calls'} a month`;
  const who = userMention(saved.userId);
  const text =
    saved.from === saved.to
      ? `Nothing changed: ${who}’s target stays ${calls(saved.to)}.`
      : `Saved: ${who}’s target ${saved.from === null ? `is now ${calls(saved.to)} (was the company default)` : `${saved.from} → ${calls(saved.to)}`}.`;
  return savedModal('Call target', text, callsIds.targetSaved);
}
