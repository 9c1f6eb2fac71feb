import type { KnownBlock, ModalView } from '@slack/types';
import type { Page } from '../../paging.js';
import {
  categorySelect,
  context,
  cxOnly,
  header,
  notice,
  option,
  plain,
  SECTION_TEXT_MAX,
  type SlackMessage,
  savedModal,
  section,
} from '../../slack/blocks.js';
import { slackDay } from '../../slack/dates.js';
import { escapeAndTruncate, escapeMrkdwn, escapeOneLine, userMention } from '../../slack/mrkdwn.js';
import { pagerBlocks } from '../../slack/paging.js';
import { countOf } from '../../slack/plural.js';
import { linksLine } from '../links/links.views.js';
import type { JourneyStage } from '../settings/settings.service.js';
import { roadmapIds } from './roadmap.ids.js';
import {
  CUSTOMER_CHANGE_MAX,
  EMPLOYEE_ASK_MAX,
  ITEM_TITLE_MAX,
  PROGRESS_NOTE_MAX,
  type RoadmapStatus,
  WHY_IT_MATTERS_MAX,
} from './roadmap.schema.js';
import type { RoadmapItem, RoadmapStageGroup } from './roadmap.service.js';

export const ROADMAP_STATUS_LABELS: Record<RoadmapStatus, string> = {
  planned: 'Planned',
  in_progress: 'In progress',
  shipped: 'Shipped',
  paused: 'Paused',
};
const STATUS_EMOJI: Record<RoadmapStatus, string> = {
  planned: ':spiral_calendar_pad:',
  in_progress: ':hammer_and_wrench:',
  shipped: ':rocket:',
  paused: ':double_vertical_bar:',
};

export function itemLine(item: RoadmapItem, lastNote: string | null, categoryName?: string): string {
  const category = categoryName ? ` · ${escapeAndTruncate(categoryName, 60)}` : '';
  const owner = item.ownerId ? ` · ${userMention(item.ownerId)}` : '';
  const target = item.targetDate ? ` · target ${slackDay(item.targetDate)}` : '';
  const note = lastNote ? `\n      _${escapeAndTruncate(lastNote, 200)}_` : '';
  return `${STATUS_EMOJI[item.status]} *#${item.id} ${escapeAndTruncate(item.title, 150)}* — ${ROADMAP_STATUS_LABELS[item.status]}${category}${owner}${target}${note}`;
}

/**
 * What the item means for people, under its line: what it changes for customers, what it asks of
 * employees and (`why`) its owner's "why this matters", each when set, on one line, cut to `max`.
 */
export function itemMeaning(
  item: Pick<RoadmapItem, 'customerChange' | 'employeeAsk' | 'whyItMatters'>,
  max: { text: number; why?: number },
): string {
  const lines = [
    item.customerChange ? `For customers: ${escapeOneLine(item.customerChange, max.text)}` : '',
    item.employeeAsk ? `Asks of employees: ${escapeOneLine(item.employeeAsk, max.text)}` : '',
    item.whyItMatters && max.why ? `Why this matters: “${escapeOneLine(item.whyItMatters, max.why)}”` : '',
  ].filter((line) => line !== '');
  return lines.map((line) => `\n      ${line}`).join('');
}

/**
 * The stages' sections of a page of the roadmap: up to five items each, fewer when their texts are long
 * (an item's line with its meaning is at most ~1,100 characters, so at least two fit under 3,000).
 */
function roadmapSections(
  groups: RoadmapStageGroup[],
  maxBlocks: number,
): { blocks: KnownBlock[]; shown: number } {
  const blocks: KnownBlock[] = [];
  let shown = 0;
  for (const group of groups) {
    const owner = group.stageOwnerId ? ` · Stage owner: ${userMention(group.stageOwnerId)}` : '';
    let text = `*${escapeMrkdwn(group.stage)}*${owner}`;
    let count = 0;
    for (const { item, lastNote, categoryName, links } of group.items) {
      if (blocks.length >= maxBlocks) break;
      const linked = linksLine('roadmap_item', links, true);
      const line = `${itemLine(item, lastNote, categoryName)}${itemMeaning(item, { text: 150, why: 150 })}${linked ? `\n      :link: ${linked}` : ''}`;
      if (count > 0 && (count === 5 || text.length + line.length + 1 > SECTION_TEXT_MAX)) {
        blocks.push(section(text));
        text = '';
        count = 0;
        if (blocks.length >= maxBlocks) break;
      }
      text = text === '' ? line : `${text}\n${line}`;
      count += 1;
      shown += 1;
    }
    if (count > 0) blocks.push(section(text));
  }
  return { blocks, shown };
}

