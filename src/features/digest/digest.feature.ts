import type { WebClient } from '@slack/web-api';
import { claimJobRun, findJobRun, finishJobRun } from '../../jobs/job-runs.queries.js';
import { section } from '../../slack/blocks.js';
import type { AppDeps, Feature } from '../../slack/feature.js';
import type { Listeners } from '../../slack/listeners.js';
import { blockActionSchema } from '../../slack/payloads.js';
import { type EphemeralTarget, replyEphemeral } from '../../slack/reply.js';
import { isoWeekKey } from '../../time.js';
import { postDigestMessages, postWeeklyDigest, tellCxOffice } from './digest.post.js';
import {
  buildDigest,
  DIGEST_JOB,
  type DigestContributor,
  dueDigestWeek,
  isEmptyDigest,
  previousWeekKey,
} from './digest.service.js';
import {
  digestIds,
  renderAlreadyPosted,
  renderDigestFailure,
  renderDigestHeadline,
  renderDigestThread,
  renderNothingToSay,
} from './digest.views.js';

const notice = (text: string) => ({ text, blocks: [section(text)] });

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
          await replyEphemeral(client, target, notice('Only the CX office can post the weekly update.'));
          return;
        }
        const now = deps.now();
        // One extra post per confirmed click, even if Slack delivers the click twice.
        const period = `${click.actions[0]?.value ?? isoWeekKey(now, deps.config.timeZone)}:${click.user.id}:${click.actions[0]?.action_ts}`;
        if (!(await claimJobRun(deps.db, 'digest.again', period, now, 365 * 86_400_000))) return;
        const model = await buildDigest(deps.db, deps.config, contributors, now, { repost: true });
        if (isEmptyDigest(model)) {
          await finishJobRun(deps.db, 'digest.again', period, 'skipped', now);
          await replyEphemeral(client, target, renderNothingToSay(model.week));
          return;
        }
        const posted = await postDigestMessages(client, deps, model, async (result) => {
          await finishJobRun(deps.db, 'digest.again', period, 'done', now, JSON.stringify(result));
        });
        await replyEphemeral(
          client,
          target,
          notice(`Posted again${posted.permalink ? `: <${posted.permalink}|see it>` : ''}.`),
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
          const week = isoWeekKey(now, deps.config.timeZone);
          const verb = rest.toLowerCase();
          if (verb === 'preview') return preview(client, deps, contributors, target);
          if (verb === 'send') {
            const outcome = await postWeeklyDigest(client, deps, contributors, now, week);
            if (outcome.status === 'posted') {
              await replyEphemeral(
                client,
                target,
                notice(
                  `:white_check_mark: Posted${outcome.permalink ? `: <${outcome.permalink}|see it>` : ''}.`,
                ),
              );
            } else if (outcome.status === 'already') {
              await replyEphemeral(
                client,
                target,
                renderAlreadyPosted(week, outcome.result.permalink, outcome.result.status),
              );
            }
            return; // 'nothing': the CX office got the "nothing to say" DM
          }
          if (verb === 'skip') {
            if (await claimJobRun(deps.db, DIGEST_JOB, week, now)) {
              await finishJobRun(
                deps.db,
                DIGEST_JOB,
                week,
                'skipped',
                now,
                JSON.stringify({ reason: 'skipped', by: command.user_id }),
              );
              await replyEphemeral(
                client,
                target,
                notice(`This week’s update (${week}) is skipped. It comes back next week.`),
              );
            } else {
              const run = await findJobRun(deps.db, DIGEST_JOB, week);
              const permalink = run?.result
                ? (JSON.parse(run.result) as { permalink?: string }).permalink
                : undefined;
              await replyEphemeral(
                client,
                target,
                notice(
                  `Too late to skip: this week’s update is already ${run?.status === 'done' ? `posted${permalink ? ` (<${permalink}|see it>)` : ''}` : 'handled'}.`,
                ),
              );
            }
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
        async run({ deps, client }, now) {
          const lastWeek = previousWeekKey(now, deps.config.timeZone);
          const lastRun = await findJobRun(deps.db, DIGEST_JOB, lastWeek);
          const everPosted = await findJobRun(deps.db, 'digest.installed', 'first');
          if (
            !lastRun &&
            everPosted &&
            (await claimJobRun(deps.db, 'digest.missed-notice', lastWeek, now, 365 * 86_400_000))
          ) {
            await tellCxOffice(client, deps, renderDigestFailure(lastWeek, 'not running', true));
            await finishJobRun(deps.db, 'digest.missed-notice', lastWeek, 'done', now);
          }
          // Remember that Touchpoint was running its schedule, so a later missed week can be noticed.
          if (await claimJobRun(deps.db, 'digest.installed', 'first', now, 365 * 86_400_000)) {
            await finishJobRun(deps.db, 'digest.installed', 'first', 'done', now);
          }
          const week = await dueDigestWeek(deps.db, deps.config, now);
          if (week) await postWeeklyDigest(client, deps, contributors, now, week);
        },
      },
    ],
  };
}
