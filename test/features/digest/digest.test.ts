import { and, eq, inArray, lte } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { calls } from '../../../src/features/calls/calls.schema.js';
import {
  addRoadmapItem,
  addRoadmapNote,
  editRoadmapItem,
} from '../../../src/features/roadmap/roadmap.service.js';
import { putSetting } from '../../../src/features/settings/settings.queries.js';
import { listJourneyStages } from '../../../src/features/settings/stages.queries.js';
import { insertStory, updateStory } from '../../../src/features/stories/stories.queries.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import { claimJobRun } from '../../../src/jobs/job-runs.queries.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { checkMessage } from '../../support/block-kit.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { decideWithNote, nominateAndWaitForCard } from '../rules/rules.helpers.js';

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});
const MONDAY_0900_UTC = new Date('2026-11-23T09:00:00Z');

const apps: TestApp[] = [];
/** Each app's clock: the outbox worker sends what is due by it. */
const clocks = new WeakMap<TestApp, () => Date>();
async function start(options: Parameters<typeof startTestApp>[0] = {}) {
  const app = await startTestApp(options);
  apps.push(app);
  clocks.set(app, options.now ?? (() => new Date()));
  return app;
}
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.stop();
});

const fields = (title: string, status: 'planned' | 'in_progress' | 'shipped' | 'paused' = 'in_progress') => ({
  title,
  status,
});

/** A week with something to say: roadmap changes, an approved story picked for the week, a killed rule. */
async function seedWeek(app: TestApp, at: Date) {
  const { db } = app.running.database;
  const { item } = await addRoadmapItem(
    db,
    { fields: fields('Refund in one click <!channel>'), actorId: ids.cxOfficer, idempotencyKey: 'a1' },
    at,
  );
  await editRoadmapItem(
    db,
    {
      itemId: item.id,
      fields: fields('Refund in one click <!channel>', 'shipped'),
      actorId: ids.cxOfficer,
      idempotencyKey: 'a2',
    },
    at,
  );
  await addRoadmapNote(
    db,
    { itemId: item.id, note: 'Live everywhere', actorId: ids.cxOfficer, idempotencyKey: 'a3' },
    at,
  );
  await addRoadmapItem(
    db,
    { fields: fields('Callback scheduling'), actorId: ids.cxOfficer, idempotencyKey: 'b1' },
    at,
  );
  const { story } = await insertStory(db, {
    body: 'A nurse told us the app saved her night shift <@U0EMPL0002>',
    kind: 'delighted',
    tellerId: ids.employee,
    source: 'command',
    idempotencyKey: 'story-1',
    createdAt: at,
  });
  await updateStory(db, story.id, { status: 'approved', pickedForWeek: '2026-W48' });
  const rule = await nominateAndWaitForCard(app, { rule: 'Receipts for €2 refunds' });
  await decideWithNote(
    app,
    { ruleId: rule.rule.id, cardTs: rule.cardTs },
    'killed',
    'Gone: agents decide <!here>',
  );
  await app.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === rule.cardTs);
  await delivered(app);
  app.slack.calls.length = 0;
}

const digestPosts = (app: TestApp) =>
  app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.digestChannel);

/**
 * Sends what is due in the outbox by the app's clock and waits until it is out. `drain()` alone can
 * return while the worker's own loop holds a claim it has not started sending, so look at the rows too.
 */
