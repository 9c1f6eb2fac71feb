import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import { listJourneyStages } from '../settings/stages.queries.js';
import { findStory, updateStory } from './stories.queries.js';
import { STORY_CARD_RENDERER } from './stories.service.js';
import { renderStoryCard } from './stories.views.js';

/**
 * The review card in the backlog channel, built by the outbox when it is sent: it always shows the story
 * as it is then (a card update queued behind an edit shows the edit).
 */

const cardInput = z.object({
  storyId: z.number().int().positive(),
  /** An update of the posted card (chat.update), not the first post. */
  update: z.boolean().optional(),
});

export const storyCardRenderer: OutboxRenderer = {
  name: STORY_CARD_RENDERER,
  async render(db: DbOrTx, input: Record<string, unknown>) {
    const { storyId, update } = cardInput.parse(input);
    const story = await findStory(db, storyId);
    if (!story) return null;
    // An update names the card by what the story kept when it was posted (also cards posted before the
    // outbox); no card, nothing to update.
    if (update && !(story.cardChannel && story.cardTs)) return null;
    // The stages list is cached per database; the worker passes the database itself.
    const stages = await listJourneyStages(db as Db);
    return {
      ...renderStoryCard(story, {
        stageName: stages.find((stage) => stage.id === story.stageId)?.name,
        picked: story.pickedForWeek !== null && story.featuredInWeek === null,
      }),
      ...(update ? { channel: story.cardChannel, ts: story.cardTs } : { unfurl_links: false }),
    };
  },
  // The card's place is kept on the story (exports, and where the CX office finds it).
  async sent(db: DbOrTx, input: Record<string, unknown>, posted) {
    const { storyId } = cardInput.parse(input);
    await updateStory(db, storyId, { cardChannel: posted.channel, cardTs: posted.ts });
  },
};
