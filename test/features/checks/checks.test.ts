import { and, eq, like, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls } from '../../../src/features/calls/calls.schema.js';
import { checksIds } from '../../../src/features/checks/checks.ids.js';
import { answersByStage } from '../../../src/features/checks/checks.queries.js';
import { CHECK_WHY_MAX, stageChecks } from '../../../src/features/checks/checks.schema.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { SAVE_FAILED } from '../../../src/slack/blocks.js';
import type { FakeSlack, RecordedCall } from '../../support/fake-slack.js';
import { blockActions, eventCallback, ids, viewSubmission } from '../../support/payloads.js';
import { startFakeSlack, startTestApp, type TestApp } from '../../support/test-app.js';

// The quarterly "it depends" check end to end: the job asks (one DM per stage and person, once a quarter,
// whatever the number of runs or replicas), a click answers (only the person asked), the why form saves.

const EXEC1 = ids.executive; // no conversations last quarter
const EXEC2 = 'U0EXEC0002'; // heard customers about Buy (twice) and Use last quarter
const EXEC3 = 'U0EXEC0003'; // owns Onboard
const OWNER = 'U0OWNER001'; // not an executive; owns "Get help" (renamed) and Renew (retired)
const ESCAPED_GET_HELP = 'Get help &lt;!channel&gt; &amp; co';

const apps: TestApp[] = [];
const slacks: FakeSlack[] = [];
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.stop();
  for (const slack of slacks.splice(0)) await slack.close();
});

type Clock = { now: Date };

async function start(clock: Clock, options: { zone?: string; replicaOf?: TestApp } = {}) {
  let slack = options.replicaOf?.slack;
  if (!slack) {
    slack = await startFakeSlack();
    for (const id of [EXEC2, EXEC3, OWNER]) slack.addUser({ id, tz: 'UTC' });
    slacks.push(slack);
  }
  const app = await startTestApp({
    slack,
    now: () => clock.now,
    env: {
      TOUCHPOINT_EXECUTIVES: [EXEC1, EXEC2, EXEC3].join(','),
      TOUCHPOINT_TIMEZONE: options.zone ?? 'UTC',
    },
    outbox: { autoStart: false },
    replicaOf: options.replicaOf,
  });
  apps.push(app);
  return app;
}

/** The roster, the stage owners, a renamed and a retired stage, and EXEC2's conversations last quarter. */
async function seed(app: TestApp, clock: Clock): Promise<Map<string, number>> {
  await app.running.runJob('calls.roster', clock.now);
  const db = app.running.database.db;
  const stages = new Map((await db.select().from(journeyStages)).map((s) => [s.name, s.id]));
  const id = (name: string) => stages.get(name) ?? 0;
  await db
    .update(journeyStages)
    .set({ name: 'Get help <!channel> & co', ownerId: OWNER })
    .where(eq(journeyStages.id, id('Get help')));
  await db
    .update(journeyStages)
    .set({ ownerId: OWNER, retiredAt: new Date('2026-09-01T00:00:00Z') })
    .where(eq(journeyStages.id, id('Renew')));
  await db
    .update(journeyStages)
    .set({ ownerId: EXEC3 })
    .where(eq(journeyStages.id, id('Onboard')));
  const call = (n: number, stage: string, date: string, result: 'reached' | 'voicemail' = 'reached') => ({
    loggedBy: EXEC2,
    customer: `Customer ${n}`,
    callDate: date,
    kind: 'call' as const,
    result,
    stageId: id(stage),
    learned: 'Things',
    idempotencyKey: `seed-call-${n}`,
    createdAt: new Date(`${date}T12:00:00Z`),
  });
  await db.insert(calls).values([
    call(1, 'Buy', '2026-08-03'),
    call(2, 'Buy', '2026-09-30'),
    call(3, 'Use', '2026-07-01'),
    // A voicemail, a call before last quarter and one this quarter: none counts.
    call(6, 'Discover', '2026-09-01', 'voicemail'),
    call(4, 'Discover', '2026-06-30'),
    call(5, 'Discover', '2026-10-01'),
  ]);
  return stages;
}

const deliver = (app: TestApp) => app.running.outbox.drain();

