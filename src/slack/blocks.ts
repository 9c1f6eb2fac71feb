import type { ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';

/** Tiny typed helpers: what a test asserts is exactly what Slack receives. Text here is already safe. */

export function header(text: string, blockId?: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text, emoji: true },
    ...(blockId && { block_id: blockId }),
  };
}

export function section(mrkdwn: string, blockId?: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn }, ...(blockId && { block_id: blockId }) };
}

export function context(mrkdwn: string, blockId?: string): ContextBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: mrkdwn }],
    ...(blockId && { block_id: blockId }),
  };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

/** A message: `text` is the notification and screen-reader fallback, `blocks` what people see. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}
