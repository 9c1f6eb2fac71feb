import type { ActionsBlock, KnownBlock } from '@slack/types';
import { context, header, notice, plain, type SlackMessage, section } from '../../slack/blocks.js';
import { escapeAndTruncate, escapeMrkdwn, userMention } from '../../slack/mrkdwn.js';
import { itemLine } from '../roadmap/roadmap.views.js';
import { rulesIds } from '../rules/rules.ids.js';
import { storiesIds } from '../stories/stories.ids.js';
import { KIND_LABELS } from '../stories/stories.views.js';
import type { DigestMessages, DigestModel, DigestProblem, WeekStatus } from './digest.service.js';

/** The weekly update, built for skimming: a short headline in the channel, the details in its thread. */

export const digestIds = {
  shareStory: storiesIds.shareButton,
  suggestRule: rulesIds.suggestButton,
  postAgain: 'digest.post_again',
} as const;

const MAX_LIST = 40;

function names(leaders: DigestModel['leaders']): string {
  const shown = leaders.slice(0, 8).map((leader) => userMention(leader.userId));
  return `${shown.join(', ')}${leaders.length > shown.length ? ` and ${leaders.length - shown.length} more` : ''}`;
}

/** At most five lines, then the two buttons. */
export function renderDigestHeadline(model: DigestModel): SlackMessage {
  const lines: string[] = [];
  if (model.roadmap.length > 0) {
    const shipped = model.roadmap.filter((c) => c.item.status === 'shipped').length;
    lines.push(
      `:rocket: *Roadmap:* ${shipped > 0 ? `${shipped} shipped, ` : ''}${model.roadmap.length} ${model.roadmap.length === 1 ? 'item' : 'items'} moved`,
    );
  }
  if (model.story)
    lines.push(
      // One line, whatever line breaks the teller typed.
      `:speech_balloon: *Story of the week:* “${escapeAndTruncate(model.story.story.body.replace(/\s+/g, ' ').trim(), 140)}”`,
    );
  if (model.rulesKilled.length > 0) {
    const refs = model.rulesKilled
      .slice(0, 5)
      .map((rule) => rule.ref)
      .join(', ');
    lines.push(
      `:skull: *Rules killed:* ${model.rulesKilled.length} (${refs}${model.rulesKilled.length > 5 ? ', …' : ''})`,
    );
  }
  if (model.leaders.length > 0)
    lines.push(`:telephone_receiver: *Leaders who called customers:* ${names(model.leaders)}`);
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: 'digest.actions',
    elements: [
      { type: 'button', action_id: digestIds.shareStory, text: plain('Share a story') },
      { type: 'button', action_id: digestIds.suggestRule, text: plain('Suggest a rule to kill') },
    ],
  };
  return {
    text: `This week in customer experience: ${lines.length} updates`,
    blocks: [
      header('This week in customer experience'),
      // The header and at most four lines: the details are in the thread.
      section(lines.slice(0, 4).join('\n'), 'digest.headline'),
      actions,
    ],
  };
}

function chunked(title: string, lines: string[], blockPrefix: string, perSection = 5): KnownBlock[] {
  const shown = lines.slice(0, MAX_LIST);
  const blocks: KnownBlock[] = [section(title, `${blockPrefix}.title`)];
  for (let i = 0; i < shown.length; i += perSection)
    blocks.push(section(shown.slice(i, i + perSection).join('\n'), `${blockPrefix}.${i / perSection}`));
  if (lines.length > shown.length) blocks.push(context(`…and ${lines.length - shown.length} more.`));
  return blocks;
}