async function runAt(app: TestApp, clock: Clock, at: string) {
  clock.now = new Date(at);
  await app.running.runJob('checks.ask', clock.now);
  await deliver(app);
}

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});
const questionsTo = (slack: FakeSlack, user: string) =>
  slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === user && c.response.ok && text(c).includes(checksIds.answerYes));

type Block = {
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string }[];
};
const blocksOf = (call: RecordedCall | undefined) => (call?.args.blocks ?? []) as Block[];
const buttonsOf = (call: RecordedCall | undefined) =>
  blocksOf(call)
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.action_id !== undefined);
const checkIdOf = (call: RecordedCall | undefined) =>
  Number(buttonsOf(call).find((e) => e.action_id === checksIds.answerYes)?.value);

async function rowsOf(app: TestApp) {
  return app.running.database.db.select().from(stageChecks).orderBy(stageChecks.id);
}

/** Clicks a button of a question's DM as `user`; returns the response_url answer. */
async function click(app: TestApp, user: string, actionId: string, checkId: number, responseId: string) {
  await app.send.interaction(
    blockActions(
      { action_id: actionId, value: String(checkId), block_id: 'checks.question.actions' },
      { user, channel: app.slack.dmChannelOf(user), responseUrl: app.slack.responseUrl(responseId) },
    ),
  );
  return app.slack.waitFor('response_url', (c) => c.responseUrlId === responseId);
}

