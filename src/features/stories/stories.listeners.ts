import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { cxOnly, SAVE_FAILED } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import { decodeMetadata, encodeMetadata } from '../../slack/metadata.js';
import {
  blockActionSchema,
  shortcutSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import { readViewState, validateFields } from '../../slack/view-state.js';
import { isoWeekKey } from '../../time.js';
import { listActiveJourneyStages, listJourneyStages } from '../settings/settings.service.js';
import { storiesIds } from './stories.ids.js';
import {
  approveStory,
  editStory,
  findStoryById,
  pickStory,
  rejectFieldsSchema,
  rejectStory,
  type Story,
  shareStory,
  storyFieldsSchema,
} from './stories.service.js';
import { renderRejectModal, renderStoryModal, type StoryValues } from './stories.views.js';

const storyMetadata = z.object({
  source: z.enum(['command', 'shortcut', 'message']),
  permalink: z.string().url().nullable(),
});
const reviewMetadata = z.object({ storyId: z.number().int().positive() });
const REFUSAL = cxOnly('review stories');

async function openStoryModal(
  client: WebClient,
  deps: AppDeps,
  triggerId: string,
  values: StoryValues,
  metadata: z.infer<typeof storyMetadata>,
) {
  await client.views.open({
    trigger_id: triggerId,
    view: renderStoryModal({
      stages: await listActiveJourneyStages(deps.db),
      values,
      sourcePermalink: metadata.permalink,
      privateMetadata: encodeMetadata(storyMetadata, metadata),
    }),
  });
}

export function registerStoriesListeners(slack: Listeners, deps: AppDeps): void {
  // The service writes the card, its updates and the teller's DMs to the outbox with each change.
  // Read when used: listeners are registered before the config is looked at (the manifest test).
  const channels = {
    get backlogChannel() {
      return deps.config.backlogChannel;
    },
  };
  slack.command(storiesIds.command, async ({ ack, body, client }) => {
    await ack();
    const command = slashCommandSchema.parse(body);
    await openStoryModal(
      client,
      deps,
      command.trigger_id,
      { body: command.text.trim() },
      { source: 'command', permalink: null },
    );
  });

  for (const callbackId of [storiesIds.globalShortcut]) {
    slack.shortcut(callbackId, async ({ ack, body, client }) => {
      await ack();
      await openStoryModal(
        client,
        deps,
        shortcutSchema.parse(body).trigger_id,
        {},
        { source: 'shortcut', permalink: null },
      );
    });
  }

  // "Share a story" at the end of the weekly update.
  slack.action(storiesIds.shareButton, async ({ ack, body, client }) => {
    await ack();
    await openStoryModal(
      client,
      deps,
      blockActionSchema.parse(body).trigger_id,
      {},
      { source: 'shortcut', permalink: null },
    );
  });

  slack.shortcut(storiesIds.messageShortcut, async ({ ack, body, client }) => {
    await ack();
    const shortcut = shortcutSchema.parse(body);
    const permalink =
      shortcut.channel && shortcut.message_ts
        ? await client.chat
            .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message_ts })
            .then((result) => result.permalink ?? null)
            .catch(() => null)
        : null;
    await openStoryModal(
      client,
      deps,
      shortcut.trigger_id,
      { body: shortcut.message?.text ?? '' },
      { source: 'message', permalink },
    );
  });

  slack.view(storiesIds.storyModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const validated = validateFields(storyFieldsSchema, readViewState(submission.view.state));
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    const metadata = decodeMetadata(storyMetadata, submission.view.private_metadata) ?? {
      source: 'command' as const,
      permalink: null,
    };
    try {
      await shareStory(
        deps.db,
        {
          fields: validated.data,
          tellerId: submission.user.id,
          source: metadata.source,
          permalink: metadata.permalink,
          idempotencyKey: `view:${submission.view.id}`,
        },
        channels,
        deps.now(),
      );
    } catch (error) {
      deps.logger.error(`Saving a story failed: ${safeErrorText(error)}`);
      await ack({ response_action: 'errors', errors: { [storiesIds.body]: SAVE_FAILED } });
      return;
    }
    await ack();
  });

  /** Parses a review click and checks the role on the server. */
  async function reviewClick(body: unknown, client: WebClient) {
    const click = blockActionSchema.parse(body);
    if (!(await deps.roles.isCxOffice(click.user.id))) {
      if (click.channel)
        await replyEphemeral(
          client,
          { channel: click.channel.id, user: click.user.id },
          { text: REFUSAL, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: REFUSAL } }] },
        );
      return undefined;
    }
    const story = await findStoryById(deps.db, Number(click.actions[0]?.value));
    return story ? { click, story } : undefined;
  }

  slack.action(storiesIds.approve, async ({ ack, body, client }) => {
    await ack();
    const parsed = await reviewClick(body, client);
    if (!parsed) return;
    await approveStory(deps.db, parsed.story.id, parsed.click.user.id, channels, deps.now());
  });

  slack.action(storiesIds.pick, async ({ ack, body, client }) => {
    await ack();
    const parsed = await reviewClick(body, client);
    if (!parsed) return;
    const now = deps.now();
    await pickStory(
      deps.db,
      parsed.story.id,
      parsed.click.user.id,
      isoWeekKey(now, deps.config.timeZone),
      channels,
      now,
    );
  });

  slack.action(storiesIds.reject, async ({ ack, body, client }) => {
    await ack();
    const parsed = await reviewClick(body, client);
    if (!parsed) return;
    await client.views.open({
      trigger_id: parsed.click.trigger_id,
      view: renderRejectModal(parsed.story, encodeMetadata(reviewMetadata, { storyId: parsed.story.id })),
    });
  });

  slack.action(storiesIds.edit, async ({ ack, body, client }) => {
    await ack();
    const parsed = await reviewClick(body, client);
    if (!parsed) return;
    const story: Story = parsed.story;
    await client.views.open({
      trigger_id: parsed.click.trigger_id,
      view: renderStoryModal({
        stages: await listJourneyStages(deps.db),
        callbackId: storiesIds.editModal,
        values: {
          body: story.body,
          customer: story.customer,
          stage: story.stageId ? String(story.stageId) : undefined,
          kind: story.kind,
          shareable: story.shareable,
        },
        privateMetadata: encodeMetadata(reviewMetadata, { storyId: story.id }),
      }),
    });
  });

  slack.view(storiesIds.rejectModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const metadata = decodeMetadata(reviewMetadata, submission.view.private_metadata);
    if (!metadata || !(await deps.roles.isCxOffice(submission.user.id))) {
      await ack({ response_action: 'errors', errors: { [storiesIds.note]: REFUSAL } });
      return;
    }
    const validated = validateFields(rejectFieldsSchema, readViewState(submission.view.state));
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    await ack();
    await rejectStory(
      deps.db,
      metadata.storyId,
      submission.user.id,
      validated.data.note,
      channels,
      deps.now(),
    );
  });

  slack.view(storiesIds.editModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const metadata = decodeMetadata(reviewMetadata, submission.view.private_metadata);
    if (!metadata || !(await deps.roles.isCxOffice(submission.user.id))) {
      await ack({ response_action: 'errors', errors: { [storiesIds.body]: REFUSAL } });
      return;
    }
    const validated = validateFields(storyFieldsSchema, readViewState(submission.view.state));
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    await editStory(deps.db, metadata.storyId, validated.data, channels, deps.now());
    await ack();
  });
}
