import { z } from 'zod';
import { cardRenderers } from '../../outbox/card.js';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import { loadStoryCard, rememberStoryCard, STORY_CARD, TELLER_DM_RENDER } from './stories.service.js';
import { renderStoryCard, renderTellerDm } from './stories.views.js';

/** What stories say in Slack, rendered when the outbox sends it. No Slack client here. */

/**
 * The review card in the backlog channel, through the shared card path: it always shows the story as it
 * is when sent (an update queued behind an edit shows the edit). Its place is kept on the story.
 */
const card = cardRenderers(STORY_CARD, {
  load: loadStoryCard,
  placeOf: ({ story }) =>
    story.cardChannel && story.cardTs ? { channel: story.cardChannel, ts: story.cardTs } : undefined,
  render: (model) => ({ ...renderStoryCard(model) }),
  remember: rememberStoryCard,
  postArgs: { unfurl_links: false },
});

const tellerDmInput = z.object({
  event: z.enum(['received', 'approved', 'rejected', 'picked']),
  body: z.string(),
  reviewNote: z.string().nullable(),
});

/** What the teller hears, from the story as it was at the change (kept in the input). */
const tellerDm: OutboxRenderer = {
  name: TELLER_DM_RENDER,
  async render(_db, input) {
    const { event, ...story } = tellerDmInput.parse(input);
    return { ...renderTellerDm(story, event), unfurl_links: false };
  },
};

/**
 * Story card updates queued before they had their own renderer were named like the post, with
 * `update: true` (and a chat.update method): render those as the update they are.
 */
function acceptingQueuedUpdates([post, update]: OutboxRenderer[]): OutboxRenderer[] {
  if (!post || !update) throw new Error('a card has a post and an update renderer');
  return [
    {
      ...post,
      render: (db, input, now) => (input.update === true ? update : post).render(db, input, now),
    },
    update,
  ];
}

export const storiesRenderers: OutboxRenderer[] = [...acceptingQueuedUpdates(card), tellerDm];
