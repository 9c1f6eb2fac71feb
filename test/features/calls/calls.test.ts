import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { executives, followUps, nudges } from '../../../src/features/calls/calls.schema.js';
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

async function rosterSlack() {
  const slack = await startFakeSlack();
  slack
    .addUser({ id: NY, tz: 'America/New_York' })
    .addUser({ id: BERLIN, tz: 'Europe/Berlin' })
    .addUser({ id: TOKYO, tz: 'Asia/Tokyo' })
    .addUser({ id: TOKYO_BEHIND, tz: 'Asia/Tokyo' })
    .addUser({ id: GONE, tz: 'UTC', deleted: true })
    .addUser({ id: OWNER, tz: 'Europe/Berlin' })
    .addUsergroup(EXEC_GROUP, [NY, BERLIN, TOKYO, TOKYO_BEHIND, GONE]);
  return slack;
}

const apps: TestApp[] = [];
const slacks: FakeSlack[] = [];
async function start(clock: { now: Date }, options: Parameters<typeof startTestApp>[0] = {}) {
  let slack = options.replicaOf?.slack;
  if (!slack) {
    slack = await rosterSlack();
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

async function logCall(app: TestApp, user: string, overrides: Partial<Record<string, StateInput>> = {}) {
  const before = app.slack.callsTo('views.open').length;
  await app.command('/logcall', '', { user_id: user });
  await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length > before);
  const view = app.slack.callsTo('views.open')[before]?.response.view as {
    id: string;
    callback_id: string;
    private_metadata: string;
  };
  return app.send.interaction(viewSubmission(view, callState(overrides), user));
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
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
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

    const bad = await logCall(app, BERLIN, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-18' },
      [callsIds.learned]: { type: 'plain_text_input', value: '  ' },
    });
    const errors = bad.json<{ errors: Record<string, string> }>().errors;
    expect(errors[callsIds.date]).toMatch(/future/);
    expect(errors[callsIds.learned]).toMatch(/learn/);

    const saved = await logCall(app, BERLIN);
    expect(saved.status).toBe(200);
    const thanks = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === BERLIN && text(c).includes('Thanks for talking'),
    );
    expect(text(thanks)).toContain('1 of 2 this month — on pace');
    const assigned = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    expect(text(assigned)).toContain('Send the simpler invoice template');
    const [story] = await app.running.database.db.select().from(stories).where(eq(stories.tellerId, BERLIN));
    expect(story).toMatchObject({
      source: 'call',
      status: 'pending',
      body: 'Invoices confuse them <!channel>',
    });
    for (const call of app.slack.calls) expect(JSON.stringify(call.args)).not.toContain('<!channel>');
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
    expect(text(nudgesTo(app.slack, BERLIN)[0])).toContain('0 of 2 this month — behind pace');
  });

  it('honours snooze and pause', async () => {
    const clock = { now: new Date('2026-11-17T08:00:00Z') };
    const app = await start(clock);
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.snooze },
        { user: NY, channel: 'D0EXECNY01', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.send.interaction(
      blockActions(
        { action_id: callsIds.pause, type: 'datepicker', selected_date: '2026-11-30' },
        { user: BERLIN, channel: 'D0EXECBE01', responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === BERLIN && text(c).includes('Paused'),
    );
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === NY && text(c).includes('Snoozed'));
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent'));
    expect(nudgesTo(app.slack, NY)).toEqual([]);
    expect(nudgesTo(app.slack, BERLIN)).toEqual([]);
    expect(nudgesTo(app.slack, TOKYO)).toHaveLength(1);
  });

  it('two instances ticking at the same moment send one nudge per executive', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const first = await start(clock);
    const second = await start(clock, { replicaOf: first });
    first.slack.calls.length = 0;
    const tick = new Date('2026-11-17T09:00:00Z');
    await Promise.all([
      first.running.runJob('calls.nudges', tick),
      second.running.runJob('calls.nudges', tick),
    ]);
    expect(nudgesTo(first.slack, BERLIN)).toHaveLength(1);
    await Promise.all([
      first.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer }),
      second.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer }),
    ]);
    await first.slack.waitFor(
      'chat.postEphemeral',
      () => first.slack.callsTo('chat.postEphemeral').length >= 2,
    );
    for (const user of [NY, BERLIN, TOKYO, TOKYO_BEHIND]) expect(nudgesTo(first.slack, user)).toHaveLength(1);
  });

  it('a run killed half-way sends the rest exactly once; a 429 delays but neither loses nor doubles a nudge', async () => {
    const clock = { now: new Date('2026-11-17T12:00:00Z') };
    const app = await start(clock);
    const { db } = app.running.database;
    // The killed run had sent Berlin's nudge, and claimed New York's but died before sending it.
    await db.insert(nudges).values([
      {
        executiveId: BERLIN,
        week: '2026-W47',
        status: 'sent',
        claimedAt: new Date('2026-11-17T11:00:00Z'),
        sentAt: new Date('2026-11-17T11:00:00Z'),
      },
      { executiveId: NY, week: '2026-W47', status: 'sending', claimedAt: new Date('2026-11-17T11:00:00Z') },
    ]);
    app.slack.calls.length = 0;
    app.slack.rateLimit('chat.postMessage', 2, 1);
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Sent'), 15_000);
    expect(app.slack.calls.filter((c) => c.response.status === 429)).toHaveLength(2);
    expect(nudgesTo(app.slack, BERLIN)).toEqual([]);
    for (const user of [NY, TOKYO, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    await app.running.runJob('calls.nudges', clock.now);
    await app.command('/touchpoint', 'nudges run', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', () => app.slack.callsTo('chat.postEphemeral').length >= 2);
    for (const user of [NY, TOKYO, TOKYO_BEHIND]) expect(nudgesTo(app.slack, user)).toHaveLength(1);
    const rows = await db.select().from(nudges);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
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
    await logCall(app, BERLIN, { [callsIds.date]: { type: 'datepicker', date: '2026-11-10' } });
    await logCall(app, BERLIN, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-12' },
      followup_0: { type: 'plain_text_input', value: null },
      followup_0_owner: { type: 'users_select', user: null },
    });
    await logCall(app, TOKYO, {
      [callsIds.date]: { type: 'datepicker', date: '2026-11-19' },
      [callsIds.sentiment]: { type: 'radio_buttons', value: 'positive' },
      followup_0: { type: 'plain_text_input', value: null },
      followup_0_owner: { type: 'users_select', user: null },
    });
    await app.slack.settle();
    app.slack.calls.length = 0;
    await app.running.runJob('calls.summary', new Date('2026-11-23T09:00:00Z'));
    await app.running.runJob('calls.summary', new Date('2026-11-23T09:15:00Z'));
    const summaries = app.slack.callsTo('chat.postMessage').filter((c) => text(c).includes('Customer calls'));
    expect(summaries.map((c) => c.args.channel).sort()).toEqual([ids.cxGroupMember, ids.cxOfficer].sort());
    const summary = text(summaries[0]);
    // 23 of 30 days: 2 × 23/30 rounds to 2 calls expected. Berlin has 2 (on pace); Tokyo 1, the others 0.
    expect(summary).toContain('*3* calls so far');
    expect(summary).toContain('*3* of 4 executives behind pace');
    expect(summary).toContain('*1* follow-ups overdue');
    expect(summary).toContain('3 (1 positive, 2 negative)');
    expect(
      app.slack
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === ids.digestChannel || c.args.channel === ids.backlogChannel),
    ).toBe(false);
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
    await app.send.event(eventCallback({ type: 'app_home_opened', user: OWNER, tab: 'home' }));
    const ownerHome = await app.slack.waitFor('views.publish', (c) => c.args.user_id === OWNER);
    expect(text(ownerHome)).toContain('Send the simpler invoice template');
    expect(text(ownerHome)).not.toContain('this month');

    await app.command('/touchpoint', 'export calls', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal');
    const csv = app.slack.sharedFiles.at(-1)?.content ?? '';
    expect(csv).toContain("'=cmd|calc ACME");
    expect(csv).toContain('Send the simpler invoice template');

    app.slack.calls.length = 0;
    await app.running.runJob('digest.weekly', new Date('2026-11-23T09:00:00Z'));
    const thread = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.digestChannel);
    const all = thread.map(text).join('\n');
    expect(all).toContain(`<@${BERLIN}> — 1 conversation`);
    for (const quiet of [NY, TOKYO, TOKYO_BEHIND]) expect(all).not.toContain(quiet);
  });
});
