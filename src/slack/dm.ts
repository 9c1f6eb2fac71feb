import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from './blocks.js';

/** Sends a direct message from the app. A user ID as the channel posts into the app's DM with them. */
export async function sendDm(
  client: WebClient,
  userId: string,
  message: SlackMessage,
): Promise<{ channel: string; ts: string }> {
  const result = await client.chat.postMessage({ channel: userId, ...message, unfurl_links: false });
  return { channel: String(result.channel), ts: String(result.ts) };
}
