import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleAftercareIds } from '../../../src/features/rule-aftercare/rule-aftercare.ids.js';
import {
  anonymousSubmitters,
  ruleQuestions,
  ruleStillDeadChecks,
  rules,
} from '../../../src/features/rules/rules.schema.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, ids, viewSubmission } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  capturingLogger,
  cardClick,
  decideWithNote,
  findRule,
  nominateAndWaitForCard,
  tablesNaming,
  textOf,
} from './rules.helpers.js';

// After the decision, end to end through signed requests and the fake Slack: the CX office asks the
// person behind an anonymous suggestion, who answers through the bot (their ID never shown, logged or
// stored outside `anonymous_submitters`); 30 days after a kill, "still dead?" goes to the submitter and
// each voter once, and "it's back" reopens the rule once, linked to the original.

const ANON = 'U0ANONAFT1';
const NAMED = 'U0NAMEDAF1';
const VOTER = 'U0VOTERAF1';
const VOTER2 = 'U0VOTERAF2';
const DAY = 86_400_000;

type Button = { action_id?: string; value?: string };
const buttonsOf = (call: RecordedCall | undefined) =>
  ((call?.args.blocks ?? []) as { elements?: Button[] }[]).flatMap((b) => b.elements ?? []);
const buttonValue = (call: RecordedCall | undefined, actionId: string) =>
  buttonsOf(call).find((button) => button.action_id === actionId)?.value;

