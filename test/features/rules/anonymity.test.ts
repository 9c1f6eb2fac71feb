import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rowsOf } from '../../../src/outbox/outbox.queries.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { eventCallback, ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  addNoteFromCard,
  capturingLogger,
  cardClick,
  decideWithNote,
  findRule,
  markDuplicateFromCard,
  nominate,
  nominateAndWaitForCard,
  tablesNaming,
  textOf,
} from './rules.helpers.js';

const ANON = 'U0ANONYM02';
const VOTER = 'U0VOTER021';

/** The one person a Web API call is addressed to, if it is addressed to one person. */
function addressedTo(call: RecordedCall): string | undefined {
  if (call.method === 'chat.postMessage') return String(call.args.channel);
  if (call.method === 'chat.postEphemeral') return String(call.args.user);
  if (call.method === 'views.publish') return String(call.args.user_id);
  return undefined;
}

describe('anonymous means anonymous, across every step of a nomination’s life', () => {
  let app: TestApp;
  const logger = capturingLogger();
  let clock = new Date('2026-11-02T10:00:00Z'); // a Monday
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, logger });
    app.slack.addUser({ id: ANON }).addUser({ id: VOTER });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('the submitter’s ID is in no Web API call but those to them, in no CSV cell and in no log line', async () => {
    const { db } = app.running.database;
    const home = (user: string) =>
      app.send.event(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' }));

    // Nominated anonymously, backed, reviewed, owned, annotated and killed.
    const a = await nominateAndWaitForCard(app, { user: ANON, anonymous: true, rule: 'Anonymous A' });
    expect(textOf(a.card)).toContain('_anonymous_');
    await app.send.interaction(
      cardClick(app, a.rule.id, a.cardTs, { action_id: rulesIds.vote, value: String(a.rule.id) }, VOTER),
    );
    await app.send.interaction(
      cardClick(
        app,
        a.rule.id,
        a.cardTs,
        { action_id: rulesIds.setStatus, selected_option: { value: `${a.rule.id}:under_review` } },
        ids.cxOfficer,
      ),
    );
    await app.send.interaction(
      cardClick(
        app,
        a.rule.id,
        a.cardTs,
        { action_id: rulesIds.assignOwner, selected_user: ids.executive },
        ids.cxOfficer,
      ),
    );
    await addNoteFromCard(app, { ruleId: a.rule.id, cardTs: a.cardTs }, 'Talking to finance');
    await decideWithNote(app, { ruleId: a.rule.id, cardTs: a.cardTs }, 'killed', 'Gone from Monday');
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ANON && textOf(c).includes('Your suggestion worked'),
    );

    // A second anonymous one merged into someone else's; a third left waiting until it is late.
    const original = await nominateAndWaitForCard(app, { user: ids.employee, rule: 'Named original' });
    const b = await nominateAndWaitForCard(app, { user: ANON, anonymous: true, rule: 'Anonymous B' });
    await nominateAndWaitForCard(app, { user: ANON, anonymous: true, rule: 'Anonymous C, waiting' });

    // Failures on the way log a line, and the line does not name the submitter.
    await db.execute(sql`
      create function touchpoint_test_refuse() returns trigger language plpgsql as $$
      begin raise exception 'refused by the test'; end $$`);
    // The merge fails at its audit row (an anonymous submitter's vote is not moved: that row would name them).
    await db.execute(sql`
      create trigger touchpoint_test_refuse_merge before insert on rule_events
      for each row when (new.action = 'duplicate') execute function touchpoint_test_refuse()`);
    await db.execute(sql`
      create trigger touchpoint_test_refuse_rules before insert on rules
      for each row when (new.anonymous) execute function touchpoint_test_refuse()`);
    try {
      const failedMerge = await markDuplicateFromCard(
        app,
        { ruleId: b.rule.id, cardTs: b.cardTs },
        original.rule.number,
      );
      expect(failedMerge.response.status).toBe(200);
      const failedSave = await nominate(app, { user: ANON, anonymous: true, rule: 'Anonymous D' });
      expect(failedSave.response.json<{ response_action: string }>().response_action).toBe('update');
      await app.whenIdle();
    } finally {
      await db.execute(sql`drop trigger touchpoint_test_refuse_merge on rule_events`);
      await db.execute(sql`drop trigger touchpoint_test_refuse_rules on rules`);
      await db.execute(sql`drop function touchpoint_test_refuse()`);
    }
    for (const failure of ['A change to a nomination failed', 'Saving a nomination failed'])
      expect(logger.lines.some((line) => line.includes(failure))).toBe(true);
    expect((await findRule(app, b.rule.id))?.status).toBe('new');

    await markDuplicateFromCard(app, { ruleId: b.rule.id, cardTs: b.cardTs }, original.rule.number);
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ANON && textOf(c).includes(`RULE-${original.rule.number}`),
    );

    // Lists, homes, the aging call-out and the export.
    await app.command('/killrule', 'mine', { user_id: ANON });
    await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ANON);
    for (const user of [ANON, VOTER, ids.cxOfficer]) {
      await home(user);
      await app.slack.waitFor('views.publish', (c) => c.args.user_id === user);
    }
    clock = new Date('2026-11-18T09:00:00Z');
    await app.running.runJob('rules.aging', clock);
    const aging = await app.slack.waitFor(
      'chat.postMessage',
      (c) =>
        c.args.channel === ids.backlogChannel &&
        textOf(c).includes('working days') &&
        textOf(c).includes('Anonymous C'),
    );
    expect(textOf(aging)).not.toContain('Anonymous A');
    await app.command('/touchpoint', 'export rules', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal');
    await app.whenIdle();

    const mentioning = app.slack.calls.filter((call) => JSON.stringify(call).includes(ANON));
    // The outcome DMs (the thanks for each nomination was its modal), their own list and their own Home.
    expect(mentioning.filter((call) => call.method === 'chat.postMessage').length).toBeGreaterThanOrEqual(5);
    for (const call of mentioning)
      expect(addressedTo(call), `${call.method} ${JSON.stringify(call.args)}`).toBe(ANON);
    // The CX office's Home and the export list the anonymous nominations without a submitter.
    const cxHome = app.slack.callsTo('views.publish').find((c) => c.args.user_id === ids.cxOfficer);
    expect(textOf(cxHome)).toContain('Anonymous C');
    // Every CSV of the export (the suggestions, their audit trail).
    const csv = app.slack.sharedFiles.map((file) => file.content).join('\n');
    for (const title of ['Anonymous A', 'Anonymous B', 'Anonymous C']) expect(csv).toContain(title);
    expect(csv).not.toContain(ANON);
    expect(csv).toContain(ids.employee); // named submitters are in the export
    for (const line of logger.lines) expect(line).not.toContain(ANON);
    // In the database the person is in `anonymous_submitters` only, and in the outbox only as a DM's address.
    expect(await tablesNaming(app, ANON)).toEqual(['anonymous_submitters', 'outbox']);
    const queued = await db.execute(
      sql`select key, payload from outbox where outbox::text like ${`%${ANON}%`}`,
    );
    for (const row of rowsOf(queued) as { key: string; payload: { channel: string } }[])
      expect(row.payload.channel, row.key).toBe(ANON);
  });
});