async function delivered(app: TestApp) {
  const { db } = app.running.database;
  const now = clocks.get(app) ?? (() => new Date());
  const deadline = Date.now() + 15_000;
  for (;;) {
    await app.running.outbox.drain();
    const left = await db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(inArray(outbox.status, ['pending', 'sending']), lte(outbox.notBefore, now())));
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox: ${left.length} items still due`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The scheduler's tick at `at`, then whatever it put in the outbox sent (due by the app's clock). */
async function tick(app: TestApp, at: Date) {
  await app.running.runJob('digest.weekly', at);
  await delivered(app);
}

/** A clock that starts at `from` and moves with wall time (so the outbox's retries come due). */
function movingClock(from: Date): () => Date {
  const offset = from.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

/** `/touchpoint digest send` by the CX office: the answer says it is on its way, the headline follows. */
async function sendAndWaitForHeadline(app: TestApp) {
  await app.command('/touchpoint', 'digest send', { user_id: ids.cxOfficer });
  await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Posting this week'));
  // On its way: the headline follows from the outbox a moment later.
  await app.slack.waitFor(
    'chat.postMessage',
    (c) => c.args.channel === ids.digestChannel && c.args.thread_ts === undefined,
  );
  await delivered(app);
}

const missedNotices = (app: TestApp) =>
  app.slack.callsTo('chat.postMessage').filter((c) => text(c).includes('was not posted'));

describe('the weekly update', () => {
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.stop();
  });

  it('posts at the scheduled time: a short headline in the channel, each section in its thread, user text escaped', async () => {
    let clock = new Date('2026-11-23T08:00:00Z');
    const app = await start({ now: () => clock });
    await seedWeek(app, new Date('2026-11-20T10:00:00Z'));

    await tick(app, new Date('2026-11-23T08:55:00Z'));
    expect(digestPosts(app)).toEqual([]); // not yet 09:00
    clock = MONDAY_0900_UTC;
    await tick(app, MONDAY_0900_UTC);

    const posts = digestPosts(app);
    const headline = posts.find((c) => c.args.thread_ts === undefined);
    expect(headline?.response.ok).toBe(true);
    const headlineBlocks = headline?.args.blocks as { block_id?: string; text?: { text: string } }[];
    const lines = headlineBlocks.find((b) => b.block_id === 'digest.headline')?.text?.text.split('\n') ?? [];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length + 1).toBeLessThanOrEqual(5); // with the header
    // What happened, by name (escaped), and where the rest is; the notification counts it in words.
    expect(lines).toEqual([
      ':rocket: *Roadmap:* shipped: “Refund in one click &lt;!channel&gt;”; new: “Callback scheduling”',
      ':speech_balloon: *Story of the week:* “A nurse told us the app saved her night shift &lt;@U0EMPL0002&gt;”',
      ':skull: *Rule killed:* “Receipts for €2 refunds”',
    ]);
    expect(headline?.args.text).toBe(
      'This week: 1 roadmap item shipped, 1 more moved, a customer story, 1 rule killed',
    );
    expect(text(headline)).toContain('Details in the thread ↓');
    expect(text(headline)).toContain('Share a story');
    expect(text(headline)).toContain('Suggest a rule to kill');

    const thread = posts.filter((c) => c.args.thread_ts === headline?.response.ts);
    const all = thread.map(text).join('\n');
    expect(all).toContain('Refund in one click &lt;!channel&gt;');
    expect(all).toContain('Live everywhere');
    expect(all.indexOf('Refund in one click')).toBeLessThan(all.indexOf('Callback scheduling')); // shipped first
    expect(all).toContain('A nurse told us the app saved her night shift &lt;@U0EMPL0002&gt;');
    expect(all).toContain('Receipts for €2 refunds');
    expect(all).toContain('Gone: agents decide &lt;!here&gt;');
    for (const call of app.slack.calls) {
      expect(JSON.stringify(call.args)).not.toMatch(/<!channel>|<!here>|<@U0EMPL0002>/);
    }
    // No calls logged yet: the leaders section is left out, nobody is shamed.
    expect(all).not.toContain('Leaders who called');

    // Later ticks the same week post nothing more.
    await tick(app, new Date('2026-11-23T09:05:00Z'));
    await tick(app, new Date('2026-11-25T12:00:00Z'));
    expect(digestPosts(app).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });

  it('preview goes to the requester only; send twice posts once and offers "post again" on confirmation', async () => {
    const app = await start({ now: () => new Date('2026-11-24T10:00:00Z') });
    await seedWeek(app, new Date('2026-11-23T10:00:00Z'));
    await putSetting(app.running.database.db, 'digest.schedule', '0 9 * * 5', ids.cxOfficer, new Date()); // Friday: not due yet

    await app.command('/touchpoint', 'digest preview', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Story of the week'));
    await app.whenIdle();
    expect(app.slack.callsTo('chat.postEphemeral').every((c) => c.args.user === ids.cxOfficer)).toBe(true);
    expect(digestPosts(app)).toEqual([]);

    await app.command('/touchpoint', 'digest preview', { user_id: ids.employee });
    expect(
      text(await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee)),
    ).toContain('Only the CX office');

    await sendAndWaitForHeadline(app);
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'digest send', { user_id: ids.cxGroupMember });
    const already = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxGroupMember);
    expect(text(already)).toContain('already posted');
    expect(text(already)).toContain('/archives/C0DIGEST01/');
    expect(text(already)).toContain('digest.post_again');
    expect(JSON.stringify(already.args.blocks)).toContain('"confirm":{'); // behind a confirmation
    expect(digestPosts(app)).toEqual([]);

    // The scheduled tick later that week does not post a second one either.
    await tick(app, new Date('2026-11-27T09:00:00Z'));
    expect(digestPosts(app)).toEqual([]);

    const click = blockActions(
      { action_id: 'digest.post_again', value: '2026-W48', action_ts: '1700000999.000001' },
      { user: ids.cxOfficer, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
    );
    await Promise.all([app.send.interaction(click), app.send.interaction(click)]);
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Posting again'));
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.digestChannel);
    await delivered(app);
    await app.whenIdle();
    expect(digestPosts(app).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
    // Posted again as it was: the same roadmap changes and the same story.
    const again = digestPosts(app).map(text).join('\n');
    expect(again).toContain('Refund in one click');
    expect(again).toContain('A nurse told us');

    // Only the CX office may send or skip.
    for (const verb of ['digest send', 'digest skip']) {
      app.slack.calls.length = 0;
      await app.command('/touchpoint', verb, { user_id: ids.employee });
      expect(
        text(await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee)),
      ).toContain('Only the CX office');
      await app.whenIdle();
      expect(digestPosts(app)).toEqual([]);
    }
  });

  it('an empty week posts nothing and tells the CX office; skip stops the week', async () => {
    const app = await start();
    await tick(app, MONDAY_0900_UTC);
    expect(digestPosts(app)).toEqual([]);
    const dms = app.slack.callsTo('chat.postMessage').filter((c) => text(c).includes('Nothing to say'));
    expect(dms.map((c) => c.args.channel).sort()).toEqual([ids.cxGroupMember, ids.cxOfficer].sort());

    const other = await start();
    await seedWeek(other, new Date('2026-11-23T07:00:00Z'));
    await other.command('/touchpoint', 'digest skip', { user_id: ids.cxOfficer });
    await other.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('skipped'));
    await tick(other, MONDAY_0900_UTC);
    expect(digestPosts(other)).toEqual([]);
    other.slack.calls.length = 0;
    // A skip by the CX office does stop a later send that week.
    await other.command('/touchpoint', 'digest send', { user_id: ids.cxOfficer });
    expect(
      text(await other.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('2026-W48'))),
    ).toContain('was skipped by the CX office');
    await delivered(other);
    expect(digestPosts(other)).toEqual([]);
  });

  it('has all four sections when there is something in each; a multi-line story stays one headline line; the buttons come last', async () => {
    let clock = new Date('2026-11-22T10:00:00Z'); // the rule is killed that Sunday
    const app = await start({ now: () => clock });
    await seedWeek(app, new Date('2026-11-20T10:00:00Z'));
    const { db } = app.running.database;
    await db
      .update(stories)
      .set({ body: 'Line one\n\nline two\nline three' })
      .where(eq(stories.idempotencyKey, 'story-1'));
    await db.insert(calls).values({
      loggedBy: ids.executive,
      customer: 'ACME',
      callDate: '2026-11-19',
      kind: 'call',
      result: 'reached',
      learned: 'They want invoices by email',
      idempotencyKey: 'call-1',
      createdAt: new Date('2026-11-19T10:00:00Z'),
    });
    clock = MONDAY_0900_UTC;
    await tick(app, MONDAY_0900_UTC);
    const headline = digestPosts(app).find((c) => c.args.thread_ts === undefined);
    const blocks = headline?.args.blocks as { type: string; block_id?: string; text?: { text: string } }[];
    const lines = blocks.find((b) => b.block_id === 'digest.headline')?.text?.text.split('\n') ?? [];
    expect(lines, lines.join('\n')).toHaveLength(4); // with the header: five
    expect(lines.join('\n')).toMatch(
      /Roadmap.*\n.*Story of the week:.*Line one line two line three.*\n.*Rule killed:.*Receipts for €2 refunds.*\n.*Leaders who called/,
    );
    expect(blocks.at(-1)?.type).toBe('actions');
    const thread = digestPosts(app).filter((c) => c.args.thread_ts === headline?.response.ts);
    expect(thread).toHaveLength(4);
    expect(text(thread[3])).toContain(`<@${ids.executive}> — 1 conversation`);

    // The buttons work: "Share a story" opens the story form.
    app.slack.calls.length = 0;
    await app.send.interaction(
      blockActions(
        { action_id: 'stories.share_button' },
        { user: ids.otherEmployee, channel: ids.digestChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    expect(((await app.slack.waitFor('views.open')).args.view as { callback_id: string }).callback_id).toBe(
      'stories.story',
    );
  });

  it('without a pick, features the most recent approved story that may be shared, preferring a stage not featured in four weeks', async () => {
    let clock = MONDAY_0900_UTC;
    const app = await start({ now: () => clock });
    const { db } = app.running.database;
    const stages = await listJourneyStages(db);
    const stageId = (name: string) => stages.find((s) => s.name === name)?.id ?? null;
    const story = async (key: string, stage: string, createdAt: string, extra: object = {}) =>
      (
        await insertStory(db, {
          body: `Story ${key}`,
          kind: 'delighted',
          tellerId: ids.employee,
          source: 'command',
          stageId: stageId(stage),
          idempotencyKey: key,
          status: 'approved',
          shareable: true,
          createdAt: new Date(createdAt),
          ...extra,
        })
      ).story;
    await story('featured-before', 'Buy', '2026-10-01T10:00:00Z', { featuredInWeek: '2026-W47' });
    await story('pending', 'Use', '2026-10-09T10:00:00Z', { status: 'pending' });
    await story('not-shareable', 'Use', '2026-10-08T10:00:00Z', { shareable: false });
    await story('oldest-use', 'Use', '2026-10-03T10:00:00Z');
    await story('older-renew', 'Renew', '2026-10-04T10:00:00Z');
    await story('newest-but-buy', 'Buy', '2026-10-05T10:00:00Z');

    await tick(app, MONDAY_0900_UTC);
    const week48 = digestPosts(app).map(text).join('\n');
    // Buy was featured in W47: the most recent story of another stage.
    expect(week48).toContain('Story older-renew');
    expect(week48).not.toMatch(/Story (oldest-use|newest-but-buy|not-shareable|pending|featured-before)/);
    const [featured] = await db.select().from(stories).where(eq(stories.idempotencyKey, 'older-renew'));
    expect(featured?.featuredInWeek).toBe('2026-W48');

    app.slack.calls.length = 0;
    clock = new Date('2026-11-30T09:00:00Z');
    await tick(app, clock);
    const week49 = digestPosts(app).map(text).join('\n');
    // Buy and Renew were featured in the last four weeks: Use wins over the more recent Buy story; a
    // story its teller did not mark as fine to share is never featured without the CX office's pick.
    expect(week49).toContain('Story oldest-use');
    expect(week49).not.toContain('Story not-shareable');
  });

  it('a week left claimed by a process from before the outbox (it died mid-post) is posted once the claim is stale', async () => {
    const first = await start();
    await seedWeek(first, new Date('2026-11-22T10:00:00Z'));
    // The first process claimed the week at 09:00 and died before posting.
    expect(await claimJobRun(first.running.database.db, 'digest', '2026-W48', MONDAY_0900_UTC)).toBe(true);
    // The process that comes back (on the embedded database it shares the open instance; the dead one never ticks again).
    const restarted = await start({ replicaOf: first });
    await tick(restarted, new Date('2026-11-23T09:05:00Z'));
    expect(digestPosts(restarted)).toEqual([]); // maybe still posting: wait
    await tick(restarted, new Date('2026-11-23T09:15:00Z'));
    await tick(restarted, new Date('2026-11-23T09:20:00Z'));
    expect(digestPosts(restarted).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });

  it('two replicas firing at the same moment post once', async () => {
    const first = await start();
    await seedWeek(first, new Date('2026-11-22T10:00:00Z'));
    const second = await start({ replicaOf: first });
    await Promise.all([
      first.running.runJob('digest.weekly', MONDAY_0900_UTC),
      second.running.runJob('digest.weekly', MONDAY_0900_UTC),
    ]);
    await Promise.all([delivered(first), delivered(second)]);
    expect(digestPosts(first).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });

  it('after downtime: posts once when back (if still the same week), never past weeks, and tells the CX office of a missed week', async () => {
    const before = await start({ now: () => new Date('2026-11-09T10:00:00Z') });
    await tick(before, new Date('2026-11-09T10:00:00Z')); // running in week 46 (nothing to say)
    await seedWeek(before, new Date('2026-11-30T08:00:00Z'));
    before.slack.calls.length = 0;
    // Touchpoint was down from then until Wednesday of week 49: the instance that comes back ticks now.
    const back = await start({ replicaOf: before, now: () => new Date('2026-12-02T14:05:00Z') });
    await tick(back, new Date('2026-12-02T14:00:00Z'));
    await tick(back, new Date('2026-12-02T14:05:00Z'));
    expect(digestPosts(back).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
    const missed = back.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ids.cxOfficer && text(c).includes('was not posted'));
    expect(missed).toHaveLength(1);
    expect(text(missed[0])).toContain('the week of 23 November');
  });

  it('a week with a thousand roadmap changes still produces valid messages', async () => {
    const app = await start();
    const { db } = app.running.database;
    const at = new Date('2026-11-20T10:00:00Z');
    for (let i = 0; i < 1000; i += 1) {
      await addRoadmapItem(
        db,
        {
          fields: fields(`Item ${i} ${'<&>'.repeat(40)}`, i % 3 === 0 ? 'shipped' : 'in_progress'),
          actorId: ids.cxOfficer,
          idempotencyKey: `k${i}`,
        },
        at,
      );
    }
    await tick(app, MONDAY_0900_UTC);
    const posts = digestPosts(app);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    for (const post of posts) {
      expect(post.response.ok, JSON.stringify(post.response)).toBe(true);
      expect(checkMessage(post.args)).toEqual([]);
    }
    expect(text(posts.find((c) => c.args.thread_ts !== undefined))).toContain('and 960 more');
  }, 60_000); // a thousand inserts on a shared machine

  it('a DST week posts at 09:00 local time', async () => {
    const app = await start({ env: { TOUCHPOINT_TIMEZONE: 'Europe/Berlin' } });
    await seedWeek(app, new Date('2026-10-23T10:00:00Z'));
    // Clocks went back on Sunday 25 October: Monday 09:00 in Berlin is 08:00 UTC (it was 07:00 the week before).
    await tick(app, new Date('2026-10-26T07:00:00Z'));
    await tick(app, new Date('2026-10-26T07:55:00Z'));
    expect(digestPosts(app)).toEqual([]);
    await tick(app, new Date('2026-10-26T08:00:00Z'));
    expect(digestPosts(app).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });

  it('when Slack refuses the post, the CX office is told once, in words; once fixed, "post again" posts it', async () => {
    let clock = new Date('2026-11-23T08:00:00Z');
    const app = await start({ now: () => clock });
    await seedWeek(app, new Date('2026-11-22T10:00:00Z'));
    clock = new Date('2026-11-23T09:10:00Z');
    app.slack.channels.delete(ids.digestChannel);
    await expect(tick(app, MONDAY_0900_UTC)).resolves.toBeUndefined();
    await tick(app, new Date('2026-11-23T09:05:00Z'));
    await tick(app, new Date('2026-11-23T09:10:00Z'));
    const warnings = app.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ids.cxOfficer && text(c).includes('could not be posted'));
    expect(warnings).toHaveLength(1);
    expect(text(warnings[0])).toContain('Slack refused it');
    expect(text(warnings[0])).not.toContain('channel_not_found'); // words, never an error's text

    app.slack.addChannel(ids.digestChannel);
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'digest send', { user_id: ids.cxOfficer });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxOfficer);
    expect(text(answer)).toContain('could not be posted');
    expect(text(answer)).toContain('digest.post_again');
    await app.send.interaction(
      blockActions(
        { action_id: 'digest.post_again', value: '2026-W48', action_ts: '1700000999.000002' },
        { user: ids.cxOfficer, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Posting again'));
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.digestChannel);
    await delivered(app);
    const headlines = digestPosts(app).filter((c) => c.args.thread_ts === undefined && c.response.ok);
    expect(headlines).toHaveLength(1);
    expect(digestPosts(app).filter((c) => c.args.thread_ts === headlines[0]?.response.ts).length).toBe(3);
    // "Already posted" now links to the one that went out.
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'digest send', { user_id: ids.cxOfficer });
    expect(
      text(await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxOfficer)),
    ).toContain('already posted');
  });

  it('Slack failing when the headline is posted: it arrives exactly once, later, and the thread lines after it, in order', async () => {
    const clock = movingClock(new Date('2026-11-23T09:01:00Z'));
    const app = await start({ now: clock });
    await seedWeek(app, new Date('2026-11-22T10:00:00Z'));
    app.slack.failFor('chat.postMessage', 1_500, { status: 500 });
    await app.running.runJob('digest.weekly', clock());
    await app.slack.waitFor('chat.postMessage', (c) => c.response.status === 500);
    app.slack.rateLimit('chat.postMessage', 2, 1);
    const headline = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.digestChannel && c.args.thread_ts === undefined && c.response.ok === true,
      20_000,
    );
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.thread_ts === headline.response.ts && text(c).includes('Rules killed'),
      10_000,
    );
    await delivered(app);
    expect(app.slack.callsTo('chat.postMessage').some((c) => c.response.status === 429)).toBe(true);
    const inChannel = app.slack.postedTo(ids.digestChannel);
    expect(inChannel.filter((m) => m.thread_ts === undefined)).toHaveLength(1);
    expect(inChannel[0]?.ts).toBe(headline.response.ts);
    const thread = inChannel.slice(1);
    expect(thread.every((m) => m.thread_ts === headline.response.ts)).toBe(true);
    expect(thread.map((m) => String(m.text))).toEqual([
      expect.stringMatching(/^Roadmap/),
      'Story of the week',
      expect.stringMatching(/^\d+ rules? killed$/),
    ]);
  });

  it('a fresh install does not tell the CX office of weeks before it was installed', async () => {
    const app = await start({ now: () => new Date('2026-11-25T10:05:00Z') });
    // Installed on a Wednesday: last week's slot passed before Touchpoint ever ran.
    await tick(app, new Date('2026-11-25T10:00:00Z'));
    await tick(app, new Date('2026-11-25T10:05:00Z'));
    await tick(app, new Date('2026-11-26T10:00:00Z'));
    await app.whenIdle();
    expect(missedNotices(app)).toEqual([]);
  });

  it('tells the CX office of a week missed while installed: running before the slot, not at it', async () => {
    let clock = new Date('2026-11-16T08:00:00Z');
    const app = await start({ now: () => clock });
    await tick(app, clock); // Monday of week 47, before 09:00; then down until Wednesday of week 48
    expect(missedNotices(app)).toEqual([]);
    clock = new Date('2026-11-25T10:00:00Z');
    await tick(app, clock);
    await tick(app, new Date('2026-11-25T10:05:00Z'));
    const notices = missedNotices(app);
    expect(notices.map((c) => c.args.channel).sort()).toEqual([ids.cxGroupMember, ids.cxOfficer].sort());
    expect(text(notices[0])).toContain('the week of 16 November');
  });

  it('a week the schedule found empty does not stop "digest send" that week once there is something to say', async () => {
    let clock = MONDAY_0900_UTC;
    const app = await start({ now: () => clock });
    await tick(app, MONDAY_0900_UTC);
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => text(c).includes('Nothing to say')),
    ).not.toEqual([]);
    clock = new Date('2026-11-24T10:00:00Z');
    await seedWeek(app, new Date('2026-11-24T09:00:00Z'));
    // The scheduler does not post it later that week by itself…
    await tick(app, new Date('2026-11-24T10:00:00Z'));
    expect(digestPosts(app)).toEqual([]);
    // …the CX office may.
    await sendAndWaitForHeadline(app);
    expect(digestPosts(app).map(text).join('\n')).toContain('Refund in one click');
    expect(digestPosts(app).filter((c) => c.args.thread_ts === undefined)).toHaveLength(1);
  });
});
