import { eq, like } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { calls, executives, followUps, nudges } from '../../../src/features/calls/calls.schema.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import { claimDueItems } from '../../../src/outbox/outbox.queries.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { slackDay } from '../../../src/slack/dates.js';
import { callFormState } from '../../support/call-form.js';
import type { FakeSlack, RecordedCall } from '../../support/fake-slack.js';
import {
  blockActions,
  eventCallback,
  globalShortcut,
  ids,
  type StateInput,
  viewSubmission,
} from '../../support/payloads.js';
import { startFakeSlack, startTestApp, type TestApp } from '../../support/test-app.js';

const NY = 'U0EXECNY01';
const BERLIN = 'U0EXECBE01';
const TOKYO = 'U0EXECTK01';
const TOKYO_BEHIND = 'U0EXECTK02';
const GONE = 'U0EXECGONE';
const OWNER = 'U0OWNERBE1';
const EXEC_GROUP = 'S0EXECS001';

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});
const dmsTo = (slack: FakeSlack, user: string) =>
  slack.callsTo('chat.postMessage').filter((c) => c.args.channel === user && c.response.ok);
const nudgesTo = (slack: FakeSlack, user: string) =>
  dmsTo(slack, user).filter((c) => text(c).includes(callsIds.snooze));
/** The values of a follow-up message's "Mark done" buttons, in order. */
const doneButtons = (call: RecordedCall | undefined): string[] =>
  ((call?.args.blocks ?? []) as { accessory?: { action_id?: string; value?: string } }[]).flatMap((block) =>
    block.accessory?.action_id === callsIds.followUpDone && block.accessory.value
      ? [block.accessory.value]
      : [],
  );

/** `n` more executives in Berlin (U0EXECBX01, …), for runs with many nudges at one slot. */
const moreBerliners = (n: number) =>
  Array.from({ length: n }, (_, i) => `U0EXECBX${String(i + 1).padStart(2, '0')}`);

async function rosterSlack(extraBerliners: string[] = []) {
  const slack = await startFakeSlack();
  slack
    .addUser({ id: NY, tz: 'America/New_York' })
    .addUser({ id: BERLIN, tz: 'Europe/Berlin' })
    .addUser({ id: TOKYO, tz: 'Asia/Tokyo' })
    .addUser({ id: TOKYO_BEHIND, tz: 'Asia/Tokyo' })
    .addUser({ id: GONE, tz: 'UTC', deleted: true })
    .addUser({ id: OWNER, tz: 'Europe/Berlin' })
    .addUsergroup(EXEC_GROUP, [NY, BERLIN, TOKYO, TOKYO_BEHIND, GONE, ...extraBerliners]);
  for (const id of extraBerliners) slack.addUser({ id, tz: 'Europe/Berlin' });
  return slack;
}

const apps: TestApp[] = [];
const slacks: FakeSlack[] = [];
/**
 * An app on the roster's fake Slack. Its outbox worker does not run by itself here: `deliver` sends what
 * is due, so counts after it are exact (pass `outbox: {}` for the worker's own loop).
 */
async function start(
  clock: { now: Date },
  options: Parameters<typeof startTestApp>[0] = {},
  extraBerliners: string[] = [],
) {
  let slack = options.replicaOf?.slack;
  if (!slack) {
    slack = await rosterSlack(extraBerliners);
    slacks.push(slack);
  }
  const app = await startTestApp({
    slack,
    now: () => clock.now,
    env: { TOUCHPOINT_EXECUTIVES: EXEC_GROUP },
    outbox: { autoStart: false },
    ...options,
  });
  apps.push(app);
  await app.running.runJob('calls.roster', clock.now);
  return app;
}

/** Sends everything the outbox holds that is due by the app's clock. */
const deliver = (app: TestApp) => app.running.outbox.drain();

/** Runs a job at `at` with the app's clock moved there too (the outbox sends by that clock), then delivers. */
async function runJobAt(app: TestApp, clock: { now: Date }, job: string, at: Date | string) {
  clock.now = new Date(at);
  await app.running.runJob(job, clock.now);
  await deliver(app);
}

/** The outbox items of calls' nudges, by executive. */
async function nudgeItems(app: TestApp): Promise<Map<string, number>> {
  const rows = await app.running.database.db
    .select({ key: outbox.key })
    .from(outbox)
    .where(like(outbox.key, 'calls:nudge:%'));
  const byUser = new Map<string, number>();
  for (const { key } of rows) {
    const user = key.split(':')[2] ?? '';
    byUser.set(user, (byUser.get(user) ?? 0) + 1);
  }
  return byUser;
}
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.stop();
  for (const slack of slacks.splice(0)) await slack.close();
});

type OpenedView = { id: string; callback_id: string; private_metadata: string; blocks: ModalBlock[] };
type ModalBlock = {
  block_id?: string;
  optional?: boolean;
  element?: { type: string; initial_date?: string; options?: { text: { text: string }; value: string }[] };
};

async function openCallModal(app: TestApp, user: string): Promise<OpenedView> {
  const before = app.slack.callsTo('views.open').length;
  await app.command('/logcall', '', { user_id: user });
  await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length > before);
  return app.slack.callsTo('views.open')[before]?.response.view as OpenedView;
}

/** The call form as the tests here fill it in: the follow-up goes to OWNER. */
const callState = (overrides: Partial<Record<string, StateInput>> = {}) =>
  callFormState({ followup_0_owner: { type: 'users_select', user: OWNER }, ...overrides });

async function logCall(app: TestApp, user: string, overrides: Partial<Record<string, StateInput>> = {}) {
  const view = await openCallModal(app, user);
  return app.send.interaction(viewSubmission(view, callState(overrides), user));
}

const errorsOf = (response: { json<T>(): T }) =>
  response.json<{ errors?: Record<string, string> }>().errors ?? {};

