import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { encodeMetadata } from './metadata.js';
import { blockActionSchema, type ShortcutPayload, shortcutSchema, slashCommandSchema } from './payloads.js';

/**
 * A form asked for in any of the ways Slack offers: a slash command (its text prefills the form), a ⚡
 * shortcut or a button (empty), or a message's ⋯ shortcut (the message prefills it, and the form keeps
 * a link back to it). Features read all four into one request, so each opens its form one way.
 */

/** Where a form was asked from: carried in the modal's `private_metadata` until it is submitted. */
export const formSourceMetadata = z.object({
  source: z.enum(['command', 'shortcut', 'message']),
  permalink: z.string().url().nullable(),
});
export type FormSource = z.infer<typeof formSourceMetadata>;

export interface FormRequest extends FormSource {
  triggerId: string;
  /** The command's text or the message's; empty from a shortcut or a button. */
  text: string;
}

/** Reads a slash command, a shortcut (global or on a message) or a button click that asks for a form. */
export async function readFormRequest(client: WebClient, body: unknown): Promise<FormRequest> {
  const { type } = z.object({ type: z.string().optional() }).loose().parse(body);
  if (type === undefined) {
    const command = slashCommandSchema.parse(body);
    return { triggerId: command.trigger_id, text: command.text.trim(), source: 'command', permalink: null };
  }
  if (type === 'block_actions') {
    return {
      triggerId: blockActionSchema.parse(body).trigger_id,
      text: '',
      source: 'shortcut',
      permalink: null,
    };
  }
  const shortcut = shortcutSchema.parse(body);
  if (shortcut.type === 'shortcut') {
    return { triggerId: shortcut.trigger_id, text: '', source: 'shortcut', permalink: null };
  }
  return {
    triggerId: shortcut.trigger_id,
    text: shortcut.message?.text ?? '',
    source: 'message',
    permalink: await messagePermalink(client, shortcut),
  };
}

/** What a requested form is opened with: the text to prefill, the message's link, the metadata to carry. */
export interface RequestedForm {
  text: string;
  permalink: string | null;
  privateMetadata: string;
}

/** Opens the form a request asked for; the metadata carries where it was asked from to its submission. */
export async function openRequestedForm(
  client: WebClient,
  request: FormRequest,
  render: (form: RequestedForm) => ModalView,
): Promise<void> {
  const { triggerId, text, ...source } = request;
  const privateMetadata = encodeMetadata(formSourceMetadata, source);
  await client.views.open({
    trigger_id: triggerId,
    view: render({ text, permalink: source.permalink, privateMetadata }),
  });
}

/**
 * The link to the message a message shortcut was used on, or null. The bot may not be in that
 * conversation: the link is a nicety, never a reason for the shortcut to fail.
 */
async function messagePermalink(client: WebClient, shortcut: ShortcutPayload): Promise<string | null> {
  if (!shortcut.channel || !shortcut.message_ts) return null;
  return client.chat
    .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message_ts })
    .then((result) => result.permalink ?? null)
    .catch(() => null);
}
