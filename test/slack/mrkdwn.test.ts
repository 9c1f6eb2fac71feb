import { describe, expect, it } from 'vitest';
import { escapeAndTruncate, escapeMrkdwn, userMention } from '../../src/slack/mrkdwn.js';

// Slack treats <…> as markup only when it sees literal angle brackets; after escaping, none may remain.
const nasty = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U1>',
  '<#C1>',
  '<!subteam^S1>',
  '<!subteam^S1|@cx-office>',
  '<https://x|y>',
  '<https://evil.example.com|https://intranet.example.com>',
  '<mailto:a@b.c|boss>',
  '<!date^1392734382^{date}|Feb 18>',
];

describe('escapeMrkdwn', () => {
  it.each(nasty)('defeats %s', (input) => {
    const escaped = escapeMrkdwn(input);
    expect(escaped).not.toMatch(/[<>]/);
    expect(escaped.startsWith('&lt;')).toBe(true);
    expect(escaped.endsWith('&gt;')).toBe(true);
  });

  it('escapes & first, so an entity typed by a user shows as typed instead of becoming markup', () => {
    expect(escapeMrkdwn('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
    expect(escapeMrkdwn('Fish & chips')).toBe('Fish &amp; chips');
  });

  it('keeps ordinary text, emoji and line breaks as they are', () => {
    expect(escapeMrkdwn('Refunds take 30 days :angry:\nWhy?')).toBe('Refunds take 30 days :angry:\nWhy?');
  });

  it('escapes markup hidden inside longer text', () => {
    expect(escapeMrkdwn('ping <!here> and <@U0EMPL0001> via <https://x|y>')).toBe(
      'ping &lt;!here&gt; and &lt;@U0EMPL0001&gt; via &lt;https://x|y&gt;',
    );
  });
});

describe('escapeAndTruncate', () => {
  it('cuts long text with an ellipsis and never leaves half an entity', () => {
    const out = escapeAndTruncate(`${'a'.repeat(8)}<b>`, 11);
    expect(out.length).toBeLessThanOrEqual(11);
    expect(out).toBe(`${'a'.repeat(8)}…`);
    expect(escapeAndTruncate('short', 10)).toBe('short');
  });
});

describe('userMention', () => {
  it('mentions a real user ID and refuses anything else', () => {
    expect(userMention('U0EMPL0001')).toBe('<@U0EMPL0001>');
    expect(() => userMention('!channel')).toThrow();
    expect(() => userMention('U1>|<!channel')).toThrow();
  });
});
