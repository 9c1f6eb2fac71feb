import type { KnownBlock, ModalView } from '@slack/types';
import type { Page } from '../../paging.js';
import { context, cxOnly, header, notice, type SlackMessage, section } from '../../slack/blocks.js';
import { slackDateTime } from '../../slack/dates.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { pagerBlocks } from '../../slack/paging.js';
import { countOf } from '../../slack/plural.js';
import { deliveryIds } from './delivery.ids.js';
import type { DeadLetter, DeliveryHealth } from './delivery.service.js';

function deadLetterBlock(letter: DeadLetter): KnownBlock {
  // The kind is built from fixed words and numbers only; the error is escaped all the same.
  const reason = letter.error ? `\n\`${escapeAndTruncate(letter.error, 300)}\`` : '';
  return {
    type: 'section',
    block_id: deliveryIds.deadLetter(letter.id),
    text: {
      type: 'mrkdwn',
      text: `*${escapeAndTruncate(letter.kind, 200)}* · ${slackDateTime(letter.at)} · ${countOf(letter.attempts, 'attempt')}${reason}`,
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
      // The rest are a click away: "See all" opens every one, with its Retry, in a modal a page at a time.
      blocks.push({
        ...section(
          `The latest ${health.latest.length}: …and ${(health.dead - health.latest.length).toLocaleString('en-US')} more.`,
          deliveryIds.more,
        ),
        accessory: {
          type: 'button',
          action_id: deliveryIds.pageOpen,
          text: { type: 'plain_text', text: `See all ${health.dead.toLocaleString('en-US')}`, emoji: true },
          value: '1',
        },
      });
    }
    blocks.push(retryAllActions(health.dead, deliveryIds.actions));
  }
  const text =
    `Delivery: ${health.waiting} waiting, ${health.sending} being sent, ` +
    `${health.dead} could not be delivered.${notice ? ` ${notice}` : ''}`;
  return { text, blocks };
}

/**
 * Every dead letter, a page at a time, each with Retry (`/touchpoint health` → "See all"). The page rides
 * in `private_metadata`, so a Retry here shows the same page again, with what it did on top.
 */
export function renderDeadLettersModal(letters: DeadLetter[], page: Page, notice?: string): ModalView {
  return {
    type: 'modal',
    callback_id: deliveryIds.listModal,
    title: { type: 'plain_text', text: 'Not delivered' },
    close: { type: 'plain_text', text: 'Done' },
    private_metadata: String(page.number),
    blocks: [
      ...(notice ? [section(notice, deliveryIds.notice)] : []),
      ...(letters.length > 0
        ? letters.map(deadLetterBlock)
        : [section('Every message was delivered or is on its way. Nothing to retry.')]),
      ...pagerBlocks(page, {
        block: deliveryIds.pager,
        previous: deliveryIds.previous,
        next: deliveryIds.next,
      }),
    ],
  };
}

/** What a Retry click did, shown on top of the refreshed health message. */
export function renderRetriedNotice(retried: number, which: 'all' | 'one'): string {
  if (retried === 0)
    return which === 'all'
      ? 'Nothing to retry: every message was already back in the queue or delivered.'
      : 'Nothing to retry: that message was already back in the queue or delivered.';
  return `:leftwards_arrow_with_hook: ${countOf(retried, 'message is', 'messages are')} back in the queue and will be sent in a moment.`;
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
            text: `${countOf(dead, 'message goes', 'messages go')} back in the queue and will be sent again.`,
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
      `:warning: ${countOf(dead, 'message')} could not be delivered — \`/touchpoint health\``,
      deliveryIds.homeLine,
    ),
    retryAllActions(dead, deliveryIds.homeActions),
  ];
}
