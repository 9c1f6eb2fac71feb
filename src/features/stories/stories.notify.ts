import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../slack/feature.js';
import { listJourneyStages } from '../settings/stages.queries.js';
import { claimStoryCard, findStory, type Story, updateStory } from './stories.queries.js';
import { renderStoryCard } from './stories.views.js';

/** Slack side effects of stories: the review card, posted once and kept up to date. */

const CARD_CLAIM_TIMEOUT_MS = 2 * 60_000;

async function cardFor(deps: AppDeps, story: Story) {
  const stages = await listJourneyStages(deps.db);
  return renderStoryCard(story, {
    stageName: stages.find((stage) => stage.id === story.stageId)?.name,
    picked: story.pickedForWeek !== null && story.featuredInWeek === null,
  });
}

/** Posts the review card of a story to the backlog channel, once, whoever else tries. */
export async function postStoryCard(
  client: WebClient,
  deps: AppDeps,
  storyId: number,
  now: Date,
): Promise<void> {
  const claimed = await claimStoryCard(
    deps.db,
    storyId,
    now,
    new Date(now.getTime() - CARD_CLAIM_TIMEOUT_MS),
  );
  if (!claimed) return;
  try {
    const posted = await client.chat.postMessage({
      channel: deps.config.backlogChannel,
      ...(await cardFor(deps, claimed)),
      unfurl_links: false,
    });
    await updateStory(deps.db, storyId, { cardChannel: String(posted.channel), cardTs: String(posted.ts) });
  } catch (error) {
    await updateStory(deps.db, storyId, { cardClaimedAt: null });
    throw error;
  }
}

export async function refreshStoryCard(
  client: WebClient,
  deps: AppDeps,
  storyId: number,
  _now?: Date,
): Promise<void> {
  const story = await findStory(deps.db, storyId);
  if (!story?.cardChannel || !story.cardTs) return;
  await client.chat.update({
    channel: story.cardChannel,
    ts: story.cardTs,
    ...(await cardFor(deps, story)),
  });
}
