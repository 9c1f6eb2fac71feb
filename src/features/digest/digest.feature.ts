import type { WebClient } from '@slack/web-api';
import { cxOnly, notice } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import { blockActionSchema } from '../../slack/payloads.js';
import { type EphemeralTarget, replyEphemeral } from '../../slack/reply.js';
import type { Feature } from '../feature.js';
import type { WeekRecord } from './digest.queries.js';
import {
  buildDigest,
  type DigestContributor,
  findWeekHeadline,
  isEmptyDigest,
  postWeeklyUpdate,
  postWeeklyUpdateAgain,
  runWeeklyTick,
  skipWeeklyUpdate,
} from './digest.service.js';
import {
  digestIds,
  renderAlreadyPosted,
  renderDigestHeadline,
  renderDigestThread,
  renderNothingToSay,
  renderOnItsWay,
  type WeekState,
} from './digest.views.js';

async function preview(
  client: WebClient,
  deps: AppDeps,
  contributors: DigestContributor[],
  target: EphemeralTarget,
) {
  const model = await buildDigest(deps.db, deps.config, contributors, deps.now());
  if (isEmptyDigest(model)) {
    await replyEphemeral(client, target, renderNothingToSay(model.week));
    return;
  }
  await replyEphemeral(
    client,
    target,
    notice(
      `:eyes: *Preview* — only you see this. In <#${deps.config.digestChannel}> it would look like this, with the rest in its thread:`,
    ),
  );
  await replyEphemeral(client, target, renderDigestHeadline(model));
  for (const message of renderDigestThread(model)) await replyEphemeral(client, target, message);
}

/** Where a taken week stands, with a link to the posted headline when Slack gives one. */
async function weekState(client: WebClient, deps: AppDeps, record: WeekRecord): Promise<WeekState> {
  if (record.status === 'skipped') return { kind: 'skipped' };
  const headline = await findWeekHeadline(deps.db, record);
  if (headline?.status === 'dead') return { kind: 'refused' };
  if (headline && headline.status !== 'sent') return { kind: 'on_its_way' };
  const posted = headline?.result as { channel?: string; ts?: string } | null | undefined;
  const permalink =
    posted?.channel && posted.ts
      ? await client.chat
          .getPermalink({ channel: posted.channel, message_ts: posted.ts })
          .then((answer) => answer.permalink)
          .catch(() => undefined)
      : record.result.permalink; // a week posted before the outbox kept its link
  return { kind: 'posted', permalink };
}

/** The weekly update: the scheduled post, and `/touchpoint digest preview|send|skip` for the CX office. */
export function digestFeature(contributingFeatures: Feature[]): Feature {
  const contributors = contributingFeatures.flatMap((feature) =>
    feature.digest ? [feature.digest.bind(feature)] : [],
  );
  return {
    name: 'digest',
    register(slack: Listeners, deps: AppDeps) {
      slack.action(digestIds.postAgain, async ({ ack, body, client }) => {
        await ack();
        const click = blockActionSchema.parse(body);
        const target = { channel: click.channel?.id ?? click.user.id, user: click.user.id };
        if (!(await deps.roles.isCxOffice(click.user.id))) {
          await replyEphemeral(client, target, notice(cxOnly('post the weekly update')));
          return;
        }
        const now = deps.now();
        const action = click.actions[0];
        const outcome = await postWeeklyUpdateAgain(deps.db, deps.config, contributors, now, {
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
            : renderOnItsWay(action?.value ?? '', deps.config.digestChannel, true),
        );
      });
    },
    subcommands: [
      {
        name: 'digest',
        cxOfficeOnly: true,
        async run({ rest, command, client, respond, deps }) {
          const target = { channel: command.channel_id, user: command.user_id, respond };
          const now = deps.now();
          const verb = rest.toLowerCase();
          if (verb === 'preview') return preview(client, deps, contributors, target);
          if (verb === 'send') {
            const outcome = await postWeeklyUpdate(deps.db, deps.config, contributors, now, {
              by: 'cx_office',
              cxOffice: () => deps.roles.cxOfficeMembers(),
            });
            const answer =
              outcome.status === 'queued'
                ? renderOnItsWay(outcome.week, deps.config.digestChannel)
                : outcome.status === 'nothing'
                  ? renderNothingToSay(outcome.week)
                  : renderAlreadyPosted(
                      outcome.week,
                      await weekState(client, deps, outcome.record),
                      deps.config.digestChannel,
                    );
            await replyEphemeral(client, target, answer);
            return;
          }
          if (verb === 'skip') {
            const outcome = await skipWeeklyUpdate(deps.db, deps.config, command.user_id, now);
            if (outcome.status === 'skipped') {
              await replyEphemeral(
                client,
                target,
                notice(`This week’s update (${outcome.week}) is skipped. It comes back next week.`),
              );
              return;
            }
            const state = await weekState(client, deps, outcome.record);
            await replyEphemeral(
              client,
              target,
              notice(
                state.kind === 'skipped'
                  ? `This week’s update (${outcome.week}) is skipped already.`
                  : `Too late to skip: this week’s update is already ${state.kind === 'posted' ? `posted${state.permalink ? ` (<${state.permalink}|see it>)` : ''}` : 'handled'}.`,
              ),
            );
            return;
          }
          await replyEphemeral(
            client,
            target,
            notice(
              'Use `/touchpoint digest preview`, `/touchpoint digest send` or `/touchpoint digest skip`.',
            ),
          );
        },
      },
    ],
    jobs: [
      {
        // Frequent ticks: the schedule (a setting) decides; the database keeps it to one post a week.
        name: 'digest.weekly',
        schedule: () => '*/5 * * * *',
        async run({ deps }, now) {
          await runWeeklyTick(deps.db, deps.config, contributors, now, () => deps.roles.cxOfficeMembers());
        },
      },
    ],
  };
}
