/**
 * The only way text a user typed reaches mrkdwn. Slack reads `<…>` as markup (`<!channel>`, `<@U…>`,
 * `<#C…>`, `<!subteam^S…>`, `<https://evil|harmless label>`), and `&` starts an entity, so those three
 * characters are replaced by the entities Slack documents; the text then shows exactly as typed.
 * Bot messages never set `link_names`, so a plain "@channel" stays plain text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text on one line (every run of white space one space), escaped and cut to `max` as `escapeAndTruncate`. */
export function escapeOneLine(text: string, max: number): string {
  return escapeAndTruncate(text.replace(/\s+/g, ' ').trim(), max);
}

/** Escapes user text and cuts it to `max` characters (counted after escaping), ending with an ellipsis. */
export function escapeAndTruncate(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, Math.max(0, max - 1));
  // Never leave half an entity such as "&am" behind.
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** A mention Slack renders for an ID that Touchpoint itself knows (never for text a user typed). */
export function userMention(userId: string): string {
  if (!/^[UW][A-Z0-9]+$/.test(userId)) throw new Error('not a Slack user ID');
  return `<@${userId}>`;
}
