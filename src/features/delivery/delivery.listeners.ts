import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { Listeners } from '../../slack/listeners.js';
import { type BlockActionPayload, blockActionSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { redactErrors } from '../../slack/safe-errors.js';
import type { TouchpointSubcommand } from '../feature.js';
import { deliveryIds } from './delivery.ids.js';
import { readDeliveryHealth, retryDeadLetters } from './delivery.service.js';
import { renderDeliveryHealth, renderRefusal, renderRetriedNotice } from './delivery.views.js';

const outboxIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** `/touchpoint health` (CX office; the role is checked by `/touchpoint` before this runs). */
export const healthSubcommand: TouchpointSubcommand = {
  name: 'health',
  cxOfficeOnly: true,
  async run({ command, client, respond, deps }) {
    const health = await readDeliveryHealth(deps.db);
    await replyEphemeral(
      client,
      { channel: command.channel_id, user: command.user_id, respond },
      renderDeliveryHealth(health),
    );
  },
};

/** Answers only the person who clicked, without touching the message they clicked in. */
async function tellClicker(client: WebClient, click: BlockActionPayload): Promise<void> {
  if (click.channel) {
    await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, renderRefusal());
  } else {
    await sendDm(client, click.user.id, renderRefusal());
  }
}

export function registerDeliveryListeners(slack: Listeners, deps: AppDeps): void {
  /** Retry and Retry all: the role is checked on the server for every click, whoever could click. */
  async function onRetryClicked(
    body: unknown,
    client: WebClient,
    respond: RespondFn | undefined,
    which: 'all' | 'one',
  ): Promise<void> {
    const click = blockActionSchema.parse(body);
    if (!(await deps.roles.isCxOffice(click.user.id))) {
      await tellClicker(client, click);
      return;
    }
    let target: 'all' | number = 'all';
    if (which === 'one') {
      const id = outboxIdSchema.safeParse(click.actions[0]?.value);
      if (!id.success) return;
      target = id.data;
    }
    const now = deps.now();
    const retried = await retryDeadLetters(deps.db, target, now);
    // The health message is ephemeral: it is replaced through its response URL, with what was done on top.
    const message = renderDeliveryHealth(
      await readDeliveryHealth(deps.db),
      renderRetriedNotice(retried, which),
    );
    if (respond && click.response_url) {
      await respond({ replace_original: true, response_type: 'ephemeral', ...message });
    } else if (click.channel) {
      await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, message);
    } else {
      await sendDm(client, click.user.id, message);
    }
  }

  slack.action(deliveryIds.retry, redactErrors, async ({ ack, body, client, respond }) => {
    await ack();
    await onRetryClicked(body, client, respond, 'one');
  });

  slack.action(deliveryIds.retryAll, redactErrors, async ({ ack, body, client, respond }) => {
    await ack();
    await onRetryClicked(body, client, respond, 'all');
  });
}