/** The roster line of one executive, as the CX office sees it in `/touchpoint roster`. */
async function rosterLine(app: TestApp, user: string): Promise<string> {
  const before = app.slack.callsTo('chat.postEphemeral').length;
  await app.command('/touchpoint', 'roster', { user_id: ids.cxOfficer });
  await app.slack.waitFor(
    'chat.postEphemeral',
    () => app.slack.callsTo('chat.postEphemeral').length > before,
  );
  const blocks = app.slack.callsTo('chat.postEphemeral')[before]?.args.blocks as {
    block_id?: string;
    text?: { text: string };
  }[];
  return blocks.find((b) => b.block_id === `calls.roster.${user}`)?.text?.text ?? '';
}

/** Ticks the nudge job every 15 minutes over one UTC day, delivering after each tick. */
async function tickDay(app: TestApp, clock: { now: Date }, day: string) {
  for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
    await runJobAt(
      app,
      clock,
      'calls.nudges',
      new Date(new Date(`${day}T00:00:00Z`).getTime() + minutes * 60_000),
    );
  }
}

/** After a saved call, the listener asks Slack for the owners' zones, then refreshes the logger's Home. */
const homeRefreshed = (app: TestApp, user: string) =>
  app.slack.waitFor('views.publish', (c) => c.args.user_id === user);

