import { and, inArray, lte, min } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createMetrics } from '../src/metrics.js';
import { enqueue, type OutboxItem } from '../src/outbox/outbox.js';
import { countOutboxByStatus } from '../src/outbox/outbox.queries.js';
import { outbox } from '../src/outbox/outbox.schema.js';
import { type RunningTouchpoint, startTouchpoint } from '../src/touchpoint.js';
import { testClock } from './support/clock.js';
import { freshDatabase } from './support/db.js';
import type { FakeSlack } from './support/fake-slack.js';
import { eventCallback, ids } from './support/payloads.js';
import { TEST_SIGNING_SECRET } from './support/slack-requests.js';
import { silentLogger, startFakeSlack, startTestApp, type TestApp, testEnv } from './support/test-app.js';

// `GET /metrics` scraped over HTTP as Prometheus would, after real signed requests, outbox sends and job
// runs: the counters move by what happened, the outbox gauges say what the database holds.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, sample lines only (prom-client writes no timestamps). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]),
    );
    const raw = match[3] as string;
    const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: match[1] as string, labels, value });
  }
  return samples;
}

class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
  ) {}

  /** The sum of the samples with this name and (at least) these labels; undefined when there is none. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const matching = this.samples.filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    );
    return matching.length === 0 ? undefined : matching.reduce((sum, sample) => sum + sample.value, 0);
  }

  /** How much a counter moved since `before` (a series absent before counts from 0). */
  moved(before: Scrape, name: string, labels: Record<string, string> = {}): number {
    return (this.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
  }
}

async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return new Scrape(text, parseMetrics(text));
}

const dm = (key: string, channel: string, text: string): OutboxItem => ({
  key,
  method: 'chat.postMessage',
  channel,
  args: { text },
});

const REQUESTS = 'touchpoint_slack_requests_total';
const API_CALLS = 'touchpoint_slack_api_calls_total';
const SENDS = 'touchpoint_outbox_sends_total';

let apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.reverse()) await app.stop();
  apps = [];
});

async function start(options: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const app = await startTestApp(options);
  apps.push(app);
  return app;
}