/** How many of the viewer's own items get a "Why it matters" button under `/roadmap` (the rest: a hint). */
const WHY_BUTTONS = 2;

/**
 * Under `/roadmap`, for the viewer's own items on the page: "Why it matters", which opens the short form
 * the weekly update quotes. One section per item (the same action ID in each: Slack wants it unique per
 * block); past two, a line says how to reach the others.
 */
function whyControls(groups: RoadmapStageGroup[], viewerId: string | undefined): KnownBlock[] {
  if (!viewerId) return [];
  const own = groups.flatMap((group) => group.items).filter(({ item }) => item.ownerId === viewerId);
  const blocks: KnownBlock[] = own.slice(0, WHY_BUTTONS).map(({ item }) => ({
    ...section(
      `You own *#${item.id} ${escapeAndTruncate(item.title, 150)}*: ${item.whyItMatters ? 'change' : 'say'} why it matters — the weekly update quotes it.`,
      `${roadmapIds.whyActions}.${item.id}`,
    ),
    accessory: {
      type: 'button',
      action_id: roadmapIds.whyButton,
      text: plain('Why it matters'),
      value: String(item.id),
    },
  }));
  if (own.length > WHY_BUTTONS)
    blocks.push(
      context(
        `…and ${countOf(own.length - WHY_BUTTONS, 'more item')} of yours: \`/roadmap why #id\` says why one matters.`,
      ),
    );
  return blocks;
}

/**
 * `/roadmap`: the first page of the roadmap by journey stage, only to the person who asked; when there is
 * more, "…and 12 more items" with "See all", which opens every page in a modal.
 */
export function renderRoadmap(
  groups: RoadmapStageGroup[],
  /**
   * `page`: which page of how many items the groups are; without it, they are the whole roadmap.
   * `viewerId`: who asked (their own items get "Why it matters").
   */
  ctx: { canEdit: boolean; page?: Page; viewerId?: string },
): SlackMessage {
  if (groups.length === 0) {
    return notice(
      ctx.canEdit
        ? 'The roadmap is empty. Add the first item with `/roadmap add`.'
        : 'The roadmap is empty for now.',
    );
  }
  // 44 blocks of items at most, so the header and the three blocks under them stay under a message's 50.
  const { blocks: items, shown } = roadmapSections(groups, 44);
  const blocks: KnownBlock[] = [header('CX roadmap'), ...items];
  const total = ctx.page?.total ?? groups.reduce((sum, group) => sum + group.items.length, 0);
  if (shown < total) {
    blocks.push({
      ...section(`…and ${countOf(total - shown, 'more item')}.`, roadmapIds.more),
      accessory: {
        type: 'button',
        action_id: roadmapIds.pageOpen,
        text: plain(`See all ${total.toLocaleString('en-US')}`),
        value: '1',
      },
    });
  }
  blocks.push(...whyControls(groups, ctx.viewerId));
  if (ctx.canEdit)
    blocks.push(
      context(
        '`/roadmap add` · `/roadmap edit #id` · `/roadmap note #id your note` · `/roadmap why #id` (why it matters)',
      ),
    );
  return { text: `CX roadmap: ${countOf(total, 'item')}`, blocks };
}

/** The whole roadmap in a modal, a page at a time ("Showing 41–57 of 57", "‹ Previous", "Next ›"). */
export function renderRoadmapModal(groups: RoadmapStageGroup[], page: Page): ModalView {
  const { blocks } = roadmapSections(groups, 90);
  return {
    type: 'modal',
    callback_id: roadmapIds.listModal,
    title: plain('CX roadmap'),
    close: plain('Done'),
    blocks: [
      ...(blocks.length > 0 ? blocks : [section('The roadmap is empty for now.')]),
      ...pagerBlocks(page, { block: roadmapIds.pager, previous: roadmapIds.previous, next: roadmapIds.next }),
    ],
  };
}