describe('executives calling customers', () => {
  it('syncs the roster from a user group with time zones; deactivated users drop out', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    const rows = await app.running.database.db.select().from(executives);
    const active = rows
      .filter((r) => r.active)
      .map((r) => `${r.userId} ${r.timeZone}`)
      .sort();
    expect(active).toEqual(
      [
        `${BERLIN} Europe/Berlin`,
        `${NY} America/New_York`,
        `${TOKYO} Asia/Tokyo`,
        `${TOKYO_BEHIND} Asia/Tokyo`,
      ].sort(),
    );
    expect(rows.find((r) => r.userId === GONE)?.active).toBe(false);

    await app.command('/touchpoint', 'roster', { user_id: ids.cxOfficer });
    const roster = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxOfficer);
    // The zone in words, never its IANA name.
    expect(text(roster)).toContain('New York time');
    expect(text(roster)).not.toContain('America/New_York');
    expect(text(roster)).toContain('0 of 2 this month');
    expect(text(roster)).not.toContain(GONE);

    // The daily re-sync reads Slack afresh: a new zone is picked up, someone who left the group and
    // someone deactivated drop out.
    const zones = async () =>
      (await app.running.database.db.select().from(executives))
        .filter((r) => r.active)
        .map((r) => `${r.userId} ${r.timeZone}`)
        .sort();
    app.slack.addUser({ id: NY, tz: 'America/Los_Angeles' });
    app.slack.addUser({ id: BERLIN, tz: 'Europe/Berlin', deleted: true });
    app.slack.addUsergroup(EXEC_GROUP, [NY, BERLIN, TOKYO_BEHIND, GONE]);
    await app.running.runJob('calls.roster', new Date('2026-11-18T03:00:00Z'));
    expect(await zones()).toEqual([`${NY} America/Los_Angeles`, `${TOKYO_BEHIND} Asia/Tokyo`].sort());

    // Slack failing during a sync changes nothing: no roster wiped, no zone guessed.
    app.slack.failNext('usergroups.users.list', 'internal_error');
    await app.running.runJob('calls.roster', new Date('2026-11-19T03:00:00Z'));
    app.slack.failNext('users.info', 'internal_error');
    app.slack.failNext('users.info', 'internal_error');
    await app.running.runJob('calls.roster', new Date('2026-11-20T03:00:00Z'));
    expect(await zones()).toEqual([`${NY} America/Los_Angeles`, `${TOKYO_BEHIND} Asia/Tokyo`].sort());
  });

  it('the CX office changes one executive’s target from the roster; others cannot', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    const click = (user: string) =>
      app.send.interaction(
        blockActions(
          { action_id: callsIds.setTarget, value: NY },
          { user, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
        ),
      );
    await click(ids.employee);
    await app.whenIdle();
    expect(app.slack.callsTo('views.open')).toEqual([]);
    await click(ids.cxOfficer);
    const modal = (await app.slack.waitFor('views.open')).response.view as {
      id: string;
      callback_id: string;
      private_metadata: string;
    };
    const bad = await app.send.interaction(
      viewSubmission(
        modal,
        { [callsIds.target]: { type: 'plain_text_input', value: 'lots' } },
        ids.cxOfficer,
      ),
    );
    expect(bad.json<{ errors: Record<string, string> }>().errors[callsIds.target]).toMatch(/whole number/);
    const outsider = await app.send.interaction(
      viewSubmission(modal, { [callsIds.target]: { type: 'plain_text_input', value: '9' } }, ids.employee),
    );
    expect(outsider.json<{ errors: Record<string, string> }>().errors[callsIds.target]).toMatch(
      /Only the CX office/,
    );
    const saved = await app.send.interaction(
      viewSubmission(modal, { [callsIds.target]: { type: 'plain_text_input', value: '4' } }, ids.cxOfficer),
    );
    // The form turns into what was saved.
    const answer = saved.json<{
      response_action: string;
      view: { blocks: { block_id?: string; text?: { text: string } }[] };
    }>();
    expect(answer.response_action).toBe('update');
    expect(answer.view.blocks.find((b) => b.block_id === callsIds.targetSaved)?.text?.text).toBe(
      `Saved: <@${NY}>’s target is now 4 calls a month (was the company default).`,
    );
    const again = await app.send.interaction(
      viewSubmission(modal, { [callsIds.target]: { type: 'plain_text_input', value: '4' } }, ids.cxOfficer),
    );
    expect(JSON.stringify(again.json())).toContain(
      `Nothing changed: <@${NY}>’s target stays 4 calls a month.`,
    );
    const [row] = await app.running.database.db.select().from(executives).where(eq(executives.userId, NY));
    expect(row?.monthlyTarget).toBe(4);
    await app.command('/touchpoint', 'roster', { user_id: ids.cxOfficer });
    expect(text(await app.slack.waitFor('chat.postEphemeral'))).toContain('0 of 4 this month');
  });

  it('opens the call modal from /logcall, the shortcut and the nudge button; refuses a future date and an empty lesson; a saved call moves the pace', async () => {
    // 20:00 UTC on Tuesday 17 November: already Wednesday 18 November in Tokyo.
    const clock = { now: new Date('2026-11-17T20:00:00Z') };
    // The outbox worker runs by itself here: the DMs a saved call causes arrive on their own.
    const app = await start(clock, { outbox: {} });
    await app.send.interaction(globalShortcut(callsIds.globalShortcut, BERLIN));
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.logButton },
        { user: BERLIN, channel: 'D0EXECBE01', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.command('/logcall', '', { user_id: BERLIN });
    await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length >= 3);
    for (const open of app.slack.callsTo('views.open')) {
      expect((open.args.view as { callback_id: string }).callback_id).toBe(callsIds.callModal);
      expect(text(open)).toContain('"initial_date":"2026-11-17"');
    }

    // Every field of the form, and which are required.
    const modal = await openCallModal(app, TOKYO);
    const byId = new Map(modal.blocks.map((b) => [b.block_id, b]));
    const required = modal.blocks.filter((b) => b.optional !== true).map((b) => b.block_id);
    expect(required.sort()).toEqual(
      [callsIds.customer, callsIds.date, callsIds.kind, callsIds.result, callsIds.learned].sort(),
    );
    for (const id of [
      callsIds.contact,
      callsIds.duration,
      callsIds.stage,
      callsIds.sentiment,
      callsIds.share,
    ])
      expect(byId.get(id)?.optional).toBe(true);
    for (let i = 0; i < 3; i += 1) {
      expect(byId.get(`followup_${i}`)?.element?.type).toBe('plain_text_input');
      expect(byId.get(`followup_${i}_owner`)?.element?.type).toBe('users_select');
      expect(byId.get(`followup_${i}_due`)?.element?.type).toBe('datepicker');
    }
    expect(byId.get(callsIds.kind)?.element?.options?.map((o) => o.value)).toEqual([
      'call',
      'visit',
      'frontline',
    ]);
    expect(byId.get(callsIds.result)?.element?.options?.map((o) => o.value)).toEqual(
      expect.arrayContaining(['reached', 'voicemail', 'rescheduled']),
    );
    expect(byId.get(callsIds.stage)?.element?.options?.map((o) => o.text.text)).toContain('Onboard');
    expect(byId.get(callsIds.share)?.element?.type).toBe('checkboxes');
    // The date defaults to today in the executive's own zone; their today is not "the future".
    expect(byId.get(callsIds.date)?.element?.initial_date).toBe('2026-11-18');
    const tokyoToday = await app.send.interaction(
      viewSubmission(
        modal,
        callState({
          [callsIds.date]: { type: 'datepicker', date: '2026-11-18' },
          followup_0: { type: 'plain_text_input', value: null },
          followup_0_owner: { type: 'users_select', user: null },
          [callsIds.share]: { type: 'checkboxes', values: [] },
        }),
        TOKYO,
      ),
    );
    expect(errorsOf(tokyoToday)).toEqual({});

    const bad = await logCall(app, BERLIN, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-18' },
      [callsIds.learned]: { type: 'plain_text_input', value: '  ' },
      followup_1: { type: 'plain_text_input', value: 'Call them back' },
    });
    const errors = errorsOf(bad);
    expect(errors[callsIds.date]).toMatch(/future/);
    expect(errors[callsIds.learned]).toMatch(/learn/);
    expect(errors.followup_1_owner).toMatch(/Who owns/);
    expect(await app.running.database.db.select().from(calls).where(eq(calls.loggedBy, BERLIN))).toEqual([]);

    expect(await rosterLine(app, BERLIN)).toContain('0 of 2 this month — behind pace');
    const saved = await logCall(app, BERLIN);
    expect(saved.status).toBe(200);
    expect(errorsOf(saved)).toEqual({});
    const thanks = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === BERLIN && text(c).includes('Thanks for talking'),
    );
    expect(text(thanks)).toContain('1 of 2 this month — on pace');
    expect(await rosterLine(app, BERLIN)).toContain('1 of 2 this month — on pace');
    const assigned = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    expect(text(assigned)).toContain('Send the simpler invoice template');
    expect(text(assigned)).toContain(`Due ${slackDay('2026-11-18')}`);
    expect(text(assigned)).toContain(callsIds.followUpDone);
    const [story] = await app.running.database.db.select().from(stories).where(eq(stories.tellerId, BERLIN));
    expect(story).toMatchObject({
      source: 'call',
      status: 'pending',
      body: 'Invoices confuse them <!channel>',
    });
    // It waits for the CX office like any story: its review card arrives in the backlog channel.
    const card = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    expect(text(card)).toContain('(from a call)');
    for (const call of app.slack.calls) expect(JSON.stringify(call.args)).not.toContain('<!channel>');
  });

  it('a replayed or double-clicked Save logs the call once', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    const view = await openCallModal(app, BERLIN);
    const submit = () => app.send.interaction(viewSubmission(view, callState(), BERLIN));
    const answers = await Promise.all([submit(), submit(), submit()]);
    answers.push(await submit());
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(errorsOf(answer)).toEqual({});
    }
    await deliver(app);
    const { db } = app.running.database;
    expect(await db.select().from(calls)).toHaveLength(1);
    expect(await db.select().from(followUps)).toHaveLength(1);
    expect(await db.select().from(stories)).toHaveLength(1);
    expect(dmsTo(app.slack, BERLIN).filter((c) => text(c).includes('Thanks for talking'))).toHaveLength(1);
    expect(dmsTo(app.slack, OWNER)).toHaveLength(1);
    // A new form (a new view) is a new call.
    await logCall(app, BERLIN);
    expect(await db.select().from(calls)).toHaveLength(2);
  });

  it('a stage removed while the form was open is a field error on the stage, never "try again"', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    const { db } = app.running.database;
    const view = await openCallModal(app, BERLIN);
    const stageOption = (name: string) =>
      view.blocks
        .find((b) => b.block_id === callsIds.stage)
        ?.element?.options?.find((o) => o.text.text === name)?.value ?? null;
    const [renew, buy, onboard] = [stageOption('Renew'), stageOption('Buy'), stageOption('Onboard')];
    expect([renew, buy, onboard]).not.toContain(null);
    // Meanwhile the CX office edits the stages: "Renew", never used, is deleted; "Buy" is retired.
    await db.delete(journeyStages).where(eq(journeyStages.id, Number(renew)));
    await db
      .update(journeyStages)
      .set({ retiredAt: clock.now })
      .where(eq(journeyStages.id, Number(buy)));
    const submit = (stage: string | null) =>
      app.send.interaction(
        viewSubmission(
          view,
          callState({ [callsIds.stage]: { type: 'static_select', value: stage } }),
          BERLIN,
        ),
      );
    for (const stage of [renew, buy, renew]) {
      const answer = await submit(stage);
      expect(answer.status).toBe(200);
      expect(errorsOf(answer)).toEqual({ [callsIds.stage]: 'That stage was removed — pick another.' });
    }
    await deliver(app);
    expect(await db.select().from(calls)).toEqual([]);
    expect(app.slack.callsTo('chat.postMessage')).toEqual([]);
    // Another stage, and the same form saves.
    expect(errorsOf(await submit(onboard))).toEqual({});
    expect((await db.select().from(calls)).map((c) => c.stageId)).toEqual([Number(onboard)]);
  });

  it('nudges New York, Berlin and Tokyo at their own 10:00, only when behind, once a week', async () => {
    const clock = { now: new Date('2026-11-16T12:00:00Z') };
    const app = await start(clock);
    await logCall(app, TOKYO, { [callsIds.date]: { type: 'datepicker', date: '2026-11-16' } }); // Tokyo is on pace
    app.slack.calls.length = 0;

    // Tuesday 17 November, every 15 minutes from 00:00 to 23:45 UTC.
    await tickDay(app, clock, '2026-11-17');
    // When each nudge was queued: the tick of the executive's own 10:00 (it goes out at once, or is
    // retried by the outbox if Slack fails then).
    const queued = await app.running.database.db
      .select({ key: outbox.key, createdAt: outbox.createdAt })
      .from(outbox)
      .where(like(outbox.key, 'calls:nudge:%'));
    const at = Object.fromEntries(queued.map((row) => [row.key.split(':')[2], row.createdAt.toISOString()]));
    expect(at[TOKYO_BEHIND]).toBe('2026-11-17T01:00:00.000Z'); // 10:00 in Tokyo
    expect(at[BERLIN]).toBe('2026-11-17T09:00:00.000Z'); // 10:00 in Berlin
    expect(at[NY]).toBe('2026-11-17T15:00:00.000Z'); // 10:00 in New York
    expect(at[TOKYO]).toBeUndefined(); // on pace: nothing
    for (const user of [NY, BERLIN, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    const nudge = nudgesTo(app.slack, BERLIN)[0];
    expect(text(nudge)).toContain('0 of 2 this month — behind pace');
    for (const button of [callsIds.logButton, callsIds.snooze, callsIds.pause])
      expect(text(nudge)).toContain(button);

    // The rest of the ISO week (ticks and `nudges run`) sends nothing more; the next week nudges again.
    await tickDay(app, clock, '2026-11-18');
    clock.now = new Date('2026-11-19T12:00:00Z');
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    expect(text(await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent')))).toContain(
      'Sent 0 nudges',
    );
    await deliver(app);
    for (const user of [NY, BERLIN, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    await tickDay(app, clock, '2026-11-24');
    for (const user of [NY, BERLIN, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(2);
    // Tokyo's one call no longer keeps pace on 24 November (2 × 24/30 rounds to 2 expected).
    expect(nudgesTo(app.slack, TOKYO)).toHaveLength(1);
  });

  it('honours snooze and pause', async () => {
    const clock = { now: new Date('2026-11-17T09:05:00Z') };
    const app = await start(clock);
    // A high target keeps everyone behind pace into December.
    await app.running.database.db.update(executives).set({ monthlyTarget: 20 });
    // 10:00 in Berlin (18:00 in Tokyo, after its slot: Tokyo is caught up too).
    await app.running.runJob('calls.nudges', new Date('2026-11-17T09:00:00Z'));
    await deliver(app);
    for (const user of [BERLIN, TOKYO]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    // Each click redraws the nudge clicked, in place, for the person who clicked (its response URL).
    const click = (user: string, action: Parameters<typeof blockActions>[0]) =>
      app.send.interaction(
        blockActions(action, {
          user,
          channel: `D${user.slice(1)}`,
          responseUrl: app.slack.responseUrl(`T0TEAM0001/${user}/abc`),
        }),
      );
    const answerTo = (user: string, words: string) =>
      app.slack.waitFor(
        'response_url',
        (c) => c.responseUrlId === `T0TEAM0001/${user}/abc` && text(c).includes(words),
      );
    await click(BERLIN, { action_id: callsIds.snooze });
    await click(NY, { action_id: callsIds.pause, type: 'datepicker', selected_date: '2026-11-01' });
    // A past date changes nothing: a note beside the nudge, which keeps its buttons.
    const refused = await answerTo(NY, 'has passed');
    expect(refused.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    await click(NY, { action_id: callsIds.pause, type: 'datepicker', selected_date: '2026-11-30' });
    const paused = await answerTo(NY, 'Paused until');
    expect(text(paused)).toContain(slackDay('2026-11-30'));
    const snoozed = await answerTo(BERLIN, 'Snoozed until');
    expect(text(snoozed)).toContain(slackDay('2026-11-24'));
    for (const answer of [paused, snoozed]) {
      expect(answer.args).toMatchObject({ replace_original: true });
      expect(answer.args.response_type).toBeUndefined();
      // Snooze and pause are gone from the nudge; "Log a call" stays.
      expect(text(answer)).not.toContain(callsIds.snooze);
      expect(text(answer)).not.toContain(callsIds.pause);
      expect(text(answer)).toContain(callsIds.logButton);
    }
    // Snooze clicked again a minute later (a double click, a second device): the nudge is redrawn the
    // same way and the snooze is not moved.
    const snoozedUntil = async () =>
      (await app.running.database.db.select().from(executives).where(eq(executives.userId, BERLIN)))[0]
        ?.snoozedUntil;
    const firstSnooze = await snoozedUntil();
    clock.now = new Date('2026-11-17T09:06:00Z');
    await click(BERLIN, { action_id: callsIds.snooze });
    const redrawn = () =>
      app.slack
        .callsTo('response_url')
        .filter((c) => c.responseUrlId === `T0TEAM0001/${BERLIN}/abc` && text(c).includes('Snoozed until'));
    await app.slack.waitFor('response_url', () => redrawn().length >= 2);
    expect(text(redrawn()[1])).toBe(text(redrawn()[0]));
    expect(await snoozedUntil()).toEqual(firstSnooze);
    // Redrawn in place, never a new message: nothing of theirs is queued or posted, nothing updated.
    await deliver(app);
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => /Paused|Snoozed|has passed/.test(text(c))),
    ).toEqual([]);
    for (const user of [BERLIN, NY]) expect(dmsTo(app.slack, user)).toHaveLength(user === BERLIN ? 1 : 0);
    expect(app.slack.callsTo('chat.update')).toEqual([]);

    // This week: NY is paused (the manual run and the slot).
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent'));
    expect(text(answer)).toContain('Sent 0 nudges');
    await tickDay(app, clock, '2026-11-17');
    expect(nudgesTo(app.slack, NY)).toEqual([]);
    expect(nudgesTo(app.slack, BERLIN)).toHaveLength(1);
    expect(nudgesTo(app.slack, TOKYO)).toHaveLength(1);
    // Next week: Berlin's snooze skips its nudge, NY is still paused; Tokyo is nudged.
    await tickDay(app, clock, '2026-11-24');
    expect(nudgesTo(app.slack, BERLIN)).toHaveLength(1);
    expect(nudgesTo(app.slack, NY)).toEqual([]);
    expect(nudgesTo(app.slack, TOKYO)).toHaveLength(2);
    // The week after: the snooze and the pause are over.
    await tickDay(app, clock, '2026-12-01');
    expect(nudgesTo(app.slack, BERLIN)).toHaveLength(2);
    expect(nudgesTo(app.slack, NY)).toHaveLength(1);
  });

  it('two instances ticking at the same moment send one nudge per executive', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const berliners = moreBerliners(6);
    const first = await start(clock, {}, berliners);
    const second = await start(clock, { replicaOf: first });
    first.slack.calls.length = 0;
    // 10:00 in Berlin (seven executives), 18:00 in Tokyo (two, caught up), 04:00 in New York.
    const tick = new Date('2026-11-17T09:00:00Z');
    await Promise.all([
      first.running.runJob('calls.nudges', tick),
      second.running.runJob('calls.nudges', tick),
    ]);
    // Both replicas' workers drain the one outbox at once.
    await Promise.all([deliver(first), deliver(second)]);
    for (const user of [BERLIN, TOKYO, TOKYO_BEHIND, ...berliners])
      expect(nudgesTo(first.slack, user)).toHaveLength(1);
    expect(nudgesTo(first.slack, NY)).toEqual([]);
    await Promise.all([
      first.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer }),
      second.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer }),
    ]);
    await first.slack.waitFor(
      'chat.postEphemeral',
      () => first.slack.callsTo('chat.postEphemeral').length >= 2,
    );
    await Promise.all([deliver(first), deliver(second)]);
    for (const user of [NY, BERLIN, TOKYO, TOKYO_BEHIND, ...berliners]) {
      expect(nudgesTo(first.slack, user)).toHaveLength(1);
      expect(first.slack.postedTo(user)).toHaveLength(1);
    }
    // The two answers together count New York's nudge, the only one left, once.
    const counts = first.slack
      .callsTo('chat.postEphemeral')
      .map((c) => Number(/Sent (\d+)/.exec(text(c))?.[1] ?? Number.NaN));
    expect(counts.sort()).toEqual([0, 1]);
    const rows = await first.running.database.db.select().from(nudges);
    expect(rows).toHaveLength(10);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect([...(await nudgeItems(first)).values()]).toEqual(Array(10).fill(1));
  });

  it('a nudge run interrupted half-way: each executive gets one nudge, however often the run is repeated', async () => {
    const clock = { now: new Date('2026-11-17T09:00:00Z') };
    const berliners = moreBerliners(8);
    const first = await start(clock, {}, berliners);
    const second = await start(clock, { replicaOf: first });
    const { db } = first.running.database;
    first.slack.calls.length = 0;
    // The 10:00 Berlin run queued its nudges (records and DMs commit together), and its worker had
    // claimed three and died before sending them: nothing reached Slack.
    await first.running.runJob('calls.nudges', clock.now);
    const queued = await nudgeItems(first);
    expect(queued.size).toBe(11); // Berlin, eight more Berliners, Tokyo's two (caught up at 18:00)
    clock.now = new Date('2026-11-17T09:15:00Z');
    expect(await claimDueItems(db, clock.now, 3, 60_000)).toHaveLength(3);
    // The next tick, a manual run on each replica at once, and a retried tick queue nothing more.
    await Promise.all([
      first.running.runJob('calls.nudges', clock.now),
      second.running.runJob('calls.nudges', clock.now),
      first.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer }),
      second.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer }),
    ]);
    await first.running.runJob('calls.nudges', clock.now);
    await first.slack.waitFor(
      'chat.postEphemeral',
      () => first.slack.callsTo('chat.postEphemeral').length >= 2,
    );
    // The manual runs (any time of day) add New York's, once.
    expect(await nudgeItems(first)).toEqual(new Map([...queued.keys(), NY].map((user) => [user, 1])));
    // The surviving replica sends the rest; the dead worker's three wait out its lease, then go once.
    await deliver(second);
    const everyone = [...queued.keys(), NY];
    const sentBeforeLease = everyone.filter((user) => first.slack.postedTo(user).length > 0);
    expect(sentBeforeLease).toHaveLength(9);
    clock.now = new Date('2026-11-17T09:16:01Z');
    await Promise.all([deliver(first), deliver(second)]);
    for (const user of everyone) expect(first.slack.postedTo(user)).toHaveLength(1);
  });

  it('Slack failing and rate-limiting during a nudge run: every nudge arrives exactly once after', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const berliners = moreBerliners(6);
    const app = await start(clock, {}, berliners);
    const everyone = [NY, BERLIN, TOKYO, TOKYO_BEHIND, ...berliners];
    const allDelivered = () => everyone.every((user) => app.slack.postedTo(user).length > 0);
    // The outbox's pace after a 429 runs on wall time (Slack's limits are in real seconds): let some pass.
    const wallClock = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** Moves the app's clock a second at a time and delivers what is due, until `done` (Retry-After is wall time too). */
    const deliverUntil = async (done: () => boolean) => {
      for (let i = 0; i < 300 && !done(); i += 1) {
        clock.now = new Date(clock.now.getTime() + 1_000);
        await deliver(app);
        if (!done()) await wallClock(50);
      }
      expect(done()).toBe(true);
    };
    app.slack.calls.length = 0;
    app.slack.rateLimit('chat.postMessage', 2, 1);
    app.slack.failNext('chat.postMessage', 'internal_error');
    app.slack.failNext('chat.postMessage', 'fatal_error');
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    // The answer does not wait for Slack's DMs: the nudges are queued with their records.
    expect(text(await app.slack.waitFor('chat.postEphemeral'))).toContain('Sent 10 nudges');
    await deliver(app);
    const limited = app.slack.calls.filter((c) => c.response.status === 429);
    expect(limited).toHaveLength(2);
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.response.ok === false)).toHaveLength(4);
    expect(everyone.filter((user) => app.slack.postedTo(user).length > 0)).toHaveLength(6);

    // Then Slack answers 500 for a while: each of the four waiting nudges meets it once at least…
    app.slack.failFor('chat.postMessage', 60_000, { status: 500 });
    const served500 = () => app.slack.calls.filter((c) => c.response.status === 500).length;
    await deliverUntil(() => served500() >= 4);
    // …and when Slack is back, each arrives once (a 500 may hide a delivery: the worker looks first).
    app.slack.clearFaults();
    await deliverUntil(allDelivered);
    for (const user of everyone) expect(app.slack.postedTo(user)).toHaveLength(1);
    for (const refused of limited) {
      const delivered = nudgesTo(app.slack, String(refused.args.channel));
      expect(delivered).toHaveLength(1);
      expect((delivered[0]?.at ?? 0) - refused.at).toBeGreaterThanOrEqual(950);
    }
    // Later ticks that week queue nothing more.
    await runJobAt(app, clock, 'calls.nudges', '2026-11-17T15:00:00Z');
    await runJobAt(app, clock, 'calls.nudges', '2026-11-18T15:00:00Z');
    for (const user of everyone) expect(app.slack.postedTo(user)).toHaveLength(1);
    expect([...(await nudgeItems(app)).values()]).toEqual(Array(10).fill(1));
  });

  it('queues many nudges in one run and every one goes out once', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const berliners = moreBerliners(24);
    const app = await start(clock, {}, berliners);
    app.slack.latencyMs = 40;
    app.slack.peakInFlight.clear();
    await runJobAt(app, clock, 'calls.nudges', '2026-11-17T09:00:00Z');
    for (const user of [BERLIN, ...berliners]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    // The outbox worker sends them side by side (its own concurrency, not the job's).
    expect(app.slack.peakInFlight.get('chat.postMessage') ?? 0).toBeGreaterThan(1);
  });

  it('only the CX office runs nudges, sees the roster or exports calls', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    for (const sub of ['nudges run', 'roster', 'export calls']) {
      await app.command('/touchpoint', sub, { user_id: ids.employee });
      await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes(`/touchpoint ${sub}`));
    }
    await app.whenIdle();
    expect(app.slack.callsTo('chat.postMessage')).toEqual([]);
    expect(app.slack.callsTo('files.completeUploadExternal')).toEqual([]);
    expect(await app.running.database.db.select().from(nudges)).toEqual([]);
    expect(await nudgeItems(app)).toEqual(new Map());
  });

  it('reminds follow-up owners on the due morning in their zone, once; they mark it done from the DM', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    await logCall(app, NY);
    // Owners' zones come from Slack after the answer; the Home refresh follows.
    await homeRefreshed(app, NY);
    await deliver(app);
    expect(dmsTo(app.slack, OWNER)).toHaveLength(1);
    const [followUp] = await app.running.database.db.select().from(followUps);
    expect(followUp?.ownerTimeZone).toBe('Europe/Berlin');
    app.slack.calls.length = 0;
    await runJobAt(app, clock, 'calls.followups', '2026-11-18T07:45:00Z'); // 08:45 in Berlin
    expect(dmsTo(app.slack, OWNER)).toEqual([]);
    await runJobAt(app, clock, 'calls.followups', '2026-11-18T08:00:00Z'); // 09:00 in Berlin
    await runJobAt(app, clock, 'calls.followups', '2026-11-18T08:15:00Z');
    await Promise.all([
      app.running.runJob('calls.followups', new Date('2026-11-18T08:30:00Z')),
      app.running.runJob('calls.followups', new Date('2026-11-18T08:30:00Z')),
    ]);
    await deliver(app);
    const reminders = dmsTo(app.slack, OWNER);
    expect(reminders).toHaveLength(1);
    expect(text(reminders[0])).toContain('Due today');
    // "Mark done" redraws the reminder in place: done, no button.
    const [button] = doneButtons(reminders[0]);
    expect(button).toBeDefined();
    const markDone = () =>
      app.send.interaction(
        blockActions(
          { action_id: callsIds.followUpDone, value: button },
          { user: OWNER, channel: 'D0OWNERBE1', responseUrl: app.slack.responseUrl() },
        ),
      );
    await markDone();
    const redrawn = await app.slack.waitFor('response_url', (c) => text(c).includes('Done — marked by you'));
    expect(redrawn.args).toMatchObject({ replace_original: true });
    expect(doneButtons(redrawn)).toEqual([]);
    const [done] = await app.running.database.db.select().from(followUps);
    expect(done?.doneAt).not.toBeNull();
    // Clicked again (a second tab, a replay): the same state is drawn, nothing changes.
    clock.now = new Date('2026-11-18T09:00:00Z');
    await markDone();
    await app.slack.waitFor(
      'response_url',
      () =>
        app.slack.callsTo('response_url').filter((c) => text(c).includes('Done — marked by you')).length >= 2,
    );
    const [still] = await app.running.database.db.select().from(followUps);
    expect(still?.doneAt).toEqual(done?.doneAt);
    await deliver(app);
    expect(dmsTo(app.slack, OWNER)).toHaveLength(1);
  });

  it('one DM per owner for a call’s follow-ups, one reminder per owner and day; "Mark done" redraws the DM clicked, once', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    // Two follow-ups for the owner (both due on the 18th), one for Berlin (no date): three, a call's most.
    await logCall(app, NY, {
      followup_0: { type: 'plain_text_input', value: 'Send the simpler invoice template' },
      followup_0_owner: { type: 'users_select', user: OWNER },
      followup_0_due: { type: 'datepicker', date: '2026-11-18' },
      followup_1: { type: 'plain_text_input', value: 'Ask finance about the credit note' },
      followup_1_owner: { type: 'users_select', user: OWNER },
      followup_1_due: { type: 'datepicker', date: '2026-11-18' },
      followup_2: { type: 'plain_text_input', value: 'Tell the onboarding team' },
      followup_2_owner: { type: 'users_select', user: BERLIN },
    });
    await homeRefreshed(app, NY);
    await deliver(app);
    const [ownerDm, ...moreToOwner] = dmsTo(app.slack, OWNER);
    const [berlinDm, ...moreToBerlin] = dmsTo(app.slack, BERLIN);
    expect([moreToOwner, moreToBerlin]).toEqual([[], []]);
    expect(text(ownerDm)).toContain('gave you 2 follow-ups');
    expect(text(ownerDm)).toContain('Send the simpler invoice template');
    expect(text(ownerDm)).toContain('Ask finance about the credit note');
    expect(text(ownerDm)).not.toContain('Tell the onboarding team');
    expect(text(berlinDm)).toContain('gave you a follow-up');
    expect(text(berlinDm)).toContain('Tell the onboarding team');
    expect(text(berlinDm)).not.toContain('Ask finance');
    expect(doneButtons(ownerDm)).toHaveLength(2);
    expect(doneButtons(berlinDm)).toHaveLength(1);

    // The due morning (09:00 in Berlin): one reminder listing both.
    app.slack.calls.length = 0;
    await runJobAt(app, clock, 'calls.followups', '2026-11-18T08:00:00Z');
    await runJobAt(app, clock, 'calls.followups', '2026-11-18T08:15:00Z');
    const reminders = dmsTo(app.slack, OWNER);
    expect(reminders).toHaveLength(1);
    expect(text(reminders[0])).toContain('2 follow-ups of yours');
    expect(text(reminders[0])).toContain('Send the simpler invoice template');
    expect(text(reminders[0])).toContain('Ask finance about the credit note');

    // "Mark done" on the first, in the reminder: that message is redrawn, the second still open in it.
    const click = (value: string | undefined, responseUrlId: string) =>
      app.send.interaction(
        blockActions(
          { action_id: callsIds.followUpDone, value },
          { user: OWNER, channel: 'D0OWNERBE1', responseUrl: app.slack.responseUrl(responseUrlId) },
        ),
      );
    const answersTo = (responseUrlId: string) =>
      app.slack.callsTo('response_url').filter((c) => c.responseUrlId === responseUrlId);
    const [first, second] = doneButtons(reminders[0]);
    await click(first, 'T0TEAM0001/reminder/1');
    const redrawn = await app.slack.waitFor(
      'response_url',
      (c) => c.responseUrlId === 'T0TEAM0001/reminder/1',
    );
    expect(redrawn.args).toMatchObject({ replace_original: true });
    expect(text(redrawn)).toContain('Send the simpler invoice template');
    expect(text(redrawn)).toContain('Done — marked by you');
    expect(doneButtons(redrawn)).toEqual([second]);
    const doneAt = async () =>
      (await app.running.database.db.select().from(followUps))
        .filter((f) => f.ownerId === OWNER)
        .map((f) => f.doneAt?.toISOString() ?? null);
    const afterFirst = await doneAt();
    expect(afterFirst.filter((at) => at !== null)).toHaveLength(1);

    // A double click, then the same follow-up's button in the first DM (another device): each redraws
    // its own message as it is now, and nothing is done twice.
    clock.now = new Date('2026-11-18T08:20:00Z');
    await click(first, 'T0TEAM0001/reminder/1');
    await app.slack.waitFor('response_url', () => answersTo('T0TEAM0001/reminder/1').length >= 2);
    expect(text(answersTo('T0TEAM0001/reminder/1')[1])).toBe(text(redrawn));
    const [assignedFirst] = doneButtons(ownerDm);
    await click(assignedFirst, 'T0TEAM0001/assigned/1');
    const assignedRedrawn = await app.slack.waitFor(
      'response_url',
      (c) => c.responseUrlId === 'T0TEAM0001/assigned/1',
    );
    expect(assignedRedrawn.args).toMatchObject({ replace_original: true });
    expect(text(assignedRedrawn)).toContain('gave you 2 follow-ups');
    expect(text(assignedRedrawn)).toContain('Done — marked by you');
    expect(doneButtons(assignedRedrawn)).toHaveLength(1);
    expect(await doneAt()).toEqual(afterFirst);

    // Someone else's "Mark done" (a forwarded message) changes nothing and redraws nothing.
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.followUpDone, value: second },
        { user: BERLIN, channel: 'D0EXECBE01', responseUrl: app.slack.responseUrl('T0TEAM0001/berlin/1') },
      ),
    );
    const refused = await app.slack.waitFor('response_url', (c) => c.responseUrlId === 'T0TEAM0001/berlin/1');
    expect(refused.args).toMatchObject({ replace_original: false });
    expect(await doneAt()).toEqual(afterFirst);

    // Every answer was the click's own message: no new DM, no update through the Web API.
    await deliver(app);
    expect(dmsTo(app.slack, OWNER)).toHaveLength(1);
    expect(app.slack.callsTo('chat.update')).toEqual([]);
  });

  it('the Monday summary adds up, and goes to the CX office only', async () => {
    const clock = { now: new Date('2026-11-20T12:00:00Z') };
    const app = await start(clock);
    const modal = await openCallModal(app, BERLIN);
    const onboard = modal.blocks
      .find((b) => b.block_id === callsIds.stage)
      ?.element?.options?.find((o) => o.text.text === 'Onboard')?.value;
    expect(onboard).toBeDefined();
    const noFollowUp = {
      followup_0: { type: 'plain_text_input', value: null },
      followup_0_owner: { type: 'users_select', user: null },
    } as const;
    await logCall(app, BERLIN, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-10' },
      [callsIds.stage]: { type: 'static_select', value: onboard ?? null },
      [callsIds.learned]: { type: 'plain_text_input', value: 'Setting up took <!here> three weeks' },
    });
    await logCall(app, BERLIN, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-12' },
      ...noFollowUp,
    });
    await logCall(app, TOKYO, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-19' },
      [callsIds.sentiment]: { type: 'radio_buttons', value: 'positive' },
      ...noFollowUp,
    });
    // Last month's call counts for nobody this month.
    await logCall(app, NY, { [callsIds.date]: { type: 'datepicker', date: '2026-10-30' }, ...noFollowUp });
    await app.whenIdle();
    app.slack.calls.length = 0;
    await runJobAt(app, clock, 'calls.summary', '2026-11-23T09:00:00Z');
    await runJobAt(app, clock, 'calls.summary', '2026-11-23T09:15:00Z');
    await runJobAt(app, clock, 'calls.summary', '2026-11-23T11:45:00Z');
    const summaries = app.slack.callsTo('chat.postMessage').filter((c) => text(c).includes('Customer calls'));
    expect(summaries.map((c) => c.args.channel).sort()).toEqual([ids.cxGroupMember, ids.cxOfficer].sort());
    expect(app.slack.callsTo('chat.postMessage')).toHaveLength(2);
    const summary = text(summaries[0]);
    // 23 of 30 days: 2 × 23/30 rounds to 2 calls expected. Berlin has 2 (on pace); Tokyo 1, the others 0.
    expect(summary).toContain('*3 calls* so far');
    expect(summary).toContain('*3* of 4 executives behind pace');
    expect(summary).toContain('*1 follow-up* overdue'); // due 18 November, still open
    expect(summary).toContain(`:white_check_mark: <@${BERLIN}> 2 of 2 this month — on pace`);
    expect(summary).toContain(`:small_orange_diamond: <@${TOKYO}> 1 of 2 this month — behind pace`);
    expect(summary).toContain(`:small_orange_diamond: <@${NY}> 0 of 2 this month — behind pace`);
    expect(summary).toContain(`:small_orange_diamond: <@${TOKYO_BEHIND}> 0 of 2 this month — behind pace`);
    expect(summary).toContain('*No stage*: 2 calls (1 positive, 1 negative)');
    expect(summary).toContain('*Onboard*: 1 call (0 positive, 1 negative)');
    expect(summary).toContain('Setting up took');
    expect(summary).not.toContain('<!here>');
    // Marking the follow-up done takes it off the overdue count the next week.
    const [followUp] = await app.running.database.db.select().from(followUps);
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.followUpDone, value: String(followUp?.id) },
        { user: OWNER, channel: 'D0OWNERBE1', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor('response_url', (c) => text(c).includes('Done — marked by you'));
    await runJobAt(app, clock, 'calls.summary', '2026-11-30T09:00:00Z');
    const next = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.cxOfficer && text(c).includes('*0 follow-ups* overdue'),
    );
    expect(text(next)).toContain('*3 calls* so far');
  });
});