describe('GET /metrics', () => {
  it('counts Slack requests, Web API calls, outbox sends and job runs, and shows the outbox as the database holds it', async () => {
    const clock = testClock();
    const app = await start({
      now: clock.now,
      // A user group in the roster, so the roster job asks Slack for its members (and can be made to fail).
      env: { TOUCHPOINT_EXECUTIVES: `${ids.executive},${ids.cxGroup}` },
      outbox: { autoStart: false, paceClock: () => clock.now().getTime() },
    });
    const db = app.running.database.db;
    await app.whenIdle();
    const before = await scrape(app.url);

    // A signed slash command, answered by opening a modal (Bolt's client: people waiting).
    const typed = 'Refunds over 50 need a manager';
    expect((await app.command('/killrule', typed)).status).toBe(200);
    await app.slack.waitFor('views.open');
    // An event, acked by Bolt before its listener runs.
    expect(
      (await app.send.event(eventCallback({ type: 'app_home_opened', user: ids.employee, tab: 'home' })))
        .status,
    ).toBe(200);
    // A button whose listener throws after its ack (its value is not what the vote listener parses).
    const vote = { type: 'button', action_id: 'rules.vote', value: { ruleId: 1 } };
    const failing = { type: 'block_actions', user: { id: ids.employee }, team: { id: 'T0TEAM0001' } };
    expect((await app.send.interaction({ ...failing, actions: [vote] })).status).toBe(200);
    // Refused by the guard: a body that is no Slack request, a view submission without its view, a forgery.
    expect((await app.send.post('null', 'application/json')).status).toBe(400);
    expect((await app.send.interaction({ type: 'view_submission', user: { id: ids.employee } })).status).toBe(
      400,
    );
    expect((await app.command('/killrule', typed, {}, { secret: 'not-the-secret' })).status).toBe(401);
    await app.whenIdle();

    // The outbox: one delivered, one Slack refuses for good (a dead letter), one rate limited (waits).
    await enqueue(
      db,
      [dm('metrics:hello', ids.employee, 'hello'), dm('metrics:nowhere', 'C0UNKNOWN1', 'lost')],
      clock.now(),
    );
    expect(await app.running.outbox.drain()).toBe(2);
    app.slack.rateLimit('chat.postMessage', 1, 3);
    await enqueue(db, [dm('metrics:later', ids.otherEmployee, 'later')], clock.now());
    expect(await app.running.outbox.drain()).toBe(1);
    // Two of the outbox's messages wait: the rate-limited one (due in 3 s) and one due now, never sent.
    await enqueue(db, [dm('metrics:waiting', ids.cxOfficer, 'waiting')], clock.now());
    clock.advance(30_000);

    // Jobs: one that works, one whose Slack read fails.
    await app.running.runJob('calls.followups', clock.now());
    app.slack.failNext('usergroups.users.list', 'missing_scope');
    await app.running.runJob('calls.roster', clock.now());

    const after = await scrape(app.url);

    // Slack requests by kind and outcome, and the time to each answer.
    expect(after.moved(before, REQUESTS, { kind: 'command', outcome: 'acked' })).toBe(1);
    expect(after.moved(before, REQUESTS, { kind: 'event', outcome: 'acked' })).toBe(1);
    expect(after.moved(before, REQUESTS, { kind: 'other', outcome: 'refused' })).toBe(2);
    expect(after.moved(before, REQUESTS, { kind: 'view_submission', outcome: 'refused' })).toBe(1);
    expect(after.moved(before, REQUESTS, { kind: 'action', outcome: 'error' })).toBe(1);
    expect(after.moved(before, REQUESTS, { outcome: 'error' })).toBe(1);
    expect(after.moved(before, REQUESTS, { outcome: 'unhandled' })).toBe(0);
    expect(after.moved(before, REQUESTS)).toBe(6);
    const seconds = 'touchpoint_slack_request_duration_seconds';
    expect(after.moved(before, `${seconds}_count`, { kind: 'command' })).toBe(1);
    expect(after.moved(before, `${seconds}_bucket`, { kind: 'command', le: '+Inf' })).toBe(1);
    expect(after.moved(before, `${seconds}_bucket`, { kind: 'command', le: '3' })).toBe(1);
    expect(after.moved(before, `${seconds}_sum`, { kind: 'command' })).toBeGreaterThan(0);
    expect(after.moved(before, `${seconds}_count`, { kind: 'event' })).toBe(1);

    // Web API calls by client, method and result.
    const people = { client: 'people' };
    expect(after.moved(before, API_CALLS, { ...people, method: 'views.open', result: 'ok' })).toBe(1);
    expect(after.moved(before, API_CALLS, { ...people, method: 'views.publish', result: 'ok' })).toBe(1);
    expect(
      after.moved(before, API_CALLS, { ...people, method: 'usergroups.users.list', result: 'error' }),
    ).toBe(1);
    const posts = { client: 'outbox', method: 'chat.postMessage' };
    expect(after.moved(before, API_CALLS, { ...posts, result: 'ok' })).toBe(1);
    expect(after.moved(before, API_CALLS, { ...posts, result: 'error' })).toBe(1);
    expect(after.moved(before, API_CALLS, { ...posts, result: '429' })).toBe(1);
    expect(after.moved(before, API_CALLS, { client: 'outbox' })).toBe(3);

    // Outbox sends by result, and the gauges: what the database holds now.
    expect(after.moved(before, SENDS, { result: 'sent' })).toBe(1);
    expect(after.moved(before, SENDS, { result: 'dead' })).toBe(1);
    expect(after.moved(before, SENDS, { result: 'rate_limited' })).toBe(1);
    expect(after.moved(before, SENDS, { result: 'retry' })).toBe(0);
    const held = await countOutboxByStatus(db);
    expect(after.value('touchpoint_outbox_depth')).toBe(held.pending + held.sending);
    expect(after.value('touchpoint_outbox_depth')).toBeGreaterThanOrEqual(2);
    expect(after.value('touchpoint_outbox_dead_letters')).toBe(held.dead);
    expect(after.value('touchpoint_outbox_dead_letters')).toBeGreaterThanOrEqual(1);
    const [oldest] = await db
      .select({ dueAt: min(outbox.notBefore) })
      .from(outbox)
      .where(and(inArray(outbox.status, ['pending', 'sending']), lte(outbox.notBefore, clock.now())));
    const age = (clock.now().getTime() - (oldest?.dueAt?.getTime() ?? clock.now().getTime())) / 1000;
    expect(age).toBeGreaterThanOrEqual(30); // the message due now, 30 s before
    expect(after.value('touchpoint_outbox_oldest_due_age_seconds')).toBeCloseTo(age, 3);

    // Jobs by name.
    expect(after.moved(before, 'touchpoint_job_runs_total', { job: 'calls.followups' })).toBe(1);
    expect(after.moved(before, 'touchpoint_job_failures_total', { job: 'calls.followups' })).toBe(0);
    expect(after.moved(before, 'touchpoint_job_runs_total', { job: 'calls.roster' })).toBe(1);
    expect(after.moved(before, 'touchpoint_job_failures_total', { job: 'calls.roster' })).toBe(1);
    // Every job is there from the start, at 0.
    expect(after.value('touchpoint_job_runs_total', { job: 'digest.weekly' })).toBe(0);

    // Process metrics.
    expect(after.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(after.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    // No person, channel, typed text or secret in any label.
    for (const secret of [
      ids.employee,
      ids.otherEmployee,
      ids.cxOfficer,
      ids.cxGroup,
      'C0UNKNOWN1',
      typed,
      'Refunds',
      TEST_SIGNING_SECRET,
      app.config.slack.botToken,
    ]) {
      expect(after.text).not.toContain(secret);
    }
  });

  it('keeps two apps in one process apart: each counts its own requests', async () => {
    const first = await start();
    const second = await start({ replicaOf: first });
    await Promise.all([first.whenIdle(), second.whenIdle()]);
    const [firstBefore, secondBefore] = await Promise.all([scrape(first.url), scrape(second.url)]);
    await first.command('/killrule', '');
    await first.slack.waitFor('views.open');
    await first.whenIdle();
    const [firstAfter, secondAfter] = await Promise.all([scrape(first.url), scrape(second.url)]);
    expect(firstAfter.moved(firstBefore, REQUESTS, { kind: 'command' })).toBe(1);
    expect(secondAfter.moved(secondBefore, REQUESTS, { kind: 'command' })).toBe(0);
    // Same database: the same outbox figures.
    expect(secondAfter.value('touchpoint_outbox_depth')).toBe(firstAfter.value('touchpoint_outbox_depth'));
    // And more registries still do not clash (prom-client throws on a name registered twice in one).
    expect(() => [createMetrics(), createMetrics()]).not.toThrow();
  });

  it('shows the outbox as NaN while the database does not answer, and still answers', async () => {
    const metrics = createMetrics({
      outboxBacklog: () => Promise.reject(new Error('database unavailable')),
    });
    const text = await metrics.registry.metrics();
    const samples = new Scrape(text, parseMetrics(text));
    expect(samples.value('touchpoint_outbox_depth')).toBeNaN();
    expect(samples.value('touchpoint_outbox_dead_letters')).toBeNaN();
    expect(samples.value(REQUESTS, { kind: 'command', outcome: 'acked' })).toBe(0);
  });
});

describe('a scrape’s cost', () => {
  let slack: FakeSlack | undefined;
  let running: RunningTouchpoint | undefined;
  afterEach(async () => {
    await running?.stop();
    await slack?.close();
    running = undefined;
    slack = undefined;
  });

  it('is one statement, which reads only the waiting and dead rows (never the sent ones)', async () => {
    slack = await startFakeSlack();
    const database = await freshDatabase();
    const statements: { query: string; params: unknown[] }[] = [];
    running = await startTouchpoint(loadConfig(testEnv(slack, database.env)), {
      logger: silentLogger,
      database: {
        ...database.options,
        logQuery: (query: string, params?: unknown[]) => statements.push({ query, params: params ?? [] }),
      },
      schedule: false,
      outbox: { autoStart: false },
    });
    const url = `http://127.0.0.1:${running.port}`;
    const db = running.database.db;
    const now = new Date();
    await enqueue(
      db,
      Array.from({ length: 20 }, (_, n) =>
        dm(`metrics:cost:${n}`, n % 4 === 0 ? 'C0UNKNOWN1' : ids.employee, 'x'),
      ),
      now,
    );
    await running.whenIdle();

    statements.length = 0;
    await scrape(url);
    expect(statements.map((statement) => statement.query)).toEqual([expect.stringContaining('from outbox')]);

    // Its plan, with sequential scans ruled out unless nothing else can answer: every part is answered
    // from a partial index (pending/sending or dead rows), so the sent rows, which grow for ever, are never read.
    const [{ query, params }] = statements as [{ query: string; params: unknown[] }];
    const inlined = query.replace(/\$(\d+)/g, (_, n: string) => `'${String(params[Number(n) - 1])}'`);
    const plan = await db.transaction(async (tx) => {
      await tx.execute('set local enable_seqscan = off');
      const result = await tx.execute(`explain (costs off) ${inlined}`);
      const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
      return (rows as Record<string, string>[]).map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).toContain('outbox_due_idx');
    expect(plan).toContain('outbox_dead_idx');
    expect(plan).not.toContain('Seq Scan');
  });
});
