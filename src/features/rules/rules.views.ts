import type {
  ActionsBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import type { Page } from '../../paging.js';
import {
  categorySelect,
  context,
  header,
  option,
  packLines,
  plain,
  SAVE_FAILED,
  type SlackMessage,
  savedModal,
  section,
} from '../../slack/blocks.js';
import { type CsvExport, toCsv } from '../../slack/csv.js';
import { slackDateTime, slackDay } from '../../slack/dates.js';
import { escapeAndTruncate, escapeMrkdwn, escapeOneLine, userMention } from '../../slack/mrkdwn.js';
import { pagerBlocks } from '../../slack/paging.js';
import { countOf } from '../../slack/plural.js';
import { linksIds } from '../links/links.ids.js';
import { linksContext, linksLine } from '../links/links.views.js';
import { ruleAftercareIds } from '../rule-aftercare/rule-aftercare.ids.js';
import type { JourneyStage } from '../settings/settings.service.js';
import { rulesIds } from './rules.ids.js';
import {
  EASE_LEVELS,
  type Ease,
  type Hurts,
  IMPACT_LEVELS,
  type Impact,
  LIVES_IN_MAX,
  type RuleStatus,
} from './rules.schema.js';
import {
  type BackableItem,
  type ChangeResult,
  isOverdue,
  isQuickKill,
  NOTE_MAX,
  NOTE_REQUIRED,
  REPLACEMENT_MAX,
  RULE_MAX,
  RULE_REF_MAX,
  type Rule,
  type RuleEvent,
  type RuleHistory,
  type RuleItem,
  type RulesHome,
  ruleRef,
  SETTABLE_STATUSES,
  type VoterSummaryItem,
  WHY_MAX,
} from './rules.service.js';

/** Block Kit of "kill a stupid rule": pure functions of the service's models. User text is escaped here. */

export const STATUS_LABELS: Record<RuleStatus, string> = {
  new: 'New',
  under_review: 'Under review',
  accepted: 'Accepted (will kill)',
  killed: 'Killed',
  kept: 'Kept',
  duplicate: 'Duplicate',
  not_a_rule: 'Not actually a rule',
  required_by_law: 'Required by law',
};

const STATUS_EMOJI: Record<RuleStatus, string> = {
  new: ':new:',
  under_review: ':mag:',
  accepted: ':dart:',
  killed: ':skull:',
  kept: ':lock:',
  duplicate: ':twisted_rightwards_arrows:',
  not_a_rule: ':bulb:',
  required_by_law: ':scales:',
};

const HURTS_LABELS: Record<Hurts, string> = {
  customers: 'Customers',
  employees: 'Employees',
  both: 'Customers and employees',
};

/** Block IDs that carry the rule's ID, so one action ID serves every card and every App Home row. */
export function actionsBlockId(ruleId: number): string {
  return `${rulesIds.cardActions}.${ruleId}`;
}

export function ruleIdFromBlockId(blockId: string | undefined): number | undefined {
  const match = /\.(\d+)$/.exec(blockId ?? '');
  return match ? Number(match[1]) : undefined;
}

// ---- The nomination modal -------------------------------------------------------------------------

export interface NominationValues {
  rule?: string;
  hurts?: string;
  why?: string;
  stage?: string;
  category?: string;
  replacement?: string;
  anonymous?: boolean;
  livesIn?: string;
  ruleOwner?: string;
  creditOptOut?: boolean;
}

export function renderNominationModal(model: {
  stages: JourneyStage[];
  /** The touch-point categories people may pick (none: no select). */
  categories?: { id: number; name: string }[];
  values: NominationValues;
  privateMetadata: string;
  /** The message a message shortcut started from (a Slack permalink). */
  sourcePermalink?: string | null;
  /** Saving failed: said at the top, and the values stay as typed. */
  saveFailed?: boolean;
  /** Open suggestions like the one typed: "Me too" there instead of a new one. */
  similar?: BackableItem[];
  /** A line under the rule after a "Me too" here (mrkdwn, written by Touchpoint). */
  said?: string;
}): ModalView {
  const { values } = model;
  const blocks: KnownBlock[] = [];
  if (model.saveFailed) blocks.push(section(`:warning: ${SAVE_FAILED}`, rulesIds.saveError));
  blocks.push(
    context(
      'Is there a rule, policy or process that annoys customers or makes no sense any more? Tell the CX office — you will hear what they decide.',
    ),
  );
  if (model.sourcePermalink) {
    blocks.push(
      context(
        `Suggested from <${model.sourcePermalink}|this message>; the CX office will see the link, unless you submit anonymously.`,
        'rules.source',
      ),
    );
  }
  const ruleInput: InputBlock = {
    type: 'input',
    block_id: rulesIds.rule,
    label: plain('The rule'),
    // Typing looks for similar open suggestions (the form is updated in place, keeping what was typed).
    dispatch_action: true,
    element: {
      type: 'plain_text_input',
      action_id: rulesIds.rule,
      multiline: true,
      max_length: RULE_MAX,
      dispatch_action_config: { trigger_actions_on: ['on_character_entered'] },
      // A longer prefill (a long message) is cut to the limit; the link back to the message stays.
      ...(values.rule ? { initial_value: values.rule.slice(0, RULE_MAX) } : {}),
      placeholder: plain('e.g. Refunds over €50 need a manager’s signature'),
    },
    hint: plain(
      `What is the rule and where does it bite? Up to ${RULE_MAX.toLocaleString('en-US')} characters.`,
    ),
  };
  const hurtsOptions = (Object.keys(HURTS_LABELS) as Hurts[]).map((key) => option(HURTS_LABELS[key], key));
  const hurtsInitial = hurtsOptions.find((o) => o.value === values.hurts);
  const hurtsInput: InputBlock = {
    type: 'input',
    block_id: rulesIds.hurts,
    label: plain('Who does it hurt?'),
    element: {
      type: 'radio_buttons',
      action_id: rulesIds.hurts,
      options: hurtsOptions,
      ...(hurtsInitial ? { initial_option: hurtsInitial } : {}),
    },
  };
  const whyInput: InputBlock = {
    type: 'input',
    block_id: rulesIds.why,
    label: plain('Why does it hurt?'),
    element: {
      type: 'plain_text_input',
      action_id: rulesIds.why,
      multiline: true,
      max_length: WHY_MAX,
      ...(values.why ? { initial_value: values.why.slice(0, WHY_MAX) } : {}),
    },
  };
  blocks.push(ruleInput, ...similarBlocks(model.similar ?? [], model.said), hurtsInput, whyInput);
  const stageOptions = model.stages.slice(0, 100).map((stage) => option(stage.name, String(stage.id)));
  if (stageOptions.length > 0) {
    const stageInitial = stageOptions.find((o) => o.value === values.stage);
    blocks.push({
      type: 'input',
      block_id: rulesIds.stage,
      optional: true,
      label: plain('Where in the customer journey does it bite?'),
      element: {
        type: 'static_select',
        action_id: rulesIds.stage,
        placeholder: plain('Pick a stage'),
        options: stageOptions,
        ...(stageInitial ? { initial_option: stageInitial } : {}),
      },
    });
  }
  const categoryInput = categorySelect(rulesIds.category, model.categories ?? [], values.category);
  if (categoryInput) blocks.push(categoryInput);
  const anonymousOption = option('Submit anonymously', 'anonymous');
  const creditOption = option('Don’t thank me by name in the weekly update', 'credit_opt_out');
  blocks.push(
    {
      type: 'input',
      block_id: rulesIds.replacement,
      optional: true,
      label: plain('What should replace it? (optional)'),
      element: {
        type: 'plain_text_input',
        action_id: rulesIds.replacement,
        multiline: true,
        max_length: REPLACEMENT_MAX,
        ...(values.replacement ? { initial_value: values.replacement.slice(0, REPLACEMENT_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: rulesIds.livesIn,
      optional: true,
      label: plain('Where does the rule live? (optional)'),
      element: {
        type: 'plain_text_input',
        action_id: rulesIds.livesIn,
        max_length: LIVES_IN_MAX,
        ...(values.livesIn ? { initial_value: values.livesIn.slice(0, LIVES_IN_MAX) } : {}),
        placeholder: plain('A team, a system or a document'),
      },
      hint: plain(`e.g. Finance, the refunds tool, the returns policy. Up to ${LIVES_IN_MAX} characters.`),
    },
    {
      type: 'input',
      block_id: rulesIds.ruleOwner,
      optional: true,
      label: plain('Who owns it? (optional)'),
      element: {
        type: 'users_select',
        action_id: rulesIds.ruleOwner,
        placeholder: plain('The person who can change it'),
        ...(values.ruleOwner ? { initial_user: values.ruleOwner } : {}),
      },
    },
    {
      type: 'input',
      block_id: rulesIds.anonymous,
      optional: true,
      label: plain('Anonymous?'),
      element: {
        type: 'checkboxes',
        action_id: rulesIds.anonymous,
        options: [anonymousOption],
        ...(values.anonymous ? { initial_options: [anonymousOption] } : {}),
      },
      hint: plain(
        'Nobody — not even the CX office — sees who suggested it. Touchpoint still tells you the outcome.',
      ),
    },
    {
      type: 'input',
      block_id: rulesIds.creditOptOut,
      optional: true,
      label: plain('Credit'),
      element: {
        type: 'checkboxes',
        action_id: rulesIds.creditOptOut,
        options: [creditOption],
        ...(values.creditOptOut ? { initial_options: [creditOption] } : {}),
      },
      hint: plain(
        'When a rule is killed, the weekly update thanks whoever suggested it by name. Anonymous suggestions are never named.',
      ),
    },
  );
  return {
    type: 'modal',
    callback_id: rulesIds.nominateModal,
    title: plain('Kill a stupid rule'),
    submit: plain('Submit'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks,
  };
}

/** A suggestion someone may back, in one line: reference, title, status, votes (title escaped). */
function backableLine(item: BackableItem): string {
  const { rule } = item;
  return `*${ruleRef(rule)}* ${escapeOneLine(rule.title, 200)}\n${STATUS_LABELS[rule.status]} · ${countOf(item.votes, 'vote')}${item.voted ? ' · ✓ you said “me too”' : ''}`;
}

/** The "Me too" of a suggestion in a list (nothing once this person backs it). */
function meTooAccessory(item: BackableItem, actionId: string): SectionBlock['accessory'] {
  return item.voted
    ? undefined
    : {
        type: 'button',
        action_id: actionId,
        text: plain(`:raised_hand: Me too (${item.votes})`),
        value: String(item.rule.id),
      };
}

/** Under the rule in the nomination form: open suggestions like it, each with "Me too". */
function similarBlocks(similar: BackableItem[], said: string | undefined): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (said) blocks.push(section(said, `${rulesIds.similar}.said`));
  if (similar.length === 0) return blocks;
  blocks.push(
    context(
      `:mag: *Already suggested?* ${countOf(similar.length, 'open suggestion looks', 'open suggestions look')} like yours. If one is the same, add “me too” there instead: it counts more than a new one.`,
      `${rulesIds.similar}.head`,
    ),
  );
  for (const item of similar) {
    const accessory = meTooAccessory(item, rulesIds.similarVote);
    blocks.push({
      ...section(backableLine(item), `${rulesIds.similar}.${item.rule.id}`),
      ...(accessory ? { accessory } : {}),
    });
  }
  return blocks;
}

/**
 * `/killrule search words`: the open suggestions matching, a page at a time, each with "Me too" (never
 * who suggested it). `said` is a line at the top after a click (mrkdwn, written by Touchpoint).
 */
export function renderRuleSearchModal(model: {
  words: string;
  items: BackableItem[];
  page: Page;
  privateMetadata: string;
  said?: string;
}): ModalView {
  const words = `“${escapeOneLine(model.words, 200)}”`;
  const blocks: KnownBlock[] = [];
  if (model.said) blocks.push(section(model.said, `${rulesIds.searchModal}.said`));
  if (model.page.total === 0) {
    blocks.push(
      section(
        model.words.trim() === ''
          ? 'Type what you are looking for after the command, e.g. `/killrule search refund signature`.'
          : `No open suggestion matches ${words}. Try other words, or suggest it yourself: \`/killrule\` followed by the rule.`,
        `${rulesIds.searchModal}.none`,
      ),
    );
  } else {
    blocks.push(
      context(
        `${countOf(model.page.total, 'open suggestion matches', 'open suggestions match')} ${words}, best match first. Add “me too” to the ones you want gone.`,
        `${rulesIds.searchModal}.head`,
      ),
    );
    for (const item of model.items) {
      const accessory = meTooAccessory(item, rulesIds.searchVote);
      blocks.push({
        ...section(backableLine(item), `${rulesIds.searchModal}.${item.rule.id}`),
        ...(accessory ? { accessory } : {}),
      });
    }
    blocks.push(
      ...pagerBlocks(model.page, {
        block: rulesIds.searchPager,
        previous: rulesIds.searchPrevious,
        next: rulesIds.searchNext,
      }),
    );
  }
  return {
    type: 'modal',
    callback_id: rulesIds.searchModal,
    title: plain('Search suggestions'),
    close: plain('Done'),
    private_metadata: model.privateMetadata,
    blocks,
  };
}

export function renderNominationThanks(rule: Rule): ModalView {
  return {
    type: 'modal',
    title: plain('Thank you'),
    close: plain('Done'),
    // The one thank-you for a nomination (no confirmation DM follows): the reference and what happens
    // next are here, and `/killrule mine` finds it again later (anonymous ones too: only the submitter sees).
    blocks: [
      section(
        `:white_check_mark: *${ruleRef(rule)}* — “${escapeAndTruncate(rule.title, 300)}” is with the CX office.`,
        'rules.thanks.ref',
      ),
      section(
        `*What happens next*\nThe CX office reviews every suggestion and decides: kill the rule, or keep it and say why. Others can add “me too” in the meantime. Touchpoint sends you a DM when they decide${rule.anonymous ? ' (you submitted it anonymously: nobody else sees that it was you)' : ''}.`,
        'rules.thanks.next',
      ),
      context(
        `Find it again any time: \`/killrule mine\` lists your suggestions, and so does Touchpoint’s Home tab.`,
      ),
    ],
  };
}

/** The submitter's confirmation DM. */
export function renderSubmittedDm(rule: Rule): SlackMessage {
  const text = `Thanks! Your suggestion ${ruleRef(rule)} is with the CX office.`;
  return {
    text,
    blocks: [
      section(
        `:white_check_mark: *${ruleRef(rule)}* — “${escapeAndTruncate(rule.title, 500)}”\nThanks for speaking up. The CX office reviews every suggestion; you will hear from me when they decide${rule.anonymous ? ' (it was submitted anonymously: nobody sees that it was you)' : ''}.`,
      ),
      context('Others can add “me too”. Type `/killrule mine` to see all your suggestions.'),
    ],
  };
}

// ---- The backlog card -----------------------------------------------------------------------------

export interface CardModel extends RuleItem {
  /** For a duplicate: the reference of its original. */
  duplicateOfRef?: string;
  /** "It's back": the killed rule this suggestion reopens. */
  reopenedFromRef?: string;
}

function ageText(createdAt: Date, now: Date): string {
  const days = Math.floor((now.getTime() - createdAt.getTime()) / 86_400_000);
  return days <= 0 ? 'today' : countOf(days, 'day');
}

function isOpen(status: RuleStatus): boolean {
  return status === 'new' || status === 'under_review' || status === 'accepted';
}

/** The CX office's controls: status, owner, duplicate, note (and "me too" for everyone). */
export function renderRuleControls(
  model: CardModel,
  options: { showVote: boolean; voted?: boolean },
): ActionsBlock {
  const { rule } = model;
  const elements: ActionsBlock['elements'] = [];
  if (options.showVote && isOpen(rule.status)) {
    elements.push(
      options.voted
        ? {
            type: 'button',
            action_id: rulesIds.unvote,
            text: plain(`✓ Me too (${model.votes})`),
            value: String(rule.id),
          }
        : {
            type: 'button',
            action_id: rulesIds.vote,
            text: plain(`:raised_hand: Me too (${model.votes})`),
            value: String(rule.id),
            style: 'primary',
          },
    );
  }
  const statusOptions: PlainTextOption[] = SETTABLE_STATUSES.filter((status) => status !== rule.status).map(
    (status) =>
      option(
        `${STATUS_LABELS[status]}${NOTE_REQUIRED.includes(status) || status === 'accepted' ? '…' : ''}`,
        `${rule.id}:${status}`,
      ),
  );
  if (rule.status !== 'new' && rule.status !== 'under_review') {
    // Reopen: back to review.
    statusOptions.sort(
      (a, b) => Number(b.value?.endsWith('under_review')) - Number(a.value?.endsWith('under_review')),
    );
  }
  elements.push(
    {
      type: 'static_select',
      action_id: rulesIds.setStatus,
      placeholder: plain('Set status'),
      options: statusOptions,
    },
    {
      type: 'users_select',
      action_id: rulesIds.assignOwner,
      placeholder: plain('Assign owner'),
      ...(rule.ownerId ? { initial_user: rule.ownerId } : {}),
    },
    {
      type: 'button',
      action_id: rulesIds.markDuplicate,
      text: plain('Duplicate of…'),
      value: String(rule.id),
    },
    { type: 'button', action_id: rulesIds.addNote, text: plain('Add note'), value: String(rule.id) },
    // The audit trail (CX office: checked on the click).
    { type: 'button', action_id: rulesIds.history, text: plain('History'), value: String(rule.id) },
  );
  // Two-way anonymous: the bot carries a question to the person behind it (CX office, checked on the click).
  if (rule.anonymous) {
    elements.push({
      type: 'button',
      action_id: ruleAftercareIds.askSubmitter,
      text: plain('Ask the submitter'),
      value: String(rule.id),
    });
  }
  // The one loop: an accepted (or killed) rule points to the roadmap item that removes it.
  if (rule.status === 'accepted' || rule.status === 'killed') {
    elements.push({
      type: 'button',
      action_id: linksIds.removedBy,
      text: plain('Removed by roadmap item…'),
      value: String(rule.id),
    });
  }
  return { type: 'actions', block_id: actionsBlockId(rule.id), elements };
}

function ruleFields(model: CardModel, now: Date): SectionBlock['fields'] {
  const { rule } = model;
  return [
    {
      type: 'mrkdwn',
      text: `*Status*\n${STATUS_EMOJI[rule.status]} ${STATUS_LABELS[rule.status]}${model.duplicateOfRef ? ` of ${model.duplicateOfRef}` : ''}`,
    },
    { type: 'mrkdwn', text: `*Votes*\n${model.votes}` },
    { type: 'mrkdwn', text: `*Hurts*\n${HURTS_LABELS[rule.hurts]}` },
    {
      type: 'mrkdwn',
      text: `*Stage*\n${model.stageName ? escapeMrkdwn(model.stageName) : '—'}${model.stageOwnerId ? `\nStage owner: ${userMention(model.stageOwnerId)}` : ''}`,
    },
    ...(model.categoryName
      ? [{ type: 'mrkdwn' as const, text: `*Category*\n${escapeMrkdwn(model.categoryName)}` }]
      : []),
    {
      type: 'mrkdwn',
      text: `*Suggested by*\n${rule.anonymous ? '_anonymous_' : userMention(rule.submitterId)}`,
    },
    { type: 'mrkdwn', text: `*Owner*\n${rule.ownerId ? userMention(rule.ownerId) : '—'}` },
    { type: 'mrkdwn', text: `*Age*\n${ageText(rule.createdAt, now)}` },
  ];
}

export function renderBacklogCard(model: CardModel, ctx: { now: Date }): SlackMessage {
  const { rule } = model;
  const blocks: KnownBlock[] = [
    section(`*${ruleRef(rule)}* — ${escapeAndTruncate(rule.title, 2900)}`, rulesIds.cardSummary),
    {
      type: 'section',
      block_id: rulesIds.cardDetails,
      fields: ruleFields(model, ctx.now),
    },
    section(`*Why it hurts*\n${escapeAndTruncate(rule.why, 2900)}`, 'rules.card.why'),
  ];
  // Where the rule lives and who owns it, as the submitter said at intake (not the decision's owner).
  const where = [
    ...(rule.livesIn ? [`*Where it lives*\n${escapeAndTruncate(rule.livesIn, 500)}`] : []),
    ...(rule.ruleOwnerId ? [`*Who owns the rule*\n${userMention(rule.ruleOwnerId)}`] : []),
  ];
  if (where.length > 0) {
    blocks.push({
      type: 'section',
      block_id: 'rules.card.where',
      fields: where.map((text) => ({ type: 'mrkdwn' as const, text })),
    });
  }
  if (rule.replacementIdea) {
    blocks.push(
      section(
        `*What could replace it*\n${escapeAndTruncate(rule.replacementIdea, 2900)}`,
        'rules.card.replacement',
      ),
    );
  }
  if (rule.decisionNote && !isOpen(rule.status)) {
    const label =
      rule.status === 'not_a_rule'
        ? 'How it really works'
        : rule.status === 'required_by_law'
          ? 'Required by'
          : 'Decision';
    blocks.push(section(`*${label}*\n${escapeAndTruncate(rule.decisionNote, 2900)}`, 'rules.card.decision'));
  }
  if (rule.sourcePermalink) {
    blocks.push(context(`<${rule.sourcePermalink}|Suggested from this message>`, 'rules.card.source'));
  }
  if (model.reopenedFromRef) {
    blocks.push(
      context(
        `:recycle: *It came back*: ${model.reopenedFromRef} was killed, and someone asked 30 days later says the rule is back.`,
        'rules.card.reopened',
      ),
    );
  }
  blocks.push(...linksContext('rule', model.links, 'rules.card.links'));
  const plan = planLine(rule, ctx.now);
  if (plan) blocks.push(section(plan, 'rules.card.plan'));
  blocks.push(renderRuleControls(model, { showVote: true }));
  if (isOpen(rule.status)) blocks.push(ratingControls(rule));
  return {
    text: `${ruleRef(rule)} (${STATUS_LABELS[rule.status]}, ${countOf(model.votes, 'vote')}): ${escapeAndTruncate(rule.title, 200)}`,
    blocks,
  };
}

// ---- What everyone is told ------------------------------------------------------------------------

function changeSentence(event: RuleEvent, extra: { duplicateOfRef?: string }): string {
  const from = event.fromStatus ? STATUS_LABELS[event.fromStatus] : undefined;
  const to = event.toStatus ? STATUS_LABELS[event.toStatus] : undefined;
  switch (event.action) {
    case 'status':
      return `moved it from *${from}* to *${to}*`;
    case 'owner':
      return event.ownerId ? `made ${userMention(event.ownerId)} the owner` : 'removed the owner';
    case 'duplicate':
      return `marked it a duplicate of *${extra.duplicateOfRef ?? 'another nomination'}* (votes merged)`;
    case 'note':
      return 'added a note';
    case 'rating':
      return 'rated ease and impact';
  }
}

/** The one line added to the card's thread for every change. */
export function renderThreadLine(event: RuleEvent, extra: { duplicateOfRef?: string } = {}): SlackMessage {
  const note = event.note ? `\n>${escapeAndTruncate(event.note, 2500).replace(/\n/g, '\n>')}` : '';
  const line = `${userMention(event.actorId)} ${changeSentence(event, extra)}.${note}`;
  return { text: line, blocks: [section(line)] };
}

/** What a change did to a nomination, as the submitter and the voters are told it. */
export type Outcome = RuleStatus | 'owner' | 'no_owner' | 'note';

export function outcomeOf(rule: Rule, event: RuleEvent): Outcome {
  switch (event.action) {
    case 'status':
      // The status this change set, not the one the rule has when the DM is sent (it may have moved on).
      return event.toStatus ?? rule.status;
    case 'duplicate':
      return 'duplicate';
    case 'owner':
      return event.ownerId ? 'owner' : 'no_owner';
    case 'note':
    // A rating tells nobody by DM (the card and its thread show it); as an outcome it is a note.
    case 'rating':
      return 'note';
  }
}

/** The small print under an outcome DM, after the reference ("RULE-5 · gone"): the outcome in a word or two. */
export const OUTCOME_TAGS: Record<Outcome, string> = {
  new: 'open again',
  under_review: 'under review',
  accepted: 'will go',
  killed: 'gone',
  kept: 'stays',
  duplicate: 'merged',
  not_a_rule: 'not a rule',
  required_by_law: 'required by law',
  owner: 'new owner',
  no_owner: 'no owner',
  note: 'new note',
};

// What happened to the suggestion, never a skull: a killed rule is good news for whoever suggested it.
const OUTCOME_EMOJI: Record<Outcome, string> = {
  new: ':arrows_counterclockwise:',
  under_review: ':mag:',
  accepted: ':dart:',
  killed: ':tada:',
  kept: ':lock:',
  duplicate: ':twisted_rightwards_arrows:',
  not_a_rule: ':bulb:',
  required_by_law: ':scales:',
  owner: ':bust_in_silhouette:',
  no_owner: ':bust_in_silhouette:',
  note: ':memo:',
};

interface OutcomeWords {
  /** `t` is the rule's title, quoted and escaped; the sentence has no final punctuation. */
  submitter: (t: string) => string;
  voter: (t: string) => string;
  /** How the CX office's note follows the sentence. */
  noteLead:
    | ' — '
    | ', and here is why: '
    | ': '
    | '. Here is how it really works: '
    | '. Where it comes from: ';
}

function outcomeWords(outcome: Outcome, rule: Rule, event: RuleEvent, duplicateOfRef?: string): OutcomeWords {
  const ownerId = event.action === 'owner' ? event.ownerId : rule.ownerId;
  const owner = ownerId ? userMention(ownerId) : undefined;
  const original = duplicateOfRef ?? 'another suggestion';
  switch (outcome) {
    case 'killed':
      return {
        submitter: (t) => `Your suggestion worked: the rule ${t} is gone`,
        voter: (t) => `A rule you backed is gone: ${t}`,
        noteLead: ' — ',
      };
    case 'accepted':
      return {
        submitter: (t) =>
          `Your suggestion is accepted: the rule ${t} will go${owner ? `, and ${owner} sees it through` : ''}`,
        voter: (t) => `A rule you backed will go: the CX office agreed to get rid of ${t}`,
        noteLead: ' — ',
      };
    case 'kept':
      return {
        submitter: (t) => `The rule you suggested killing, ${t}, stays`,
        voter: (t) => `A rule you backed stays: ${t}`,
        noteLead: ', and here is why: ',
      };
    case 'not_a_rule':
      // Kind, never "you were wrong": most hated rules are habits nobody wrote down.
      return {
        submitter: (t) => `Good news about ${t}: the CX office looked into it, and it is not actually a rule`,
        voter: (t) => `Good news about ${t}, which you backed: it is not actually a rule`,
        noteLead: '. Here is how it really works: ',
      };
    case 'required_by_law':
      return {
        submitter: (t) =>
          `Thank you for raising ${t}. The CX office checked: the law or a regulation requires it, so it has to stay`,
        voter: (t) => `${t}, which you backed, is required by law or regulation, so it has to stay`,
        noteLead: '. Where it comes from: ',
      };
    case 'under_review':
      return {
        submitter: (t) => `The CX office is now looking into your suggestion to kill the rule ${t}`,
        voter: (t) => `The CX office is now looking into a rule you backed: ${t}`,
        noteLead: ' — ',
      };
    case 'new':
      return {
        submitter: (t) => `Your suggestion to kill the rule ${t} is open again`,
        voter: (t) => `A rule you backed is open again: ${t}`,
        noteLead: ' — ',
      };
    case 'duplicate':
      return {
        submitter: (t) =>
          `Your suggestion to kill the rule ${t} was already on the list as ${original}: the CX office merged the two, and your voice counts there now`,
        voter: (t) =>
          `A rule you backed, ${t}, was already on the list as ${original}: the CX office merged the two, and your “me too” counts there now`,
        noteLead: ' — ',
      };
    case 'owner':
      return {
        submitter: (t) => `${owner} now looks after your suggestion to kill the rule ${t}`,
        voter: (t) => `${owner} now looks after a rule you backed: ${t}`,
        noteLead: ' — ',
      };
    case 'no_owner':
      return {
        submitter: (t) => `Your suggestion to kill the rule ${t} has no owner for now`,
        voter: (t) => `A rule you backed has no owner for now: ${t}`,
        noteLead: ' — ',
      };
    case 'note':
      return {
        submitter: (t) => `The CX office added a note to your suggestion to kill the rule ${t}`,
        voter: (t) => `The CX office added a note to a rule you backed, ${t}`,
        noteLead: ': ',
      };
  }
}

/**
 * The DM to the submitter and to every voter after a change: what happened to the rule, in words, with
 * the CX office's note. The submitter is never named (the DM goes to them alone; anonymous ones too).
 * `text` (the push notification) says the same in one line.
 */
export function renderOutcomeDm(
  rule: Rule,
  event: RuleEvent,
  extra: { forSubmitter: boolean; duplicateOfRef?: string },
): SlackMessage {
  const outcome = outcomeOf(rule, event);
  const words = outcomeWords(outcome, rule, event, extra.duplicateOfRef);
  const sentence = extra.forSubmitter ? words.submitter : words.voter;
  const note = event.note?.trim() ? event.note : undefined;
  // In the blocks the note follows as a quote: "…, and here is why:" leads into it, a dash would not.
  const leadsIntoNote = note !== undefined && words.noteLead !== ' — ';
  const headline = `${OUTCOME_EMOJI[outcome]} ${sentence(`“${escapeOneLine(rule.title, 500)}”`)}${leadsIntoNote ? words.noteLead.trimEnd() : '.'}`;
  const blocks: KnownBlock[] = [section(headline, 'rules.outcome.headline')];
  if (note) {
    const quoted = `>${escapeAndTruncate(note, 2800).replace(/\n/g, '\n>')}`;
    blocks.push(section(leadsIntoNote ? quoted : `*From the CX office:*\n${quoted}`, 'rules.outcome.note'));
  }
  blocks.push(context(`${ruleRef(rule)} · ${OUTCOME_TAGS[outcome]}`, 'rules.outcome.ref'));
  const text = `${sentence(`“${escapeOneLine(rule.title, 200)}”`)}${note ? `${words.noteLead}${escapeOneLine(note, 300)}` : '.'}`;
  return { text, blocks };
}

// ---- Modals of the CX office -------------------------------------------------------------------------

/** A CX office modal about one nomination: its reference and title, then its inputs. */
function ruleModal(model: {
  callbackId: string;
  title: string;
  submit: string;
  rule: Rule;
  privateMetadata: string;
  inputs: InputBlock[];
}): ModalView {
  return {
    type: 'modal',
    callback_id: model.callbackId,
    title: plain(model.title.slice(0, 24)),
    submit: plain(model.submit),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(`*${ruleRef(model.rule)}* — ${escapeAndTruncate(model.rule.title, 500)}`),
      ...model.inputs,
    ],
  };
}

/** A multi-line note input (block and action `rulesIds.note`). */
function noteInput(input: Omit<InputBlock, 'type' | 'block_id' | 'element'>, initial?: string): InputBlock {
  return {
    type: 'input',
    block_id: rulesIds.note,
    ...input,
    element: {
      type: 'plain_text_input',
      action_id: rulesIds.note,
      multiline: true,
      max_length: NOTE_MAX,
      ...(initial ? { initial_value: initial.slice(0, NOTE_MAX) } : {}),
    },
  };
}

/** The decision modal's note, by outcome: its label and hint, in the words of who reads it. */
const DECISION_NOTE_TEXTS: Record<
  'kept' | 'not_a_rule' | 'required_by_law' | 'other',
  { label: PlainTextElement; hint: PlainTextElement }
> = {
  kept: {
    label: plain('Why does the rule stay?'),
    hint: plain(
      'Sent to the person who suggested it at once, and to everyone who said “me too” in their daily summary.',
    ),
  },
  not_a_rule: {
    label: plain('How does it really work?'),
    hint: plain(
      'The clarification, for everyone: e.g. “You can refund up to €200 without a signature.” The person who suggested it and everyone who backed it get it, and the weekly update publishes it as a myth-buster.',
    ),
  },
  required_by_law: {
    label: plain('Which law or regulation requires it?'),
    hint: plain(
      'The reference and what it protects, e.g. “PSD2 article 97: strong customer authentication”. Sent to the person who suggested it.',
    ),
  },
  other: {
    label: plain('Decision note'),
    hint: plain(
      'Sent to the person who suggested it at once, and to everyone who said “me too” in their daily summary.',
    ),
  },
};

export function renderDecisionModal(model: {
  rule: Rule;
  toStatus: RuleStatus;
  privateMetadata: string;
  note?: string;
  /** Accepting: the kill-by date offered (YYYY-MM-DD; today plus the setting). */
  killBy?: string;
}): ModalView {
  return ruleModal({
    callbackId: rulesIds.decisionModal,
    title: STATUS_LABELS[model.toStatus],
    submit: 'Save',
    rule: model.rule,
    privateMetadata: model.privateMetadata,
    inputs: [
      ...(model.toStatus === 'accepted' ? [killByInput(model.killBy), decisionOwnerInput(model.rule)] : []),
      noteInput(
        {
          optional: !NOTE_REQUIRED.includes(model.toStatus),
          ...DECISION_NOTE_TEXTS[
            model.toStatus === 'kept' ||
            model.toStatus === 'not_a_rule' ||
            model.toStatus === 'required_by_law'
              ? model.toStatus
              : 'other'
          ],
        },
        model.note,
      ),
    ],
  });
}

export function renderNoteModal(model: { rule: Rule; privateMetadata: string }): ModalView {
  return ruleModal({
    callbackId: rulesIds.noteModal,
    title: 'Add a note',
    submit: 'Add',
    ...model,
    inputs: [
      noteInput({
        label: plain('Note'),
        hint: plain('Added to the card’s thread and sent to the submitter and voters.'),
      }),
    ],
  });
}

export function renderDuplicateModal(model: { rule: Rule; privateMetadata: string }): ModalView {
  return ruleModal({
    callbackId: rulesIds.duplicateModal,
    title: 'Mark as duplicate',
    submit: 'Merge',
    ...model,
    inputs: [
      {
        type: 'input',
        block_id: rulesIds.duplicateOf,
        label: plain('Duplicate of'),
        hint: plain(
          'The reference of the original, e.g. RULE-7. Votes move there and everyone involved is told.',
        ),
        element: {
          type: 'plain_text_input',
          action_id: rulesIds.duplicateOf,
          max_length: RULE_REF_MAX,
          placeholder: plain('RULE-7'),
        },
      },
      noteInput({ optional: true, label: plain('Note (optional)') }),
    ],
  });
}

/**
 * A CX office modal after Save (a decision, a note, a duplicate): what changed and who hears about it, in
 * place of the form. A replayed or unchanged save says that nothing more changed.
 */
export function renderRuleChangeSaved(result: ChangeResult): ModalView {
  if (!result.ok) {
    const why =
      result.reason === 'not_found'
        ? 'That suggestion no longer exists, so nothing was saved.'
        : result.reason === 'unchanged'
          ? 'Nothing changed: the suggestion was like that already.'
          : 'This was saved already; nothing changed a second time.';
    return savedModal('Nothing changed', why, rulesIds.changeSaved);
  }
  const { rule, event, target } = result;
  const named = `*${ruleRef(rule)}* “${escapeOneLine(rule.title, 200)}”`;
  const from = event.fromStatus ? STATUS_LABELS[event.fromStatus] : undefined;
  const what =
    event.action === 'note'
      ? `your note on ${named}`
      : event.action === 'duplicate'
        ? `${named} is a duplicate of *${target ? ruleRef(target) : 'another suggestion'}*, and its votes count there now`
        : event.action === 'owner'
          ? `${named} ${event.ownerId ? `is now looked after by ${userMention(event.ownerId)}` : 'has no owner now'}`
          : `${named} moved from *${from}* to *${STATUS_LABELS[rule.status]}*`;
  const voters = result.voterCount ?? 0;
  // Voters hear of status changes in their daily summary, never of notes or owners.
  const statusChange = event.action === 'status' || event.action === 'duplicate';
  const told = `The person who suggested it hears about it now${statusChange && voters > 0 ? `; ${countOf(voters, 'person', 'people')} who backed it ${voters === 1 ? 'gets' : 'get'} it in their daily summary` : ''}, and the card in the backlog channel shows it.`;
  return savedModal('Saved', `:white_check_mark: Saved: ${what}.\n${told}`, rulesIds.changeSaved);
}

// ---- Lists --------------------------------------------------------------------------------------

function listLine(item: RuleItem, now: Date): string {
  const { rule } = item;
  const decision =
    rule.decisionNote && !isOpen(rule.status) ? `\n      _${escapeAndTruncate(rule.decisionNote, 200)}_` : '';
  const links = linksLine('rule', item.links, true);
  const linked = links ? `\n      :link: ${links}` : '';
  return `${STATUS_EMOJI[rule.status]} *${ruleRef(rule)}* ${escapeAndTruncate(rule.title, 150)} — ${STATUS_LABELS[rule.status]}${planMarks(rule, now)} · ${countOf(item.votes, 'vote')} · ${ageText(rule.createdAt, now)}${decision}${linked}`;
}

/**
 * One line per nomination, five to a section: each line is at most ~450 characters, so a section stays
 * under Slack's 3,000. Sections are numbered `<blockIdPrefix>.<n>` when a prefix is given.
 */
function listSections(items: RuleItem[], now: Date, blockIdPrefix?: string): SectionBlock[] {
  const sections: SectionBlock[] = [];
  for (let i = 0; i < items.length; i += 5) {
    const lines = items.slice(i, i + 5).map((item) => listLine(item, now));
    sections.push(section(lines.join('\n'), blockIdPrefix && `${blockIdPrefix}.${i / 5}`));
  }
  return sections;
}

/** `/killrule mine`: the person's nominations with status and last decision. */
export function renderMyRules(items: RuleItem[], ctx: { now: Date; total: number }): SlackMessage {
  if (items.length === 0) {
    const text = 'You have not suggested a rule to kill yet. Type `/killrule` followed by the rule to start.';
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [header('Your suggestions'), ...listSections(items, ctx.now)];
  if (ctx.total > items.length) {
    // The rest are a click away: "See all" opens every one of them in a modal, a page at a time.
    blocks.push({
      ...section(`…and ${(ctx.total - items.length).toLocaleString('en-US')} more.`, rulesIds.mineMore),
      accessory: {
        type: 'button',
        action_id: rulesIds.mineOpen,
        text: plain(`See all ${ctx.total.toLocaleString('en-US')}`),
        value: '1',
      },
    });
  }
  return { text: `Your suggestions: ${items.map((item) => ruleRef(item.rule)).join(', ')}`, blocks };
}

/** Every one of a person's suggestions, in a modal, a page at a time ("Showing 26–40 of 40"). */
export function renderMyRulesModal(items: RuleItem[], ctx: { now: Date; page: Page }): ModalView {
  return {
    type: 'modal',
    callback_id: rulesIds.mineModal,
    title: plain('Your suggestions'),
    close: plain('Done'),
    blocks: [
      ...(items.length > 0
        ? listSections(items, ctx.now, rulesIds.mineModal)
        : [section('You have not suggested a rule to kill yet.')]),
      ...pagerBlocks(ctx.page, {
        block: rulesIds.minePager,
        previous: rulesIds.minePrevious,
        next: rulesIds.mineNext,
      }),
    ],
  };
}

/** The working-day morning call-out of late nominations in the backlog channel. */
export function renderAgingMessage(
  items: RuleItem[],
  ctx: { now: Date; targetWorkingDays: number; quickTargetWorkingDays?: number },
): SlackMessage {
  const shown = items.slice(0, 40);
  const blocks: KnownBlock[] = [
    section(
      `:hourglass_flowing_sand: *${countOf(items.length, 'suggestion is', 'suggestions are')} waiting longer than ${countOf(ctx.targetWorkingDays, 'working day')}* for a decision:`,
      'rules.aging.headline',
    ),
  ];
  blocks.push(...listSections(shown, ctx.now, 'rules.aging.list'));
  const quick = ctx.quickTargetWorkingDays;
  if (quick !== undefined && quick < ctx.targetWorkingDays && items.some((item) => isQuickKill(item.rule)))
    blocks.push(
      context(`:zap: Quick kills (easy, high impact) are late after ${countOf(quick, 'working day')}.`),
    );
  // A channel message cannot page; the CX office's App Home pages the whole backlog, late ones first.
  if (items.length > shown.length)
    blocks.push(
      context(
        `…and ${items.length - shown.length} more: every one is in the backlog on Touchpoint’s Home tab, the late ones first.`,
      ),
    );
  return {
    text: `${countOf(items.length, 'suggestion is', 'suggestions are')} waiting longer than ${countOf(ctx.targetWorkingDays, 'working day')}: ${items.map((item) => ruleRef(item.rule)).join(', ')}`,
    blocks,
  };
}

// ---- App Home -----------------------------------------------------------------------------------

export function renderRulesHomeSection(model: RulesHome, ctx: { now: Date }): KnownBlock[] {
  const blocks: KnownBlock[] = [header('Kill a stupid rule')];
  if (model.owned && model.owned.length > 0) blocks.push(...ownedSection(model.owned, ctx.now));
  if (model.backlog) {
    const { backlog } = model;
    const statusLine = (['new', 'under_review', 'accepted'] as const)
      .map((status) => `${STATUS_LABELS[status]} ${backlog.byStatus[status] ?? 0}`)
      .join(' · ');
    const stageLine =
      backlog.byStage.map((stage) => `${escapeMrkdwn(stage.name)} ${stage.count}`).join(' · ') || '—';
    blocks.push(
      section(
        `*Backlog* (CX office): ${statusLine}\n*Late* (over ${countOf(backlog.targetWorkingDays, 'working day')}): ${backlog.lateCount}${backlog.overdueCount ? `\n*Overdue* (accepted, past the kill-by date): ${backlog.overdueCount}` : ''}\n*By journey stage*: ${stageLine}`,
        'rules.home.backlog',
      ),
    );
    for (const item of backlog.items) {
      blocks.push(
        section(
          `${item.late ? ':hourglass_flowing_sand: ' : ''}${listLine(item, ctx.now)}`,
          `rules.home.item.${item.rule.id}`,
        ),
        renderRuleControls({ ...item }, { showVote: false }),
      );
    }
    blocks.push(
      ...pagerBlocks(backlog.page, {
        block: rulesIds.backlogPager,
        previous: rulesIds.backlogPrevious,
        next: rulesIds.backlogNext,
      }),
    );
  }
  if (model.backable.length > 0) {
    blocks.push(section('*Suggestions you can back*', 'rules.home.backable'));
    for (const item of model.backable) {
      blocks.push({
        type: 'section',
        block_id: `rules.home.back.${item.rule.id}`,
        text: { type: 'mrkdwn', text: `*${ruleRef(item.rule)}* ${escapeAndTruncate(item.rule.title, 200)}` },
        accessory: item.voted
          ? {
              type: 'button',
              action_id: rulesIds.unvote,
              text: plain(`✓ Me too (${item.votes})`),
              value: String(item.rule.id),
            }
          : {
              type: 'button',
              action_id: rulesIds.vote,
              text: plain(`Me too (${item.votes})`),
              value: String(item.rule.id),
            },
      });
    }
    blocks.push(
      ...pagerBlocks(model.backablePage, {
        block: rulesIds.backablePager,
        previous: rulesIds.backablePrevious,
        next: rulesIds.backableNext,
      }),
    );
  }
  blocks.push(
    section(
      model.mine.length > 0
        ? `*Your suggestions*\n${model.mine.map((item) => listLine(item, ctx.now)).join('\n')}`
        : '*Your suggestions*\nNone yet. Is there a rule that annoys customers or makes no sense? Type `/killrule`.',
      'rules.home.mine',
    ),
  );
  if (model.mineTotal > model.mine.length) {
    blocks.push(
      context(`Showing ${model.mine.length} of ${model.mineTotal}. Type \`/killrule mine\` for more.`),
    );
  }
  return blocks;
}

// ---- The export ---------------------------------------------------------------------------------------

/** `/touchpoint export rules`: every nomination, one row each. Anonymous means no submitter here either. */
export function renderRulesExport(items: RuleItem[]): CsvExport {
  const csv = toCsv(
    [
      'reference',
      'rule',
      'hurts',
      'why it hurts',
      'what could replace it',
      'journey stage',
      'touch-point category',
      'status',
      'votes',
      'owner',
      'decision note',
      'decided at',
      'submitted at',
      'submitted by',
      'source message',
      'came from',
    ],
    items.map(({ rule, votes, stageName, categoryName, links }) => [
      ruleRef(rule),
      rule.title,
      HURTS_LABELS[rule.hurts],
      rule.why,
      rule.replacementIdea,
      stageName,
      categoryName,
      STATUS_LABELS[rule.status],
      votes,
      rule.ownerId,
      rule.decisionNote,
      rule.decidedAt,
      rule.createdAt,
      rule.anonymous ? '' : rule.submitterId,
      rule.sourcePermalink,
      // Where it came from names the customer, never who had the call (anonymous stays anonymous).
      (links?.origins ?? [])
        .map((end) =>
          end.kind === 'call' || end.kind === 'follow_up'
            ? `${end.kind === 'call' ? 'call' : 'follow-up of a call'} with ${end.customer ?? 'a customer'}`
            : end.kind === 'story'
              ? `customer story #${end.id}`
              : `${end.kind.replace('_', ' ')} #${end.id}`,
        )
        .join('; '),
    ]),
  );
  return {
    name: 'rules',
    title: 'Touchpoint: rules to kill',
    csv,
    comment: `Every nomination (${items.length}), with status, votes, stage, category, owner and decision.`,
    said: `I sent you the CSV of ${countOf(items.length, 'nomination')} and the CSV of their audit trail in a direct message.`,
  };
}

// ---- History, the voters' daily summary and the audit CSV (issue 17) ----------------------------------

/** Who made a change: a mention, or "anonymous" for anything that is not a Slack user ID (never throws). */
function actorOf(actorId: string): string {
  return /^[UW][A-Z0-9]+$/.test(actorId) ? userMention(actorId) : '_anonymous_';
}

/** A change in the History modal: what happened, from and to, in the card's words. */
function historyWhat(event: RuleEvent, duplicateOfRef: string | undefined): string {
  const from = event.fromStatus ? STATUS_LABELS[event.fromStatus] : '—';
  const to = event.toStatus ? STATUS_LABELS[event.toStatus] : '—';
  switch (event.action) {
    case 'status':
      return `status *${from}* → *${to}*`;
    case 'owner':
      return event.ownerId && /^[UW][A-Z0-9]+$/.test(event.ownerId)
        ? `owner → ${userMention(event.ownerId)}`
        : 'owner removed';
    case 'duplicate':
      return `status *${from}* → *${to}*${duplicateOfRef ? ` of ${duplicateOfRef}` : ''} (votes merged)`;
    case 'note':
      return 'note';
    case 'rating':
      return 'ease × impact rated';
  }
}

/**
 * "History" on a card (CX office): the audit trail, oldest first, a page at a time: when, who, from, to and
 * the note. The suggestion itself comes first; an anonymous one says "anonymous", never who.
 */
export function renderHistoryModal(history: RuleHistory, ctx: { privateMetadata: string }): ModalView {
  const { rule, events, page } = history;
  const blocks: KnownBlock[] = [
    section(`*${ruleRef(rule)}* — ${escapeOneLine(rule.title, 500)}`, 'rules.history.rule'),
  ];
  if (page.number === 1) {
    blocks.push(
      context(
        `${slackDateTime(rule.createdAt)} · suggested by ${rule.anonymous ? '_anonymous_' : actorOf(rule.submitterId)} · *${STATUS_LABELS.new}*`,
        'rules.history.suggested',
      ),
    );
  }
  for (const event of events) {
    const note = event.note?.trim() ? `\n>${escapeAndTruncate(event.note, 1500).replace(/\n/g, '\n>')}` : '';
    blocks.push(
      section(
        `${slackDateTime(event.createdAt)} · ${actorOf(event.actorId)} · ${historyWhat(event, history.duplicateOfRef)}${note}`,
        `rules.history.event.${event.id}`,
      ),
    );
  }
  if (page.total === 0) blocks.push(context('No changes yet: the CX office has not acted on it.'));
  blocks.push(
    ...pagerBlocks(page, {
      block: rulesIds.historyPager,
      previous: rulesIds.historyPrevious,
      next: rulesIds.historyNext,
    }),
  );
  return {
    type: 'modal',
    callback_id: rulesIds.historyModal,
    title: plain(`History of ${ruleRef(rule)}`.slice(0, 24)),
    close: plain('Done'),
    private_metadata: ctx.privateMetadata,
    blocks,
  };
}

/**
 * A voter's daily summary: the status changes since they were last told, on everything they backed, with
 * the decision's note (the clarification of "not actually a rule", the reason a rule stays). Never who
 * suggested anything.
 */
export function renderVoterSummaryDm(items: VoterSummaryItem[]): SlackMessage {
  const shown = items.slice(0, 40);
  const lines = shown.map((item) => {
    const to = `${STATUS_LABELS[item.toStatus]}${item.toStatus === 'duplicate' && item.duplicateOfRef ? ` of ${item.duplicateOfRef}` : ''}`;
    const note =
      item.note?.trim() && DECIDED_NOTES.includes(item.toStatus) ? `\n>${escapeOneLine(item.note, 400)}` : '';
    return `${OUTCOME_EMOJI[item.toStatus]} *${ruleRef(item.rule)}* “${escapeOneLine(item.rule.title, 200)}”: ${STATUS_LABELS[item.fromStatus]} → *${to}*${note}`;
  });
  const headline = `:raised_hand: What changed since my last message on ${countOf(items.length, 'suggestion')} you backed:`;
  const blocks: KnownBlock[] = [
    section(headline, 'rules.voters.headline'),
    ...packLines(lines, '\n', 5).map((text, index) => section(text, `rules.voters.${index}`)),
  ];
  if (items.length > shown.length)
    blocks.push(context(`…and ${items.length - shown.length} more: Touchpoint’s Home tab lists them.`));
  blocks.push(
    context(
      'You get this at most once a day, only when something you backed changed status.',
      'rules.voters.why',
    ),
  );
  const refs = items.map((item) => `${ruleRef(item.rule)} ${STATUS_LABELS[item.toStatus]}`).join(', ');
  return { text: `Suggestions you backed changed: ${refs}`.slice(0, 3000), blocks };
}

/** The statuses whose note a voter's summary quotes: the decisions (not the moves to review). */
const DECIDED_NOTES: RuleStatus[] = [
  'accepted',
  'killed',
  'kept',
  'duplicate',
  'not_a_rule',
  'required_by_law',
];

/** What each kind of change is called in the audit CSV. */
const AUDIT_ACTIONS: Record<RuleEvent['action'], string> = {
  status: 'status',
  owner: 'owner',
  duplicate: 'duplicate',
  note: 'note',
  rating: 'rating',
};

/**
 * The audit CSV next to the rules export: every change (who, when, from, to, owner, note), after one row per
 * suggestion for when it was made ("anonymous" for an anonymous one, never who). Formulas neutralised.
 */
export function renderRulesAuditExport(
  items: RuleItem[],
  events: (RuleEvent & { ruleNumber: number })[],
): CsvExport {
  const byNumber = new Map<number, (RuleEvent & { ruleNumber: number })[]>();
  for (const event of events)
    byNumber.set(event.ruleNumber, [...(byNumber.get(event.ruleNumber) ?? []), event]);
  const who = (id: string) => (/^[UW][A-Z0-9]+$/.test(id) ? id : 'anonymous');
  const rows = items.flatMap(({ rule }) => [
    [
      ruleRef(rule),
      rule.createdAt,
      rule.anonymous ? 'anonymous' : who(rule.submitterId),
      'suggested',
      '',
      STATUS_LABELS.new,
      '',
      '',
    ],
    ...(byNumber.get(rule.number) ?? []).map((event) => [
      ruleRef(rule),
      event.createdAt,
      who(event.actorId),
      AUDIT_ACTIONS[event.action],
      event.fromStatus ? STATUS_LABELS[event.fromStatus] : '',
      event.toStatus ? STATUS_LABELS[event.toStatus] : '',
      event.ownerId,
      event.note,
    ]),
  ]);
  const csv = toCsv(['reference', 'when', 'who', 'action', 'from', 'to', 'owner', 'note'], rows);
  return {
    name: 'rules-audit',
    title: 'Touchpoint: rules audit trail',
    csv,
    comment: `The audit trail: ${countOf(events.length, 'change')} to ${countOf(items.length, 'nomination')} (who, when, from, to, note).`,
    said: `I sent you the CSV of ${countOf(items.length, 'nomination')} and its audit trail in a direct message.`,
  };
}

// ---- Ease × impact, quick kills, owners and kill-by dates ------------------------------------------------

const EASE_LABELS: Record<Ease, string> = { easy: 'Easy', medium: 'Medium', hard: 'Hard' };
const IMPACT_LABELS: Record<Impact, string> = { low: 'Low', medium: 'Medium', high: 'High' };

/** The card's day is UTC's (a view has no zone); the jobs and App Home use the company's. */
const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/** After the status in a list line: " · ⚡ quick kill", " · kill by Dec 1" or " · ⌛ overdue since Dec 1". */
function planMarks(rule: Rule, now: Date): string {
  const quick =
    isOpen(rule.status) && rule.status !== 'accepted' && isQuickKill(rule) ? ' · :zap: quick kill' : '';
  if (rule.status !== 'accepted' || !rule.killBy) return quick;
  const due = isOverdue(rule, dayOf(now))
    ? ` · :hourglass_flowing_sand: overdue: kill by ${slackDay(rule.killBy)}`
    : ` · kill by ${slackDay(rule.killBy)}`;
  return `${quick}${due}`;
}

/** The card's plan: ease × impact (quick kill marked) and, once accepted, the kill-by date (overdue said). */
function planLine(rule: Rule, now: Date): string | undefined {
  const lines: string[] = [];
  if (rule.ease || rule.impact) {
    const rated = `*Ease* ${rule.ease ? EASE_LABELS[rule.ease] : '—'} · *Impact* ${rule.impact ? IMPACT_LABELS[rule.impact] : '—'}`;
    lines.push(isQuickKill(rule) ? `:zap: *Quick kill* — ${rated}` : rated);
  }
  if (rule.status === 'accepted' && rule.killBy) {
    lines.push(
      isOverdue(rule, dayOf(now))
        ? `:hourglass_flowing_sand: *Overdue*: it was to be killed by ${slackDay(rule.killBy)}`
        : `*Kill by* ${slackDay(rule.killBy)}`,
    );
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** The CX office's rating on the card: ease and impact, three levels each (checked on the server). */
function ratingControls(rule: Rule): ActionsBlock {
  const select = (
    actionId: string,
    placeholder: string,
    levels: readonly string[],
    labels: Record<string, string>,
    current: string | null,
  ) => {
    const options = levels.map((level) => option(`${placeholder}: ${labels[level]}`, `${rule.id}:${level}`));
    const initial = options.find((o) => o.value === `${rule.id}:${current}`);
    return {
      type: 'static_select' as const,
      action_id: actionId,
      placeholder: plain(`Rate ${placeholder.toLowerCase()}`),
      options,
      ...(initial ? { initial_option: initial } : {}),
    };
  };
  return {
    type: 'actions',
    block_id: `${rulesIds.cardRating}.${rule.id}`,
    elements: [
      select(rulesIds.rateEase, 'Ease', EASE_LEVELS, EASE_LABELS, rule.ease),
      select(rulesIds.rateImpact, 'Impact', IMPACT_LEVELS, IMPACT_LABELS, rule.impact),
    ],
  };
}

/** The decision modal's kill-by date (accepting): required, today or later (the service checks). */
function killByInput(initial: string | undefined): InputBlock {
  return {
    type: 'input',
    block_id: rulesIds.killBy,
    label: plain('Kill it by'),
    hint: plain('The owner hears what they own and by when; past this date it is called out as overdue.'),
    element: {
      type: 'datepicker',
      action_id: rulesIds.killBy,
      ...(initial ? { initial_date: initial } : {}),
      placeholder: plain('Pick a date'),
    },
  };
}

/** The decision modal's owner (accepting): optional, the card's owner to start with. */
function decisionOwnerInput(rule: Rule): InputBlock {
  return {
    type: 'input',
    block_id: rulesIds.decisionOwner,
    optional: true,
    label: plain('Who sees it through?'),
    hint: plain('Usually an executive sponsor. They get a DM saying what they own and by when.'),
    element: {
      type: 'users_select',
      action_id: rulesIds.decisionOwner,
      placeholder: plain('Pick the owner'),
      ...(rule.ownerId ? { initial_user: rule.ownerId } : {}),
    },
  };
}

/** App Home: what this person owns, kill-by first, overdue marked. */
function ownedSection(owned: (RuleItem & { overdue: boolean })[], now: Date): SectionBlock[] {
  const lines = owned.map(
    (item) => `${item.overdue ? ':hourglass_flowing_sand: ' : ''}${listLine(item, now)}`,
  );
  return [
    section('*Rules you own*: see each one gone by its date.', rulesIds.homeOwned),
    ...packLines(lines).map((text, i) => section(text, `${rulesIds.homeOwned}.${i}`)),
  ];
}

/**
 * The DM to the owner a change named (a new owner, or an accepted rule that has one): what they own, and
 * by when once accepted.
 */
export function renderOwnerDm(rule: Rule, event: RuleEvent): SlackMessage {
  const named = `*${ruleRef(rule)}* “${escapeOneLine(rule.title, 500)}”`;
  const byWhen =
    rule.status === 'accepted' && rule.killBy
      ? `The CX office accepted killing it: please see it gone by ${slackDay(rule.killBy)}.`
      : `It is ${STATUS_LABELS[rule.status].toLowerCase()} for now: you will hear when there is a date to kill it by.`;
  const headline = `:bust_in_silhouette: ${userMention(event.actorId)} made you the owner of the rule ${named}.`;
  const text = `You own ${ruleRef(rule)}: “${escapeOneLine(rule.title, 200)}”${rule.status === 'accepted' && rule.killBy ? `, to be killed by ${slackDay(rule.killBy)}` : ''}.`;
  return {
    text,
    blocks: [
      section(`${headline}\n${byWhen}`, 'rules.owner.headline'),
      section(`*Why it hurts*\n${escapeAndTruncate(rule.why, 1500)}`, 'rules.owner.why'),
      context(
        'Touchpoint’s Home tab lists every rule you own. Past the date, you and the CX office are reminded.',
      ),
    ],
  };
}

/** One line per overdue rule: reference, title, owner and the day it was to be gone. */
function overdueLines(items: RuleItem[], withOwner: boolean): string[] {
  return items.map(({ rule }) => {
    const owner = withOwner ? ` · owner ${rule.ownerId ? userMention(rule.ownerId) : 'nobody yet'}` : '';
    return `:hourglass_flowing_sand: *${ruleRef(rule)}* ${escapeOneLine(rule.title, 150)} — kill by ${rule.killBy ? slackDay(rule.killBy) : '—'}${owner}`;
  });
}

/** The working-day morning call-out, in the backlog channel, of accepted rules past their kill-by date. */
export function renderOverdueMessage(items: RuleItem[]): SlackMessage {
  const headline = `${countOf(items.length, 'accepted rule is', 'accepted rules are')} past the date to kill ${items.length === 1 ? 'it' : 'them'}`;
  return {
    text: `${headline}: ${items.map((item) => ruleRef(item.rule)).join(', ')}`,
    blocks: [
      section(`:hourglass_flowing_sand: *${headline}*:`, rulesIds.overdue),
      ...packLines(overdueLines(items.slice(0, 40), true)).map((text, i) =>
        section(text, `${rulesIds.overdue}.${i}`),
      ),
      ...(items.length > 40 ? [context(`…and ${items.length - 40} more on Touchpoint’s Home tab.`)] : []),
    ],
  };
}

/** The owner's reminder of what they own that is past its kill-by date. */
export function renderOwnerOverdueDm(items: RuleItem[]): SlackMessage {
  const headline = `${countOf(items.length, 'rule you own is', 'rules you own are')} past the date to kill ${items.length === 1 ? 'it' : 'them'}`;
  return {
    text: `${headline}: ${items.map((item) => ruleRef(item.rule)).join(', ')}`,
    blocks: [
      section(`:hourglass_flowing_sand: *${headline}*. The CX office sees this too.`, rulesIds.overdue),
      ...packLines(overdueLines(items.slice(0, 40), false)).map((text, i) =>
        section(text, `${rulesIds.overdue}.${i}`),
      ),
      context(
        'Killed it? Tell the CX office, so they mark it killed. Need more time? Ask them for a new date.',
      ),
    ],
  };
}
