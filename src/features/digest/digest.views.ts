import type { ActionsBlock, KnownBlock } from '@slack/types';
import { context, header, notice, packLines, plain, type SlackMessage, section } from '../../slack/blocks.js';
import { weekOf } from '../../slack/dates.js';
import { escapeAndTruncate, escapeMrkdwn, escapeOneLine, userMention } from '../../slack/mrkdwn.js';
import { countOf } from '../../slack/plural.js';
import { itemLine, itemMeaning, ROADMAP_STATUS_LABELS } from '../roadmap/roadmap.views.js';
import { rulesIds } from '../rules/rules.ids.js';
import { storiesIds } from '../stories/stories.ids.js';
import { KIND_LABELS } from '../stories/stories.views.js';
import type { DigestMessages, DigestModel, DigestProblem, WeekStatus } from './digest.service.js';
import type { ChainStep, DigestChain } from './digest.types.js';

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

type ChangedItem = DigestModel['roadmap'][number];

/** How many titles a headline line names before "(and 2 more in the thread)". */
const HEADLINE_TITLES = 3;

/** A title as the headline names it: one line, escaped, short, in quotes. */
function quoted(typed: string, max = 80): string {
  return `“${escapeOneLine(typed, max)}”`;
}

/** Shipped this window: moved to shipped, or added as shipped (an item shipped long ago with a new note is not). */
function shippedNow(change: ChangedItem): boolean {
  return change.item.status === 'shipped' && (change.statusChanged || change.created);
}

/** What each roadmap item did since the last update, in the headline's words, shipped first. */
function roadmapGroups(roadmap: ChangedItem[]): { label: string; titles: string[] }[] {
  const groups = new Map<string, string[]>();
  const add = (label: string, title: string) => groups.set(label, [...(groups.get(label) ?? []), title]);
  for (const change of roadmap.filter(shippedNow)) add('shipped', change.item.title);
  for (const change of roadmap.filter((c) => !shippedNow(c))) {
    const { status, title } = change.item;
    if (change.statusChanged) add(`moved to ${ROADMAP_STATUS_LABELS[status]}`, title);
    else if (change.created) add('new', title);
    else add('progress on', title);
  }
  return [...groups].map(([label, titles]) => ({ label, titles }));
}

/** "shipped: “A”; new: “B” (and 2 more in the thread)": at most three titles on one line. */
function namedUpTo(groups: { label: string; titles: string[] }[]): string {
  let room = HEADLINE_TITLES;
  let hidden = 0;
  const parts: string[] = [];
  for (const { label, titles } of groups) {
    const shown = titles.slice(0, room);
    room -= shown.length;
    hidden += titles.length - shown.length;
    if (shown.length > 0) parts.push(`${label ? `${label}: ` : ''}${shown.map((t) => quoted(t)).join(', ')}`);
  }
  return `${parts.join('; ')}${hidden > 0 ? ` (and ${hidden} more in the thread)` : ''}`;
}

/**
 * The story's headline: its first sentence, on one line; the start of the story when that sentence is
 * too short to say anything ("Wow.", or a cut after "Dr.").
 */
function storyHeadline(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const sentence = /^.+?[.!?](?=\s|$)/.exec(flat)?.[0];
  return quoted(sentence && sentence.length >= 20 ? sentence : flat, 140);
}

/** The notification: what the headline says, counted ("This week: 1 roadmap item shipped, 2 rules killed"). */
function digestSummary(model: DigestModel): string {
  const parts: string[] = [];
  const shipped = model.roadmap.filter(shippedNow).length;
  const moved = model.roadmap.length - shipped;
  if (shipped > 0) parts.push(`${countOf(shipped, 'roadmap item')} shipped`);
  if (moved > 0) parts.push(shipped > 0 ? `${moved} more moved` : `${countOf(moved, 'roadmap item')} moved`);
  if (model.story) parts.push('a customer story');
  if (model.rulesKilled.length > 0) parts.push(`${countOf(model.rulesKilled.length, 'rule')} killed`);
  const myths = model.mythsBusted ?? [];
  if (myths.length > 0) parts.push(`${countOf(myths.length, 'myth')} busted`);
  if (model.leaders.length > 0) parts.push(`${countOf(model.leaders.length, 'leader')} who called customers`);
  return `This week: ${parts.join(', ')}`;
}

/**
 * The top post: what happened, by name, one line per section (the roadmap items, the story's headline,
 * the rules killed, the leaders who called), then where the details are and the two buttons.
 */
