import type { WebClient } from '@slack/web-api';
import { notice, SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { ActionArgs, CommandArgs, Listeners, SubmissionArgs } from '../../slack/listeners.js';
import { clickedModal, requestedPage } from '../../slack/paging.js';
import {
  blockActionSchema,
  slashCommandSchema,
  type ViewSubmissionPayload,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import {
  encodeItemMetadata,
  type FormResult,
  parseRoadmapCommand,
  readItemSubmission,
  readNoteSubmission,
  readNoteText,
  readWhyButtonValue,
  readWhySubmission,
} from './roadmap.forms.js';
import { roadmapIds } from './roadmap.ids.js';
import {
  addRoadmapNote,
  findItem,
  loadItemForm,
  loadWhyForm,
  roadmapPage,
  saveRoadmapItem,
  saveWhyItMatters,
} from './roadmap.service.js';
import {
  ITEM_GONE,
  ROADMAP_REFUSAL,
  renderItemModal,
  renderItemSaved,
  renderNoted,
  renderNoteModal,
  renderNoteSaved,
  renderRoadmap,
  renderRoadmapModal,
  renderWhichItem,
  renderWhyModal,
  renderWhySaved,
  WHY_REFUSAL,
} from './roadmap.views.js';

export function registerRoadmapListeners(slack: Listeners, deps: AppDeps): void {
  slack.command(roadmapIds.command, (args) => onRoadmapCommand(args, deps));
  slack.view(roadmapIds.itemModal, (args) => onItemSubmitted(args, deps));
  slack.view(roadmapIds.noteModal, (args) => onNoteSubmitted(args, deps));
  slack.action(roadmapIds.open, (args) => onOpenRoadmapClicked(args, deps));
  slack.action(roadmapIds.pageOpen, (args) => onRoadmapPageClicked(args, deps));
  slack.action(roadmapIds.previous, (args) => onRoadmapPageClicked(args, deps));
  slack.action(roadmapIds.next, (args) => onRoadmapPageClicked(args, deps));
  slack.action(roadmapIds.whyButton, (args) => onWhyClicked(args, deps));
  slack.view(roadmapIds.whyModal, (args) => onWhySubmitted(args, deps));
}

/** "See all" under `/roadmap` opens the roadmap in a modal; its "Next ›" / "‹ Previous" page it in place. */
async function onRoadmapPageClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const { groups, page } = await roadmapPage(deps.db, requestedPage(click.actions[0]?.value));
  const view = renderRoadmapModal(groups, page);
  const modal = clickedModal(body);
  if (modal) await client.views.update({ view_id: modal.id, view });
  else await client.views.open({ trigger_id: click.trigger_id, view });
}

/**
 * "Open the roadmap" (the CX office's App Home): what `/roadmap` shows, by DM (a Home has no conversation
 * to answer in). Anyone may read the roadmap; the role, checked here, decides whether editing hints show.
 */
async function onOpenRoadmapClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const canEdit = await deps.roles.isCxOffice(click.user.id);
  const { groups, page } = await roadmapPage(deps.db, 1);
  const roadmap = renderRoadmap(groups, { canEdit, page, viewerId: click.user.id });
  if (click.channel)
    await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, roadmap);
  else await sendDm(client, click.user.id, roadmap);
}

// ---- /roadmap ----------------------------------------------------------------------------------------

/** What a `/roadmap` subcommand needs: where to open a modal, and how to answer only the person. */
interface CommandContext {
  deps: AppDeps;
  client: WebClient;
  triggerId: string;
  userId: string;
  reply(message: SlackMessage): Promise<void>;
}