describe('calls in App Home, the export and the weekly update', () => {
  it('an executive’s Home shows pace, last calls and follow-ups; the CSV goes to the CX office; the digest thanks those who called', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    await logCall(app, BERLIN, {
      [callsIds.customer]: { type: 'plain_text_input', value: '=cmd|calc ACME' },
    });
    await homeRefreshed(app, BERLIN);
    await deliver(app);
    expect(dmsTo(app.slack, OWNER)).toHaveLength(1);

    app.slack.calls.length = 0;
    await app.send.event(eventCallback({ type: 'app_home_opened', user: BERLIN, tab: 'home' }));
    const home = await app.slack.waitFor('views.publish', (c) => c.args.user_id === BERLIN);
    expect(home.response.ok).toBe(true);
    expect(text(home)).toContain('1 of 2 this month — on pace');
    expect(text(home)).toContain(callsIds.logButton);
    expect(text(home)).toContain(slackDay('2026-11-16'));
    expect(text(home)).toContain('Invoices confuse them');
    expect(text(home)).toContain('&lt;!channel&gt;');
    await app.send.event(eventCallback({ type: 'app_home_opened', user: OWNER, tab: 'home' }));
    const ownerHome = await app.slack.waitFor('views.publish', (c) => c.args.user_id === OWNER);
    expect(text(ownerHome)).toContain('Send the simpler invoice template');
    expect(text(ownerHome)).not.toContain('this month');

    await app.command('/touchpoint', 'export calls', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal');
    const csv = app.slack.sharedFiles.at(-1)?.content ?? '';
    expect(csv).toContain("'=cmd|calc ACME");
    expect(csv).toContain('Send the simpler invoice template');
    expect(csv).toContain(`${OWNER}, due 2026-11-18`);
    expect(csv.split('\n')[0]).toContain('what we learned');

    app.slack.calls.length = 0;
    await runJobAt(app, clock, 'digest.weekly', '2026-11-23T09:00:00Z');
    const thread = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.digestChannel);
    const all = thread.map(text).join('\n');
    expect(all).toContain(`<@${BERLIN}> — 1 conversation`);
    for (const quiet of [NY, TOKYO, TOKYO_BEHIND]) expect(all).not.toContain(quiet);
  });
});