export function renderDigestHeadline(model: DigestModel): SlackMessage {
  const lines: string[] = [];
  if (model.roadmap.length > 0) lines.push(`:rocket: *Roadmap:* ${namedUpTo(roadmapGroups(model.roadmap))}`);
  if (model.story)
    lines.push(`:speech_balloon: *Story of the week:* ${storyHeadline(model.story.story.body)}`);
  if (model.rulesKilled.length > 0)
    lines.push(
      `:skull: *${model.rulesKilled.length === 1 ? 'Rule' : 'Rules'} killed:* ${namedUpTo([{ label: '', titles: model.rulesKilled.map((rule) => rule.title) }])}`,
    );
  const myths = model.mythsBusted ?? [];
  if (myths.length > 0)
    lines.push(
      `:bulb: *Not actually ${myths.length === 1 ? 'a rule' : 'rules'}:* ${namedUpTo([{ label: '', titles: myths.map((myth) => myth.title) }])}`,
    );
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
    text: digestSummary(model),
    blocks: [
      header('This week in customer experience'),
      // The header and at most five lines (one per section): the details are in the thread.
      section(lines.slice(0, 5).join('\n'), 'digest.headline'),
      context('Details in the thread ↓', 'digest.details'),
      actions,
    ],
  };
}

/**
 * A titled list, `perSection` lines a section, fewer when the lines are long (a roadmap item with what it
 * means for people runs to ~1,400 characters); at most `MAX_LIST` lines, then "…and 12 more."
 */
function chunked(title: string, lines: string[], blockPrefix: string, perSection = 5): KnownBlock[] {
  const shown = lines.slice(0, MAX_LIST);
  const blocks: KnownBlock[] = [
    section(title, `${blockPrefix}.title`),
    ...packLines(shown, '\n', perSection).map((text, index) => section(text, `${blockPrefix}.${index}`)),
  ];
  if (lines.length > shown.length) blocks.push(context(`…and ${lines.length - shown.length} more.`));
  return blocks;
}

/** A person Touchpoint knows by ID, or "a colleague" (never a crash over a malformed stored ID). */
function someone(userId: string | undefined): string | undefined {
  return userId && /^[UW][A-Z0-9]+$/.test(userId) ? userMention(userId) : undefined;
}

/** Where a chain begins, in words: "A customer told <@U…> about “…”", "A story from a colleague". */
function beginning(step: ChainStep): string {
  switch (step.kind) {
    case 'call': {
      // No name when the call led to an anonymous suggestion: "told us", never "told a colleague".
      const who = someone(step.userId);
      const about = `about ${quoted(step.learned, 80)}`;
      if (step.callKind === 'frontline') return `Front-line employees told ${who ?? 'us'} ${about}`;
      if (step.reached || step.callKind === 'visit') return `A customer told ${who ?? 'us'} ${about}`;
      return who ? `A call by ${who} ${about}` : `A call ${about}`;
    }
    case 'story':
      return `A story from ${someone(step.tellerId) ?? 'a colleague'}`;
    case 'rule':
      return `${someone(step.submitterId) ?? 'A colleague'} suggested ${step.ref}`;
    case 'roadmap_item':
      return quoted(step.title);
  }
}

/** A step in the middle of a chain: the rule, roadmap item, story or call it went through. */
function middle(step: ChainStep): string {
  switch (step.kind) {
    case 'call':
      return `a call by ${someone(step.userId) ?? 'a colleague'}`;
    case 'story':
      return `a story from ${someone(step.tellerId) ?? 'a colleague'}`;
    case 'rule':
      return `${step.ref}${step.killed ? ' (killed)' : ''}`;
    case 'roadmap_item':
      return quoted(step.title);
  }
}

/** What happened to a roadmap item in the window, as a chain ends: "shipped", "moved to In progress". */
function roadmapOutcome(change: ChangedItem): string {
  if (shippedNow(change)) return 'shipped';
  if (change.statusChanged) return `moved to ${ROADMAP_STATUS_LABELS[change.item.status]}`;
  if (change.created) return 'new on the roadmap';
  return `progress (${ROADMAP_STATUS_LABELS[change.item.status]})`;
}

/**
 * One chain on one line: "A customer told <@U…> about “…” → RULE-42 → killed", "… → RULE-42 → removed by
 * “Online returns” → shipped"; "raised 3 times" when the end has more beginnings than the one shown.
 */
function chainLine(chain: DigestChain, roadmap: ChangedItem[]): string | undefined {
  const [root, ...rest] = chain.steps;
  if (!root) return undefined;
  const parts = [beginning(root), ...rest.map(middle)];
  if (chain.end.kind === 'rule') parts.push(chain.end.ref, 'killed');
  else {
    const { id } = chain.end;
    const change = roadmap.find((c) => c.item.id === id);
    if (!change) return undefined;
    const last = chain.steps.at(-1);
    parts.push(
      `${last?.kind === 'rule' ? 'removed by ' : ''}${quoted(change.item.title)}`,
      roadmapOutcome(change),
    );
  }
  return `:link: ${parts.join(' → ')}${chain.roots > 1 ? ` _(raised ${chain.roots} times)_` : ''}`;
}

/**
 * The thank-you under a killed rule: its submitter by name, when named and they did not opt out at intake
 * (the service leaves anonymous ones out); nothing otherwise.
 */
function thanks(userId: string | undefined): string {
  const who = someone(userId);
  return who ? `\n      :clap: Suggested by ${who}: thank you for speaking up!` : '';
}

