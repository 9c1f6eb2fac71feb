import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, classifySendError } from '../../src/outbox/outbox.errors.js';
import { enqueue, type OutboxItem } from '../../src/outbox/outbox.js';
import { MethodPace } from '../../src/outbox/outbox.pace.js';
import { claimDueItems, findOutboxItemByKey, retryDeadItems } from '../../src/outbox/outbox.queries.js';
import { outbox } from '../../src/outbox/outbox.schema.js';
import { testClock } from '../support/clock.js';
import { ids } from '../support/payloads.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const dm = (key: string, user: string, text: string): OutboxItem => ({
  key,
  method: 'chat.postMessage',
  channel: user,
  args: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
});

let apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.reverse()) await app.stop();
  apps = [];
});

async function start(clock = testClock(), options: Parameters<typeof startTestApp>[0] = {}) {
  const app = await startTestApp({ now: clock.now, outbox: { autoStart: false }, ...options });
  apps.push(app);
  return app;
}

const posts = (app: TestApp) => app.slack.callsTo('chat.postMessage').filter((call) => call.response.ok);

describe('the outbox worker', () => {
  it('sends each item once, a thread line after its parent with its ts, whatever is enqueued twice', async () => {
    const clock = testClock();
    const app = await start(clock);
    const db = app.running.database.db;
    const card: OutboxItem = {
      key: 'test:card',
      method: 'chat.postMessage',
      channel: ids.backlogChannel,
      args: { text: 'the card' },
    };
    const line: OutboxItem = {
      key: 'test:card:line',
      method: 'chat.postMessage',
      channel: ids.backlogChannel,
      parentKey: 'test:card',
      args: { text: 'a line in its thread' },
    };
    await db.transaction((tx) =>
      enqueue(tx, [card, line, dm('test:dm:1', ids.employee, 'hello')], clock.now()),
    );
    await enqueue(db, [card, dm('test:dm:1', ids.employee, 'hello')], clock.now()); // a replay: nothing new
    expect(await app.running.outbox.drain()).toBe(3);

    const sent = posts(app);
    expect(sent.map((call) => call.args.text)).toEqual(
      expect.arrayContaining(['the card', 'a line in its thread', 'hello']),
    );
    expect(sent).toHaveLength(3);
    const cardCall = sent.find((call) => call.args.text === 'the card');
    const lineCall = sent.find((call) => call.args.text === 'a line in its thread');
    expect(lineCall?.args.thread_ts).toBe(cardCall?.response.ts);
    expect(sent.indexOf(lineCall as never)).toBeGreaterThan(sent.indexOf(cardCall as never));
    // Each message carries its outbox id, so a takeover can find it in the conversation.
    const row = await findOutboxItemByKey(db, 'test:dm:1');
    expect(row?.status).toBe('sent');
    expect(sent.find((call) => call.args.text === 'hello')?.args.metadata).toMatchObject({
      event_type: 'touchpoint_delivery',
      event_payload: { outbox_id: row?.id },
    });
    expect(await app.running.outbox.drain()).toBe(0);
  });

  it('waits out a 429 (not a failed attempt) and retries a 5xx later with backoff, in the worker’s clock', async () => {
    const clock = testClock();
    // Slack's Retry-After is counted in the test's clock too: waited out by moving it, not by sleeping.
    const app = await start(clock, {
      outbox: { autoStart: false, paceClock: () => clock.now().getTime() },
    });
    const db = app.running.database.db;
    app.slack.rateLimit('chat.postMessage', 1, 3);
    await enqueue(db, [dm('test:429', ids.employee, 'after the 429')], clock.now());
    await app.running.outbox.drain();
    let row = await findOutboxItemByKey(db, 'test:429');
    expect(row).toMatchObject({ status: 'pending', attempts: 0, uncertain: false });
    expect(row?.notBefore.getTime()).toBe(clock.now().getTime() + 3_000);
    expect(await app.running.outbox.drain()).toBe(0); // not due yet
    clock.advance(3_100); // past the pause, and time for the method's pace to allow a call again
    await app.running.outbox.drain();
    row = await findOutboxItemByKey(db, 'test:429');
    expect(row?.status).toBe('sent');
    expect(posts(app).filter((call) => call.args.text === 'after the 429')).toHaveLength(1);
  });

  it('makes a dead letter of what Slack refuses for good, and a retried dead letter goes out', async () => {
    const clock = testClock();
    const app = await start(clock);
    const db = app.running.database.db;
    await enqueue(
      db,
      [{ key: 'test:nochan', method: 'chat.postMessage', channel: 'C0UNKNOWN1', args: { text: 'x' } }],
      clock.now(),
    );
    await app.running.outbox.drain();
    expect(await findOutboxItemByKey(db, 'test:nochan')).toMatchObject({
      status: 'dead',
      lastError: 'channel_not_found',
      attempts: 1,
    });
    app.slack.addChannel('C0UNKNOWN1');
    expect(await retryDeadItems(db, clock.now())).toBe(1);
    await app.running.outbox.drain();
    expect(await findOutboxItemByKey(db, 'test:nochan')).toMatchObject({ status: 'sent' });
  });

  it('gives up after the maximum attempts on an error that may pass, backing off between tries', async () => {
    const clock = testClock();
    const app = await start(clock, { outbox: { autoStart: false } });
    const db = app.running.database.db;
    await enqueue(db, [dm('test:flaky', ids.employee, 'flaky')], clock.now());
    for (let attempt = 0; attempt < 14; attempt += 1) {
      app.slack.failNext('chat.postMessage', 'internal_error');
      clock.advance(13 * 60_000); // past the longest backoff (10 minutes, jittered up to 12.5)
      await app.running.outbox.drain();
    }
    const row = await findOutboxItemByKey(db, 'test:flaky');
    expect(row).toMatchObject({ status: 'dead', attempts: 14, lastError: 'internal_error' });
  });

  it('coalesces updates asked for while one waits, and sends again after a send', async () => {
    const clock = testClock();
    const app = await start(clock);
    const db = app.running.database.db;
    await enqueue(
      db,
      [{ key: 'test:msg', method: 'chat.postMessage', channel: ids.backlogChannel, args: { text: 'v0' } }],
      clock.now(),
    );
    await app.running.outbox.drain();
    const update = (text: string): OutboxItem => ({
      key: 'test:msg:update',
      method: 'chat.update',
      channel: ids.backlogChannel,
      parentKey: 'test:msg',
      args: { text },
      again: true,
    });
    for (const text of ['v1', 'v2', 'v3']) await enqueue(db, [update(text)], clock.now());
    await app.running.outbox.drain();
    const updates = () => app.slack.callsTo('chat.update').filter((call) => call.response.ok);
    expect(updates().map((call) => call.args.text)).toEqual(['v3']);
    await enqueue(db, [update('v4')], clock.now());
    await app.running.outbox.drain();
    expect(updates()).toHaveLength(1); // at most one update a second per message
    clock.advance(1_000);
    await app.running.outbox.drain();
    expect(updates().map((call) => call.args.text)).toEqual(['v3', 'v4']);
  });

  it('two replicas draining one outbox send every item exactly once', async () => {
    const clock = testClock();
    const first = await start(clock);
    const second = await start(clock, { replicaOf: first });
    const db = first.running.database.db;
    const items = Array.from({ length: 60 }, (_, i) =>
      dm(`test:fan:${i}`, `U0FAN${String(i).padStart(5, '0')}`, `fan ${i}`),
    );
    for (const item of items) first.slack.addUser({ id: item.channel, tz: 'UTC' });
    await enqueue(db, items, clock.now());
    await Promise.all([first.running.outbox.drain(), second.running.outbox.drain()]);
    const sent = posts(first).filter((call) => String(call.args.text).startsWith('fan '));
    expect(new Set(sent.map((call) => call.args.channel)).size).toBe(60);
    expect(sent).toHaveLength(60);
  });

  it('takes over a claim whose process died, after its lease', async () => {
    const clock = testClock();
    const app = await start(clock);
    const db = app.running.database.db;
    await enqueue(db, [dm('test:orphan', ids.employee, 'orphan')], clock.now());
    // A process claims it and dies before sending.
    expect(await claimDueItems(db, clock.now(), 10, 15_000)).toHaveLength(1);
    expect(await app.running.outbox.drain()).toBe(0); // held by the lease
    clock.advance(15_001);
    expect(await app.running.outbox.drain()).toBe(1);
    const [row] = await db.select().from(outbox).where(eq(outbox.key, 'test:orphan'));
    expect(row?.status).toBe('sent');
    expect(posts(app).filter((call) => call.args.text === 'orphan')).toHaveLength(1);
  });
});