/** One thread reply per section that has something to say. */
export function renderDigestThread(model: DigestModel): SlackMessage[] {
  const messages: SlackMessage[] = [];
  if (model.roadmap.length > 0) {
    const lines = model.roadmap.map((c) => `${itemLine(c.item, c.lastNote)}${c.created ? ' · _new_' : ''}`);
    messages.push({
      text: `Roadmap: ${model.roadmap.length} items moved`,
      blocks: chunked('*:rocket: Roadmap since the last update*', lines, 'digest.roadmap'),
    });
  }
  if (model.story) {
    const { story, stageName } = model.story;
    const meta = [
      KIND_LABELS[story.kind],
      stageName ? escapeMrkdwn(stageName) : undefined,
      story.customer ? escapeMrkdwn(story.customer) : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    messages.push({
      text: 'Story of the week',
      blocks: [
        section(
          `*:speech_balloon: Story of the week*\n${escapeAndTruncate(story.body, 2800)}`,
          'digest.story',
        ),
        context(`${meta} — told by ${userMention(story.tellerId)}`),
      ],
    });
  }
  if (model.rulesKilled.length > 0) {
    const lines = model.rulesKilled.map(
      (rule) =>
        `:skull: *${rule.ref}* ${escapeAndTruncate(rule.title, 200)}${rule.decisionNote ? `\n      _${escapeAndTruncate(rule.decisionNote, 250)}_` : ''}`,
    );
    messages.push({
      text: `Rules killed: ${model.rulesKilled.length}`,
      blocks: chunked('*:skull: Rules killed this week*', lines, 'digest.rules'),
    });
  }
  if (model.leaders.length > 0) {
    const lines = model.leaders.map(
      (leader) =>
        `:telephone_receiver: ${userMention(leader.userId)} — ${leader.calls} ${leader.calls === 1 ? 'conversation' : 'conversations'}`,
    );
    messages.push({
      text: `Leaders who called customers: ${model.leaders.length}`,
      blocks: chunked(
        '*:telephone_receiver: Leaders who called customers — thank you*',
        lines,
        'digest.leaders',
        10,
      ),
    });
  }
  return messages;
}

export function renderNothingToSay(week: string): SlackMessage {
  const text = `Nothing to say in this week’s update (${week}): no roadmap changes, no approved story, no rules killed and no calls logged. Nothing was posted.`;
  return { text, blocks: [section(`:zzz: ${text}`)] };
}

/** Where this week's update is, as `/touchpoint digest send` or `skip` finds it, with a link to it. */
export type WeekState =
  | Exclude<WeekStatus, { kind: 'posted' }>
  | { kind: 'posted'; permalink: string | undefined };

const postAgainButton = (week: string): ActionsBlock => ({
  type: 'actions',
  block_id: 'digest.again',
  elements: [
    {
      type: 'button',
      action_id: digestIds.postAgain,
      text: plain('Post again'),
      value: week,
      confirm: {
        title: plain('Post the update again?'),
        text: { type: 'mrkdwn', text: 'Everyone in the channel sees it a second time.' },
        confirm: plain('Post again'),
        deny: plain('Cancel'),
      },
    },
  ],
});

export function renderAlreadyPosted(week: string, state: WeekState, channel: string): SlackMessage {
  const what = {
    posted: `This week’s update (${week}) is already posted${state.kind === 'posted' && state.permalink ? `: <${state.permalink}|see it>` : ''}.`,
    on_its_way: `This week’s update (${week}) is already on its way to <#${channel}>.`,
    refused: `This week’s update (${week}) could not be posted: Slack refused it in <#${channel}> (Touchpoint may have been removed from the channel, or the channel archived). Once that is fixed, post it again.`,
    skipped: `This week’s update (${week}) was skipped by the CX office. It comes back next week.`,
  }[state.kind];
  // Posting again while the first one is still on its way would post it twice.
  const blocks: KnownBlock[] = [section(what)];
  if (state.kind !== 'on_its_way') blocks.push(postAgainButton(week));
  return { text: what, blocks };
}

/** The update is in the outbox: it reaches the channel in a moment. */
export function renderOnItsWay(week: string, channel: string, again = false): SlackMessage {
  const text = `:white_check_mark: ${again ? 'Posting again' : 'Posting'} this week’s update (${week}) in <#${channel}>: it arrives in a moment.`;
  return { text, blocks: [section(text)] };
}

/** What the CX office hears when a week's update did not go out: in words, never an error's text. */
export function renderDigestProblem(week: string, problem: DigestProblem, channel: string): SlackMessage {
  const text = {
    missed: `:warning: The weekly update for ${week} was not posted: Touchpoint was not running at the scheduled time that week. Use \`/touchpoint digest send\` to post this week’s.`,
    refused: `:warning: The weekly update for ${week} could not be posted: Slack refused it in <#${channel}> (Touchpoint may have been removed from the channel, or the channel archived). Once that is fixed, \`/touchpoint digest send\` offers to post it again.`,
    unprepared: `:warning: The weekly update for ${week} could not be prepared: Touchpoint could not read or save what it needs just then. It tries again every few minutes; \`/touchpoint digest send\` posts it now.`,
  }[problem];
  return { text, blocks: [section(text)] };
}

/** `/touchpoint digest preview`: said before the update, which follows as it would be posted. */
export function renderPreviewIntro(channel: string): SlackMessage {
  return notice(
    `:eyes: *Preview* — only you see this. In <#${channel}> it would look like this, with the rest in its thread:`,
  );
}

/** `/touchpoint digest skip`: skipped now, or what the week already is. */
export function renderSkipAnswer(week: string, state: WeekState | undefined): SlackMessage {
  if (!state) return notice(`This week’s update (${week}) is skipped. It comes back next week.`);
  if (state.kind === 'skipped') return notice(`This week’s update (${week}) is skipped already.`);
  const handled =
    state.kind === 'posted' ? `posted${state.permalink ? ` (<${state.permalink}|see it>)` : ''}` : 'handled';
  return notice(`Too late to skip: this week’s update is already ${handled}.`);
}

export function renderDigestUsage(): SlackMessage {
  return notice('Use `/touchpoint digest preview`, `/touchpoint digest send` or `/touchpoint digest skip`.');
}

// No link previews: the update stays as short as it is written.
const withoutUnfurl = (message: SlackMessage) => ({ ...message, unfurl_links: false });

/** The weekly update's messages as the outbox sends them. */
export const digestMessages: DigestMessages = {
  headline: (model) => withoutUnfurl(renderDigestHeadline(model)),
  thread: (model) => renderDigestThread(model).map(withoutUnfurl),
  nothingToSay: (week) => withoutUnfurl(renderNothingToSay(week)),
  problem: (week, problem, channel) => withoutUnfurl(renderDigestProblem(week, problem, channel)),
};
