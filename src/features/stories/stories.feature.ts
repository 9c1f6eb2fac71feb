import { section } from '../../slack/blocks.js';
import { sendCsvToUser, toCsv } from '../../slack/csv.js';
import { replyEphemeral } from '../../slack/reply.js';
import { localDateKey } from '../../time.js';
import type { Feature } from '../feature.js';
import { listJourneyStages } from '../settings/stages.queries.js';
import { registerStoriesListeners } from './stories.listeners.js';
import { storyCardRenderer } from './stories.notify.js';
import { listAllStories } from './stories.queries.js';
import { KIND_LABELS } from './stories.views.js';

/** Customer stories: shared by anyone (or from a call), reviewed by the CX office, featured weekly. */
export const storiesFeature: Feature = {
  name: 'stories',
  register: registerStoriesListeners,
  // The review card is rendered by the outbox when it is sent, so it shows the story's latest state.
  outboxRenderers: [storyCardRenderer],
  subcommands: [
    {
      name: 'export stories',
      cxOfficeOnly: true,
      async run({ command, client, respond, deps }) {
        const [all, stages] = await Promise.all([listAllStories(deps.db), listJourneyStages(deps.db)]);
        const stageName = new Map(stages.map((stage) => [stage.id, stage.name]));
        const csv = toCsv(
          [
            'id',
            'what happened',
            'customer',
            'journey stage',
            'kind',
            'shareable',
            'told by',
            'source',
            'status',
            'review note',
            'story of the week',
            'featured in',
            'shared at',
          ],
          all.map((story) => [
            story.id,
            story.body,
            story.customer,
            story.stageId ? stageName.get(story.stageId) : '',
            KIND_LABELS[story.kind],
            story.shareable ? 'yes' : 'no',
            story.tellerId,
            story.source,
            story.status,
            story.reviewNote,
            story.pickedForWeek,
            story.featuredInWeek,
            story.createdAt,
          ]),
        );
        const now = deps.now();
        await sendCsvToUser(client, command.user_id, {
          filename: `touchpoint-stories-${localDateKey(now, deps.config.timeZone)}.csv`,
          title: 'Touchpoint: customer stories',
          csv,
          comment: `Every customer story (${all.length}).`,
        });
        const text = `I sent you the CSV of ${all.length} stories in a direct message.`;
        await replyEphemeral(
          client,
          { channel: command.channel_id, user: command.user_id, respond },
          { text, blocks: [section(text)] },
        );
      },
    },
  ],
};
