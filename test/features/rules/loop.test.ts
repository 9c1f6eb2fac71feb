import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { putSetting } from '../../../src/features/settings/settings.queries.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, eventCallback, ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  acceptFromCard,
  cardClick,
  decideWithNote,
  dmsTo,
  findRule,
  nominateAndWaitForCard,
  textOf,
} from './rules.helpers.js';

const ANON = 'U0ANONYM01';
const VOTER = 'U0VOTER009';

/** Where a Web API call is addressed to, if it is addressed to one person. */
function addressedTo(call: RecordedCall): string | undefined {
  if (call.method === 'chat.postMessage') return String(call.args.channel);
  if (call.method === 'views.publish') return String(call.args.user_id);
  if (call.method === 'conversations.open') return String(call.args.users);
  return undefined;
}

describe('closing the loop: anonymity, aging, "mine", export and App Home', () => {
  let app: TestApp;
  let clock = new Date('2026-11-02T10:00:00Z'); // a Monday
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock });
    app.slack.addUser({ id: ANON }).addUser({ id: VOTER });
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(() => {
    app.slack.calls.length = 0;
  });

  it('anonymous means anonymous: the submitter’s ID reaches no call but those to them, nor the CSV', async () => {
    const { rule, cardTs, card } = await nominateAndWaitForCard(app, {
      user: ANON,
      anonymous: true,
      rule: '=HYPERLINK("http://evil.example") Anonymous rule',
    });
    expect(textOf(card)).toContain('_anonymous_');
    await app.send.interaction(
      cardClick(app, rule.id, cardTs, { action_id: rulesIds.vote, value: String(rule.id) }, VOTER),
    );
    await acceptFromCard(app, { ruleId: rule.id, cardTs });
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ANON && textOf(c).includes('Your suggestion is accepted'),
    );
    await app.command('/touchpoint', 'export rules', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal');
    await app.whenIdle();

    const mentioning = app.slack.calls.filter((call) => JSON.stringify(call.args).includes(ANON));
    expect(mentioning.length).toBeGreaterThan(0); // the outcome DMs
    for (const call of mentioning)
      expect(addressedTo(call), `${call.method} ${JSON.stringify(call.args)}`).toBe(ANON);
    // The export sends the suggestions' CSV, then their audit trail's.
    const rulesCsv = app.slack.sharedFiles.find((file) => file.title === 'Touchpoint: rules to kill');
    const csv = rulesCsv?.content ?? '';
    expect(csv).toContain(`RULE-${rule.number}`);
    expect(csv).not.toContain(ANON);
    expect(csv).toContain("'=HYPERLINK");
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(rulesCsv?.channel).toBe(`D${ids.cxOfficer.slice(1)}`);
  });

  it('the export is for the CX office only', async () => {
    const files = app.slack.sharedFiles.length;
    await app.command('/touchpoint', 'export rules', { user_id: ids.employee });
    const refusal = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(textOf(refusal)).toContain('Only the CX office');
    await app.whenIdle();
    expect(app.slack.sharedFiles).toHaveLength(files);
  });

  it('/killrule mine lists the person’s nominations with status and last decision', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app, { user: VOTER, rule: 'Mine to see' });
    await decideWithNote(app, { ruleId: rule.id, cardTs }, 'kept', 'Regulator requires it');
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === VOTER && textOf(c).includes('stays, and here is why'),
    );
    app.slack.calls.length = 0;
    await app.command('/killrule', 'mine', { user_id: VOTER });
    const list = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === VOTER);
    expect(textOf(list)).toContain(`RULE-${rule.number}`);
    expect(textOf(list)).toContain('Kept');
    expect(textOf(list)).toContain('Regulator requires it');
    expect(textOf(list)).not.toContain('Anonymous rule');
  });

  it('each working-day morning lists exactly the late nominations, once, and nothing when none are late', async () => {
    const { db } = app.running.database;
    clock = new Date('2026-11-02T10:00:00Z');
    const late = await nominateAndWaitForCard(app, { rule: 'Late one' });
    const decided = await nominateAndWaitForCard(app, { rule: 'Decided one' });
    await acceptFromCard(app, { ruleId: decided.rule.id, cardTs: decided.cardTs });
    clock = new Date('2026-11-16T10:00:00Z');
    await nominateAndWaitForCard(app, { rule: 'Recent one' });
    await app.whenIdle();
    app.slack.calls.length = 0;

    clock = new Date('2026-11-18T09:00:00Z'); // 12 working days after the 2nd
    await app.running.runJob('rules.aging', clock);
    await app.running.outbox.drain();
    const aging = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel);
    expect(aging).toHaveLength(1);
    const text = textOf(aging[0]);
    expect(text).toContain(`RULE-${late.rule.number}`);
    expect(text).not.toContain('Decided one');
    expect(text).not.toContain('Recent one');
    // Earlier tests' nominations from the same Monday that are still undecided are late too.
    const stillOpen = (await findRule(app, late.rule.id))?.status;
    expect(stillOpen).toBe('new');

    clock = new Date('2026-11-18T09:15:00Z');
    await app.running.runJob('rules.aging', clock);
    await app.running.outbox.drain();
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel),
    ).toHaveLength(1);

    // The CX office's setting wins: with a 20-day target nothing is late, and nothing is posted.
    await putSetting(db, 'rules.responseTargetWorkingDays', 20, ids.cxOfficer, clock);
    clock = new Date('2026-11-19T09:00:00Z');
    await app.running.runJob('rules.aging', clock);
    await app.running.outbox.drain();
    await app.whenIdle();
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel),
    ).toHaveLength(1);
    await putSetting(db, 'rules.responseTargetWorkingDays', 10, ids.cxOfficer, clock);
  });

  it('App Home: the CX office sees the backlog with its controls; others back suggestions from there', async () => {
    clock = new Date('2026-11-20T10:00:00Z');
    const open = await nominateAndWaitForCard(app, { user: ids.employee, rule: 'Back me from home' });
    app.slack.calls.length = 0;

    await app.send.event(
      eventCallback({ type: 'app_home_opened', user: ids.cxOfficer, channel: 'D0CXOFF001', tab: 'home' }),
    );
    const cxHome = await app.slack.waitFor('views.publish', (c) => c.args.user_id === ids.cxOfficer);
    expect(cxHome.response.ok).toBe(true);
    const cxBlocks = (
      cxHome.args.view as { blocks: { block_id?: string; elements?: { action_id: string }[] }[] }
    ).blocks;
    expect(cxBlocks.some((b) => b.block_id === 'rules.home.backlog')).toBe(true);
    expect(cxBlocks.some((b) => b.elements?.some((e) => e.action_id === rulesIds.setStatus))).toBe(true);
    expect(textOf(cxHome)).toContain(':hourglass_flowing_sand:'); // late ones first

    await app.send.event(
      eventCallback({ type: 'app_home_opened', user: VOTER, channel: 'D0VOTER009', tab: 'home' }),
    );
    const home = await app.slack.waitFor('views.publish', (c) => c.args.user_id === VOTER);
    expect(textOf(home)).not.toContain(rulesIds.setStatus);
    expect(textOf(home)).toContain('Back me from home');
    app.slack.calls.length = 0;

    await app.send.interaction(
      blockActions(
        {
          action_id: rulesIds.vote,
          block_id: `rules.home.back.${open.rule.id}`,
          value: String(open.rule.id),
        },
        { user: VOTER, responseUrl: app.slack.responseUrl(), view: { id: 'V0HOME0001', type: 'home' } },
      ),
    );
    const refreshed = await app.slack.waitFor('views.publish', (c) => c.args.user_id === VOTER);
    expect(textOf(refreshed)).toContain('✓ Me too (1)');
    const card = await app.slack.waitFor('chat.update', (c) => c.args.ts === open.cardTs);
    expect(textOf(card)).toContain('Me too (1)');
    expect(dmsTo(app, VOTER)).toEqual([]);

    // The CX office acts from App Home: the change happens and their Home is re-rendered.
    app.slack.calls.length = 0;
    await app.send.interaction(
      blockActions(
        {
          action_id: rulesIds.setStatus,
          block_id: `rules.card.actions.${open.rule.id}`,
          type: 'static_select',
          selected_option: { value: `${open.rule.id}:under_review` },
        },
        {
          user: ids.cxOfficer,
          responseUrl: app.slack.responseUrl(),
          view: { id: 'V0HOME0002', type: 'home' },
        },
      ),
    );
    await app.slack.waitFor('views.publish', (c) => c.args.user_id === ids.cxOfficer);
    expect((await findRule(app, open.rule.id))?.status).toBe('under_review');
  });
});
