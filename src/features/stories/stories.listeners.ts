import type { WebClient } from '@slack/web-api';
import { cxOnly, notice, SAVE_FAILED } from '../../slack/blocks.js';
import { answerWithExport } from '../../slack/csv.js';
import type { AppDeps } from '../../slack/deps.js';
import {
  type FormRequest,
  formSourceMetadata,
  openRequestedForm,
  readFormRequest,
} from '../../slack/form-request.js';
import type {
  ActionArgs,
  CommandArgs,
  Listeners,
  ShortcutArgs,
  SubmissionArgs,
} from '../../slack/listeners.js';
import { encodeMetadata } from '../../slack/metadata.js';
import { type BlockActionPayload, blockActionSchema, viewSubmissionSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import { type FieldErrors, readModalMetadata } from '../../slack/view-state.js';
import type { TouchpointSubcommand } from '../feature.js';
import { listActiveJourneyStages, listActiveTouchpointCategories } from '../settings/settings.service.js';
import { readRejectForm, readStoryForm, reviewMetadata, storyIdOf } from './stories.forms.js';
import { storiesIds } from './stories.ids.js';
import {
  approveStory,
  editStory,
  findStoryById,
  listStoriesForExport,
  loadStoryForEdit,
  pickStory,
  rejectStory,
  shareStory,
} from './stories.service.js';
import {
  renderRejectModal,
  renderStoriesExport,
  renderStoryEditSaved,
  renderStoryModal,
  renderStoryRejectSaved,
} from './stories.views.js';

/**
 * Slack listeners of customer stories: ack, parse (stories.forms.ts), authorise, one service call, render,
 * answer. The service writes the card, its updates and the teller's DMs to the outbox with each change.
 */

export function registerStoriesListeners(slack: Listeners, deps: AppDeps): void {
  slack.command(storiesIds.command, (args) => onStoryRequested(args, deps));
  slack.shortcut(storiesIds.globalShortcut, (args) => onStoryRequested(args, deps));
  slack.shortcut(storiesIds.messageShortcut, (args) => onStoryRequested(args, deps));
  slack.action(storiesIds.shareButton, (args) => onStoryRequested(args, deps));
  slack.view(storiesIds.storyModal, (args) => onStorySubmitted(args, deps));
  slack.action(storiesIds.approve, (args) => onApproveClicked(args, deps));
  slack.action(storiesIds.pick, (args) => onPickClicked(args, deps));
  slack.action(storiesIds.reject, (args) => onRejectClicked(args, deps));
  slack.action(storiesIds.edit, (args) => onEditClicked(args, deps));
  slack.view(storiesIds.rejectModal, (args) => onRejectSubmitted(args, deps));
  slack.view(storiesIds.editModal, (args) => onEditSubmitted(args, deps));
}

const REFUSAL = cxOnly('review stories');

// ---- Sharing a story: /story, the shortcuts, the weekly update's button ---------------------------------

/** The story form, prefilled with the command's or the message's text. */
async function openStoryModal(client: WebClient, deps: AppDeps, request: FormRequest): Promise<void> {
  const [stages, categories] = await Promise.all([
    listActiveJourneyStages(deps.db),
    listActiveTouchpointCategories(deps.db),
  ]);
  await openRequestedForm(client, request, ({ text, permalink, privateMetadata }) =>
    renderStoryModal({
      stages,
      categories,
      values: { body: text },
      sourcePermalink: permalink,
      privateMetadata,
    }),
  );
}

/**
 * `/story [text]`, ⚡ "Share a customer story", the weekly update's button and ⋯ "Save as customer
 * story" on a message (prefilled with it, and linked back to it) all open the story form.
 */
async function onStoryRequested(
  { ack, body, client }: CommandArgs | ShortcutArgs | ActionArgs,
  deps: AppDeps,
): Promise<void> {
  await ack();
  await openStoryModal(client, deps, await readFormRequest(client, body));
}

async function onStorySubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const answer = (errors: FieldErrors) => ack({ response_action: 'errors', errors });
  const form = readStoryForm(submission.view.state);
  if (!form.ok) return answer(form.errors);
  const metadata = readModalMetadata(formSourceMetadata, submission.view.private_metadata, storiesIds.body);
  if (!metadata.ok) return answer(metadata.errors);
  try {
    await shareStory(
      deps.db,
      {
        story: form.data,
        tellerId: submission.user.id,
        source: metadata.data.source,
        permalink: metadata.data.permalink,
        idempotencyKey: `view:${submission.view.id}`,
      },
      deps.config,
      deps.now(),
    );
  } catch (error) {
    deps.logger.error(`Saving a story failed: ${safeErrorText(error)}`);
    return answer({ [storiesIds.body]: SAVE_FAILED });
  }
  await ack();
}

// ---- The CX office's review: the card's buttons and modals ------------------------------------------------

