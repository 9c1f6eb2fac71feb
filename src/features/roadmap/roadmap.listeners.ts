import { z } from 'zod';
import { cxOnly, SAVE_FAILED } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import { decodeMetadata, encodeMetadata } from '../../slack/metadata.js';
import { slashCommandSchema, viewSubmissionSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { readViewState, validateFields } from '../../slack/view-state.js';
import { listActiveJourneyStages, listJourneyStages } from '../settings/settings.service.js';
import { roadmapIds } from './roadmap.ids.js';
import {
  addRoadmapItem,
  addRoadmapNote,
  editRoadmapItem,
  findItem,
  listRoadmapByStage,
  noteFieldsSchema,
  parseItemRef,
  roadmapFieldsSchema,
} from './roadmap.service.js';
import { renderItemModal, renderNoteModal, renderNotice, renderRoadmap } from './roadmap.views.js';

const itemMetadata = z.object({ itemId: z.number().int().positive().optional() });
const REFUSAL = cxOnly('change the roadmap', '`/roadmap` shows it to everyone.');

export function registerRoadmapListeners(slack: Listeners, deps: AppDeps): void {
  slack.command(roadmapIds.command, async ({ ack, body, client, respond }) => {
    await ack();
    const command = slashCommandSchema.parse(body);
    const target = { channel: command.channel_id, user: command.user_id, respond };
    const [verb = '', ...restWords] = command.text.trim().split(/\s+/);
    const rest = restWords.join(' ');
    const action = verb.toLowerCase();
    const canEdit = await deps.roles.isCxOffice(command.user_id);
    if (!['add', 'edit', 'note'].includes(action)) {
      await replyEphemeral(client, target, renderRoadmap(await listRoadmapByStage(deps.db), { canEdit }));
      return;
    }
    if (!canEdit) {
      await replyEphemeral(client, target, renderNotice(REFUSAL));
      return;
    }
    if (action === 'add') {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: renderItemModal({
          stages: await listActiveJourneyStages(deps.db),
          privateMetadata: encodeMetadata(itemMetadata, {}),
        }),
      });
      return;
    }
    const itemId = parseItemRef(rest);
    const item = itemId === undefined ? undefined : await findItem(deps.db, itemId);
    if (!item) {
      await replyEphemeral(
        client,
        target,
        renderNotice(`Which item? Type \`/roadmap ${action} #id\`; \`/roadmap\` lists the ids.`),
      );
      return;
    }
    if (action === 'edit') {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: renderItemModal({
          stages: await listJourneyStages(deps.db),
          item,
          privateMetadata: encodeMetadata(itemMetadata, { itemId: item.id }),
        }),
      });
      return;
    }
    const noteText = rest.replace(/^\s*#?\d+\s*/, '');
    if (noteText === '') {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: renderNoteModal({ item, privateMetadata: encodeMetadata(itemMetadata, { itemId: item.id }) }),
      });
      return;
    }
    const validated = validateFields(noteFieldsSchema, { note: noteText });
    if (!validated.ok) {
      await replyEphemeral(client, target, renderNotice(validated.errors.note ?? 'That note does not work.'));
      return;
    }
    await addRoadmapNote(
      deps.db,
      {
        itemId: item.id,
        note: validated.data.note,
        actorId: command.user_id,
        idempotencyKey: `command:${command.trigger_id}`,
      },
      deps.now(),
    );
    await replyEphemeral(
      client,
      target,
      renderNotice(`Noted on #${item.id}. It will be in the next weekly update.`),
    );
  });

  slack.view(roadmapIds.itemModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    if (!(await deps.roles.isCxOffice(submission.user.id))) {
      await ack({ response_action: 'errors', errors: { [roadmapIds.title]: REFUSAL } });
      return;
    }
    const validated = validateFields(roadmapFieldsSchema, readViewState(submission.view.state));
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    const metadata = decodeMetadata(itemMetadata, submission.view.private_metadata) ?? {};
    const key = `view:${submission.view.id}`;
    try {
      if (metadata.itemId === undefined) {
        await addRoadmapItem(
          deps.db,
          { fields: validated.data, actorId: submission.user.id, idempotencyKey: key },
          deps.now(),
        );
      } else {
        await editRoadmapItem(
          deps.db,
          {
            itemId: metadata.itemId,
            fields: validated.data,
            actorId: submission.user.id,
            idempotencyKey: key,
          },
          deps.now(),
        );
      }
    } catch (error) {
      deps.logger.error(`Saving a roadmap item failed: ${(error as Error).message}`);
      // An error keeps the modal open with everything typed.
      await ack({ response_action: 'errors', errors: { [roadmapIds.title]: SAVE_FAILED } });
      return;
    }
    await ack();
  });

  slack.view(roadmapIds.noteModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const metadata = decodeMetadata(itemMetadata, submission.view.private_metadata);
    if (!(await deps.roles.isCxOffice(submission.user.id)) || metadata?.itemId === undefined) {
      await ack({ response_action: 'errors', errors: { [roadmapIds.note]: REFUSAL } });
      return;
    }
    const validated = validateFields(noteFieldsSchema, readViewState(submission.view.state));
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    await addRoadmapNote(
      deps.db,
      {
        itemId: metadata.itemId,
        note: validated.data.note,
        actorId: submission.user.id,
        idempotencyKey: `view:${submission.view.id}`,
      },
      deps.now(),
    );
    await ack();
  });
}