/** `/roadmap` shows the roadmap to anyone; `add`, `edit #id` and `note #id [text]` are the CX office's. */
async function onRoadmapCommand({ ack, body, client, respond }: CommandArgs, deps: AppDeps): Promise<void> {
  await ack();
  const command = slashCommandSchema.parse(body);
  const parsed = parseRoadmapCommand(command.text);
  const context: CommandContext = {
    deps,
    client,
    triggerId: command.trigger_id,
    userId: command.user_id,
    reply: (message) =>
      replyEphemeral(client, { channel: command.channel_id, user: command.user_id, respond }, message),
  };
  const canEdit = await deps.roles.isCxOffice(command.user_id);
  if (parsed.verb === 'list') {
    const { groups, page } = await roadmapPage(deps.db, 1);
    await context.reply(renderRoadmap(groups, { canEdit, page, viewerId: command.user_id }));
    return;
  }
  // The item's owner may say why it matters too: the service checks who, not only the CX office.
  if (parsed.verb === 'why') {
    if (parsed.itemId === undefined) await context.reply(renderWhichItem('why'));
    else await openWhyForm(context, parsed.itemId, canEdit);
    return;
  }
  if (!canEdit) {
    await context.reply(notice(ROADMAP_REFUSAL));
    return;
  }
  if (parsed.verb === 'add') await onItemFormCommand(context);
  else if (parsed.itemId === undefined) await context.reply(renderWhichItem(parsed.verb));
  else if (parsed.verb === 'edit') await onItemFormCommand(context, parsed.itemId);
  else if (parsed.note === '') await onNoteFormCommand(context, parsed.itemId);
  else await onNoteCommand(context, parsed.itemId, parsed.note);
}

/** `/roadmap add` (no item) and `/roadmap edit #id`: the item form. */
async function onItemFormCommand(context: CommandContext, itemId?: number): Promise<void> {
  const form = await loadItemForm(context.deps.db, itemId);
  if (!form.ok) {
    await context.reply(renderWhichItem('edit'));
    return;
  }
  await context.client.views.open({
    trigger_id: context.triggerId,
    view: renderItemModal({
      stages: form.stages,
      categories: form.categories,
      item: form.item,
      privateMetadata: encodeItemMetadata(form.item?.id),
    }),
  });
}

/** `/roadmap note #id`: the note form. */
async function onNoteFormCommand(context: CommandContext, itemId: number): Promise<void> {
  const item = await findItem(context.deps.db, itemId);
  if (!item) {
    await context.reply(renderWhichItem('note'));
    return;
  }
  await context.client.views.open({
    trigger_id: context.triggerId,
    view: renderNoteModal({ item, privateMetadata: encodeItemMetadata(item.id) }),
  });
}

/** `/roadmap note #id what moved`: the note, without a form. */
async function onNoteCommand(context: CommandContext, itemId: number, text: string): Promise<void> {
  const note = readNoteText(text);
  if (!note.ok) {
    await context.reply(notice(Object.values(note.errors)[0] ?? 'That note does not work.'));
    return;
  }
  const noted = await addRoadmapNote(
    context.deps.db,
    { itemId, note: note.data, actorId: context.userId, idempotencyKey: `command:${context.triggerId}` },
    context.deps.now(),
  );
  await context.reply(
    noted.ok || noted.reason === 'already_done' ? renderNoted(itemId) : renderWhichItem('note'),
  );
}

// ---- "Why this matters": the item's owner, or the CX office ------------------------------------------

/** Opens the "why this matters" form for the item, or says privately why not (not theirs, or no such item). */
async function openWhyForm(context: CommandContext, itemId: number, isCxOffice: boolean): Promise<void> {
  const form = await loadWhyForm(context.deps.db, itemId, { userId: context.userId, isCxOffice });
  if (!form.ok) {
    await context.reply(form.reason === 'forbidden' ? notice(WHY_REFUSAL) : renderWhichItem('why'));
    return;
  }
  await context.client.views.open({
    trigger_id: context.triggerId,
    view: renderWhyModal({ item: form.item, privateMetadata: encodeItemMetadata(form.item.id) }),
  });
}

