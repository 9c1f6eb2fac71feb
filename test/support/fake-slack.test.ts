import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAKE_BOT_TOKEN, FakeSlack } from './fake-slack.js';

// The fault suite and the benchmark count lost and duplicated messages with this fake, and the outbox
// reads history back from it: these tests make sure it keeps, shows and refuses what Slack would.

const CHANNEL = 'C0BACKLOG1';
const VOTER = 'U0VOTER001';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start();
  slack.addChannel(CHANNEL).addUser({ id: VOTER });
});
afterAll(() => slack.close());
afterEach(() => {
  vi.useRealTimers();
  slack.clearFaults();
  slack.paceMethod('chat.postMessage', 0);
});

/** The parts of Slack's answers these tests read. */
interface Answer {
  ok: boolean;
  error?: string;
  ts: string;
  messages: {
    text: string;
    thread_ts?: string;
    reply_count?: number;
    metadata?: { event_payload?: Record<string, unknown> };
  }[];
  has_more: boolean;
  response_metadata: { next_cursor: string };
}

/** A Web API call as @slack/web-api sends it: a form body, objects as JSON strings. */
async function call(method: string, args: Record<string, unknown>) {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args))
    form.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  const response = await fetch(`${slack.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${FAKE_BOT_TOKEN}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    text,
    json: () => JSON.parse(text) as Answer,
  };
}

const metadata = (key: string) => ({ event_type: 'touchpoint_outbox', event_payload: { key } });

describe('fake Slack: messages with metadata, history and threads', () => {
  it('keeps metadata sent through the real Web API client and shows it in history only when asked', async () => {
    const client = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
    const posted = await client.chat.postMessage({
      channel: VOTER,
      text: 'RULE-1 was killed',
      metadata: metadata('rule:1:event:2:dm:U0VOTER001'),
    });
    expect(posted.channel).toBe('D0VOTER001');
    // Slack's ts is wall time in seconds: the outbox looks for a message from a minute before its row.
    expect(Math.abs(Number(posted.ts) - Date.now() / 1000)).toBeLessThan(5);

    const opened = await client.conversations.open({ users: VOTER });
    const dm = opened.channel?.id ?? '';
    const withMetadata = await client.conversations.history({ channel: dm, include_all_metadata: true });
    expect(withMetadata.messages?.map((message) => message.metadata?.event_payload)).toEqual([
      { key: 'rule:1:event:2:dm:U0VOTER001' },
    ]);
    const without = await client.conversations.history({ channel: dm });
    expect(without.messages?.[0]?.text).toBe('RULE-1 was killed');
    expect(without.messages?.[0]?.metadata).toBeUndefined();
    expect(slack.callsTo('conversations.history')).toHaveLength(2);
    expect(slack.postedTo(VOTER).map((message) => message.metadata?.event_payload?.key)).toEqual([
      'rule:1:event:2:dm:U0VOTER001',
    ]);
  });

  it('lists top-level messages newest first, between oldest and latest, page by page', async () => {
    const channel = 'C0HISTORY1';
    slack.addChannel(channel);
    const ts: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const answer = await call('chat.postMessage', { channel, text: `m${n}`, metadata: metadata(`k${n}`) });
      ts.push(answer.json().ts);
    }
    await call('chat.postMessage', { channel, text: 'reply', thread_ts: ts[0] });

    const all = (await call('conversations.history', { channel })).json();
    expect(all.messages.map((message) => message.text)).toEqual(['m4', 'm3', 'm2', 'm1']);
    expect(all.messages[3]).toMatchObject({ reply_count: 1, thread_ts: ts[0] });

    const between = (await call('conversations.history', { channel, oldest: ts[0], latest: ts[3] })).json();
    expect(between.messages.map((message) => message.text)).toEqual(['m3', 'm2']);

    const first = (await call('conversations.history', { channel, limit: 3 })).json();
    expect(first.has_more).toBe(true);
    const second = (
      await call('conversations.history', {
        channel,
        limit: 3,
        cursor: first.response_metadata.next_cursor,
      })
    ).json();
    expect(second.messages.map((message) => message.text)).toEqual(['m1']);
    expect(second.has_more).toBe(false);
  });

  it('gives a thread with conversations.replies, the parent first', async () => {
    const parent = (await call('chat.postMessage', { channel: CHANNEL, text: 'card' })).json().ts;
    await call('chat.postMessage', { channel: CHANNEL, text: 'line 1', thread_ts: parent });
    await call('chat.postMessage', {
      channel: CHANNEL,
      text: 'line 2',
      thread_ts: parent,
      metadata: metadata('thread-2'),
    });
    const thread = (
      await call('conversations.replies', { channel: CHANNEL, ts: parent, include_all_metadata: true })
    ).json();
    expect(thread.messages.map((message) => message.text)).toEqual(['card', 'line 1', 'line 2']);
    expect(thread.messages[2]?.metadata?.event_payload).toEqual({ key: 'thread-2' });
    expect((await call('conversations.replies', { channel: CHANNEL, ts: '1.000001' })).json().error).toBe(
      'thread_not_found',
    );
  });

  it('refuses the history of an unknown channel and of a user ID', async () => {
    expect((await call('conversations.history', { channel: 'C0UNKNOWN1' })).json().error).toBe(
      'channel_not_found',
    );
    expect((await call('conversations.history', { channel: VOTER })).json().error).toBe('channel_not_found');
    // The DM of an unknown user is unknown; of a known user never written to, empty.
    expect((await call('conversations.history', { channel: 'D0VOTER002' })).json().error).toBe(
      'channel_not_found',
    );
    slack.addUser({ id: 'U0VOTER002' });
    expect((await call('conversations.history', { channel: 'D0VOTER002' })).json()).toMatchObject({
      ok: true,
      messages: [],
    });
  });
});

describe('fake Slack: fault windows and pacing', () => {
  it('answers 429 with Retry-After for every call in the window, then normally again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    slack.failFor('chat.postMessage', 20_000, { status: 429, retryAfter: 7 });
    const before = slack.postedTo(CHANNEL).length;
    for (const _ of [1, 2, 3]) {
      const answer = await call('chat.postMessage', { channel: CHANNEL, text: 'during' });
      expect(answer.status).toBe(429);
      expect(answer.retryAfter).toBe('7');
      vi.advanceTimersByTime(6_000);
    }
    // Other methods are not in the window.
    expect((await call('auth.test', {})).status).toBe(200);
    vi.advanceTimersByTime(2_001);
    const after = await call('chat.postMessage', { channel: CHANNEL, text: 'after' });
    expect(after.json().ok).toBe(true);
    expect(
      slack
        .postedTo(CHANNEL)
        .slice(before)
        .map((message) => message.text),
    ).toEqual(['after']);
  });

  it("answers 500 with an HTML page, as Slack's edge does, for every method under '*'", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    slack.failFor('*', 12_000, { status: 500 });
    const answer = await call('conversations.open', { users: VOTER });
    expect(answer.status).toBe(500);
    expect(answer.text).toMatch(/^<html>/);
    expect(slack.calls.at(-1)?.response.status).toBe(500);
    vi.advanceTimersByTime(12_000);
    expect((await call('conversations.open', { users: VOTER })).status).toBe(200);
  });

  it('paces a method with a token bucket: a small burst, then 429 with Retry-After 1', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    slack.paceMethod('chat.postMessage', 4, 2);
    const statuses = async (n: number) => {
      const result: number[] = [];
      for (let i = 0; i < n; i += 1)
        result.push((await call('chat.postMessage', { channel: CHANNEL, text: 'paced' })).status);
      return result;
    };
    expect(await statuses(3)).toEqual([200, 200, 429]);
    expect(slack.calls.at(-1)?.response).toMatchObject({ status: 429, error: 'ratelimited' });
    vi.advanceTimersByTime(250); // a quarter second at 4/s gives one token
    expect(await statuses(2)).toEqual([200, 429]);
    vi.advanceTimersByTime(10_000); // the bucket holds no more than its burst
    expect(await statuses(3)).toEqual([200, 200, 429]);
    expect((await call('chat.update', { channel: CHANNEL, ts: '1.1', text: 'x' })).status).toBe(200);
  });

  it('adds latency with jitter', async () => {
    slack.latencyMs = 20;
    slack.latencyJitterMs = 30;
    try {
      const started = performance.now();
      await call('auth.test', {});
      expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    } finally {
      slack.latencyMs = 0;
      slack.latencyJitterMs = 0;
    }
  });
});
