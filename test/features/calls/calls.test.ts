import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { calls, executives, followUps, nudges } from '../../../src/features/calls/calls.schema.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
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
    ...options,
  });
  apps.push(app);
  await app.running.runJob('calls.roster', clock.now);
  return app;
}
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.stop();
  for (const slack of slacks.splice(0)) await slack.close();
});

function callState(overrides: Partial<Record<string, StateInput>> = {}): Record<string, StateInput> {
  return {
    [callsIds.customer]: { type: 'plain_text_input', value: 'ACME GmbH' },
    [callsIds.contact]: { type: 'plain_text_input', value: null },
    [callsIds.date]: { type: 'datepicker', date: '2026-11-16' },
    [callsIds.kind]: { type: 'static_select', value: 'call' },
    [callsIds.result]: { type: 'static_select', value: 'reached' },
    [callsIds.duration]: { type: 'plain_text_input', value: '25' },
    [callsIds.stage]: { type: 'static_select', value: null },
    [callsIds.learned]: { type: 'plain_text_input', value: 'Invoices confuse them <!channel>' },
    [callsIds.sentiment]: { type: 'radio_buttons', value: 'negative' },
    followup_0: { type: 'plain_text_input', value: 'Send the simpler invoice template' },
    followup_0_owner: { type: 'users_select', user: OWNER },
    followup_0_due: { type: 'datepicker', date: '2026-11-18' },
    followup_1: { type: 'plain_text_input', value: null },
    followup_1_owner: { type: 'users_select', user: null },
    followup_1_due: { type: 'datepicker', date: null },
    followup_2: { type: 'plain_text_input', value: null },
    followup_2_owner: { type: 'users_select', user: null },
    followup_2_due: { type: 'datepicker', date: null },
    [callsIds.share]: { type: 'checkboxes', values: ['share'] },
    ...overrides,
  };
}

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

