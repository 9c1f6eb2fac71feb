import type { WebClient } from '@slack/web-api';
import { claimJobRun, findJobRun, finishJobRun } from '../../jobs/job-runs.queries.js';
import { sendDm } from '../../slack/dm.js';
import type { AppDeps } from '../../slack/feature.js';
import { refreshStoryCard } from '../stories/stories.notify.js';
import { updateStory } from '../stories/stories.queries.js';
import {
  buildDigest,
  DIGEST_JOB,
  type DigestContributor,
  type DigestModel,
  isEmptyDigest,
} from './digest.service.js';
import {
  renderDigestFailure,
  renderDigestHeadline,
  renderDigestThread,
  renderNothingToSay,
} from './digest.views.js';

/** Posting the weekly update: exactly once per week across replicas, restarts and double clicks. */

export type PostOutcome =
  | { status: 'posted'; channel: string; ts: string; permalink: string | undefined }
  | { status: 'nothing' }
  | { status: 'already'; result: { status: string; permalink?: string } };

export async function tellCxOffice(
  client: WebClient,
  deps: AppDeps,
  message: Parameters<typeof sendDm>[2],
): Promise<void> {
  const members = await deps.roles.cxOfficeMembers();
  await Promise.allSettled(members.map((userId) => sendDm(client, userId, message)));
}

/**
 * Posts the headline, records it (from then on the week counts as posted, so a failure below never posts
 * a second headline), then each section in its thread, and marks the story featured.
 */
export async function postDigestMessages(
  client: WebClient,
  deps: AppDeps,
  model: DigestModel,
  record: (posted: { channel: string; ts: string; permalink: string | undefined }) => Promise<void>,
) {
  const headline = await client.chat.postMessage({
    channel: deps.config.digestChannel,
    ...renderDigestHeadline(model),
    unfurl_links: false,
  });
  const channel = String(headline.channel);
  const ts = String(headline.ts);
  const permalink = await client.chat
    .getPermalink({ channel, message_ts: ts })
    .then((r) => r.permalink)
    .catch(() => undefined);
  const posted = { channel, ts, permalink };
  await record(posted);
  if (model.story) {
    await updateStory(deps.db, model.story.story.id, { featuredInWeek: model.week });
    // Its review card stops offering "Story of the week".
    await refreshStoryCard(client, deps, model.story.story.id).catch(() => undefined);
  }
  for (const message of renderDigestThread(model)) {
    await client.chat.postMessage({ channel, thread_ts: ts, ...message, unfurl_links: false });
  }
  return posted;
}

export async function postWeeklyDigest(
  client: WebClient,
  deps: AppDeps,
  contributors: DigestContributor[],
  now: Date,
  week: string,
): Promise<PostOutcome> {
  if (!(await claimJobRun(deps.db, DIGEST_JOB, week, now))) {
    const run = await findJobRun(deps.db, DIGEST_JOB, week);
    const result = run?.result ? (JSON.parse(run.result) as { permalink?: string }) : {};
    return { status: 'already', result: { status: run?.status ?? 'running', ...result } };
  }
  let recorded = false;
  try {
    const model = await buildDigest(deps.db, deps.config, contributors, now);
    if (isEmptyDigest(model)) {
      await finishJobRun(deps.db, DIGEST_JOB, week, 'skipped', now, JSON.stringify({ reason: 'nothing' }));
      await tellCxOffice(client, deps, renderNothingToSay(week));
      return { status: 'nothing' };
    }
    const posted = await postDigestMessages(client, deps, model, async (result) => {
      await finishJobRun(deps.db, DIGEST_JOB, week, 'done', now, JSON.stringify(result));
      recorded = true;
    });
    return { status: 'posted', ...posted };
  } catch (error) {
    if (!recorded) await finishJobRun(deps.db, DIGEST_JOB, week, 'failed', now);
    // One DM per week about a failure, however many ticks retry it.
    if (await claimJobRun(deps.db, 'digest.failure-notice', week, now, 365 * 86_400_000)) {
      await tellCxOffice(client, deps, renderDigestFailure(week, (error as Error).message, false));
      await finishJobRun(deps.db, 'digest.failure-notice', week, 'done', now);
    }
    throw error;
  }
}