export function renderItemModal(model: {
  stages: JourneyStage[];
  /** The touch-point categories (a retired one is offered only to the item that has it). */
  categories?: { id: number; name: string; retiredAt: Date | null }[];
  item?: RoadmapItem;
  /** A new item proposed from a call (a one-click turn): its title, tags and where it comes from. */
  prefill?: { title: string; stageId: number | null; categoryId: number | null; from: string };
  privateMetadata: string;
}): ModalView {
  const { item, prefill } = model;
  // A retired stage is offered only to the item that has it, so editing never drops its tag.
  const stageOptions = model.stages
    .filter((s) => s.retiredAt === null || s.id === item?.stageId)
    .map((s) => option(s.retiredAt === null ? s.name : `${s.name} (retired)`, String(s.id)));
  const stageInitial = stageOptions.find((o) => o.value === String(item?.stageId ?? prefill?.stageId));
  const statusOptions = (Object.keys(ROADMAP_STATUS_LABELS) as RoadmapStatus[]).map((s) =>
    option(ROADMAP_STATUS_LABELS[s], s),
  );
  const statusInitial = statusOptions.find((o) => o.value === (item?.status ?? 'planned'));
  const text = (
    blockId: string,
    label: string,
    initial: string | null | undefined,
    optional: boolean,
    maxLength: number,
    multiline = true,
  ): KnownBlock => ({
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      multiline,
      max_length: maxLength,
      ...(initial ? { initial_value: initial.slice(0, maxLength) } : {}),
    },
  });
  const blocks: KnownBlock[] = [
    ...(prefill ? [context(`:link: ${escapeAndTruncate(prefill.from, 2900)}`, 'roadmap.item.from')] : []),
    text(roadmapIds.title, 'Title', item?.title ?? prefill?.title, false, ITEM_TITLE_MAX, false),
    text(
      roadmapIds.customerChange,
      'What it changes for customers',
      item?.customerChange,
      true,
      CUSTOMER_CHANGE_MAX,
    ),
    text(roadmapIds.employeeAsk, 'What it asks of employees', item?.employeeAsk, true, EMPLOYEE_ASK_MAX),
  ];
  if (stageOptions.length > 0) {
    blocks.push({
      type: 'input',
      block_id: roadmapIds.stage,
      optional: true,
      label: plain('Journey stage'),
      element: {
        type: 'static_select',
        action_id: roadmapIds.stage,
        options: stageOptions,
        ...(stageInitial ? { initial_option: stageInitial } : {}),
      },
    });
  }
  const categoryInput = categorySelect(
    roadmapIds.category,
    (model.categories ?? []).filter((c) => c.retiredAt === null || c.id === item?.categoryId),
    item?.categoryId ? String(item.categoryId) : prefill?.categoryId ? String(prefill.categoryId) : undefined,
  );
  if (categoryInput) blocks.push(categoryInput);
  blocks.push(
    {
      type: 'input',
      block_id: roadmapIds.owner,
      optional: true,
      label: plain('Owner'),
      element: {
        type: 'users_select',
        action_id: roadmapIds.owner,
        ...(item?.ownerId ? { initial_user: item.ownerId } : {}),
      },
    },
    {
      type: 'input',
      block_id: roadmapIds.status,
      label: plain('Status'),
      element: {
        type: 'static_select',
        action_id: roadmapIds.status,
        options: statusOptions,
        ...(statusInitial ? { initial_option: statusInitial } : {}),
      },
    },
    {
      type: 'input',
      block_id: roadmapIds.target,
      optional: true,
      label: plain('Target date'),
      element: {
        type: 'datepicker',
        action_id: roadmapIds.target,
        ...(item?.targetDate ? { initial_date: item.targetDate } : {}),
      },
    },
  );
  return {
    type: 'modal',
    callback_id: roadmapIds.itemModal,
    title: plain(item ? `Edit #${item.id}`.slice(0, 24) : 'New roadmap item'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks,
  };
}

export function renderNoteModal(model: { item: RoadmapItem; privateMetadata: string }): ModalView {
  return {
    type: 'modal',
    callback_id: roadmapIds.noteModal,
    title: plain('Progress note'),
    submit: plain('Add'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(`*#${model.item.id} ${escapeAndTruncate(model.item.title, 500)}*`),
      {
        type: 'input',
        block_id: roadmapIds.note,
        label: plain('What moved?'),
        element: {
          type: 'plain_text_input',
          action_id: roadmapIds.note,
          multiline: true,
          max_length: PROGRESS_NOTE_MAX,
        },
      },
    ],
  };
}

/** The owner's (or the CX office's) short "why this matters": the weekly update quotes it under the item. */
export function renderWhyModal(model: { item: RoadmapItem; privateMetadata: string }): ModalView {
  const { item } = model;
  return {
    type: 'modal',
    callback_id: roadmapIds.whyModal,
    title: plain('Why this matters'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(`*#${item.id} ${escapeAndTruncate(item.title, 500)}*`),
      {
        type: 'input',
        block_id: roadmapIds.whyItMatters,
        optional: true,
        label: plain('Why this matters'),
        hint: plain(
          `In a sentence or two, for everyone: the weekly update quotes it under the item. Up to ${WHY_IT_MATTERS_MAX} characters; empty removes it.`,
        ),
        element: {
          type: 'plain_text_input',
          action_id: roadmapIds.whyItMatters,
          multiline: true,
          max_length: WHY_IT_MATTERS_MAX,
          ...(item.whyItMatters ? { initial_value: item.whyItMatters.slice(0, WHY_IT_MATTERS_MAX) } : {}),
        },
      },
    ],
  };
}