describe('outbox pacing and errors', () => {
  it('paces a method by tokens, pauses it for a Retry-After and slows down after a 429', () => {
    const pace = new MethodPace({ perSecond: 10, min: 1, max: 20, burst: 2 }, 0);
    expect(pace.take(0)).toBe(0);
    expect(pace.take(0)).toBe(0);
    expect(pace.take(0)).toBe(100); // the burst is spent: one token every 100 ms
    expect(pace.take(100)).toBe(0);
    pace.succeeded(100); // until the first 429, each success adds a call a second
    expect(pace.perSecond).toBe(11);
    pace.rateLimited(100, 2_000);
    expect(pace.pausedFor(1_000)).toBe(1_100);
    expect(pace.take(1_000)).toBe(1_100);
    expect(pace.perSecond).toBeCloseTo(9.9);
    pace.rateLimited(1_050, 2_000); // another call of the same burst: one slowdown per pause (to 3.05 s)
    expect(pace.perSecond).toBeCloseTo(9.9);
    pace.succeeded(3_100); // after it, gently
    expect(pace.perSecond).toBeCloseTo(9.9 + 0.05 / 9.9);
  });

  it('halves the rate when Slack refuses again right after a pause at far more than it accepted', () => {
    const pace = new MethodPace({ perSecond: 10, min: 1, max: 20, burst: 2 }, 0);
    pace.rateLimited(0, 1_000); // ×0.9: 9 a second, paused until 1 s
    pace.succeeded(1_050);
    const met = pace.perSecond;
    // 0.2 s after the pause, with one call accepted in the last 2 s: far too fast.
    pace.rateLimited(1_200, 1_000);
    expect(pace.perSecond).toBeCloseTo(met / 2);
    // Then quickly back up (+1 a call) to 85% of the rate that met the 429, and gently beyond.
    pace.succeeded(2_300);
    expect(pace.perSecond).toBeCloseTo(met / 2 + 1);
    for (let i = 0; i < 10; i++) pace.succeeded(2_300);
    expect(pace.perSecond).toBeGreaterThan(met * 0.85);
    expect(pace.perSecond).toBeLessThan(met * 0.85 + 1);
    // Refused right after the pause again, but at about what Slack accepted (12 calls in 2 s): a
    // little too fast only.
    const near = pace.perSecond;
    pace.rateLimited(2_400, 1_000);
    expect(pace.perSecond).toBeCloseTo(near * 0.9);
  });

  it('climbs faster the longer Slack has not refused, and slows a little at a 429 long after a pause', () => {
    const pace = new MethodPace({ perSecond: 10, min: 1, max: 20, burst: 2 }, 0);
    pace.rateLimited(0, 1_000); // 9 a second, resumed at 1 s
    pace.succeeded(2_000);
    const early = pace.perSecond - 9;
    expect(early).toBeCloseTo(0.05 / 9);
    const before = pace.perSecond;
    pace.succeeded(31_000); // 30 s without a 429: three times the gentle step
    expect(pace.perSecond - before).toBeCloseTo((3 * 0.05) / before);
    const rate = pace.perSecond;
    pace.rateLimited(60_000, 1_000);
    expect(pace.perSecond).toBeCloseTo(rate * 0.9);
  });

  it('starts again from the tier rate after a second without a call, not at a rate learnt before', () => {
    const pace = new MethodPace({ perSecond: 10, min: 1, max: 40, burst: 1 }, 0);
    expect(pace.take(0)).toBe(0);
    for (let i = 0; i < 20; i++) pace.succeeded(50); // slow start: 30 a second
    expect(pace.perSecond).toBe(30);
    expect(pace.take(900)).toBe(0); // busy: the learnt rate holds
    expect(pace.perSecond).toBe(30);
    expect(pace.take(1_950)).toBe(0); // 1.05 s quiet: back to 10 a second, tokens refilled to the burst
    expect(pace.perSecond).toBe(10);
    expect(pace.take(1_950)).toBe(100);
    pace.succeeded(2_000); // and it climbs quickly again until Slack's next 429
    expect(pace.perSecond).toBe(11);
    pace.rateLimited(2_000, 1_000);
    expect(pace.take(3_500)).toBe(0); // a pause is not a quiet spell: the rate Slack met stays
    expect(pace.perSecond).toBeCloseTo(9.9);
  });

  it('tells a 429, a refusal for good, a 5xx that may have arrived and a network failure apart', () => {
    expect(classifySendError({ code: 'slack_webapi_rate_limited_error', retryAfter: 5 })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 5_000,
    });
    expect(
      classifySendError({ code: 'slack_webapi_platform_error', data: { error: 'is_archived' } }),
    ).toMatchObject({ kind: 'permanent' });
    expect(
      classifySendError({ code: 'slack_webapi_platform_error', data: { error: 'internal_error' } }),
    ).toMatchObject({ kind: 'retry', uncertain: false });
    expect(classifySendError({ code: 'slack_webapi_http_error', statusCode: 503 })).toMatchObject({
      kind: 'retry',
      uncertain: true,
    });
    expect(classifySendError({ code: 'slack_webapi_request_error' })).toMatchObject({
      kind: 'retry',
      uncertain: true,
    });
    expect(backoffMs(0, () => 0.5)).toBe(2_000);
    expect(backoffMs(3, () => 0.5)).toBe(16_000);
    expect(backoffMs(20, () => 0.5)).toBe(600_000);
  });
});
