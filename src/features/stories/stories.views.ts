import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import {
  categorySelect,
  context,
  option,
  plain,
  type SlackMessage,
  savedModal,
  section,
} from '../../slack/blocks.js';
import { type CsvExport, toCsv } from '../../slack/csv.js';
import { weekOf } from '../../slack/dates.js';
import { escapeAndTruncate, escapeMrkdwn, escapeOneLine, userMention } from '../../slack/mrkdwn.js';
import { countOf } from '../../slack/plural.js';
import { linksIds } from '../links/links.ids.js';
import { linksContext } from '../links/links.views.js';
import type { JourneyStage } from '../settings/settings.service.js';
import { storiesIds } from './stories.ids.js';
import {
  CUSTOMER_MAX,
  REVIEW_NOTE_MAX,
  STORY_MAX,
  type Story,
  type StoryCardModel,
  type TellerEvent,
} from './stories.service.js';

export const KIND_LABELS: Record<Story['kind'], string> = {
  delighted: 'A moment that delighted',
  pain_point: 'A pain point',
  recovery: 'A recovery',
};
const KIND_EMOJI: Record<Story['kind'], string> = {
  delighted: ':star-struck:',
  pain_point: ':face_with_head_bandage:',
  recovery: ':relieved:',
};
const STATUS_LABELS: Record<Story['status'], string> = {
  pending: 'Waiting for review',
  approved: 'Approved',
  rejected: 'Not used',
};

export interface StoryValues {
  body?: string;
  customer?: string | null;
  stage?: string;
  category?: string;
  kind?: string;
  shareable?: boolean;
}