/**
 * A review click, acked, with the story it is about, once the role is checked on the server; anyone
 * else is told under the card, and nothing changes.
 */
async function reviewClick(
  { ack, body, client }: ActionArgs,
  deps: AppDeps,
): Promise<{ click: BlockActionPayload; storyId: number } | undefined> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    if (click.channel)
      await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, notice(REFUSAL));
    return undefined;
  }
  const storyId = storyIdOf(click.actions[0]?.value);
  return storyId === undefined ? undefined : { click, storyId };
}

async function onApproveClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  const review = await reviewClick(args, deps);
  if (review) await approveStory(deps.db, review.storyId, review.click.user.id, deps.config, deps.now());
}

/** "Story of the week": the pick for the next weekly update. */
async function onPickClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  const review = await reviewClick(args, deps);
  if (!review) return;
  const { click, storyId } = review;
  await pickStory(deps.db, storyId, click.user.id, deps.config.timeZone, deps.config, deps.now());
}

/** "Reject…": asks for a note for the teller. */
async function onRejectClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  const review = await reviewClick(args, deps);
  const story = review && (await findStoryById(deps.db, review.storyId));
  if (!review || !story) return;
  await args.client.views.open({
    trigger_id: review.click.trigger_id,
    view: renderRejectModal(story, encodeMetadata(reviewMetadata, { storyId: story.id })),
  });
}

/** "Edit": the story form, prefilled. */
async function onEditClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  const review = await reviewClick(args, deps);
  const loaded = review && (await loadStoryForEdit(deps.db, review.storyId));
  if (!review || !loaded) return;
  const { story, stages, categories } = loaded;
  await args.client.views.open({
    trigger_id: review.click.trigger_id,
    view: renderStoryModal({
      stages,
      categories,
      callbackId: storiesIds.editModal,
      values: {
        body: story.body,
        customer: story.customer,
        stage: story.stageId ? String(story.stageId) : undefined,
        category: story.categoryId ? String(story.categoryId) : undefined,
        kind: story.kind,
        shareable: story.shareable,
      },
      privateMetadata: encodeMetadata(reviewMetadata, { storyId: story.id }),
    }),
  });
}

/** A review modal submitted: role checked again on the server, then the story it is about. */
async function reviewedInModal(
  deps: AppDeps,
  submission: { user: { id: string }; view: { private_metadata?: string } },
  block: string,
): Promise<{ ok: true; storyId: number } | { ok: false; errors: FieldErrors }> {
  if (!(await deps.roles.isCxOffice(submission.user.id))) return { ok: false, errors: { [block]: REFUSAL } };
  const metadata = readModalMetadata(reviewMetadata, submission.view.private_metadata, block);
  return metadata.ok ? { ok: true, storyId: metadata.data.storyId } : metadata;
}

async function onRejectSubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const answer = (errors: FieldErrors) => ack({ response_action: 'errors', errors });
  const target = await reviewedInModal(deps, submission, storiesIds.note);
  if (!target.ok) return answer(target.errors);
  const form = readRejectForm(submission.view.state);
  if (!form.ok) return answer(form.errors);
  let result: Awaited<ReturnType<typeof rejectStory>>;
  try {
    result = await rejectStory(
      deps.db,
      target.storyId,
      submission.user.id,
      form.data.note,
      deps.config,
      deps.now(),
    );
  } catch (error) {
    deps.logger.error(`Rejecting a story failed: ${safeErrorText(error)}`);
    return answer({ [storiesIds.note]: SAVE_FAILED });
  }
  // The form turns into what was saved; the card and the teller's DM follow through the outbox.
  await ack({
    response_action: 'update',
    view: renderStoryRejectSaved(result.ok ? result.story : undefined),
  });
}

async function onEditSubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const answer = (errors: FieldErrors) => ack({ response_action: 'errors', errors });
  const target = await reviewedInModal(deps, submission, storiesIds.body);
  if (!target.ok) return answer(target.errors);
  const form = readStoryForm(submission.view.state);
  if (!form.ok) return answer(form.errors);
  let edited: Awaited<ReturnType<typeof editStory>>;
  try {
    edited = await editStory(deps.db, target.storyId, form.data, deps.config, deps.now());
  } catch (error) {
    deps.logger.error(`Editing a story failed: ${safeErrorText(error)}`);
    return answer({ [storiesIds.body]: SAVE_FAILED });
  }
  await ack({ response_action: 'update', view: renderStoryEditSaved(edited) });
}

// ---- /touchpoint export stories -----------------------------------------------------------------------------

/** `/touchpoint export stories` (CX office): a CSV of every story, by DM. */
export async function onExportStoriesCommand(
  args: Parameters<TouchpointSubcommand['run']>[0],
): Promise<void> {
  await answerWithExport(args, renderStoriesExport(await listStoriesForExport(args.deps.db)));
}
