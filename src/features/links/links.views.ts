import type { ActionsBlock, KnownBlock, ModalView, Overflow, PlainTextOption } from '@slack/types';
import { context, option, plain, type SlackMessage, savedModal, section } from '../../slack/blocks.js';
import { slackDay } from '../../slack/dates.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { callsIds } from '../calls/calls.ids.js';
import { linksIds } from './links.ids.js';
import type { LinkKind } from './links.schema.js';
import type { CallBehind, LinkEnd, Links, LinkTarget, LoopChange } from './links.service.js';
import type { TurnOrigin, TurnTarget } from './links.types.js';

/** Block Kit of the one loop: where things came from, the turn buttons, the link modals, the loop DM. */

const customerName = (customer: string | null, max = 100) =>
  customer ? `*${escapeAndTruncate(customer, max)}*` : 'a customer';

const ruleName = (end: Pick<LinkEnd, 'ruleNumber' | 'id'>) => `RULE-${end.ruleNumber ?? end.id}`;
const itemName = (end: Pick<LinkEnd, 'id' | 'title'>, max = 80) =>
  `roadmap item #${end.id}${end.title ? ` “${escapeAndTruncate(end.title, max)}”` : ''}`;

/** How much of a thing's links a line names: a card names more than a line of a list. */
interface LineSize {
  /** Ends named each way (the rest are counted). */
  each: number;
  /** Characters of a customer's name or an item's title. */
  nameMax: number;
}
const CARD_LINE: LineSize = { each: 3, nameMax: 100 };

/**
 * Where a thing came from, in words: "came from a call with *Acme Rockets*". Only the customer is named,
 * never who had the call: an anonymous suggestion made from a call stays anonymous.
 */
function originWords(end: LinkEnd, size: LineSize): string {
  switch (end.kind) {
    case 'call':
      return `came from a call with ${customerName(end.customer, size.nameMax)}`;
    case 'follow_up':
      return `came from a follow-up of a call with ${customerName(end.customer, size.nameMax)}`;
    case 'story':
      return `from customer story #${end.id}`;
    case 'rule':
      return `from ${ruleName(end)}`;
    case 'roadmap_item':
      return `from ${itemName(end, size.nameMax)}`;
  }
}

/** What came of a thing, in words: a rule "removed by roadmap item #7 …", a story "linked to RULE-42". */
function outcomeWords(kind: LinkKind, end: LinkEnd, size: LineSize): string {
  if (kind === 'rule' && end.kind === 'roadmap_item') return `removed by ${itemName(end, size.nameMax)}`;
  if (end.kind === 'rule') return `${kind === 'story' ? 'linked to' : 'led to'} ${ruleName(end)}`;
  if (end.kind === 'roadmap_item')
    return `${kind === 'story' ? 'linked to' : 'led to'} ${itemName(end, size.nameMax)}`;
  return `led to ${end.kind.replace('_', '-')} #${end.id}`;
}

/**
 * One line of a thing's links for a card, a list or App Home ("Came from a call with *Acme Rockets* ·
 * removed by roadmap item #7 “…”"), or undefined when it has none. At most three of each are named.
 */
export function linksLine(
  kind: LinkKind,
  links: Links | undefined,
  /** A line of a list: one end each way, short names (a list's section stays under 3,000 characters). */
  short = false,
): string | undefined {
  if (!links) return undefined;
  const size: LineSize = short ? { each: 1, nameMax: 40 } : CARD_LINE;
  const named = (ends: LinkEnd[], words: (end: LinkEnd) => string) => {
    const shown = ends.slice(0, size.each).map(words);
    return ends.length > size.each ? [...shown, `${ends.length - size.each} more`] : shown;
  };
  const parts = [
    ...named(links.origins, (end) => originWords(end, size)),
    ...named(links.outcomes, (end) => outcomeWords(kind, end, size)),
  ];
  if (parts.length === 0) return undefined;
  const line = parts.join(' · ');
  return `${line.charAt(0).toUpperCase()}${line.slice(1)}`;
}