export function renderStoryModal(model: {
  stages: JourneyStage[];
  /** The touch-point categories (a retired one is offered only to the story that has it). */
  categories?: { id: number; name: string; retiredAt: Date | null }[];
  values: StoryValues;
  privateMetadata: string;
  callbackId?: string;
  sourcePermalink?: string | null;
}): ModalView {
  const { values } = model;
  // A retired stage is offered only to the story that has it, so editing never drops its tag.
  const stageOptions = model.stages
    .filter((s) => s.retiredAt === null || String(s.id) === values.stage)
    .slice(0, 100)
    .map((s) => option(s.retiredAt === null ? s.name : `${s.name} (retired)`, String(s.id)));
  const stageInitial = stageOptions.find((o) => o.value === values.stage);
  const kindOptions = (Object.keys(KIND_LABELS) as Story['kind'][]).map((k) => option(KIND_LABELS[k], k));
  const kindInitial = kindOptions.find((o) => o.value === values.kind);
  const shareOption = option('The customer agreed / this can be shared company-wide', 'shareable');
  const blocks: KnownBlock[] = [
    context(
      'A real moment with a customer, good or bad. The CX office reviews it before it can appear in the weekly update.',
    ),
  ];
  if (model.sourcePermalink) blocks.push(context(`From <${model.sourcePermalink}|this message>.`));
  blocks.push(
    {
      type: 'input',
      block_id: storiesIds.body,
      label: plain('What happened?'),
      element: {
        type: 'plain_text_input',
        action_id: storiesIds.body,
        multiline: true,
        max_length: STORY_MAX,
        ...(values.body ? { initial_value: values.body.slice(0, STORY_MAX) } : {}),
      },
    },
    {
      type: 'input',
      block_id: storiesIds.customer,
      optional: true,
      label: plain('Customer (optional)'),
      element: {
        type: 'plain_text_input',
        action_id: storiesIds.customer,
        max_length: CUSTOMER_MAX,
        ...(values.customer ? { initial_value: values.customer.slice(0, CUSTOMER_MAX) } : {}),
      },
      hint: plain('Leave it out if the customer should not be named.'),
    },
  );
  if (stageOptions.length > 0) {
    blocks.push({
      type: 'input',
      block_id: storiesIds.stage,
      optional: true,
      label: plain('Journey stage'),
      element: {
        type: 'static_select',
        action_id: storiesIds.stage,
        options: stageOptions,
        ...(stageInitial ? { initial_option: stageInitial } : {}),
      },
    });
  }
  const categoryInput = categorySelect(
    storiesIds.category,
    (model.categories ?? []).filter((c) => c.retiredAt === null || String(c.id) === values.category),
    values.category,
  );
  if (categoryInput) blocks.push(categoryInput);
  blocks.push(
    {
      type: 'input',
      block_id: storiesIds.kind,
      label: plain('What kind of moment?'),
      element: {
        type: 'radio_buttons',
        action_id: storiesIds.kind,
        options: kindOptions,
        ...(kindInitial ? { initial_option: kindInitial } : {}),
      },
    },
    {
      type: 'input',
      block_id: storiesIds.shareable,
      optional: true,
      label: plain('Sharing'),
      element: {
        type: 'checkboxes',
        action_id: storiesIds.shareable,
        options: [shareOption],
        ...(values.shareable ? { initial_options: [shareOption] } : {}),
      },
    },
  );
  return {
    type: 'modal',
    callback_id: model.callbackId ?? storiesIds.storyModal,
    title: plain('Customer story'),
    submit: plain(model.callbackId === storiesIds.editModal ? 'Save' : 'Share'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks,
  };
}

/** The review card in the backlog channel. */
export function renderStoryCard(model: StoryCardModel): SlackMessage {
  const { story } = model;
  const fields = [
    `*Kind*\n${KIND_EMOJI[story.kind]} ${KIND_LABELS[story.kind]}`,
    `*Customer*\n${story.customer ? escapeMrkdwn(story.customer) : '—'}`,
    `*Stage*\n${model.stageName ? escapeMrkdwn(model.stageName) : '—'}${model.stageOwnerId ? `\nStage owner: ${userMention(model.stageOwnerId)}` : ''}`,
    ...(model.categoryName ? [`*Category*\n${escapeMrkdwn(model.categoryName)}`] : []),
    `*Told by*\n${userMention(story.tellerId)}${story.source === 'call' ? ' (from a call)' : ''}`,
    `*Shareable company-wide*\n${story.shareable ? 'Yes' : 'Not confirmed'}`,
    `*Status*\n${STATUS_LABELS[story.status]}${model.picked ? ' · :trophy: story of the week (next update)' : ''}${story.featuredInWeek ? ` · featured in ${weekOf(story.featuredInWeek)}` : ''}`,
  ];
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: `${storiesIds.cardActions}.${story.id}`,
    elements: [
      ...(story.status !== 'approved'
        ? [
            {
              type: 'button' as const,
              action_id: storiesIds.approve,
              text: plain('Approve'),
              style: 'primary' as const,
              value: String(story.id),
            },
          ]
        : []),
      ...(!model.picked && !story.featuredInWeek && story.status !== 'rejected'
        ? [
            {
              type: 'button' as const,
              action_id: storiesIds.pick,
              text: plain('Story of the week'),
              value: String(story.id),
            },
          ]
        : []),
      { type: 'button', action_id: storiesIds.edit, text: plain('Edit'), value: String(story.id) },
      // The one loop: the rule or roadmap item this story shows the need for (CX office, checked on click).
      { type: 'button', action_id: linksIds.linkStory, text: plain('Link…'), value: String(story.id) },
      ...(story.status !== 'rejected'
        ? [
            {
              type: 'button' as const,
              action_id: storiesIds.reject,
              text: plain('Reject…'),
              value: String(story.id),
            },
          ]
        : []),
    ],
  };
  const blocks: KnownBlock[] = [
    section(
      `:speech_balloon: *Customer story #${story.id}*\n${escapeAndTruncate(story.body, 2800)}`,
      'stories.card.body',
    ),
    {
      type: 'section',
      block_id: 'stories.card.fields',
      fields: fields.map((text) => ({ type: 'mrkdwn' as const, text })),
    },
  ];
  if (story.reviewNote)
    blocks.push(section(`*Note*\n${escapeAndTruncate(story.reviewNote, 2800)}`, 'stories.card.note'));
  if (story.sourcePermalink) blocks.push(context(`<${story.sourcePermalink}|Saved from this message>`));
  blocks.push(...linksContext('story', model.links, 'stories.card.links'));
  blocks.push(actions);
  return {
    text: `Customer story #${story.id} (${STATUS_LABELS[story.status]}): ${escapeAndTruncate(story.body, 200)}`,
    blocks,
  };
}

