import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { SlackMessage } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { ActionArgs, Listeners } from '../../slack/listeners.js';
import { clickedModal, requestedPage } from '../../slack/paging.js';
import { type BlockActionPayload, blockActionSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import type { HomeSection, TouchpointSubcommand } from '../feature.js';
import { deliveryIds } from './delivery.ids.js';
import {
  countDeadLetters,
  deadLettersPage,
  readDeliveryHealth,
  retryDeadLetters,
} from './delivery.service.js';
import {
  renderDeadLettersHomeLine,
  renderDeadLettersModal,
  renderDeliveryHealth,
  renderRefusal,
  renderRetriedNotice,
} from './delivery.views.js';

const outboxIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export function registerDeliveryListeners(slack: Listeners, deps: AppDeps): void {
  slack.action(deliveryIds.retry, (args) => onRetryClicked(args, deps, 'one'));
  slack.action(deliveryIds.retryAll, (args) => onRetryClicked(args, deps, 'all'));
  slack.action(deliveryIds.pageOpen, (args) => onDeadLettersPageClicked(args, deps));
  slack.action(deliveryIds.previous, (args) => onDeadLettersPageClicked(args, deps));
  slack.action(deliveryIds.next, (args) => onDeadLettersPageClicked(args, deps));
}

/**
 * "See all" under `/touchpoint health` opens every dead letter in a modal; "Next ›" / "‹ Previous" page it
 * in place. The CX office's only: the role is checked on the server for every page.
 */
async function onDeadLettersPageClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await answerClicker(client, click, renderRefusal());
    return;
  }
  const { letters, page } = await deadLettersPage(deps.db, requestedPage(click.actions[0]?.value));
  const view = renderDeadLettersModal(letters, page);
  const modal = clickedModal(body);
  if (modal) await client.views.update({ view_id: modal.id, view });
  else await client.views.open({ trigger_id: click.trigger_id, view });
}

// ---- /touchpoint health ------------------------------------------------------------------------------

/** `/touchpoint health` (CX office; the role is checked by `/touchpoint` before this runs). */
export const onHealthCommand: TouchpointSubcommand['run'] = async ({ command, client, respond, deps }) => {
  await replyEphemeral(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    renderDeliveryHealth(await readDeliveryHealth(deps.db)),
  );
};

// ---- Retry and Retry all -----------------------------------------------------------------------------

/** The role is checked on the server for every click, whoever could click. */
async function onRetryClicked(
  { ack, body, client, respond }: ActionArgs,
  deps: AppDeps,
  which: 'all' | 'one',
): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await answerClicker(client, click, renderRefusal());
    return;
  }
  let target: 'all' | number = 'all';
  if (which === 'one') {
    const id = outboxIdSchema.safeParse(click.actions[0]?.value);
    if (!id.success) return;
    target = id.data;
  }
  const { retried, health } = await retryDeadLetters(deps.db, target, deps.now());
  // In the "See all" modal: the same page again, with what was done on top.
  const modal = clickedModal(body);
  if (modal) {
    const { letters, page } = await deadLettersPage(deps.db, requestedPage(modal.privateMetadata));
    const view = renderDeadLettersModal(letters, page, renderRetriedNotice(retried, which));
    await client.views.update({ view_id: modal.id, view });
    return;
  }
  const message = renderDeliveryHealth(health, renderRetriedNotice(retried, which));
  // The health message is ephemeral: it is replaced through its response URL, with what was done on top.
  if (respond && click.response_url) {
    await respond({ replace_original: true, response_type: 'ephemeral', ...message });
  } else {
    await answerClicker(client, click, message);
  }
}

/** Answers only the person who clicked, without touching the message they clicked in. */
async function answerClicker(
  client: WebClient,
  click: BlockActionPayload,
  message: SlackMessage,
): Promise<void> {
  if (click.channel) {
    await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, message);
  } else {
    await sendDm(client, click.user.id, message);
  }
}

// ---- App Home ----------------------------------------------------------------------------------------

/** The CX office's line "N messages could not be delivered", only when there are any. */
export const onHomeRendered: HomeSection['render'] = async ({ deps, isCxOffice }) => {
  if (!isCxOffice) return [];
  // One line is not worth an App Home that fails to open: without the count, it is left out.
  const dead = await countDeadLetters(deps.db).catch((error: unknown) => {
    deps.logger.warn(`Counting undelivered messages failed: ${safeErrorText(error)}`);
    return 0;
  });
  return renderDeadLettersHomeLine(dead);
};
