import type { ActionsBlock, Button, HomeView, KnownBlock } from '@slack/types';
import { context, divider, header, plain, section } from '../../slack/blocks.js';
import { slackDate } from '../../slack/dates.js';
import { roadmapIds } from '../roadmap/roadmap.ids.js';
import { ROADMAP_STATUSES } from '../roadmap/roadmap.schema.js';
import { homeIds } from './home.ids.js';
import type { ControlRoom, Queue } from './home.service.js';

export const HOME_MAX_BLOCKS = 100;
/** The control room's blocks (counted against Home's 100). */
export const CONTROL_ROOM_MAX_BLOCKS = 7;

/** The Home tab: a greeting, then each section (the control room first), cut to Slack's 100-block limit. */
export function renderHome(sections: KnownBlock[][]): HomeView {
  const blocks: KnownBlock[] = [
    header('Touchpoint'),
    context('Keeping leaders close to customers. Type `/touchpoint help` for every command.'),
  ];
  for (const section of sections) {
    if (section.length === 0) continue;
    if (blocks.length + section.length + 1 > HOME_MAX_BLOCKS) break;
    blocks.push(divider(), ...section);
  }
  return { type: 'home', blocks };
}

function queueLine(label: string, queue: Queue): string {
  if (queue.count === 0) return `• ${label}: none`;
  return `• ${label}: *${queue.count}*${queue.oldest ? ` (the oldest since ${slackDate(queue.oldest)})` : ''}`;
}

function button(
  actionId: string,
  text: string,
  confirm?: { title: string; text: string; yes: string },
): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plain(text),
    value: actionId,
    ...(confirm && {
      confirm: {
        title: plain(confirm.title),
        text: plain(confirm.text),
        confirm: plain(confirm.yes),
        deny: plain('Cancel'),
      },
    }),
  };
}

function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}

const STATUS_WORDS: Record<(typeof ROADMAP_STATUSES)[number], string> = {
  planned: 'planned',
  in_progress: 'in progress',
  shipped: 'shipped',
  paused: 'paused',
};

/**
 * The CX office's control room: what waits for it, the roadmap at a glance, and a button for each of its
 * `/touchpoint` commands (only the CX office sees it; every button checks the role again on the server).
 */
export function renderControlRoom(model: ControlRoom): KnownBlock[] {
  const roadmap = ROADMAP_STATUSES.map((status) => `${model.roadmap[status]} ${STATUS_WORDS[status]}`).join(
    ' · ',
  );
  const health = model.deadLetters > 0 ? `Delivery (${model.deadLetters} not delivered)` : 'Delivery';
  return [
    header('Control room (CX office)', homeIds.controlRoom),
    section(
      [
        '*Waiting for you*',
        queueLine('Suggestions without a decision', model.suggestions),
        queueLine('Stories waiting for review', model.stories),
        `• Follow-ups overdue: ${model.overdueFollowUps === 0 ? 'none' : `*${model.overdueFollowUps}*`}`,
      ].join('\n'),
      homeIds.queues,
    ),
    {
      ...section(`*Roadmap:* ${roadmap}`, homeIds.roadmap),
      accessory: button(roadmapIds.open, 'Open the roadmap'),
    },
    actions(homeIds.digestActions, [
      button(homeIds.digestPreview, 'Preview the weekly update'),
      button(homeIds.digestSend, 'Send it now', {
        title: 'Send the weekly update?',
        text: 'This week’s update goes to the announcements channel now, once.',
        yes: 'Send',
      }),
      button(homeIds.digestSkip, 'Skip this week', {
        title: 'Skip this week?',
        text: 'No weekly update goes out this week.',
        yes: 'Skip',
      }),
    ]),
    actions(homeIds.runActions, [
      button(homeIds.nudgesRun, 'Nudge executives now', {
        title: 'Nudge now?',
        text: 'Every executive behind pace who has not had this week’s nudge gets it now.',
        yes: 'Nudge',
      }),
      button(homeIds.roster, 'Roster'),
      button(homeIds.settings, 'Settings'),
      button(homeIds.health, health),
    ]),
    actions(homeIds.exportActions, [
      button(homeIds.exportRules, 'Export suggestions (CSV)'),
      button(homeIds.exportCalls, 'Export calls (CSV)'),
      button(homeIds.exportStories, 'Export stories (CSV)'),
    ]),
    context(
      'Each button does what its `/touchpoint` command does. Answers arrive in your messages with Touchpoint.',
    ),
  ];
}
