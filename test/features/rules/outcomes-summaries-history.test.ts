import { Cron } from 'croner';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_VOTER_SUMMARY_SCHEDULE } from '../../../src/config.js';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { voterSummaryJob } from '../../../src/features/rules/rules.jobs.js';
import { rules, ruleVoterSummaries } from '../../../src/features/rules/rules.schema.js';
import { blockActions, ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  addNoteFromCard,
  cardClick,
  decideWithNote,
  dmsTo,
  findRule,
  nominateAndWaitForCard,
  parseCsv,
  textOf,
} from './rules.helpers.js';

// Issue 17, points 1, 7 and 8: "not actually a rule" and "required by law"; the submitter hears each
// decision at once while voters get one summary a day of status changes; History on the card, the audit
// CSV, and the weekly update's myth-busters and thanks by name. Driven through signed requests and the
// fake Slack, with the clock a variable (company zone: Berlin, UTC+1 in November).

const VOTER_A = 'U0VOTER171';
const VOTER_B = 'U0VOTER172';
const OUTSIDER = 'U0OUTSI171';
const ANON = 'U0ANON0171';

describe('outcomes, voters’ daily summaries, history and the digest', () => {
  let app: TestApp;
  // Monday 23 November 2026, 10:00 in Berlin.
  let clock = new Date('2026-11-23T09:00:00Z');
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, env: { TOUCHPOINT_TIMEZONE: 'Europe/Berlin' } });
    for (const id of [VOTER_A, VOTER_B, OUTSIDER, ANON]) app.slack.addUser({ id });
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(() => {
    app.slack.calls.length = 0;
  });

  const vote = (ruleId: number, cardTs: string, user: string) =>
    app.send.interaction(
      cardClick(app, ruleId, cardTs, { action_id: rulesIds.vote, value: String(ruleId) }, user),
    );
  const runSummaries = async (iso: string) => {
    clock = new Date(iso);
    await app.running.runJob(voterSummaryJob.name, clock);
    await app.running.outbox.drain();
    await app.whenIdle();
  };
  const summariesTo = (user: string) =>
    dmsTo(app, user).filter((c) => textOf(c).includes('Suggestions you backed changed'));

  it('"not actually a rule": the clarification is required, goes to the submitter at once, and is on the card', async () => {
    clock = new Date('2026-11-23T09:00:00Z');
    const { rule, cardTs } = await nominateAndWaitForCard(app, {
      user: ids.employee,
      rule: 'Refunds over €50 need a manager’s signature',
    });
    await vote(rule.id, cardTs, VOTER_A);
    await app.whenIdle();
    app.slack.calls.length = 0;

    const { modal, submit } = await decideWithNote(app, { ruleId: rule.id, cardTs }, 'not_a_rule', '');
    expect(JSON.stringify(modal)).toContain('How does it really work?');
    const empty = await submit('');
    expect(empty.json<{ errors: Record<string, string> }>().errors[rulesIds.note]).toBeDefined();

    const clarification = 'You can refund up to €200 without a signature <!channel>';
    const saved = await submit(clarification);
    expect(JSON.stringify(saved.json())).toContain('daily summary');
    const dm = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.employee && textOf(c).includes('not actually a rule'),
    );
    expect(textOf(dm)).toContain('Here is how it really works');
    expect(textOf(dm)).toContain('&lt;!channel&gt;');
    expect(textOf(dm)).not.toContain('<!channel>');
    // The card's update is held back to once a second per card: a later clock makes it due.
    clock = new Date('2026-11-23T09:01:00Z');
    await app.running.outbox.drain();
    const card = await app.slack.waitFor(
      'chat.update',
      (c) => c.args.ts === cardTs && textOf(c).includes('How it really works'),
    );
    expect(textOf(card)).toContain('Not actually a rule');
    await app.whenIdle();
    // The voter hears nothing now: the change waits for their daily summary.
    expect(dmsTo(app, VOTER_A)).toEqual([]);
    expect(await findRule(app, rule.id)).toMatchObject({ status: 'not_a_rule', decisionNote: clarification });
  });

  it('"required by law": the reference is asked and said to the submitter', async () => {
    clock = new Date('2026-11-23T09:30:00Z');
    const { rule, cardTs } = await nominateAndWaitForCard(app, {
      user: ids.employee,
      rule: 'ID check on refunds',
    });
    app.slack.calls.length = 0;
    const { modal } = await decideWithNote(
      app,
      { ruleId: rule.id, cardTs },
      'required_by_law',
      'Anti-money-laundering act, section 10: identify the customer',
    );
    expect(JSON.stringify(modal)).toContain('Which law or regulation requires it?');
    const dm = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.employee && textOf(c).includes('the law or a regulation requires it'),
    );
    expect(textOf(dm)).toContain('Where it comes from: Anti-money-laundering act, section 10');
    expect((await findRule(app, rule.id))?.status).toBe('required_by_law');
  });

  it('voters get one DM a day at the schedule (working days from 16:00), with status changes only, never twice', async () => {
    // Monday, 10:00 Berlin: two suggestions, backed by the voters.
    clock = new Date('2026-11-23T09:00:00Z');
    const one = await nominateAndWaitForCard(app, { user: ids.employee, rule: 'Summary rule one' });
    const two = await nominateAndWaitForCard(app, { user: ids.otherEmployee, rule: 'Summary rule two' });
    await vote(one.rule.id, one.cardTs, VOTER_B);
    await vote(two.rule.id, two.cardTs, VOTER_B);
    await app.whenIdle();
    // Changes during the day: a status change, a note, an owner; the second is killed.
    clock = new Date('2026-11-23T10:00:00Z');
    await app.send.interaction(
      cardClick(
        app,
        one.rule.id,
        one.cardTs,
        { action_id: rulesIds.setStatus, selected_option: { value: `${one.rule.id}:under_review` } },
        ids.cxOfficer,
      ),
    );
    await addNoteFromCard(app, { ruleId: one.rule.id, cardTs: one.cardTs }, 'Asked finance');
    await app.send.interaction(
      cardClick(
        app,
        one.rule.id,
        one.cardTs,
        { action_id: rulesIds.assignOwner, selected_user: ids.executive },
        ids.cxOfficer,
      ),
    );
    await decideWithNote(app, { ruleId: two.rule.id, cardTs: two.cardTs }, 'killed', 'Gone from Monday');
    await app.whenIdle();
    // The submitters heard each change at once; the voter heard nothing.
    expect(dmsTo(app, ids.employee).length).toBeGreaterThanOrEqual(3);
    expect(dmsTo(app, VOTER_B)).toEqual([]);

    // When the job ticks is its schedule's (working days from 16:00 company time by default): below.
    // 16:00 Berlin: one DM, both status changes, no note, no owner.
    await runSummaries('2026-11-23T15:00:00Z');
    expect(summariesTo(VOTER_B)).toHaveLength(1);
    const summary = textOf(summariesTo(VOTER_B)[0]);
    expect(summary).toContain(`RULE-${one.rule.number}`);
    expect(summary).toContain(`RULE-${two.rule.number}`);
    expect(summary).toContain('Under review');
    expect(summary).toContain('Gone from Monday');
    expect(summary).not.toContain('Asked finance');
    expect(summary).not.toContain(ids.executive);
    // Later ticks and a second replica's run the same day send nothing more.
    await runSummaries('2026-11-23T15:15:00Z');
    await runSummaries('2026-11-23T17:45:00Z');
    expect(summariesTo(VOTER_B)).toHaveLength(1);
    const [row] = await app.running.database.db
      .select()
      .from(ruleVoterSummaries)
      .where(eq(ruleVoterSummaries.userId, VOTER_B));
    expect(row).toMatchObject({ day: '2026-11-23' });

    // Tuesday: a note only → nothing. Then a status change → only that one, at 16:00.
    app.slack.calls.length = 0;
    clock = new Date('2026-11-24T09:00:00Z');
    await addNoteFromCard(app, { ruleId: one.rule.id, cardTs: one.cardTs }, 'Still asking');
    await runSummaries('2026-11-24T15:00:00Z');
    expect(summariesTo(VOTER_B)).toEqual([]);
    clock = new Date('2026-11-24T15:30:00Z');
    await decideWithNote(app, { ruleId: one.rule.id, cardTs: one.cardTs }, 'kept', 'Finance needs it');
    await runSummaries('2026-11-24T15:45:00Z');
    // Tuesday already had its (empty) chance: no row was written for it, so the change is told now.
    expect(summariesTo(VOTER_B)).toHaveLength(1);
    const tuesday = textOf(summariesTo(VOTER_B)[0]);
    expect(tuesday).toContain('Finance needs it');
    expect(tuesday).not.toContain(`RULE-${two.rule.number}`);

    // Saturday: nothing, whatever changed.
    app.slack.calls.length = 0;
    clock = new Date('2026-11-28T09:00:00Z');
    await app.send.interaction(
      cardClick(
        app,
        one.rule.id,
        one.cardTs,
        { action_id: rulesIds.setStatus, selected_option: { value: `${one.rule.id}:under_review` } },
        ids.cxOfficer,
      ),
    );
    // The click is answered before its change is written: wait for it.
    await app.whenIdle();
    // The schedule's next tick after Saturday morning is Monday 16:00 Berlin: told then.
    const schedule = new Cron(DEFAULT_VOTER_SUMMARY_SCHEDULE, { timezone: 'Europe/Berlin', paused: true });
    expect(schedule.nextRun(new Date('2026-11-28T09:00:00Z'))?.toISOString()).toBe(
      '2026-11-30T15:00:00.000Z',
    );
    expect(schedule.nextRun(new Date('2026-11-23T14:45:00Z'))?.toISOString()).toBe(
      '2026-11-23T15:00:00.000Z',
    );
    await runSummaries('2026-11-30T15:00:00Z');
    expect(summariesTo(VOTER_B)).toHaveLength(1);
  });

  it('History on the card shows the audit trail to the CX office only; an anonymous submitter is “anonymous”', async () => {
    clock = new Date('2026-11-25T09:00:00Z');
    const { rule, cardTs } = await nominateAndWaitForCard(app, {
      user: ANON,
      rule: 'Anonymous history rule',
      anonymous: true,
    });
    await decideWithNote(app, { ruleId: rule.id, cardTs }, 'kept', 'Because <@U0OUTSI171> said so');
    await app.whenIdle();
    app.slack.calls.length = 0;

    await app.send.interaction(
      cardClick(app, rule.id, cardTs, { action_id: rulesIds.history, value: String(rule.id) }, OUTSIDER),
    );
    const refusal = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === OUTSIDER);
    expect(textOf(refusal)).toContain('Only the CX office');

    await app.send.interaction(
      cardClick(app, rule.id, cardTs, { action_id: rulesIds.history, value: String(rule.id) }, ids.cxOfficer),
    );
    const opened = await app.slack.waitFor('views.open', (c) => textOf(c).includes(rulesIds.historyModal));
    const shown = JSON.stringify(opened.args.view);
    expect(shown).toContain('suggested by _anonymous_');
    expect(shown).toContain(`<@${ids.cxOfficer}>`);
    expect(shown).toContain('*New* → *Kept*');
    expect(shown).toContain('Because &lt;@U0OUTSI171&gt; said so');
    expect(shown).not.toContain(ANON);
  });

  it('History pages in the same modal', async () => {
    clock = new Date('2026-11-25T10:00:00Z');
    const { rule, cardTs } = await nominateAndWaitForCard(app, { user: ids.employee, rule: 'Busy rule' });
    for (let i = 1; i <= 16; i += 1) {
      clock = new Date(Date.parse('2026-11-25T10:00:00Z') + i * 60_000);
      await addNoteFromCard(app, { ruleId: rule.id, cardTs }, `Note ${i}`);
    }
    await app.whenIdle();
    app.slack.calls.length = 0;
    await app.send.interaction(
      cardClick(app, rule.id, cardTs, { action_id: rulesIds.history, value: String(rule.id) }, ids.cxOfficer),
    );
    const opened = await app.slack.waitFor('views.open');
    const view = opened.response.view as { id: string; private_metadata: string };
    expect(textOf(opened)).toContain('Showing 1–15 of 16');
    expect(textOf(opened)).not.toContain('Note 16');
    await app.send.interaction(
      blockActions(
        { action_id: rulesIds.historyNext, value: '2', block_id: rulesIds.historyPager },
        {
          user: ids.cxOfficer,
          responseUrl: app.slack.responseUrl(),
          view: { id: view.id, type: 'modal', private_metadata: view.private_metadata },
        },
      ),
    );
    const next = await app.slack.waitFor('views.update', (c) => c.args.view_id === view.id);
    expect(textOf(next)).toContain('Note 16');
    expect(textOf(next)).toContain('Showing 16–16 of 16');
  });

  it('the rules export adds an audit CSV: who, when, from, to, note; formulas neutralised, anonymous unnamed', async () => {
    clock = new Date('2026-11-26T09:00:00Z');
    const { rule, cardTs } = await nominateAndWaitForCard(app, {
      user: ANON,
      rule: 'Audited',
      anonymous: true,
    });
    await decideWithNote(app, { ruleId: rule.id, cardTs }, 'killed', '=HYPERLINK("http://x")');
    await app.whenIdle();
    app.slack.calls.length = 0;
    const before = app.slack.sharedFiles.length;
    await app.command('/touchpoint', 'export rules', { user_id: ids.cxOfficer });
    await app.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === ids.cxOfficer && textOf(c).includes('audit trail'),
    );
    const files = app.slack.sharedFiles.slice(before);
    expect(files.map((file) => file.title)).toEqual([
      'Touchpoint: rules to kill',
      'Touchpoint: rules audit trail',
    ]);
    const [header, ...rows] = parseCsv(files[1]?.content ?? '');
    expect(header).toEqual(['reference', 'when', 'who', 'action', 'from', 'to', 'owner', 'note']);
    const mine = rows.filter((row) => row[0] === `RULE-${rule.number}`);
    expect(mine).toEqual([
      [`RULE-${rule.number}`, '2026-11-26T09:00:00.000Z', 'anonymous', 'suggested', '', 'New', '', ''],
      [
        `RULE-${rule.number}`,
        '2026-11-26T09:00:00.000Z',
        ids.cxOfficer,
        'status',
        'New',
        'Killed',
        '',
        `'=HYPERLINK("http://x")`,
      ],
    ]);
    expect(files.map((file) => file.content).join('\n')).not.toContain(ANON);
  });

  it('the weekly update busts myths and thanks named submitters of killed rules, unless they opted out', async () => {
    // Next week, Wednesday: the window is the last seven days (no digest posted yet).
    clock = new Date('2026-12-02T09:00:00Z');
    const named = await nominateAndWaitForCard(app, { user: ids.employee, rule: 'Thanked rule' });
    const optedOut = await nominateAndWaitForCard(app, { user: ids.otherEmployee, rule: 'Modest rule' });
    await app.running.database.db
      .update(rules)
      .set({ creditOptOut: true })
      .where(eq(rules.id, optedOut.rule.id));
    const anonymous = await nominateAndWaitForCard(app, { user: ANON, rule: 'Hidden rule', anonymous: true });
    const myth = await nominateAndWaitForCard(app, { user: VOTER_A, rule: 'No refunds <!here> on Sundays' });
    for (const target of [named, optedOut, anonymous])
      await decideWithNote(app, { ruleId: target.rule.id, cardTs: target.cardTs }, 'killed', 'Gone');
    await decideWithNote(
      app,
      { ruleId: myth.rule.id, cardTs: myth.cardTs },
      'not_a_rule',
      'Refunds work every day; the Sunday <!channel> rule never existed',
    );
    await app.whenIdle();
    app.slack.calls.length = 0;

    clock = new Date('2026-12-02T10:00:00Z');
    await app.command('/touchpoint', 'digest preview', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => textOf(c).includes('Myth-busters'));
    await app.whenIdle();
    const preview = app.slack.callsTo('chat.postEphemeral').map(textOf).join('\n');
    expect(preview).toContain('Not actually a rule');
    expect(preview).toContain('the Sunday &lt;!channel&gt; rule never existed');
    expect(preview).toContain('No refunds &lt;!here&gt; on Sundays');
    expect(preview).not.toContain('<!channel>');
    expect(preview).toContain(`Suggested by <@${ids.employee}>: thank you for speaking up!`);
    expect(preview).not.toContain(`<@${ids.otherEmployee}>`);
    expect(preview).not.toContain(ANON);
    expect(preview).toContain('1 myth busted');
  });
});