/** "Why it matters" under `/roadmap`, on an item of yours. */
async function onWhyClicked({ ack, body, client, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const action = click.actions[0];
  const itemId = readWhyButtonValue(action?.value);
  const userId = click.user.id;
  const context: CommandContext = {
    deps,
    client,
    triggerId: click.trigger_id,
    userId,
    // No conversation (a click in App Home): the answer is a DM.
    reply: (message) =>
      replyEphemeral(client, { channel: click.channel?.id ?? userId, user: userId, respond }, message),
  };
  if (itemId === undefined) {
    await context.reply(renderWhichItem('why'));
    return;
  }
  await openWhyForm(context, itemId, await deps.roles.isCxOffice(userId));
}

/** Saves why the item matters: checked again on the server (owner or CX office); a failure keeps the text. */
async function onWhySubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = readWhySubmission(submission.view);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const field = roadmapIds.whyItMatters;
  let saved: Awaited<ReturnType<typeof saveWhyItMatters>>;
  try {
    const isCxOffice = await deps.roles.isCxOffice(submission.user.id);
    saved = await saveWhyItMatters(
      deps.db,
      {
        ...form.data,
        actorId: submission.user.id,
        isCxOffice,
        idempotencyKey: `view:${submission.view.id}`,
      },
      deps.now(),
    );
  } catch (error) {
    deps.logger.error(`Saving why a roadmap item matters failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [field]: SAVE_FAILED } });
    return;
  }
  if (saved.ok) await ack({ response_action: 'update', view: renderWhySaved(saved) });
  else if (saved.reason === 'forbidden')
    await ack({ response_action: 'errors', errors: { [field]: WHY_REFUSAL } });
  else if (saved.reason === 'not_found')
    await ack({ response_action: 'errors', errors: { [field]: ITEM_GONE } });
  // A replayed submission was saved the first time.
  else await ack();
}

// ---- The item and note forms ------------------------------------------------------------------------

/**
 * A CX-office form as submitted: what the service needs (the form's data, who, and the submission as
 * idempotency key), or undefined once the modal was answered with why not (under `refusalBlock` for
 * someone outside the CX office, under each field for what does not read well).
 */
async function readCxSubmission<T>(
  { ack, body }: SubmissionArgs,
  deps: AppDeps,
  refusalBlock: string,
  read: (view: ViewSubmissionPayload['view']) => FormResult<T>,
): Promise<(T & { actorId: string; idempotencyKey: string }) | undefined> {
  const submission = viewSubmissionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(submission.user.id))) {
    await ack({ response_action: 'errors', errors: { [refusalBlock]: ROADMAP_REFUSAL } });
    return undefined;
  }
  const form = read(submission.view);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return undefined;
  }
  return { ...form.data, actorId: submission.user.id, idempotencyKey: `view:${submission.view.id}` };
}

/** Adds or edits an item (the modal's metadata says which); errors keep the modal open with what was typed. */
async function onItemSubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  const change = await readCxSubmission(args, deps, roadmapIds.title, readItemSubmission);
  if (!change) return;
  let saved: Awaited<ReturnType<typeof saveRoadmapItem>>;
  try {
    saved = await saveRoadmapItem(deps.db, change, deps.now());
  } catch (error) {
    deps.logger.error(`Saving a roadmap item failed: ${safeErrorText(error)}`);
    await args.ack({ response_action: 'errors', errors: { [roadmapIds.title]: SAVE_FAILED } });
    return;
  }
  // A replayed submission (already_done) was saved the first time; an item deleted meanwhile is said so.
  if (!saved.ok && saved.reason === 'not_found') {
    await args.ack({ response_action: 'errors', errors: { [roadmapIds.title]: ITEM_GONE } });
    return;
  }
  await args.ack(saved.ok ? { response_action: 'update', view: renderItemSaved(saved) } : undefined);
}

async function onNoteSubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  const note = await readCxSubmission(args, deps, roadmapIds.note, readNoteSubmission);
  if (!note) return;
  let noted: Awaited<ReturnType<typeof addRoadmapNote>>;
  try {
    noted = await addRoadmapNote(deps.db, note, deps.now());
  } catch (error) {
    deps.logger.error(`Saving a roadmap note failed: ${safeErrorText(error)}`);
    await args.ack({ response_action: 'errors', errors: { [roadmapIds.note]: SAVE_FAILED } });
    return;
  }
  if (!noted.ok && noted.reason === 'not_found') {
    await args.ack({ response_action: 'errors', errors: { [roadmapIds.note]: ITEM_GONE } });
    return;
  }
  // The form turns into what was saved (a replayed submission was saved the first time: the same words).
  await args.ack({ response_action: 'update', view: renderNoteSaved(note.itemId) });
}