describe('after the decision: questions to anonymous submitters and "still dead?"', () => {
  let app: TestApp;
  const logger = capturingLogger();
  let clock = new Date('2026-11-02T10:00:00Z'); // a Monday
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, logger });
    for (const id of [ANON, NAMED, VOTER, VOTER2]) app.slack.addUser({ id });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** Clicks a DM's button as `user`; resolves with the response_url answer. */
  async function dmClick(user: string, actionId: string, value: string, responseId: string) {
    await app.send.interaction(
      blockActions(
        { action_id: actionId, value },
        { user, channel: app.slack.dmChannelOf(user), responseUrl: app.slack.responseUrl(responseId) },
      ),
    );
    return app.slack.waitFor('response_url', (c) => c.responseUrlId === responseId);
  }

  /** Clicks a DM's button that opens a form; returns the form Slack was asked to open. */
  async function openFromDm(user: string, actionId: string, value: string, callbackId: string) {
    const before = app.slack.callsTo('views.open').length;
    await app.send.interaction(
      blockActions(
        { action_id: actionId, value },
        { user, channel: app.slack.dmChannelOf(user), responseUrl: app.slack.responseUrl() },
      ),
    );
    const opened = await app.slack.waitFor(
      'views.open',
      (c) =>
        app.slack.callsTo('views.open').indexOf(c) >= before &&
        (c.args.view as { callback_id: string }).callback_id === callbackId,
    );
    return opened.response.view as { id: string; callback_id: string; private_metadata: string };
  }

  it('the CX office asks an anonymous submitter; only they answer, through the bot, into the card’s thread', async () => {
    const { db } = app.running.database;
    const a = await nominateAndWaitForCard(app, { user: ANON, anonymous: true, rule: 'Badges at the door' });
    // The card offers the question on an anonymous suggestion only.
    expect(buttonValue(a.card, ruleAftercareIds.askSubmitter)).toBe(String(a.rule.id));
    // Theirs all the same: "me too" on it is refused, and `/killrule mine` lists it (to them alone).
    await app.send.interaction(
      cardClick(app, a.rule.id, a.cardTs, { action_id: 'rules.vote', value: String(a.rule.id) }, ANON),
    );
    await app.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === ANON && textOf(c).includes('You suggested this one'),
    );
    await app.command('/killrule', 'mine', { user_id: ANON });
    await app.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === ANON && textOf(c).includes('Badges at the door'),
    );
    const named = await nominateAndWaitForCard(app, { user: NAMED, rule: 'Named one' });
    expect(buttonValue(named.card, ruleAftercareIds.askSubmitter)).toBeUndefined();

    // Not the CX office: told privately, no form.
    const opensBefore = app.slack.callsTo('views.open').length;
    await app.send.interaction(
      cardClick(
        app,
        a.rule.id,
        a.cardTs,
        { action_id: ruleAftercareIds.askSubmitter, value: String(a.rule.id) },
        VOTER,
      ),
    );
    await app.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === VOTER && textOf(c).includes('Only the CX office'),
    );
    expect(app.slack.callsTo('views.open')).toHaveLength(opensBefore);

    // The CX office asks (with text that tries to ping everyone).
    await app.send.interaction(
      cardClick(
        app,
        a.rule.id,
        a.cardTs,
        { action_id: ruleAftercareIds.askSubmitter, value: String(a.rule.id) },
        ids.cxOfficer,
      ),
    );
    const askOpened = await app.slack.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id: string }).callback_id === ruleAftercareIds.askModal,
    );
    const askModal = askOpened.response.view as { id: string; callback_id: string; private_metadata: string };
    const question = (value: string) => ({
      [ruleAftercareIds.question]: { type: 'plain_text_input' as const, value },
    });
    const empty = await app.send.interaction(viewSubmission(askModal, question('   '), ids.cxOfficer));
    expect(empty.json<{ errors: Record<string, string> }>().errors[ruleAftercareIds.question]).toContain(
      'Write',
    );
    // A forged submission by someone outside the CX office asks nothing.
    const forged = await app.send.interaction(viewSubmission(askModal, question('Who are you?'), VOTER));
    expect(forged.json<{ errors: Record<string, string> }>().errors[ruleAftercareIds.question]).toContain(
      'Only the CX office',
    );
    const payload = viewSubmission(askModal, question('Which door <!channel>?'), ids.cxOfficer);
    const asked = await app.send.interaction(payload);
    expect(asked.json<{ response_action: string }>().response_action).toBe('update');
    await app.send.interaction(payload); // Slack retries: asked once
    const dm = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ANON && textOf(c).includes('has a question'),
    );
    expect(textOf(dm)).toContain('Which door &lt;!channel&gt;?');
    expect(textOf(dm)).not.toContain('<!channel>');
    const questionId = buttonValue(dm, ruleAftercareIds.answerQuestion) ?? '';
    expect(await db.select().from(ruleQuestions)).toHaveLength(1);
    // The question is in the card's thread for the CX office.
    await app.slack.waitFor(
      'chat.postMessage',
      (c) =>
        c.args.channel === ids.backlogChannel &&
        c.args.thread_ts === a.cardTs &&
        textOf(c).includes('Which door'),
    );

    // Someone else clicking "Answer" (a forwarded DM) is refused; a forged answer saves nothing.
    const refused = await dmClick(VOTER, ruleAftercareIds.answerQuestion, questionId, 'not-yours-1');
    expect(textOf(refused)).toContain('only they can answer it');
    const answerModal = await openFromDm(
      ANON,
      ruleAftercareIds.answerQuestion,
      questionId,
      ruleAftercareIds.answerModal,
    );
    const answer = (value: string) => ({
      [ruleAftercareIds.answer]: { type: 'plain_text_input' as const, value },
    });
    const forgedAnswer = await app.send.interaction(viewSubmission(answerModal, answer('Not me'), VOTER));
    expect(forgedAnswer.json<{ errors: Record<string, string> }>().errors[ruleAftercareIds.answer]).toContain(
      'only they can answer it',
    );

    // The submitter answers: it lands in the card's thread, without a name.
    const answered = await app.send.interaction(
      viewSubmission(answerModal, answer('The back door <@U0CXOFFIC1>'), ANON),
    );
    expect(answered.json<{ response_action: string }>().response_action).toBe('update');
    const line = await app.slack.waitFor(
      'chat.postMessage',
      (c) =>
        c.args.channel === ids.backlogChannel &&
        c.args.thread_ts === a.cardTs &&
        textOf(c).includes('The back door'),
    );
    expect(textOf(line)).toContain(`The submitter of RULE-${a.rule.number} answered`);
    // Whoever asked hears of it by DM (a bot's thread reply notifies nobody).
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.cxOfficer && textOf(c).includes('The back door'),
    );
    expect(textOf(line)).toContain('&lt;@U0CXOFFIC1&gt;');
    const again = await app.send.interaction(viewSubmission(answerModal, answer('Twice'), ANON));
    expect(again.json<{ errors: Record<string, string> }>().errors[ruleAftercareIds.answer]).toContain(
      'answered this question already',
    );
    const [stored] = await db.select().from(ruleQuestions);
    expect(stored).toMatchObject({ answer: 'The back door <@U0CXOFFIC1>', askedBy: ids.cxOfficer });
    await app.whenIdle();

    // Anonymous stays anonymous: every call naming them is to them; no log line; no table but these two.
    for (const call of app.slack.calls.filter((c) => JSON.stringify(c).includes(ANON)))
      expect(
        call.method === 'response_url' || call.args.channel === ANON || call.args.user === ANON,
        `${call.method} ${JSON.stringify(call.args)}`,
      ).toBe(true);
    for (const entry of logger.lines) expect(entry).not.toContain(ANON);
    expect(await tablesNaming(app, ANON)).toEqual(['anonymous_submitters', 'outbox']);
  });

  it('30 days after a kill asks the submitter and each voter once; "it’s back" reopens it once, linked', async () => {
    const { db } = app.running.database;
    clock = new Date('2026-11-03T10:00:00Z');
    const anon = await nominateAndWaitForCard(app, { user: ANON, anonymous: true, rule: 'Stamps on forms' });
    const named = await nominateAndWaitForCard(app, { user: NAMED, rule: 'Fax confirmations' });
    for (const target of [anon, named])
      for (const voter of [VOTER, VOTER2])
        await app.send.interaction(
          cardClick(
            app,
            target.rule.id,
            target.cardTs,
            { action_id: 'rules.vote', value: String(target.rule.id) },
            voter,
          ),
        );
    await decideWithNote(app, { ruleId: anon.rule.id, cardTs: anon.cardTs }, 'killed', 'Gone');
    await decideWithNote(app, { ruleId: named.rule.id, cardTs: named.cardTs }, 'killed', 'Gone too');
    await app.whenIdle();
    expect((await findRule(app, anon.rule.id))?.status).toBe('killed');

    const stillDeadTo = (user: string) =>
      app.slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === user && textOf(c).includes('Still dead?'));

    // 29 days on: nothing yet.
    clock = new Date(clock.getTime() + 29 * DAY);
    await app.running.runJob('rules.still_dead', clock);
    await app.whenIdle();
    expect(await db.select().from(ruleStillDeadChecks)).toHaveLength(0);

    // 30 days on: the two submitters and both voters of each, once; again and again changes nothing.
    clock = new Date(clock.getTime() + DAY + 3_600_000);
    await app.running.runJob('rules.still_dead', clock);
    await app.running.runJob('rules.still_dead', clock);
    await app.whenIdle();
    clock = new Date(clock.getTime() + DAY);
    await app.running.runJob('rules.still_dead', clock);
    await app.whenIdle();
    expect(await db.select().from(ruleStillDeadChecks)).toHaveLength(6);
    expect(stillDeadTo(ANON)).toHaveLength(1);
    expect(stillDeadTo(NAMED)).toHaveLength(1);
    expect(stillDeadTo(VOTER)).toHaveLength(2);
    expect(stillDeadTo(VOTER2)).toHaveLength(2);
    const anonCheck = buttonValue(stillDeadTo(ANON)[0], ruleAftercareIds.itsBack) ?? '';
    const voterChecks = stillDeadTo(VOTER).map((c) => buttonValue(c, ruleAftercareIds.stillGone) ?? '');
    const voter2AnonCheck =
      stillDeadTo(VOTER2)
        .filter((c) => textOf(c).includes('Stamps on forms'))
        .map((c) => buttonValue(c, ruleAftercareIds.itsBack))[0] ?? '';

    // "Gone": recorded, the DM redrawn; someone else's click changes nothing.
    const notYours = await dmClick(VOTER2, ruleAftercareIds.stillGone, voterChecks[0] ?? '', 'sd-not-yours');
    expect(textOf(notYours)).toContain('only they can answer it');
    const gone = await dmClick(VOTER, ruleAftercareIds.stillGone, voterChecks[0] ?? '', 'sd-gone');
    expect(textOf(gone)).toContain('You said it is gone');

    // The anonymous submitter says it is back: a new suggestion, anonymous, linked to the original.
    const backModal = await openFromDm(ANON, ruleAftercareIds.itsBack, anonCheck, ruleAftercareIds.backModal);
    const note = (value: string) => ({
      [ruleAftercareIds.backNote]: { type: 'plain_text_input' as const, value },
    });
    const noNote = await app.send.interaction(viewSubmission(backModal, note(''), ANON));
    expect(noNote.json<{ errors: Record<string, string> }>().errors[ruleAftercareIds.backNote]).toBeDefined();
    const back = await app.send.interaction(
      viewSubmission(backModal, note('Seen at the <!here> desk'), ANON),
    );
    expect(back.json<{ response_action: string }>().response_action).toBe('update');
    const reopened = (await db.select().from(rules).where(eq(rules.reopenedFromId, anon.rule.id)))[0];
    expect(reopened).toMatchObject({
      anonymous: true,
      submitterId: 'anonymous',
      status: 'new',
      title: 'Stamps on forms',
      why: 'Seen at the <!here> desk',
    });
    expect(JSON.stringify(back.json())).toContain(`RULE-${reopened?.number}`);
    expect(
      await db
        .select()
        .from(anonymousSubmitters)
        .where(eq(anonymousSubmitters.ruleId, reopened?.id ?? 0)),
    ).toEqual([{ ruleId: reopened?.id, userId: ANON }]);
    const card = await app.slack.waitFor(
      'chat.postMessage',
      (c) =>
        c.args.channel === ids.backlogChannel && String(c.args.text).startsWith(`RULE-${reopened?.number} `),
    );
    expect(textOf(card)).toContain('It came back');
    expect(textOf(card)).toContain(`RULE-${anon.rule.number}`);
    expect(textOf(card)).toContain('Seen at the &lt;!here&gt; desk');
    // The DM of the question shows the answer now.
    await app.slack.waitFor('chat.update', (c) => textOf(c).includes('You said it is back'));

    // A voter says it is back too: no second suggestion; their note goes to the reopened one's thread.
    const back2 = await openFromDm(
      VOTER2,
      ruleAftercareIds.itsBack,
      voter2AnonCheck,
      ruleAftercareIds.backModal,
    );
    await app.send.interaction(viewSubmission(back2, note('Still stamping'), VOTER2));
    const reopenedCardTs = await (async () => {
      for (let i = 0; i < 100; i += 1) {
        const row = await findRule(app, reopened?.id ?? 0);
        if (row?.cardTs) return row.cardTs;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('the reopened card was never posted');
    })();
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.thread_ts === reopenedCardTs && textOf(c).includes('Still stamping'),
    );
    expect(await db.select().from(rules).where(eq(rules.reopenedFromId, anon.rule.id))).toHaveLength(1);
    // Answered already: a second click redraws the answer.
    const twice = await dmClick(ANON, ruleAftercareIds.stillGone, anonCheck, 'sd-twice');
    expect(textOf(twice)).toContain('You said it is back');
    await app.whenIdle();

    for (const entry of logger.lines) expect(entry).not.toContain(ANON);
    expect(await tablesNaming(app, ANON)).toEqual(['anonymous_submitters', 'outbox']);
  });
});