/** One thread reply per section that has something to say. */
export function renderDigestThread(model: DigestModel): SlackMessage[] {
  const messages: SlackMessage[] = [];
  if (model.roadmap.length > 0) {
    // What each item changes for customers, asks of employees, and why its owner says it matters.
    const lines = model.roadmap.map(
      (c) =>
        `${itemLine(c.item, c.lastNote)}${c.created ? ' · _new_' : ''}${itemMeaning(c.item, { text: 200, why: 300 })}`,
    );
    messages.push({
      text: `Roadmap: ${countOf(model.roadmap.length, 'item')} moved`,
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
        `:skull: *${rule.ref}* ${escapeAndTruncate(rule.title, 200)}${rule.decisionNote ? `\n      _${escapeAndTruncate(rule.decisionNote, 250)}_` : ''}${thanks(rule.thankedId)}`,
    );
    const blocks = chunked('*:skull: Rules killed this week*', lines, 'digest.rules');
    messages.push({ text: `${countOf(model.rulesKilled.length, 'rule')} killed`, blocks });
  }
  const myths = model.mythsBusted ?? [];
  if (myths.length > 0) {
    // Myth-busters: what people believed was a rule, and how it really works, in the CX office's words.
    const lines = myths.map(
      (myth) =>
        `:bulb: *${myth.ref}* “${escapeOneLine(myth.title, 200)}” is not a rule.${myth.clarification ? `\n>${escapeAndTruncate(myth.clarification, 400).replace(/\n/g, '\n>')}` : ''}`,
    );
    messages.push({
      text: `Myth-busters: ${countOf(myths.length, 'rule')} that ${myths.length === 1 ? 'is' : 'are'} not actually ${myths.length === 1 ? 'a rule' : 'rules'}`,
      blocks: chunked('*:bulb: Myth-busters — not actually rules*', lines, 'digest.myths'),
    });
  }
  const chains = model.chains.flatMap((chain) => chainLine(chain, model.roadmap) ?? []);
  if (chains.length > 0) {
    messages.push({
      text: `Closing the loop: where ${countOf(chains.length, 'change')} came from`,
      blocks: chunked(
        '*:link: Closing the loop — where this week’s changes came from*',
        chains,
        'digest.chains',
      ),
    });
  }
  if (model.leaders.length > 0) {
    const lines = model.leaders.map(
      (leader) =>
        `:telephone_receiver: ${userMention(leader.userId)} — ${countOf(leader.calls, 'conversation')}`,
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
  const text = `Nothing to say in the update for ${weekOf(week)}: no roadmap changes, no approved story, no rules killed and no calls logged. Nothing was posted.`;
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
    posted: `This week’s update, for ${weekOf(week)}, is already posted${state.kind === 'posted' && state.permalink ? `: <${state.permalink}|see it>` : ''}.`,
    on_its_way: `This week’s update, for ${weekOf(week)}, is already on its way to <#${channel}>.`,
    refused: `This week’s update, for ${weekOf(week)}, could not be posted: Slack refused it in <#${channel}> (Touchpoint may have been removed from the channel, or the channel archived). Once that is fixed, post it again.`,
    skipped: `This week’s update, for ${weekOf(week)}, was skipped by the CX office. It comes back next week.`,
  }[state.kind];
  // Posting again while the first one is still on its way would post it twice.
  const blocks: KnownBlock[] = [section(what)];
  if (state.kind !== 'on_its_way') blocks.push(postAgainButton(week));
  return { text: what, blocks };
}

/** The update is in the outbox: it reaches the channel in a moment. */
export function renderOnItsWay(week: string, channel: string, again = false): SlackMessage {
  const text = `:white_check_mark: ${again ? 'Posting again' : 'Posting'} this week’s update, for ${weekOf(week)}, in <#${channel}>: it arrives in a moment.`;
  return { text, blocks: [section(text)] };
}

/** What the CX office hears when a week's update did not go out: in words, never an error's text. */
export function renderDigestProblem(week: string, problem: DigestProblem, channel: string): SlackMessage {
  const text = {
    missed: `:warning: The weekly update for ${weekOf(week)} was not posted: Touchpoint was not running at the scheduled time that week. Use \`/touchpoint digest send\` to post this week’s.`,
    refused: `:warning: The weekly update for ${weekOf(week)} could not be posted: Slack refused it in <#${channel}> (Touchpoint may have been removed from the channel, or the channel archived). Once that is fixed, \`/touchpoint digest send\` offers to post it again.`,
    unprepared: `:warning: The weekly update for ${weekOf(week)} could not be prepared: Touchpoint could not read or save what it needs just then. It tries again every few minutes; \`/touchpoint digest send\` posts it now.`,
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
  if (!state) return notice(`This week’s update, for ${weekOf(week)}, is skipped. It comes back next week.`);
  if (state.kind === 'skipped') return notice(`This week’s update, for ${weekOf(week)}, is skipped already.`);
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
