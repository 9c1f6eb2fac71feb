import type {
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';

/** Tiny typed helpers: what a test asserts is exactly what Slack receives. Text here is already safe. */

export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

/** A select option; Slack refuses an option text over 75 characters, so a longer one is cut. */
export function option(text: string, value: string): PlainTextOption {
  return { text: plain(text.slice(0, 75)), value };
}

/**
 * The optional "Touch-point category" select every tagged form shows after the stage (undefined when the
 * CX office keeps no categories). `initial` is the picked category's ID as the form holds it.
 */
export function categorySelect(
  blockId: string,
  categories: { id: number; name: string }[],
  initial?: string,
): InputBlock | undefined {
  const options = categories.slice(0, 100).map((category) => option(category.name, String(category.id)));
  if (options.length === 0) return undefined;
  const selected = options.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain('Touch-point category'),
    element: {
      type: 'static_select',
      action_id: blockId,
      placeholder: plain('Pick a category'),
      options,
      ...(selected && { initial_option: selected }),
    },
  };
}

export function header(text: string, blockId?: string): HeaderBlock {
  return {
    type: 'header',
    text: plain(text),
    ...(blockId && { block_id: blockId }),
  };
}

export function section(mrkdwn: string, blockId?: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn }, ...(blockId && { block_id: blockId }) };
}

/** At most this many characters in a section's text: Slack's limit is 3,000, and a little room is kept. */
export const SECTION_TEXT_MAX = 2900;

/**
 * Lines packed, in order, into as few section texts as fit: each text under `SECTION_TEXT_MAX` and at
 * most `perText` lines (a long list becomes several sections instead of an `invalid_blocks`).
 */
export function packLines(lines: string[], separator = '\n', perText = Number.POSITIVE_INFINITY): string[] {
  const texts: string[] = [];
  let group: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (
      group.length > 0 &&
      (group.length === perText || length + separator.length + line.length > SECTION_TEXT_MAX)
    ) {
      texts.push(group.join(separator));
      group = [];
      length = 0;
    }
    length += (group.length > 0 ? separator.length : 0) + line.length;
    group.push(line);
  }
  if (group.length > 0) texts.push(group.join(separator));
  return texts;
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

/** A one-paragraph message (an ephemeral answer, a short DM). */
export function notice(mrkdwn: string): SlackMessage {
  return { text: mrkdwn, blocks: [section(mrkdwn)] };
}

/**
 * Said in a modal when saving failed (the database did not answer): the modal stays open with
 * everything typed, so nothing is lost.
 */
export const SAVE_FAILED =
  'Sorry, this could not be saved just now and nothing changed. Everything you typed is still here: press the button again in a moment.';

/** A refusal to someone who is not in the CX office: what they tried, and that nothing changed. */
export function cxOnly(what: string, instead?: string): string {
  return `Only the CX office can ${what}.${instead ? ` ${instead}` : ''}`;
}

/**
 * What a form's Save did, in words: the modal turns into this (`response_action: 'update'`), so the person
 * who saved sees it at once where they were, with nothing queued. Every CX-office form answers this way.
 */
export function savedModal(title: string, mrkdwn: string, blockId: string): ModalView {
  return {
    type: 'modal',
    title: plain(title.slice(0, 24)),
    close: plain('Done'),
    blocks: [section(mrkdwn, blockId)],
  };
}
