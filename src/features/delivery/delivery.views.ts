import type { KnownBlock } from '@slack/types';
import { context, cxOnly, header, notice, type SlackMessage, section } from '../../slack/blocks.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { deliveryIds } from './delivery.ids.js';
import type { DeadLetter, DeliveryHealth } from './delivery.service.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A time Slack shows in the reader's own zone; the fallback is UTC. */
function slackTime(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  const fallback = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`;
}

function deadLetterBlock(letter: DeadLetter): KnownBlock {
  // The kind is built from fixed words and numbers only; the error is escaped all the same.
  const reason = letter.error ? `\n\`${escapeAndTruncate(letter.error, 300)}\`` : '';
  return {
    type: 'section',
    block_id: deliveryIds.deadLetter(letter.id),
    text: {
      type: 'mrkdwn',
      text: `*${escapeAndTruncate(letter.kind, 200)}* · ${slackTime(letter.at)} · ${plural(letter.attempts, 'attempt', 'attempts')}${reason}`,
    },
    accessory: {
      type: 'button',
      action_id: deliveryIds.retry,
      text: { type: 'plain_text', text: 'Retry', emoji: true },
      value: String(letter.id),
    },
  };
}

/**
 * `/touchpoint health`: the outbox's state and the latest dead letters, each with Retry, and Retry all.
 * At most 10 letters + 6 blocks, well under a message's 50.
 */
export function renderDeliveryHealth(health: DeliveryHealth, notice?: string): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (notice) blocks.push(section(notice, deliveryIds.notice));
  blocks.push(
    header('Delivery'),
    section(
      `*Waiting to be sent:* ${health.waiting}   *Being sent:* ${health.sending}   *Could not be delivered:* ${health.dead}`,
      deliveryIds.counts,
    ),
  );
  if (health.dead === 0) {
    blocks.push(context('Every message was delivered or is on its way. Nothing to retry.'));
  } else {
    blocks.push(
      context(
        'Could not be delivered: tried too often, or Slack refused it for good (a channel archived, a person gone). Retry puts it back in the queue.',
      ),
    );
    blocks.push(...health.latest.map(deadLetterBlock));
    if (health.dead > health.latest.length) {
      blocks.push(context(`The latest ${health.latest.length} of ${health.dead}.`, deliveryIds.more));
    }
    blocks.push(retryAllActions(health.dead, deliveryIds.actions));
  }
  const text =
    `Delivery: ${health.waiting} waiting, ${health.sending} being sent, ` +
    `${health.dead} could not be delivered.${notice ? ` ${notice}` : ''}`;
  return { text, blocks };
}

/** What a Retry click did, shown on top of the refreshed health message. */
export function renderRetriedNotice(retried: number, which: 'all' | 'one'): string {
  if (retried === 0)
    return which === 'all'
      ? 'Nothing to retry: every message was already back in the queue or delivered.'
      : 'Nothing to retry: that message was already back in the queue or delivered.';
  return `:leftwards_arrow_with_hook: ${plural(retried, 'message is', 'messages are')} back in the queue and will be sent in a moment.`;
}

export function renderRefusal(): SlackMessage {
  return notice(cxOnly('retry messages', 'Nothing changed.'));
}

/** "Retry all N", behind a confirmation (in `/touchpoint health` and in the CX office's App Home). */
function retryAllActions(dead: number, blockId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [
      {
        type: 'button',
        action_id: deliveryIds.retryAll,
        text: { type: 'plain_text', text: `Retry all ${dead}`, emoji: true },
        value: 'all',
        confirm: {
          title: { type: 'plain_text', text: 'Retry every message?' },
          text: {
            type: 'plain_text',
            text: `${plural(dead, 'message goes', 'messages go')} back in the queue and will be sent again.`,
          },
          confirm: { type: 'plain_text', text: 'Retry all' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}

/** The CX office's App Home line and "Retry all", only when something could not be delivered. */
export function renderDeadLettersHomeLine(dead: number): KnownBlock[] {
  if (dead === 0) return [];
  return [
    section(
      `:warning: ${plural(dead, 'message', 'messages')} could not be delivered — \`/touchpoint health\``,
      deliveryIds.homeLine,
    ),
    retryAllActions(dead, deliveryIds.homeActions),
  ];
}
