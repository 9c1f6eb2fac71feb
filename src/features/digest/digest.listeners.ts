import type { WebClient } from '@slack/web-api';
import { cxOnly, notice } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { ActionArgs, Listeners } from '../../slack/listeners.js';
import { blockActionSchema } from '../../slack/payloads.js';
import { type EphemeralTarget, replyEphemeral } from '../../slack/reply.js';
import type { TouchpointSubcommand } from '../feature.js';
import {
  type DigestSetup,
  postWeeklyUpdate,
  postWeeklyUpdateAgain,
  previewWeeklyUpdate,
  skipWeeklyUpdate,
  type WeekStatus,
} from './digest.service.js';
import {
  digestIds,
  renderAlreadyPosted,
  renderDigestHeadline,
  renderDigestThread,
  renderDigestUsage,
  renderNothingToSay,
  renderOnItsWay,
  renderPreviewIntro,
  renderSkipAnswer,
  type WeekState,
} from './digest.views.js';

type SubcommandArgs = Parameters<TouchpointSubcommand['run']>[0];

/** A posted week with a link to its headline when Slack gives one (the answer links to it). */
async function withPermalink(client: WebClient, status: WeekStatus): Promise<WeekState> {
  if (status.kind !== 'posted') return status;
  if (!status.headline) return { kind: 'posted', permalink: status.permalink };
  const permalink = await client.chat
    .getPermalink({ channel: status.headline.channel, message_ts: status.headline.ts })
    .then((answer) => answer.permalink)
    .catch(() => undefined);
  return { kind: 'posted', permalink };
}

/** "Post again" under "already posted" (behind a confirmation): the same update once more. */
async function onPostAgainClicked(deps: AppDeps, setup: DigestSetup, { ack, body, client }: ActionArgs) {
  await ack();
  const click = blockActionSchema.parse(body);
  const target = { channel: click.channel?.id ?? click.user.id, user: click.user.id };
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await replyEphemeral(client, target, notice(cxOnly('post the weekly update')));
    return;
  }
  const now = deps.now();
  const action = click.actions[0];
  const outcome = await postWeeklyUpdateAgain(deps.db, deps.config, setup, now, {
    week: action?.value ?? '',
    userId: click.user.id,
    actionTs: action?.action_ts ?? String(now.getTime()),
  });
  if (outcome.status === 'duplicate') return; // Slack delivered the click twice
  await replyEphemeral(
    client,
    target,
    outcome.status === 'nothing'
      ? renderNothingToSay(outcome.week)
      : renderOnItsWay(outcome.week, deps.config.digestChannel, true),
  );
}

/** `/touchpoint digest preview`: the update as it would be posted now, only to the person who asked. */
async function onDigestPreview(
  setup: DigestSetup,
  { client, deps }: SubcommandArgs,
  target: EphemeralTarget,
) {
  const preview = await previewWeeklyUpdate(deps.db, deps.config, setup.contributors, deps.now());
  if (preview.status === 'nothing') {
    await replyEphemeral(client, target, renderNothingToSay(preview.week));
    return;
  }
  await replyEphemeral(client, target, renderPreviewIntro(deps.config.digestChannel));
  await replyEphemeral(client, target, renderDigestHeadline(preview.model));
  for (const message of renderDigestThread(preview.model)) await replyEphemeral(client, target, message);
}

/** `/touchpoint digest send`: this week's update now, unless the week is taken already. */
async function onDigestSend(setup: DigestSetup, { client, deps }: SubcommandArgs, target: EphemeralTarget) {
  const outcome = await postWeeklyUpdate(deps.db, deps.config, setup, deps.now(), { by: 'cx_office' });
  const channel = deps.config.digestChannel;
  const answer =
    outcome.status === 'queued'
      ? renderOnItsWay(outcome.week, channel)
      : outcome.status === 'nothing'
        ? renderNothingToSay(outcome.week)
        : renderAlreadyPosted(outcome.week, await withPermalink(client, outcome.state), channel);
  await replyEphemeral(client, target, answer);
}

/** `/touchpoint digest skip`: no update this week, unless it is out already. */
async function onDigestSkip({ command, client, deps }: SubcommandArgs, target: EphemeralTarget) {
  const outcome = await skipWeeklyUpdate(deps.db, deps.config, command.user_id, deps.now());
  const state = outcome.status === 'already' ? await withPermalink(client, outcome.state) : undefined;
  await replyEphemeral(client, target, renderSkipAnswer(outcome.week, state));
}

/** `/touchpoint digest preview|send|skip` (the CX office only, checked by `/touchpoint`). */
export function onDigestCommand(setup: DigestSetup): TouchpointSubcommand['run'] {
  return async (args) => {
    const target = { channel: args.command.channel_id, user: args.command.user_id, respond: args.respond };
    const verb = args.rest.toLowerCase();
    if (verb === 'preview') return onDigestPreview(setup, args, target);
    if (verb === 'send') return onDigestSend(setup, args, target);
    if (verb === 'skip') return onDigestSkip(args, target);
    await replyEphemeral(args.client, target, renderDigestUsage());
  };
}

export function registerDigestListeners(slack: Listeners, deps: AppDeps, setup: DigestSetup): void {
  slack.action(digestIds.postAgain, (args) => onPostAgainClicked(deps, setup, args));
}
