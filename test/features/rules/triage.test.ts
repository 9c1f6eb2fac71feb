import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rulesRenderers } from '../../../src/features/rules/rules.notify.js';
import { cancelQueued } from '../../../src/outbox/outbox.js';
import { findOutboxItemByKey } from '../../../src/outbox/outbox.queries.js';
import { ids, viewSubmission } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  addNoteFromCard,
  cardClick,
  decideWithNote,
  dmsTo,
  eventsOf,
  findRule,
  markDuplicateFromCard,
  nominateAndWaitForCard,
  textOf,
  untilNothingWaits,
  votersOf,
} from './rules.helpers.js';

const VOTER_A = 'U0VOTER001';
const VOTER_B = 'U0VOTER002';
/** A voter of one test only: the summaries asked for above are of days to come (see `voterSummary`). */
const VOTER_C = 'U0VOTER003';
const OUTSIDER = 'U0OUTSID01';

describe('triaging nominations in the backlog channel', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    for (const id of [VOTER_A, VOTER_B, VOTER_C, OUTSIDER]) app.slack.addUser({ id });
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(() => {
    app.slack.calls.length = 0;
  });

  /**
   * Voters hear of status changes in one DM a day (rules.voterSummaries, from 16:00 on working days), not
   * at once. This app runs on the real clock: the job is run for a coming working day at 16:00 UTC (one
   * day per call, as a voter gets one a day) and the DM it queued for `user` is rendered as it would be
   * sent; undefined when it queued none. (outcomes-summaries-history.test.ts sends them on a test clock.)
   */
  const summaryDays = Array.from({ length: 6 }, (_, i) => {
    const day = new Date();
    day.setUTCDate(day.getUTCDate() + 1 + i);
    day.setUTCHours(16, 0, 0, 0);
    return day;
  }).filter((day) => day.getUTCDay() !== 0 && day.getUTCDay() !== 6);
  async function voterSummary(user: string): Promise<string | undefined> {
    const at = summaryDays.shift();
    if (!at) throw new Error('no working day left for a summary');
    await app.running.runJob('rules.voterSummaries', at);
    const { db } = app.running.database;
    const key = `rules:voters:${at.toISOString().slice(0, 10)}:${user}`;
    const row = await findOutboxItemByKey(db, key);
    if (!row) return undefined;
    const renderer = rulesRenderers.find((r) => r.name === 'rules.voterSummary');
    const input = (row.payload as { input: Record<string, unknown> }).input;
    const rendered = JSON.stringify(await renderer?.render(db, input, at));
    // Queued for that future afternoon: taken back, so the outbox is idle for the tests that follow.
    expect(await cancelQueued(db, key)).toBe(true);
    return rendered;
  }

  const vote = (ruleId: number, cardTs: string, user: string, actionTs?: string) =>
    app.send.interaction(
      cardClick(app, ruleId, cardTs, { action_id: rulesIds.vote, value: String(ruleId) }, user, actionTs),
    );

  it('counts "me too" once per person and updates the card in place', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app, { user: ids.employee });
    await vote(rule.id, cardTs, VOTER_A);
    await vote(rule.id, cardTs, VOTER_A);
    await vote(rule.id, cardTs, VOTER_B);
    await app.slack.waitFor('chat.update', (c) => c.args.ts === cardTs && textOf(c).includes('Me too (2)'));
    expect(await votersOf(app, rule.id)).toEqual([VOTER_A, VOTER_B].sort());
    const updates = app.slack.callsTo('chat.update');
    expect(updates.length).toBeGreaterThanOrEqual(1);
    for (const update of updates)
      expect(update.args).toMatchObject({ channel: ids.backlogChannel, ts: cardTs });
    expect(textOf(updates.at(-1))).toContain('Me too (2)');

    // The submitter's own click does not count, and they are told why, privately.
    await vote(rule.id, cardTs, ids.employee);
    const notice = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(textOf(notice)).toContain('already counts');
    expect(await votersOf(app, rule.id)).toEqual([VOTER_A, VOTER_B].sort());
  });

  it('refuses every control to someone outside the CX office and changes nothing', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app);
    app.slack.calls.length = 0;
    const clicks = [
      { action_id: rulesIds.setStatus, selected_option: { value: `${rule.id}:accepted` } },
      { action_id: rulesIds.setStatus, selected_option: { value: `${rule.id}:killed` } },
      { action_id: rulesIds.assignOwner, selected_user: OUTSIDER },
      { action_id: rulesIds.markDuplicate, value: String(rule.id) },
      { action_id: rulesIds.addNote, value: String(rule.id) },
    ];
    for (const click of clicks) await app.send.interaction(cardClick(app, rule.id, cardTs, click, OUTSIDER));
    await app.whenIdle();
    const refusals = app.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === OUTSIDER);
    expect(refusals).toHaveLength(clicks.length);
    expect(textOf(refusals[0])).toContain('Only the CX office');
    expect(app.slack.callsTo('chat.update')).toEqual([]);
    expect(app.slack.callsTo('views.open')).toEqual([]);
    expect(app.slack.callsTo('chat.postMessage')).toEqual([]); // no thread line, no DM
    expect(await findRule(app, rule.id)).toMatchObject({ status: 'new', ownerId: null });
    expect(await eventsOf(app, rule.id)).toEqual([]);
  });

  it('a CX decision updates the card, adds a thread line, records the audit row, tells the submitter at once and voters in their daily summary', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app, { user: ids.employee });
    await vote(rule.id, cardTs, VOTER_A);
    await app.whenIdle();
    app.slack.calls.length = 0;

    // A member of the CX office's user group moves it to review (no note needed) …
    await app.send.interaction(
      cardClick(
        app,
        rule.id,
        cardTs,
        { action_id: rulesIds.setStatus, selected_option: { value: `${rule.id}:under_review` } },
        ids.cxGroupMember,
      ),
    );
    const thread = await app.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === cardTs);
    expect(textOf(thread)).toContain('*New* to *Under review*');
    expect((await findRule(app, rule.id))?.status).toBe('under_review');

    // … then kills it: the note is asked in a modal, and required.
    const { submit } = await decideWithNote(app, { ruleId: rule.id, cardTs }, 'killed', '', ids.cxOfficer);
    const empty = await submit('');
    expect(empty.json<{ errors: Record<string, string> }>().errors[rulesIds.note]).toBeDefined();
    expect((await findRule(app, rule.id))?.status).toBe('under_review');

    const note = 'Gone from Monday: agents refund up to €100 <!channel>';
    const done = await submit(note);
    expect(done.status).toBe(200);
    const killedLine = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.thread_ts === cardTs && textOf(c).includes('Killed'),
    );
    expect(textOf(killedLine)).toContain('agents refund up to €100 &lt;!channel&gt;');
    const stored = await findRule(app, rule.id);
    expect(stored).toMatchObject({ status: 'killed', decisionNote: note });

    // The card is updated in place (at most once a second per card, so it may follow the thread line).
    // Every card's status menu lists "Killed": look for this card showing it as its status. (A card of an
    // earlier test may still be updated now, at most once a second, and match a looser search.)
    const update = await app.slack.waitFor(
      'chat.update',
      (c) => c.args.ts === cardTs && /\*Status\*\\n[^"]* Killed/.test(textOf(c)),
    );
    expect(update.args).toMatchObject({ channel: ids.backlogChannel, ts: cardTs });

    const audit = await eventsOf(app, rule.id);
    expect(audit.map((e) => [e.actorId, e.fromStatus, e.toStatus])).toEqual([
      [ids.cxGroupMember, 'new', 'under_review'],
      [ids.cxOfficer, 'under_review', 'killed'],
    ]);
    expect(audit[1]?.note).toBe(note);

    await app.slack.waitFor('chat.postMessage', () =>
      dmsTo(app, ids.employee).some((c) => textOf(c).includes('is gone')),
    );
    const dm = dmsTo(app, ids.employee).find((c) => textOf(c).includes('is gone'));
    expect(textOf(dm)).toContain('agents refund up to €100');
    expect(textOf(dm)).not.toContain('<!channel>');
    expect(textOf(dm)).toContain('Your suggestion worked');
    await app.whenIdle();
    // The voter is not messaged at once: both status changes are in their daily summary.
    expect(dmsTo(app, VOTER_A)).toEqual([]);
    const summary = await voterSummary(VOTER_A);
    expect(summary).toContain(`RULE-${rule.number}`);
    expect(summary).toContain('Killed');
    expect(summary).toContain('agents refund up to €100 &lt;!channel&gt;');
    expect(summary).not.toContain('<!channel>');
  });

  it('keeping a rule requires a reason', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app);
    const { submit } = await decideWithNote(app, { ruleId: rule.id, cardTs }, 'kept', '');
    const refused = await submit(' ');
    expect(refused.json<{ errors: Record<string, string> }>().errors[rulesIds.note]).toMatch(/reason/);
    await submit('Required by law (PSD2).');
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.employee && textOf(c).includes('PSD2'),
    );
    expect((await findRule(app, rule.id))?.status).toBe('kept');
  });

  it('a replayed click or decision changes nothing twice', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app);
    const click = cardClick(
      app,
      rule.id,
      cardTs,
      // A status set at once by the click (accepting opens a modal for its kill-by date).
      { action_id: rulesIds.setStatus, selected_option: { value: `${rule.id}:under_review` } },
      ids.cxOfficer,
      '1700000500.000001',
    );
    await Promise.all([app.send.interaction(click), app.send.interaction(click)]);
    await app.send.interaction(click);
    await app.whenIdle();
    expect(await eventsOf(app, rule.id)).toHaveLength(1);
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === cardTs)).toHaveLength(1);
    expect(dmsTo(app, ids.employee).filter((c) => textOf(c).includes('looking into'))).toHaveLength(1);
  });

  it('assigns an owner, shown on the card and in the thread', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app);
    await app.send.interaction(
      cardClick(
        app,
        rule.id,
        cardTs,
        { action_id: rulesIds.assignOwner, selected_user: ids.executive },
        ids.cxOfficer,
      ),
    );
    const line = await app.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === cardTs);
    expect(textOf(line)).toContain(`<@${ids.executive}> the owner`);
    expect((await findRule(app, rule.id))?.ownerId).toBe(ids.executive);
    // The card follows in place, at most once a second: maybe after the thread line.
    // (An earlier update of this card may be recorded: wait for one that names the owner; none fails the test.)
    const card = await app.slack.waitFor(
      'chat.update',
      (c) => c.args.ts === cardTs && textOf(c).includes(`<@${ids.executive}>`),
    );
    expect(card.args.channel).toBe(ids.backlogChannel);
    // Acting in the channel does not re-render the actor's App Home.
    expect(app.slack.callsTo('views.publish')).toEqual([]);
  });

  it('marks a duplicate: votes merge into the original and the duplicate’s people are told', async () => {
    const original = await nominateAndWaitForCard(app, { user: ids.employee, rule: 'Original' });
    const copy = await nominateAndWaitForCard(app, { user: ids.otherEmployee, rule: 'Copy' });
    await vote(original.rule.id, original.cardTs, VOTER_A);
    await vote(copy.rule.id, copy.cardTs, VOTER_A);
    await vote(copy.rule.id, copy.cardTs, VOTER_B);
    await app.whenIdle();
    app.slack.calls.length = 0;

    await app.send.interaction(
      cardClick(
        app,
        copy.rule.id,
        copy.cardTs,
        { action_id: rulesIds.markDuplicate, value: String(copy.rule.id) },
        ids.cxOfficer,
      ),
    );
    const opened = await app.slack.waitFor('views.open');
    const modal = opened.response.view as { id: string; callback_id: string; private_metadata: string };
    const bad = await app.send.interaction(
      viewSubmission(
        modal,
        { [rulesIds.duplicateOf]: { type: 'plain_text_input', value: 'RULE-99999' } },
        ids.cxOfficer,
      ),
    );
    expect(bad.json<{ errors: Record<string, string> }>().errors[rulesIds.duplicateOf]).toContain(
      'no RULE-99999',
    );
    await app.send.interaction(
      viewSubmission(
        modal,
        { [rulesIds.duplicateOf]: { type: 'plain_text_input', value: `RULE-${original.rule.number}` } },
        ids.cxOfficer,
      ),
    );
    await app.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === copy.cardTs);
    // Both cards follow in place (each at most once a second, so maybe after the thread line).
    for (const card of [copy, original])
      await app.slack.waitFor('chat.update', (c) => c.args.ts === card.cardTs);
    await app.whenIdle();

    expect(await findRule(app, copy.rule.id)).toMatchObject({
      status: 'duplicate',
      duplicateOfId: original.rule.id,
    });
    expect(await votersOf(app, original.rule.id)).toEqual([ids.otherEmployee, VOTER_A, VOTER_B].sort());
    const copyCard = app.slack.callsTo('chat.update').findLast((c) => c.args.ts === copy.cardTs);
    expect(copyCard?.args.channel).toBe(ids.backlogChannel);
    expect(textOf(copyCard)).toContain(`Duplicate of RULE-${original.rule.number}`);
    expect((await eventsOf(app, copy.rule.id)).map((e) => [e.action, e.actorId, e.toStatus])).toEqual([
      ['duplicate', ids.cxOfficer, 'duplicate'],
    ]);
    const originalCard = app.slack.callsTo('chat.update').findLast((c) => c.args.ts === original.cardTs);
    expect(textOf(originalCard)).toContain('3 votes');
    // The duplicate's submitter hears at once; its voters in their daily summary.
    expect(textOf(dmsTo(app, ids.otherEmployee).at(-1))).toContain(`RULE-${original.rule.number}`);
    for (const person of [VOTER_A, VOTER_B]) expect(dmsTo(app, person)).toEqual([]);
    const summary = await voterSummary(VOTER_B);
    expect(summary).toContain(`Duplicate of RULE-${original.rule.number}`);
  });

  it('a modal submission from outside the CX office is refused on the server and changes nothing', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app);
    const { modal: decision } = await decideWithNote(app, { ruleId: rule.id, cardTs }, 'killed', '');
    const note = await addNoteFromCard(app, { ruleId: rule.id, cardTs }, '', ids.cxOfficer);
    expect(note.response.json<{ errors: Record<string, string> }>().errors[rulesIds.note]).toBeDefined();
    const other = await nominateAndWaitForCard(app, { rule: 'Another' });
    const duplicate = await markDuplicateFromCard(app, { ruleId: other.rule.id, cardTs: other.cardTs }, 999);
    expect(
      duplicate.response.json<{ errors: Record<string, string> }>().errors[rulesIds.duplicateOf],
    ).toBeDefined();
    await app.whenIdle();
    app.slack.calls.length = 0;

    const forged = [
      viewSubmission(decision, { [rulesIds.note]: { type: 'plain_text_input', value: 'Forged' } }, OUTSIDER),
      viewSubmission(
        note.modal,
        { [rulesIds.note]: { type: 'plain_text_input', value: 'Forged' } },
        OUTSIDER,
      ),
      viewSubmission(
        duplicate.modal,
        { [rulesIds.duplicateOf]: { type: 'plain_text_input', value: `RULE-${rule.number}` } },
        OUTSIDER,
      ),
    ];
    for (const payload of forged) {
      const response = await app.send.interaction(payload);
      const errors = Object.values(response.json<{ errors: Record<string, string> }>().errors);
      expect(errors.join(' ')).toContain('Only the CX office');
    }
    await app.whenIdle();
    expect(app.slack.calls.filter((c) => c.method !== 'usergroups.users.list')).toEqual([]);
    expect(await findRule(app, rule.id)).toMatchObject({ status: 'new' });
    expect(await findRule(app, other.rule.id)).toMatchObject({ status: 'new' });
    expect(await eventsOf(app, rule.id)).toEqual([]);
    expect(await eventsOf(app, other.rule.id)).toEqual([]);
  });

  it('a note goes to the thread, the audit trail and the submitter (never to voters); replayed submissions add nothing twice', async () => {
    const { rule, cardTs } = await nominateAndWaitForCard(app, { user: ids.employee });
    await vote(rule.id, cardTs, VOTER_C);
    await app.whenIdle();
    app.slack.calls.length = 0;

    const text = 'Finance agrees <!here>, waiting for legal';
    const { payload } = await addNoteFromCard(app, { ruleId: rule.id, cardTs }, text);
    await Promise.all([app.send.interaction(payload), app.send.interaction(payload)]);
    const line = await app.slack.waitFor('chat.postMessage', (c) => c.args.thread_ts === cardTs);
    expect(textOf(line)).toContain('added a note');
    expect(textOf(line)).toContain('Finance agrees &lt;!here&gt;');
    await app.slack.waitFor('chat.postMessage', () => dmsTo(app, ids.employee).length > 0);
    await app.slack.waitFor('chat.update', (c) => c.args.ts === cardTs);
    await untilNothingWaits(app);
    expect(app.slack.callsTo('chat.update').filter((c) => c.args.ts === cardTs)).toHaveLength(1);
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === cardTs)).toHaveLength(1);
    expect(dmsTo(app, ids.employee)).toHaveLength(1);
    expect(textOf(dmsTo(app, ids.employee)[0])).toContain('Finance agrees &lt;!here&gt;');
    // A note is never told to voters, not even in their daily summary.
    expect(dmsTo(app, VOTER_C)).toEqual([]);
    expect((await eventsOf(app, rule.id)).map((e) => [e.action, e.note])).toEqual([['note', text]]);

    // The decision modal, submitted three times (a retry, a double click): one decision.
    app.slack.calls.length = 0;
    const { submit } = await decideWithNote(app, { ruleId: rule.id, cardTs }, 'kept', '');
    await Promise.all([submit('Legal says no'), submit('Legal says no')]);
    await submit('Legal says no');
    await app.slack.waitFor('chat.postMessage', () => dmsTo(app, ids.employee).length > 0);
    await app.whenIdle();
    expect((await eventsOf(app, rule.id)).map((e) => e.toStatus)).toEqual(['new', 'kept']);
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === cardTs)).toHaveLength(1);
    expect(dmsTo(app, ids.employee)).toHaveLength(1);
    expect(dmsTo(app, VOTER_C)).toEqual([]);
    // The voter's summary tells the one decision, not the note.
    const summary = await voterSummary(VOTER_C);
    expect(summary).toContain('Legal says no');
    expect(summary).not.toContain('Finance agrees');
    expect(summary?.match(/Kept/g)).toHaveLength(2); // the line and the text
  });
});