/** A link line as a context block under a card, if the thing has links. */
export function linksContext(kind: LinkKind, links: Links | undefined, blockId: string): KnownBlock[] {
  const line = linksLine(kind, links);
  return line ? [context(`:link: ${line}`, blockId)] : [];
}

// ---- The turns ------------------------------------------------------------------------------------------

/** A turn button's value: `call:12`, `follow_up:7`. */
export function turnValue(origin: TurnOrigin): string {
  return `${origin.kind}:${origin.id}`;
}

/**
 * "Suggest killing a rule" and, for the CX office, "Propose a roadmap item", under a call's learning or
 * a follow-up. Both open the right form prefilled; what is saved is linked to where it came from.
 */
export function turnButtons(origin: TurnOrigin, offer: { roadmap: boolean }): ActionsBlock {
  const value = turnValue(origin);
  return {
    type: 'actions',
    block_id: `${linksIds.turnActions}.${origin.kind}.${origin.id}`,
    elements: [
      { type: 'button', action_id: linksIds.suggestRule, text: plain('Suggest killing a rule'), value },
      ...(offer.roadmap
        ? [
            {
              type: 'button' as const,
              action_id: linksIds.proposeRoadmap,
              text: plain('Propose a roadmap item'),
              value,
            },
          ]
        : []),
    ],
  };
}

/** The same turns as an overflow menu, for a line in App Home (value `rule:call:12`). */
export function turnMenu(origin: TurnOrigin, offer: { roadmap: boolean }): Overflow {
  const choice = (target: TurnTarget, label: string) => option(label, `${target}:${turnValue(origin)}`);
  return {
    type: 'overflow',
    action_id: linksIds.turnMenu,
    options: [
      choice('rule', 'Suggest killing a rule'),
      ...(offer.roadmap ? [choice('roadmap_item', 'Propose a roadmap item')] : []),
    ],
  };
}

// ---- The CX office's link modals ------------------------------------------------------------------------

const STATUS_WORDS: Record<string, string> = {
  new: 'new',
  under_review: 'under review',
  accepted: 'accepted',
  killed: 'killed',
  kept: 'kept',
  duplicate: 'duplicate',
  not_a_rule: 'not a rule',
  required_by_law: 'required by law',
  planned: 'planned',
  in_progress: 'in progress',
  shipped: 'shipped',
  paused: 'paused',
};

const targetOption = (kind: 'rule' | 'roadmap_item', target: LinkTarget): PlainTextOption => {
  const name = kind === 'rule' ? `RULE-${target.number ?? target.id}` : `#${target.id}`;
  const status = ` (${STATUS_WORDS[target.status] ?? target.status})`;
  const room = 75 - name.length - status.length - 1;
  const title = target.title.length > room ? `${target.title.slice(0, room - 1)}…` : target.title;
  return option(`${name} ${title}${status}`, `${kind}:${target.id}`);
};

/**
 * "Link…" on a story's card (a rule or a roadmap item) and "Removed by roadmap item…" on a rule's card
 * (a roadmap item only): one select of the most recent ones. No text input: nothing typed is lost.
 */