/** Ticks the nudge job every 15 minutes over one UTC day. */
async function tickDay(app: TestApp, day: string) {
  for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
    await app.running.runJob(
      'calls.nudges',
      new Date(new Date(`${day}T00:00:00Z`).getTime() + minutes * 60_000),
    );
  }
}

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
    expect(text(roster)).toContain('America/New_York');
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
    await app.slack.settle();
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
    await app.send.interaction(
      viewSubmission(modal, { [callsIds.target]: { type: 'plain_text_input', value: '4' } }, ids.cxOfficer),
    );
    const [row] = await app.running.database.db.select().from(executives).where(eq(executives.userId, NY));
    expect(row?.monthlyTarget).toBe(4);
    await app.command('/touchpoint', 'roster', { user_id: ids.cxOfficer });
    expect(text(await app.slack.waitFor('chat.postEphemeral'))).toContain('0 of 4 this month');
  });

  it('opens the call modal from /logcall, the shortcut and the nudge button; refuses a future date and an empty lesson; a saved call moves the pace', async () => {
    // 20:00 UTC on Tuesday 17 November: already Wednesday 18 November in Tokyo.
    const clock = { now: new Date('2026-11-17T20:00:00Z') };
    const app = await start(clock);
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
    expect(text(assigned)).toContain('Due 2026-11-18');
    expect(text(assigned)).toContain(callsIds.followUpDone);
    const [story] = await app.running.database.db.select().from(stories).where(eq(stories.tellerId, BERLIN));
    expect(story).toMatchObject({
      source: 'call',
      status: 'pending',
      body: 'Invoices confuse them <!channel>',
    });
    // It waits for the CX office like any story: its review card arrives in the backlog channel.
    await app.running.runJob('stories.cards', clock.now);
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
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    await app.slack.settle();
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

  it('nudges New York, Berlin and Tokyo at their own 10:00, only when behind, once a week', async () => {
    const clock = { now: new Date('2026-11-16T12:00:00Z') };
    const app = await start(clock);
    await logCall(app, TOKYO, { [callsIds.date]: { type: 'datepicker', date: '2026-11-16' } }); // Tokyo is on pace
    app.slack.calls.length = 0;

    const at: Record<string, string> = {};
    // Tuesday 17 November, every 15 minutes from 00:00 to 23:45 UTC.
    for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
      const now = new Date(Date.UTC(2026, 10, 17, 0, minutes));
      await app.running.runJob('calls.nudges', now);
      for (const user of [NY, BERLIN, TOKYO, TOKYO_BEHIND]) {
        if (!at[user] && nudgesTo(app.slack, user).length > 0) at[user] = now.toISOString();
      }
    }
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
    await tickDay(app, '2026-11-18');
    clock.now = new Date('2026-11-19T12:00:00Z');
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    expect(text(await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent')))).toContain(
      'Sent 0 nudges',
    );
    for (const user of [NY, BERLIN, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    await tickDay(app, '2026-11-24');
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
    for (const user of [BERLIN, TOKYO]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.snooze },
        { user: BERLIN, channel: 'D0EXECBE01', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.pause, type: 'datepicker', selected_date: '2026-11-01' },
        { user: NY, channel: 'D0EXECNY01', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === NY && text(c).includes('has passed'),
    );
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.pause, type: 'datepicker', selected_date: '2026-11-30' },
        { user: NY, channel: 'D0EXECNY01', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === NY && text(c).includes('Paused'));
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === BERLIN && text(c).includes('Snoozed'),
    );

    // This week: NY is paused (the manual run and the slot).
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent'));
    expect(text(answer)).toContain('Sent 0 nudges');
    await tickDay(app, '2026-11-17');
    expect(nudgesTo(app.slack, NY)).toEqual([]);
    expect(nudgesTo(app.slack, BERLIN)).toHaveLength(1);
    expect(nudgesTo(app.slack, TOKYO)).toHaveLength(1);
    // Next week: Berlin's snooze skips its nudge, NY is still paused; Tokyo is nudged.
    await tickDay(app, '2026-11-24');
    expect(nudgesTo(app.slack, BERLIN)).toHaveLength(1);
    expect(nudgesTo(app.slack, NY)).toEqual([]);
    expect(nudgesTo(app.slack, TOKYO)).toHaveLength(2);
    // The week after: the snooze and the pause are over.
    await tickDay(app, '2026-12-01');
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
    for (const user of [NY, BERLIN, TOKYO, TOKYO_BEHIND, ...berliners])
      expect(nudgesTo(first.slack, user)).toHaveLength(1);
    // The two answers together count New York's nudge, the only one left, once.
    const counts = first.slack
      .callsTo('chat.postEphemeral')
      .map((c) => Number(/Sent (\d+)/.exec(text(c))?.[1] ?? Number.NaN));
    expect(counts.sort()).toEqual([0, 1]);
    const rows = await first.running.database.db.select().from(nudges);
    expect(rows).toHaveLength(10);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
  });

  it('a run killed half-way sends the rest exactly once on the next tick', async () => {
    const clock = { now: new Date('2026-11-17T09:05:00Z') };
    const [b1, b2, b3] = moreBerliners(3) as [string, string, string];
    const app = await start(clock, {}, [b1, b2, b3]);
    const { db } = app.running.database;
    // The 10:00 Berlin run died: it had sent Berlin's nudge and b1's, claimed b2's but not sent it; b3's
    // never started.
    const at = new Date('2026-11-17T09:00:00Z');
    await db.insert(nudges).values([
      { executiveId: BERLIN, week: '2026-W47', status: 'sent', claimedAt: at, sentAt: at },
      { executiveId: b1, week: '2026-W47', status: 'sent', claimedAt: at, sentAt: at },
      { executiveId: b2, week: '2026-W47', status: 'sending', claimedAt: at },
    ]);
    app.slack.calls.length = 0;
    // Five minutes later the claim may still be another replica's send in flight: not taken over.
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent'));
    expect(nudgesTo(app.slack, b2)).toEqual([]);
    expect(nudgesTo(app.slack, b3)).toHaveLength(1);
    // The next tick finds the claim stale and sends it; the ticks after send nothing more.
    for (const tick of ['09:15', '09:30', '09:45'])
      await app.running.runJob('calls.nudges', new Date(`2026-11-17T${tick}:00Z`));
    for (const user of [b2, b3]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    for (const user of [BERLIN, b1]) expect(nudgesTo(app.slack, user)).toEqual([]);
    const rows = await db.select().from(nudges);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
  });

  it('a 429 delays a nudge by its Retry-After but neither loses nor doubles it; a failed send is retried next tick', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    const { db } = app.running.database;
    app.slack.calls.length = 0;
    app.slack.rateLimit('chat.postMessage', 2, 1);
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent 4 nudges'), 15_000);
    const limited = app.slack.calls.filter((c) => c.response.status === 429);
    expect(limited).toHaveLength(2);
    for (const refused of limited) {
      const delivered = nudgesTo(app.slack, String(refused.args.channel));
      expect(delivered).toHaveLength(1);
      expect((delivered[0]?.at ?? 0) - refused.at).toBeGreaterThanOrEqual(950);
    }
    for (const user of [NY, BERLIN, TOKYO, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    await app.running.runJob('calls.nudges', new Date('2026-11-17T15:00:00Z'));
    for (const user of [NY, BERLIN, TOKYO, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);

    // Next week Slack refuses one nudge outright: it is recorded as failed and sent by the next tick.
    app.slack.failNext('chat.postMessage', 'internal_error');
    await app.running.runJob('calls.nudges', new Date('2026-11-24T01:00:00Z')); // 10:00 in Tokyo
    const week48 = await db.select().from(nudges).where(eq(nudges.week, '2026-W48'));
    expect(week48.map((row) => row.status).sort()).toEqual(['failed', 'sent']);
    const failedFor = week48.find((row) => row.status === 'failed')?.executiveId ?? '';
    expect([TOKYO, TOKYO_BEHIND]).toContain(failedFor);
    expect(nudgesTo(app.slack, failedFor)).toHaveLength(1);
    await app.running.runJob('calls.nudges', new Date('2026-11-24T01:15:00Z'));
    await app.running.runJob('calls.nudges', new Date('2026-11-24T01:30:00Z'));
    for (const user of [TOKYO, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(2);
  });

  it('sends many nudges concurrently, but at most eight at a time', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const berliners = moreBerliners(24);
    const app = await start(clock, {}, berliners);
    app.slack.latencyMs = 40;
    app.slack.peakInFlight.clear();
    await app.running.runJob('calls.nudges', new Date('2026-11-17T09:00:00Z'));
    for (const user of [BERLIN, ...berliners]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    const peak = app.slack.peakInFlight.get('chat.postMessage') ?? 0;
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
  });

  it('only the CX office runs nudges, sees the roster or exports calls', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    for (const sub of ['nudges run', 'roster', 'export calls']) {
      await app.command('/touchpoint', sub, { user_id: ids.employee });
      await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes(`/touchpoint ${sub}`));
    }
    await app.slack.settle();
    expect(app.slack.callsTo('chat.postMessage')).toEqual([]);
    expect(app.slack.callsTo('files.completeUploadExternal')).toEqual([]);
    expect(await app.running.database.db.select().from(nudges)).toEqual([]);
  });

  it('reminds follow-up owners on the due morning in their zone, once; they mark it done from the DM', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    await logCall(app, NY);
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    await app.slack.settle();
    const [followUp] = await app.running.database.db.select().from(followUps);
    expect(followUp?.ownerTimeZone).toBe('Europe/Berlin');
    app.slack.calls.length = 0;
    await app.running.runJob('calls.followups', new Date('2026-11-18T07:45:00Z')); // 08:45 in Berlin
    expect(dmsTo(app.slack, OWNER)).toEqual([]);
    await app.running.runJob('calls.followups', new Date('2026-11-18T08:00:00Z')); // 09:00 in Berlin
    await app.running.runJob('calls.followups', new Date('2026-11-18T08:15:00Z'));
    const reminders = dmsTo(app.slack, OWNER);
    expect(reminders).toHaveLength(1);
    expect(text(reminders[0])).toContain('Due today');
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.followUpDone, value: String(followUp?.id) },
        { user: OWNER, channel: 'D0OWNERBE1', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === OWNER && text(c).includes('marked done'),
    );
    const [done] = await app.running.database.db.select().from(followUps);
    expect(done?.doneAt).not.toBeNull();
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
    await app.slack.settle();
    app.slack.calls.length = 0;
    await app.running.runJob('calls.summary', new Date('2026-11-23T09:00:00Z'));
    await app.running.runJob('calls.summary', new Date('2026-11-23T09:15:00Z'));
    await app.running.runJob('calls.summary', new Date('2026-11-23T11:45:00Z'));
    const summaries = app.slack.callsTo('chat.postMessage').filter((c) => text(c).includes('Customer calls'));
    expect(summaries.map((c) => c.args.channel).sort()).toEqual([ids.cxGroupMember, ids.cxOfficer].sort());
    expect(app.slack.callsTo('chat.postMessage')).toHaveLength(2);
    const summary = text(summaries[0]);
    // 23 of 30 days: 2 × 23/30 rounds to 2 calls expected. Berlin has 2 (on pace); Tokyo 1, the others 0.
    expect(summary).toContain('*3* calls so far');
    expect(summary).toContain('*3* of 4 executives behind pace');
    expect(summary).toContain('*1* follow-ups overdue'); // due 18 November, still open
    expect(summary).toContain(`:white_check_mark: <@${BERLIN}> 2 of 2 this month — on pace`);
    expect(summary).toContain(`:small_orange_diamond: <@${TOKYO}> 1 of 2 this month — behind pace`);
    expect(summary).toContain(`:small_orange_diamond: <@${NY}> 0 of 2 this month — behind pace`);
    expect(summary).toContain(`:small_orange_diamond: <@${TOKYO_BEHIND}> 0 of 2 this month — behind pace`);
    expect(summary).toContain('*No stage*: 2 (1 positive, 1 negative)');
    expect(summary).toContain('*Onboard*: 1 (0 positive, 1 negative)');
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
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    await app.running.runJob('calls.summary', new Date('2026-11-30T09:00:00Z'));
    const next = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.cxOfficer && text(c).includes('*0* follow-ups overdue'),
    );
    expect(text(next)).toContain('*3* calls so far');
  });
});

describe('calls in App Home, the export and the weekly update', () => {
  it('an executive’s Home shows pace, last calls and follow-ups; the CSV goes to the CX office; the digest thanks those who called', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    await logCall(app, BERLIN, {
      [callsIds.customer]: { type: 'plain_text_input', value: '=cmd|calc ACME' },
    });
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    await app.slack.settle();

    app.slack.calls.length = 0;
    await app.send.event(eventCallback({ type: 'app_home_opened', user: BERLIN, tab: 'home' }));
    const home = await app.slack.waitFor('views.publish', (c) => c.args.user_id === BERLIN);
    expect(home.response.ok).toBe(true);
    expect(text(home)).toContain('1 of 2 this month — on pace');
    expect(text(home)).toContain(callsIds.logButton);
    expect(text(home)).toContain('2026-11-16');
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
    await app.running.runJob('digest.weekly', new Date('2026-11-23T09:00:00Z'));
    const thread = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.digestChannel);
    const all = thread.map(text).join('\n');
    expect(all).toContain(`<@${BERLIN}> — 1 conversation`);
    for (const quiet of [NY, TOKYO, TOKYO_BEHIND]) expect(all).not.toContain(quiet);
  });
});
