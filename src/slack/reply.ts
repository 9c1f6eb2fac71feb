import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ErrorCode, type WebAPIPlatformError } from '@slack/web-api';
import type { SlackMessage } from './blocks.js';
import { sendDm } from './dm.js';

/**
 * Where a slash command or action came from, enough to answer only the person who asked. `channel` equal
 * to `user` means no conversation (App Home): the answer goes by DM.
 */
export interface EphemeralTarget {
  channel: string;
  user: string;
  respond?: RespondFn;
}

// Slash commands work in any conversation, but the bot can only post into those it is in.
const NOT_IN_CONVERSATION = new Set(['channel_not_found', 'not_in_channel', 'user_not_in_channel']);

/**
 * Answers one person privately: `chat.postEphemeral`, or the command's response URL where the bot is
 * not in the conversation (a DM between two people, a channel it was never invited to).
 */
export async function replyEphemeral(
  client: WebClient,
  target: EphemeralTarget,
  message: SlackMessage,
): Promise<void> {
  // A click in App Home has no conversation to answer in (its target names the person as the channel):
  // the answer is a DM, in the person's messages with the app.
  if (target.channel === target.user) {
    await sendDm(client, target.user, message);
    return;
  }
  try {
    await client.chat.postEphemeral({ channel: target.channel, user: target.user, ...message });
  } catch (error) {
    const code = isPlatformError(error) ? error.data.error : undefined;
    if (!target.respond || code === undefined || !NOT_IN_CONVERSATION.has(code)) throw error;
    await target.respond({ response_type: 'ephemeral', replace_original: false, ...message });
  }
}

export function isPlatformError(error: unknown): error is WebAPIPlatformError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === ErrorCode.PlatformError
  );
}