export function renderLinkModal(model: {
  /** What is being linked: a story, or a rule (to the roadmap item that removes it). */
  kind: 'story' | 'rule';
  /** How the card names it: "customer story #5", "RULE-42". */
  name: string;
  rules: LinkTarget[];
  roadmapItems: LinkTarget[];
  privateMetadata: string;
}): ModalView {
  const groups = [
    ...(model.kind === 'story' && model.rules.length > 0
      ? [{ label: plain('Rules'), options: model.rules.map((t) => targetOption('rule', t)) }]
      : []),
    ...(model.roadmapItems.length > 0
      ? [
          {
            label: plain('Roadmap items'),
            options: model.roadmapItems.map((t) => targetOption('roadmap_item', t)),
          },
        ]
      : []),
  ];
  const blocks: KnownBlock[] =
    groups.length === 0
      ? [
          section(
            model.kind === 'story'
              ? 'There is no rule or roadmap item to link to yet.'
              : 'There is no roadmap item to point to yet: add one with `/roadmap add`.',
          ),
        ]
      : [
          section(
            model.kind === 'story'
              ? `Link ${escapeAndTruncate(model.name, 100)} to the rule or roadmap item it shows the need for. Both cards will say so.`
              : `Which roadmap item removes ${escapeAndTruncate(model.name, 100)}? When it ships, whoever heard the customer hears of it.`,
          ),
          {
            type: 'input',
            block_id: linksIds.target,
            label: plain(model.kind === 'story' ? 'Rule or roadmap item' : 'Roadmap item'),
            element: {
              type: 'static_select',
              action_id: linksIds.target,
              placeholder: plain('Pick one'),
              option_groups: groups,
            },
          },
        ];
  return {
    type: 'modal',
    callback_id: model.kind === 'story' ? linksIds.linkStoryModal : linksIds.removedByModal,
    title: plain(model.kind === 'story' ? 'Link a story' : 'Removed by…'),
    ...(groups.length > 0 ? { submit: plain('Link') } : {}),
    close: plain(groups.length > 0 ? 'Cancel' : 'Done'),
    private_metadata: model.privateMetadata,
    blocks,
  };
}

/** A link modal after Save: what is linked now, or that it was already. */
export function renderLinkSaved(saved: { from: string; to: string; created: boolean }): ModalView {
  const text = saved.created
    ? `:white_check_mark: Saved: ${escapeAndTruncate(saved.from, 100)} is linked to ${escapeAndTruncate(saved.to, 200)}. Its card shows it.`
    : `Nothing changed: ${escapeAndTruncate(saved.from, 100)} was already linked to ${escapeAndTruncate(saved.to, 200)}.`;
  return savedModal('Linked', text, linksIds.linkSaved);
}

/** A turn or link the person may not make (not their call, not the CX office): said only to them. */
export function renderTurnRefused(what: 'turn' | 'roadmap' | 'link'): SlackMessage {
  const text =
    what === 'turn'
      ? 'That call is not yours to turn into a suggestion: only the executive who logged it, its follow-up owners and the CX office can.'
      : what === 'roadmap'
        ? 'Only the CX office can add roadmap items. You can still suggest killing a rule.'
        : 'Only the CX office can link stories and rules.';
  return { text, blocks: [section(text)] };
}

// ---- Closing the loop outward ---------------------------------------------------------------------------

/**
 * The one DM to the executive who heard the customer: what changed, "Tell <customer>: …", and a button
 * that opens the call form with the customer filled in.
 */
export function renderLoopClosedDm(change: LoopChange, call: CallBehind): SlackMessage {
  const customer = escapeAndTruncate(call.customer, 100);
  const title = escapeAndTruncate(change.title, 200);
  const what =
    change.kind === 'rule'
      ? `:skull: *RULE-${change.number}* “${title}” was killed`
      : `:rocket: Roadmap item *#${change.id}* “${title}” shipped`;
  const tell =
    change.kind === 'rule'
      ? `the rule “${title}” is gone`
      : change.customerChange
        ? escapeAndTruncate(change.customerChange, 500)
        : `“${title}” is live`;
  const blocks: KnownBlock[] = [
    section(
      `${what} — it came from your call with *${customer}* on ${slackDay(call.callDate)}.`,
      'links.loop.what',
    ),
    section(`:speech_balloon: *Tell ${customer}:* ${tell}`, 'links.loop.tell'),
  ];
  if (change.kind === 'rule' && change.note)
    blocks.push(context(`Why: ${escapeAndTruncate(change.note, 500)}`, 'links.loop.note'));
  blocks.push({
    type: 'actions',
    block_id: 'links.loop.actions',
    elements: [
      {
        type: 'button',
        action_id: callsIds.logFollowUpCall,
        text: plain('Log the follow-up call'),
        style: 'primary',
        value: call.customer.slice(0, 200),
      },
    ],
  });
  return { text: `Tell ${customer}: ${tell}`, blocks };
}