export function renderRejectModal(story: Story, privateMetadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: storiesIds.rejectModal,
    title: plain('Not this time'),
    submit: plain('Send'),
    close: plain('Cancel'),
    private_metadata: privateMetadata,
    blocks: [
      section(escapeAndTruncate(story.body, 500)),
      {
        type: 'input',
        block_id: storiesIds.note,
        label: plain('A note for the teller'),
        element: {
          type: 'plain_text_input',
          action_id: storiesIds.note,
          multiline: true,
          max_length: REVIEW_NOTE_MAX,
        },
      },
    ],
  };
}

/** What the teller hears, about the story as it was at the change. */
export function renderTellerDm(story: Pick<Story, 'body' | 'reviewNote'>, event: TellerEvent): SlackMessage {
  const quote = `“${escapeAndTruncate(story.body, 300)}”`;
  const lines = {
    received: `:raised_hands: Thanks for sharing this story. The CX office will review it for the weekly update.\n${quote}`,
    approved: `:white_check_mark: The CX office approved your customer story. It may appear in a weekly update.\n${quote}`,
    rejected: `:speech_balloon: The CX office will not use your customer story this time.\n${quote}${story.reviewNote ? `\n*Their note:* ${escapeAndTruncate(story.reviewNote, 1500)}` : ''}`,
    picked: `:trophy: Your customer story is the story of the week! It goes out in the next weekly update.\n${quote}`,
  };
  return { text: lines[event].split('\n')[0] ?? '', blocks: [section(lines[event])] };
}

/** `/touchpoint export stories`: every story, one row each. */
export function renderStoriesExport(
  items: { story: Story; stageName: string | undefined; categoryName?: string | undefined }[],
): CsvExport {
  const csv = toCsv(
    [
      'id',
      'what happened',
      'customer',
      'journey stage',
      'touch-point category',
      'kind',
      'shareable',
      'told by',
      'source',
      'status',
      'review note',
      'story of the week',
      'featured in',
      'shared at',
    ],
    items.map(({ story, stageName, categoryName }) => [
      story.id,
      story.body,
      story.customer,
      stageName ?? '',
      categoryName ?? '',
      KIND_LABELS[story.kind],
      story.shareable ? 'yes' : 'no',
      story.tellerId,
      story.source,
      story.status,
      story.reviewNote,
      story.pickedForWeek,
      story.featuredInWeek,
      story.createdAt,
    ]),
  );
  return {
    name: 'stories',
    title: 'Touchpoint: customer stories',
    csv,
    comment: `Every customer story (${items.length}).`,
    said: `I sent you the CSV of ${countOf(items.length, 'story', 'stories')} in a direct message.`,
  };
}

// ---- The CX office's review modals after Save ----------------------------------------------------------

const storyNamed = (story: Story) =>
  `the story “${escapeOneLine(story.body, 150)}” told by ${userMention(story.tellerId)}`;

/** "Reject…" saved: the form turns into what happened (or that nothing did: rejected already, or gone). */
export function renderStoryRejectSaved(story: Story | undefined): ModalView {
  return story
    ? savedModal(
        'Saved',
        `:white_check_mark: Saved: ${storyNamed(story)} is rejected. Its teller hears why, with your note, and its card in the backlog channel shows it.`,
        storiesIds.reviewSaved,
      )
    : savedModal(
        'Nothing changed',
        'Nothing changed: that story was rejected already, or it no longer exists.',
        storiesIds.reviewSaved,
      );
}

/** "Edit" saved: the form turns into what was saved. */
export function renderStoryEditSaved(story: Story | undefined): ModalView {
  return story
    ? savedModal(
        'Saved',
        `:white_check_mark: Saved: your edit of ${storyNamed(story)}. Its card in the backlog channel shows it.`,
        storiesIds.reviewSaved,
      )
    : savedModal(
        'Nothing changed',
        'That story no longer exists, so nothing was saved.',
        storiesIds.reviewSaved,
      );
}