describe('the quarterly "it depends" check', () => {
  it('asks each person once a quarter, one DM per stage; stage names escaped, retired stages never', async () => {
    // Thursday 1 October 2026 is the quarter's first working day.
    const clock = { now: new Date('2026-10-01T08:00:00Z') };
    const app = await start(clock);
    const stages = await seed(app, clock);
    app.slack.calls.length = 0;

    await runAt(app, clock, '2026-10-01T10:00:00Z');
    // The owner who is no executive: their active stage only (Renew is retired).
    const owner = questionsTo(app.slack, OWNER);
    expect(owner).toHaveLength(1);
    expect(text(owner[0])).toContain(ESCAPED_GET_HELP);
    expect(text(owner[0])).not.toContain('<!channel>');
    expect(String(owner[0]?.args.text)).toContain(`In ${ESCAPED_GET_HELP}, is the experience we deliver`);
    // An executive without conversations last quarter: three stages, not all six.
    expect(questionsTo(app.slack, EXEC1)).toHaveLength(3);
    // An executive who heard customers about Buy and Use last quarter: those two.
    const rows = await rowsOf(app);
    const stagesOf = (user: string) =>
      rows
        .filter((r) => r.userId === user)
        .map((r) => r.stageId)
        .sort((a, b) => a - b);
    expect(questionsTo(app.slack, EXEC2)).toHaveLength(2);
    expect(stagesOf(EXEC2)).toEqual([stages.get('Buy'), stages.get('Use')].sort((a = 0, b = 0) => a - b));
    // An executive who owns a stage: it, and two more (three in all).
    expect(questionsTo(app.slack, EXEC3)).toHaveLength(3);
    expect(stagesOf(EXEC3)).toContain(stages.get('Onboard'));
    expect(rows.map((r) => r.stageId)).not.toContain(stages.get('Renew'));
    expect(new Set(rows.map((r) => r.quarter))).toEqual(new Set(['2026-Q4']));
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.answer === null && r.askedAt.getTime() === clock.now.getTime())).toBe(true);

    // Every later run this quarter asks nothing more.
    await runAt(app, clock, '2026-10-01T11:00:00Z');
    await runAt(app, clock, '2026-11-17T10:00:00Z');
    expect(app.slack.callsTo('chat.postMessage')).toHaveLength(9);
    expect(await rowsOf(app)).toHaveLength(9);

    // A stage handed to someone mid-quarter: its new owner is asked about it, once.
    const db = app.running.database.db;
    await db
      .update(journeyStages)
      .set({ ownerId: EXEC1 })
      .where(eq(journeyStages.id, stages.get('Discover') ?? 0));
    await runAt(app, clock, '2026-11-18T10:00:00Z');
    await runAt(app, clock, '2026-11-18T11:00:00Z');
    const exec1Stages = (await rowsOf(app)).filter((r) => r.userId === EXEC1).map((r) => r.stageId);
    expect(exec1Stages).toContain(stages.get('Discover'));
    expect(questionsTo(app.slack, EXEC1)).toHaveLength(exec1Stages.length);
  });

  it('two replicas running the job at once ask each question once', async () => {
    const clock = { now: new Date('2026-10-01T08:00:00Z') };
    const first = await start(clock);
    await seed(first, clock);
    const second = await start(clock, { replicaOf: first });
    first.slack.calls.length = 0;
    clock.now = new Date('2026-10-01T10:00:00Z');
    await Promise.all([
      first.running.runJob('checks.ask', clock.now),
      second.running.runJob('checks.ask', clock.now),
    ]);
    await Promise.all([deliver(first), deliver(second)]);
    await Promise.all([
      first.running.runJob('checks.ask', clock.now),
      second.running.runJob('checks.ask', clock.now),
    ]);
    await Promise.all([deliver(first), deliver(second)]);
    expect(await rowsOf(first)).toHaveLength(9);
    const items = await first.running.database.db
      .select({ key: outbox.key })
      .from(outbox)
      .where(like(outbox.key, 'checks:ask:%'));
    expect(items).toHaveLength(9);
    for (const [user, n] of [
      [OWNER, 1],
      [EXEC1, 3],
      [EXEC2, 2],
      [EXEC3, 3],
    ] as const) {
      expect(questionsTo(first.slack, user), user).toHaveLength(n);
      expect(first.slack.postedTo(user), user).toHaveLength(n);
    }
  });

  it('a click answers and redraws the DM; the last answer wins; someone else’s click changes nothing', async () => {
    const clock = { now: new Date('2026-10-01T08:00:00Z') };
    const app = await start(clock);
    await seed(app, clock);
    await runAt(app, clock, '2026-10-05T10:00:00Z');
    const [question] = questionsTo(app.slack, OWNER);
    const checkId = checkIdOf(question);
    expect(checkId).toBeGreaterThan(0);

    clock.now = new Date('2026-10-05T10:30:00Z');
    const redrawn = await click(app, OWNER, checksIds.answerItDepends, checkId, 'answer-1');
    expect(redrawn.args.replace_original).toBe(true);
    expect(text(redrawn)).toContain('You answered *It depends*');
    expect(text(redrawn)).toContain(ESCAPED_GET_HELP);
    expect(buttonsOf(redrawn).map((b) => b.action_id)).toEqual([
      checksIds.answerYes,
      checksIds.answerItDepends,
      checksIds.answerNotYet,
      checksIds.addWhy,
    ]);
    let [row] = (await rowsOf(app)).filter((r) => r.id === checkId);
    expect(row?.answer).toBe('it_depends');
    expect(row?.answeredAt?.toISOString()).toBe('2026-10-05T10:30:00.000Z');

    // A forwarded DM: an executive clicks the owner's question. Refused where they clicked; nothing changes.
    const refused = await click(app, EXEC1, checksIds.answerYes, checkId, 'answer-2');
    expect(refused.args.replace_original).toBe(false);
    expect(refused.args.response_type).toBe('ephemeral');
    expect(text(refused)).toContain('asked to someone else');
    [row] = (await rowsOf(app)).filter((r) => r.id === checkId);
    expect(row?.answer).toBe('it_depends');
    // Their "Add why" on it opens nothing.
    await click(app, EXEC1, checksIds.addWhy, checkId, 'answer-3');
    expect(app.slack.callsTo('views.open')).toEqual([]);

    // Changed their mind: the last answer wins, with its time; the same answer again keeps that time.
    clock.now = new Date('2026-10-06T09:00:00Z');
    await click(app, OWNER, checksIds.answerNotYet, checkId, 'answer-4');
    clock.now = new Date('2026-10-06T09:05:00Z');
    const again = await click(app, OWNER, checksIds.answerNotYet, checkId, 'answer-5');
    expect(text(again)).toContain('You answered *Not yet*');
    [row] = (await rowsOf(app)).filter((r) => r.id === checkId);
    expect(row?.answer).toBe('not_yet');
    expect(row?.answeredAt?.toISOString()).toBe('2026-10-06T09:00:00.000Z');

    // A forged value (no such question) is refused too.
    const forged = await click(app, OWNER, checksIds.answerYes, 999_999, 'answer-6');
    expect(text(forged)).toContain('asked to someone else');

    // For the review: counts per quarter, stage and answer, in one statement.
    const counts = await answersByStage(app.running.database.db, ['2026-Q4', '2026-Q3']);
    expect(counts.filter((c) => c.answer === 'not_yet')).toEqual([
      { quarter: '2026-Q4', stageId: row?.stageId, answer: 'not_yet', count: 1 },
    ]);
    expect(counts.filter((c) => c.answer === null).reduce((sum, c) => sum + c.count, 0)).toBe(8);
  });

  it('the why form saves, redraws the DM, refuses too long and others, and keeps the text when the save fails', async () => {
    const clock = { now: new Date('2026-10-01T08:00:00Z') };
    const app = await start(clock);
    await seed(app, clock);
    await runAt(app, clock, '2026-10-01T10:00:00Z');
    const [question] = questionsTo(app.slack, EXEC2);
    const checkId = checkIdOf(question);
    await click(app, EXEC2, checksIds.answerItDepends, checkId, 'why-1');

    await app.send.interaction(
      blockActions(
        { action_id: checksIds.addWhy, value: String(checkId), block_id: 'checks.question.actions' },
        { user: EXEC2, channel: app.slack.dmChannelOf(EXEC2), responseUrl: app.slack.responseUrl('why-2') },
      ),
    );
    const opened = await app.slack.waitFor('views.open');
    const view = opened.response.view as { id: string; callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(checksIds.whyModal);
    // Opened from an answer, the form has it picked.
    const blocks = (
      opened.response.view as { blocks: { block_id?: string; element?: Record<string, unknown> }[] }
    ).blocks;
    expect(blocks.find((b) => b.block_id === checksIds.answer)?.element?.initial_option).toMatchObject({
      value: 'it_depends',
    });
    const submit = (why: string, user = EXEC2, target = view, answer = 'it_depends') =>
      app.send.interaction(
        viewSubmission(
          target,
          {
            [checksIds.answer]: { type: 'radio_buttons', value: answer },
            [checksIds.why]: { type: 'plain_text_input', value: why },
          },
          user,
        ),
      );
    const errorsOf = (response: { json<T>(): T }) =>
      response.json<{ errors?: Record<string, string> }>().errors ?? {};

    expect(errorsOf(await submit('x'.repeat(CHECK_WHY_MAX + 1)))[checksIds.why]).toContain(
      '1,000 characters',
    );
    expect(errorsOf(await submit('Not mine', EXEC1))[checksIds.why]).toContain('asked to someone else');

    // The database does not answer: the form stays open with what was typed, and says so.
    const db = app.running.database.db;
    await db.execute(sql`alter table stage_checks rename to stage_checks_away`);
    try {
      expect(errorsOf(await submit('Depends on the region'))[checksIds.why]).toBe(SAVE_FAILED);
    } finally {
      await db.execute(sql`alter table stage_checks_away rename to stage_checks`);
    }

    const why = 'Depends on the region <!here> & who picks up';
    const saved = (await submit(why)).json<{ response_action: string; view: { blocks: Block[] } }>();
    expect(saved.response_action).toBe('update');
    expect(JSON.stringify(saved.view)).toContain('&lt;!here&gt; &amp; who picks up');
    const [row] = await db
      .select()
      .from(stageChecks)
      .where(and(eq(stageChecks.id, checkId)));
    expect(row?.why).toBe(why);
    expect(row?.answer).toBe('it_depends');

    // The DM itself shows the why: updated in place through the outbox.
    await deliver(app);
    const updated = app.slack.callsTo('chat.update').find((c) => text(c).includes('who picks up'));
    expect(updated?.args.ts).toBe(question?.response.ts);
    expect(text(updated)).toContain('>Depends on the region &lt;!here&gt;');
    expect(text(updated)).not.toContain('<!here>');
    expect(buttonsOf(updated).find((b) => b.action_id === checksIds.addWhy)).toBeDefined();

    // "Answer with a why" on a question not answered yet: the form answers it, with or without a why.
    const second = questionsTo(app.slack, EXEC2)[1];
    const secondId = checkIdOf(second);
    expect(buttonsOf(second).map((b) => b.action_id)).toContain(checksIds.addWhy);
    const opens = app.slack.callsTo('views.open').length;
    await app.send.interaction(
      blockActions(
        { action_id: checksIds.addWhy, value: String(secondId), block_id: 'checks.question.actions' },
        { user: EXEC2, channel: app.slack.dmChannelOf(EXEC2), responseUrl: app.slack.responseUrl('why-3') },
      ),
    );
    await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length > opens);
    const form = app.slack.callsTo('views.open')[opens]?.response.view as typeof view;
    const noAnswer = (
      await app.send.interaction(
        viewSubmission(form, { [checksIds.answer]: { type: 'radio_buttons', value: null } }, EXEC2),
      )
    ).json<{ errors?: Record<string, string> }>().errors;
    expect(noAnswer?.[checksIds.answer]).toBe('Pick an answer.');
    clock.now = new Date('2026-10-01T12:00:00Z');
    expect((await submit('', EXEC2, form, 'yes')).json<{ response_action: string }>().response_action).toBe(
      'update',
    );
    const [answered] = await db.select().from(stageChecks).where(eq(stageChecks.id, secondId));
    expect(answered).toMatchObject({ answer: 'yes', why: null, answeredAt: clock.now });
  });

  it('a new quarter is asked again from its first working day, in the company time zone', async () => {
    const clock = { now: new Date('2026-10-01T06:00:00Z') };
    const app = await start(clock, { zone: 'Europe/Berlin' });
    await seed(app, clock);
    // 10:00 in Berlin is 08:00 UTC in October (summer time).
    await runAt(app, clock, '2026-10-01T08:00:00Z');
    expect(await rowsOf(app)).toHaveLength(9);

    // The last tick of the year (17:00 in Berlin, 16:00 UTC) is still the old quarter: nothing new.
    await runAt(app, clock, '2026-12-31T16:00:00Z');
    expect(await rowsOf(app)).toHaveLength(9);
    // The next tick is Friday 1 January 2027 at 10:00 in Berlin (09:00 UTC, winter): the new quarter.
    await runAt(app, clock, '2027-01-01T09:00:00Z');
    const rows = await rowsOf(app);
    expect(rows.filter((r) => r.quarter === '2027-Q1').length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.quarter === '2026-Q4')).toHaveLength(9);
    const q1 = questionsTo(app.slack, OWNER).filter((c) => text(c).includes('January to March 2027'));
    expect(q1).toHaveLength(1);
    await runAt(app, clock, '2027-01-04T10:00:00Z');
    expect(await rowsOf(app)).toHaveLength(rows.length);
  });

  it('the CX office’s Home shows this quarter’s answers per stage; nobody else’s Home does', async () => {
    const clock = { now: new Date('2026-10-01T08:00:00Z') };
    const app = await start(clock);
    await seed(app, clock);
    await runAt(app, clock, '2026-10-01T10:00:00Z');
    const [question] = questionsTo(app.slack, OWNER);
    await click(app, OWNER, checksIds.answerItDepends, checkIdOf(question), 'home-1');
    const homeOf = async (user: string) => {
      const before = app.slack.callsTo('views.publish').length;
      await app.send.event(
        eventCallback({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001' }),
      );
      const published = await app.slack.waitFor(
        'views.publish',
        (c) => c.args.user_id === user && app.slack.callsTo('views.publish').indexOf(c) >= before,
      );
      return ((published.args.view as { blocks: Block[] }).blocks ?? []).find(
        (b) => b.block_id === 'checks.home.answers',
      );
    };
    const section = await homeOf(ids.cxOfficer);
    expect(section?.text?.text).toContain('October to December 2026');
    expect(section?.text?.text).toContain(`*${ESCAPED_GET_HELP}*: yes 0 · it depends 1 · not yet 0`);
    expect(await homeOf(EXEC1)).toBeUndefined();
  });
});