/** The "why this matters" form after Save: what it now says (or that it was removed, or nothing changed). */
export function renderWhySaved(saved: { item: RoadmapItem; before: RoadmapItem }): ModalView {
  const { item, before } = saved;
  const title = `#${item.id} “${escapeAndTruncate(item.title, 150)}”`;
  const text =
    before.whyItMatters === item.whyItMatters
      ? `Nothing changed on ${title}.`
      : item.whyItMatters
        ? `:white_check_mark: Saved: why ${title} matters — “${escapeAndTruncate(item.whyItMatters, WHY_IT_MATTERS_MAX)}”. The next weekly update quotes it.`
        : `:white_check_mark: Saved: ${title} no longer says why it matters.`;
  return savedModal('Why this matters', text, roadmapIds.whySaved);
}

/** Said to someone who is neither the item's owner nor in the CX office. */
export const WHY_REFUSAL =
  'Only the item’s owner or the CX office can say why it matters. Nothing changed; `/roadmap` shows the item to everyone.';

/** Said to someone outside the CX office who tries to change the roadmap (a message, or under a field). */
export const ROADMAP_REFUSAL = cxOnly('change the roadmap', '`/roadmap` shows it to everyone.');

/** Under the title of an edit form whose item no longer exists. */
export const ITEM_GONE = 'This item no longer exists: nothing was saved.';

/** `/roadmap edit` or `note` without an item that exists. */
export function renderWhichItem(verb: 'edit' | 'note' | 'why'): SlackMessage {
  return notice(`Which item? Type \`/roadmap ${verb} #id\`; \`/roadmap\` lists the ids.`);
}

export function renderNoted(itemId: number): SlackMessage {
  return notice(`Noted on #${itemId}. It will be in the next weekly update.`);
}

/** The note form after Save: what was saved, as `/roadmap note #id text` says it. */
export function renderNoteSaved(itemId: number): ModalView {
  return savedModal(
    'Note saved',
    `:white_check_mark: Saved: your note on #${itemId}. It will be in the next weekly update.`,
    roadmapIds.noteSaved,
  );
}

/** The item form after Save: what was added, or what the edit changed ("Nothing changed" when nothing did). */
export function renderItemSaved(saved: { item: RoadmapItem; before?: RoadmapItem }): ModalView {
  const { item, before } = saved;
  const title = `#${item.id} “${escapeAndTruncate(item.title, 150)}”`;
  if (!before) {
    const target = item.targetDate ? `, target ${slackDay(item.targetDate)}` : '';
    return savedModal(
      'Roadmap',
      `Added ${title}: ${ROADMAP_STATUS_LABELS[item.status]}${target}. \`/roadmap\` shows it to everyone.`,
      roadmapIds.saved,
    );
  }
  const text = (value: string | null) => (value ? `“${escapeAndTruncate(value, 100)}”` : 'none');
  const changes = [
    before.title !== item.title ? `title was ${text(before.title)}` : '',
    before.status !== item.status
      ? `status ${ROADMAP_STATUS_LABELS[before.status]} → ${ROADMAP_STATUS_LABELS[item.status]}`
      : '',
    before.customerChange !== item.customerChange ? 'what it changes for customers' : '',
    before.employeeAsk !== item.employeeAsk ? 'what it asks of employees' : '',
    before.stageId !== item.stageId ? 'journey stage' : '',
    before.categoryId !== item.categoryId ? 'touch-point category' : '',
    before.ownerId !== item.ownerId ? `owner ${item.ownerId ? userMention(item.ownerId) : 'none'}` : '',
    before.targetDate !== item.targetDate
      ? `target ${before.targetDate ? slackDay(before.targetDate) : 'none'} → ${item.targetDate ? slackDay(item.targetDate) : 'none'}`
      : '',
  ].filter((change) => change !== '');
  return savedModal(
    'Roadmap',
    changes.length === 0 ? `Nothing changed on ${title}.` : `Saved ${title}: ${changes.join('; ')}.`,
    roadmapIds.saved,
  );
}
