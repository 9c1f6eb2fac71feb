import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../src/config.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { rulesRenderers } from '../../../src/features/rules/rules.notify.js';
import {
  anonymousSubmitters,
  ruleEvents,
  rules,
  ruleVotes,
} from '../../../src/features/rules/rules.schema.js';
import {
  addRuleNote,
  assignOwner,
  buildRulesHome,
  CONFIRMATION_DM_DELAY_MS,
  decideRule,
  markDuplicate,
  type Nomination,
  nominateRule,
  nominationThankedInModal,
  queueLateRulesCallOut,
  RULE_CARD,
  type Rule,
  voteForRule,
  withdrawVote,
} from '../../../src/features/rules/rules.service.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { freshDatabase } from '../../support/db.js';
import { FAKE_BOT_TOKEN } from '../../support/fake-slack.js';
import { ids } from '../../support/payloads.js';
import { TEST_SIGNING_SECRET } from '../../support/slack-requests.js';

// The rules' product rules, called directly on a real database: no Slack, no HTTP, time as a parameter.

const to = { backlogChannel: ids.backlogChannel };
const monday = new Date('2026-11-02T10:00:00Z');
const VOTER = 'U0VOTER101';
const OTHER_VOTER = 'U0VOTER102';

describe('the rules service (real SQL)', () => {
  let database: Database;
  let db: Database['db'];
  let config: Config;
  let activeStage: number;
  let retiredStage: number;
  let keys = 0;
  /** A fresh idempotency key: each call is a new submission or click. */
  const freshKey = (what: string) => {
    keys += 1;
    return `${what}-${keys}`;
  };

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
    config = loadConfig({
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      TOUCHPOINT_BACKLOG_CHANNEL: ids.backlogChannel,
      TOUCHPOINT_DIGEST_CHANNEL: ids.digestChannel,
      TOUCHPOINT_CX_OFFICE: ids.cxOfficer,
      TOUCHPOINT_TIMEZONE: 'UTC',
    });
    const [active, retired] = await db
      .insert(journeyStages)
      .values([
        { name: 'Service test: in use', position: 90 },
        { name: 'Service test: retired', position: 91, retiredAt: monday },
      ])
      .returning();
    activeStage = active?.id ?? 0;
    retiredStage = retired?.id ?? 0;
  });
  afterAll(async () => {
    await database?.close();
  });

  const nomination = (overrides: Partial<Nomination> = {}): Nomination => ({
    title: 'Refunds need a manager signature',
    hurts: 'customers',
    why: 'Customers wait three days for €20.',
    stageId: null,
    categoryId: null,
    replacementIdea: null,
    anonymous: false,
    submitterId: ids.employee,
    source: 'command',
    sourcePermalink: null,
    idempotencyKey: freshKey('nomination'),
    ...overrides,
  });

  async function nominated(overrides: Partial<Nomination> = {}, now = monday): Promise<Rule> {
    const result = await nominateRule(db, nomination(overrides), now, to);
    if (!result.ok) throw new Error(`nomination refused: ${result.reason}`);
    return result.rule;
  }

  const queued = (keyPattern: string) => db.select().from(outbox).where(like(outbox.key, keyPattern));
  const change = (rule: Rule, idempotencyKey = freshKey('change')) => ({
    ruleId: rule.id,
    actorId: ids.cxOfficer,
    idempotencyKey,
  });

  describe('nominating', () => {
    it('numbers nominations without gaps and queues the card and the confirmation with each', async () => {
      const first = await nominated();
      const second = await nominated({ title: 'Second' });
      expect(second.number).toBe(first.number + 1);
      expect(first).toMatchObject({ status: 'new', submitterId: ids.employee, cardTs: null });

      const rows = await queued(`rule:${first.id}:%`);
      expect(rows.map((row) => [row.key, row.render, row.lane]).sort()).toEqual(
        [
          [`rule:${first.id}:card`, RULE_CARD.name, ids.backlogChannel],
          [`rule:${first.id}:submitted:dm`, 'rules.submittedDm', ids.employee],
        ].sort(),
      );
      // The statement that numbers the nomination queues its card exactly as the shared card path does.
      const card = rows.find((row) => row.key === `rule:${first.id}:card`);
      expect(card?.payload).toEqual({
        channel: ids.backlogChannel,
        input: { [RULE_CARD.inputKey]: first.id },
      });
    });

    it('the confirmation DM waits, and is taken back once the modal said thank you (unless it is on its way)', async () => {
      const dmOf = async (rule: Rule) => (await queued(`rule:${rule.id}:submitted:dm`))[0];
      const thanked = await nominated({ title: 'Thanked in the modal' });
      expect((await dmOf(thanked))?.notBefore).toEqual(new Date(monday.getTime() + CONFIRMATION_DM_DELAY_MS));
      await nominationThankedInModal(db, thanked.id);
      expect(await dmOf(thanked)).toBeUndefined();
      expect((await queued(`rule:${thanked.id}:card`)).map((row) => row.key)).toEqual([
        `rule:${thanked.id}:card`,
      ]);
      // Already being sent (or sent): it stays, and goes out as it would have.
      const sending = await nominated({ title: 'Claimed before the thanks' });
      await db
        .update(outbox)
        .set({ status: 'sending' })
        .where(eq(outbox.key, `rule:${sending.id}:submitted:dm`));
      await nominationThankedInModal(db, sending.id);
      expect((await dmOf(sending))?.status).toBe('sending');
      await db.delete(outbox).where(eq(outbox.key, `rule:${sending.id}:submitted:dm`)); // not in later tests' way
    });

    it('a replayed submission returns the first nomination and queues nothing again', async () => {
      const input = nomination({ title: 'Replayed' });
      const first = await nominateRule(db, input, monday, to);
      const again = await nominateRule(db, input, new Date(monday.getTime() + 60_000), to);
      expect(first).toMatchObject({ ok: true, created: true });
      expect(again).toMatchObject({ ok: true, created: false });
      if (!first.ok || !again.ok) return;
      expect(again.rule.id).toBe(first.rule.id);
      expect(
        await db.select().from(rules).where(eq(rules.idempotencyKey, input.idempotencyKey)),
      ).toHaveLength(1);
      expect(await queued(`rule:${first.rule.id}:%`)).toHaveLength(2);
      // The replay took no number: the next nomination follows directly.
      expect((await nominated()).number).toBe(first.rule.number + 1);
    });

    it('takes a stage people can pick, and refuses a retired one without storing anything', async () => {
      const before = await db.select().from(rules);
      const refused = await nominateRule(db, nomination({ stageId: retiredStage }), monday, to);
      expect(refused).toEqual({ ok: false, reason: 'stage_not_in_use' });
      const unknown = await nominateRule(db, nomination({ stageId: 999_999 }), monday, to);
      expect(unknown).toEqual({ ok: false, reason: 'stage_not_in_use' });
      expect(await db.select().from(rules)).toHaveLength(before.length);

      const tagged = await nominated({ stageId: activeStage });
      expect(tagged.stageId).toBe(activeStage);
    });

    it('anonymous: keeps the submitter only for the bot’s own DM, and no link to the message it came from', async () => {
      const permalink = 'https://touchpoint-test.slack.com/archives/C0SMALL001/p1700000000000100';
      const named = await nominated({ source: 'message', sourcePermalink: permalink });
      expect(named.sourcePermalink).toBe(permalink);

      const anonymous = await nominated({
        submitterId: 'U0ANONSVC1',
        anonymous: true,
        source: 'message',
        sourcePermalink: permalink,
      });
      expect(anonymous).toMatchObject({ anonymous: true, submitterId: 'anonymous', sourcePermalink: null });
      // The person is kept apart, for the bot alone.
      expect(await db.select().from(anonymousSubmitters)).toEqual([
        { ruleId: anonymous.id, userId: 'U0ANONSVC1' },
      ]);
      // Of what is queued for Slack, only the submitter's own DM names them.
      const naming = (await db.select().from(outbox)).filter((row) =>
        JSON.stringify(row).includes('U0ANONSVC1'),
      );
      expect(naming.map((row) => row.key)).toEqual([`rule:${anonymous.id}:submitted:dm`]);
    });
  });

  describe('me too', () => {
    it('counts one vote per person, refuses the submitter’s own and a decided nomination, and can be withdrawn', async () => {
      const rule = await nominated();
      expect(await voteForRule(db, { ruleId: rule.id, userId: VOTER }, monday, to)).toMatchObject({
        ok: true,
        changed: true,
      });
      expect(await voteForRule(db, { ruleId: rule.id, userId: VOTER }, monday, to)).toMatchObject({
        ok: true,
        changed: false,
      });
      expect(await voteForRule(db, { ruleId: rule.id, userId: ids.employee }, monday, to)).toEqual({
        ok: false,
        reason: 'own_rule',
      });
      expect(await voteForRule(db, { ruleId: 999_999, userId: VOTER }, monday, to)).toEqual({
        ok: false,
        reason: 'not_found',
      });
      const votes = () => db.select().from(ruleVotes).where(eq(ruleVotes.ruleId, rule.id));
      expect((await votes()).map((vote) => vote.userId)).toEqual([VOTER]);
      // The vote asked for the card's update (its post first: the card is not posted yet).
      expect((await queued(`rule:${rule.id}:card%`)).map((row) => row.key).sort()).toEqual([
        `rule:${rule.id}:card`,
        `rule:${rule.id}:card:update`,
      ]);

      expect(await withdrawVote(db, { ruleId: rule.id, userId: VOTER }, monday, to)).toMatchObject({
        ok: true,
        changed: true,
      });
      expect(await withdrawVote(db, { ruleId: rule.id, userId: VOTER }, monday, to)).toMatchObject({
        ok: true,
        changed: false,
      });
      expect(await votes()).toEqual([]);

      await decideRule(db, { ...change(rule), toStatus: 'killed', note: 'Gone' }, monday, to);
      expect(await voteForRule(db, { ruleId: rule.id, userId: OTHER_VOTER }, monday, to)).toEqual({
        ok: false,
        reason: 'closed',
      });
    });
  });

  describe('the CX office’s decisions', () => {
    it('killing or keeping needs a note; without one nothing changes and nothing is recorded', async () => {
      const rule = await nominated();
      for (const toStatus of ['killed', 'kept'] as const) {
        for (const note of [null, '   ']) {
          expect(await decideRule(db, { ...change(rule), toStatus, note }, monday, to)).toEqual({
            ok: false,
            reason: 'note_required',
          });
        }
      }
      expect(await db.select().from(ruleEvents).where(eq(ruleEvents.ruleId, rule.id))).toEqual([]);
      expect((await queued(`rule:${rule.id}:event:%`)).length).toBe(0);
      // Other statuses need none.
      expect(
        await decideRule(db, { ...change(rule), toStatus: 'under_review', note: null }, monday, to),
      ).toMatchObject({ ok: true, rule: { status: 'under_review', decidedAt: null } });
    });

    it('a decision is audited, tells the submitter at once (voters in their daily summary), and a replay changes nothing twice', async () => {
      const rule = await nominated();
      await voteForRule(db, { ruleId: rule.id, userId: VOTER }, monday, to);
      await voteForRule(db, { ruleId: rule.id, userId: OTHER_VOTER }, monday, to);
      const decidedAt = new Date('2026-11-03T09:00:00Z');
      const decision = {
        ...change(rule, 'decision-replayed'),
        toStatus: 'killed' as const,
        note: '  Gone  ',
      };
      const result = await decideRule(db, decision, decidedAt, to);
      expect(result).toMatchObject({ ok: true, rule: { status: 'killed', decisionNote: 'Gone', decidedAt } });
      // The submitter hears at once; the two voters get it in their daily summary (queueVoterSummaries).
      expect(result.ok && result.recipients).toEqual([ids.employee]);
      expect(result.ok && result.voterCount).toBe(2);
      expect(await decideRule(db, decision, decidedAt, to)).toEqual({ ok: false, reason: 'already_done' });
      const events = await db.select().from(ruleEvents).where(eq(ruleEvents.ruleId, rule.id));
      expect(events.map((e) => [e.action, e.actorId, e.fromStatus, e.toStatus, e.note])).toEqual([
        ['status', ids.cxOfficer, 'new', 'killed', 'Gone'],
      ]);
      const eventId = events[0]?.id;
      expect((await queued(`rule:${rule.id}:event:%`)).map((row) => row.key).sort()).toEqual(
        [
          `rule:${rule.id}:event:${eventId}:thread`,
          `rule:${rule.id}:event:${eventId}:dm:${ids.employee}`,
        ].sort(),
      );
      expect(
        await decideRule(db, { ...change(rule), toStatus: 'killed', note: 'Again' }, decidedAt, to),
      ).toEqual({
        ok: false,
        reason: 'unchanged',
      });
    });

    it('a note must say something; an owner change that changes nothing is refused', async () => {
      const rule = await nominated();
      expect(await addRuleNote(db, { ...change(rule), note: '  ' }, monday, to)).toEqual({
        ok: false,
        reason: 'note_required',
      });
      expect(await addRuleNote(db, { ...change(rule), note: 'Finance agrees' }, monday, to)).toMatchObject({
        ok: true,
        event: { action: 'note', note: 'Finance agrees', toStatus: 'new' },
      });
      expect(await assignOwner(db, { ...change(rule), ownerId: ids.executive }, monday, to)).toMatchObject({
        ok: true,
        rule: { ownerId: ids.executive },
      });
      expect(await assignOwner(db, { ...change(rule), ownerId: ids.executive }, monday, to)).toEqual({
        ok: false,
        reason: 'unchanged',
      });
    });

    it('a duplicate merges its votes and its submitter into the original, following a chain of duplicates', async () => {
      const original = await nominated({ title: 'Original' });
      const middle = await nominated({ title: 'Middle', submitterId: ids.otherEmployee });
      const copy = await nominated({ title: 'Copy', submitterId: 'U0COPYSUB1' });
      await voteForRule(db, { ruleId: copy.id, userId: VOTER }, monday, to);
      await voteForRule(db, { ruleId: original.id, userId: VOTER }, monday, to);

      expect(
        await markDuplicate(db, { ...change(copy), duplicateOfNumber: 999_999, note: null }, monday, to),
      ).toEqual({ ok: false, reason: 'no_such_original' });
      expect(
        await markDuplicate(db, { ...change(copy), duplicateOfNumber: copy.number, note: null }, monday, to),
      ).toEqual({ ok: false, reason: 'duplicate_of_itself' });

      await markDuplicate(
        db,
        { ...change(middle), duplicateOfNumber: original.number, note: null },
        monday,
        to,
      );
      // RULE-copy → RULE-middle, which is itself a duplicate of RULE-original: it lands on the original.
      const merged = await markDuplicate(
        db,
        { ...change(copy), duplicateOfNumber: middle.number, note: 'Same thing' },
        monday,
        to,
      );
      expect(merged).toMatchObject({
        ok: true,
        rule: { status: 'duplicate', duplicateOfId: original.id, decisionNote: 'Same thing' },
        target: { id: original.id },
      });
      const voters = await db.select().from(ruleVotes).where(eq(ruleVotes.ruleId, original.id));
      expect(voters.map((vote) => vote.userId).sort()).toEqual(
        [ids.otherEmployee, 'U0COPYSUB1', VOTER].sort(),
      );
      // Both cards follow.
      expect((await queued(`rule:${original.id}:card:update`)).length).toBe(1);
      expect((await queued(`rule:${copy.id}:card:update`)).length).toBe(1);
    });
  });

  describe('the card, through the shared card path', () => {
    const renderer = (name: string) => {
      const found = rulesRenderers.find((r) => r.name === name);
      if (!found) throw new Error(`no renderer ${name}`);
      return found;
    };

    it('posts the card as the nomination is when sent, keeps its place, then updates it there', async () => {
      const rule = await nominated({ title: 'Card path' });
      const input = { [RULE_CARD.inputKey]: rule.id };
      const update = renderer(`${RULE_CARD.name}Update`);
      // Not posted yet: nothing to update.
      expect(await update.render(db, input, monday)).toBeNull();

      await voteForRule(db, { ruleId: rule.id, userId: VOTER }, monday, to);
      const post = renderer(RULE_CARD.name);
      const posted = await post.render(db, input, monday);
      expect(String(posted?.text)).toContain(`RULE-${rule.number} (New, 1 vote)`);
      expect(posted).not.toHaveProperty('ts');

      await post.sent?.(db, input, { channel: ids.backlogChannel, ts: '1700000000.000100' });
      const updated = await update.render(db, input, monday);
      expect(updated).toMatchObject({ channel: ids.backlogChannel, ts: '1700000000.000100' });
      expect(await post.render(db, { [RULE_CARD.inputKey]: 999_999 }, monday)).toBeNull();
    });
  });

  describe('aging and App Home', () => {
    it('queues one call-out per working day listing only the late nominations, and none on a weekend', async () => {
      await db.update(rules).set({ status: 'accepted' }).where(eq(rules.status, 'new'));
      await db.update(rules).set({ status: 'accepted' }).where(eq(rules.status, 'under_review'));
      const late = await nominated({ title: 'Late' }, new Date('2026-12-01T10:00:00Z'));
      await nominated({ title: 'On time' }, new Date('2026-12-10T10:00:00Z'));

      const wednesday = new Date('2026-12-16T09:00:00Z'); // 11 working days after the 1st
      expect(await queueLateRulesCallOut(db, config, wednesday)).toEqual({ queued: 1 });
      const [callOut] = await queued('rules:aging:2026-12-16');
      expect(callOut).toMatchObject({ render: 'rules.lateRules', lane: ids.backlogChannel });
      expect(callOut?.payload).toMatchObject({ input: { ruleIds: [late.id], targetWorkingDays: 10 } });

      // A second tick that morning queues the same key: still one message.
      await queueLateRulesCallOut(db, config, new Date('2026-12-16T09:15:00Z'));
      expect(await queued('rules:aging:2026-12-16')).toHaveLength(1);
      // Saturday: nothing, although the same one is late.
      expect(await queueLateRulesCallOut(db, config, new Date('2026-12-19T09:00:00Z'))).toEqual({
        queued: 0,
      });
      expect(await queued('rules:aging:2026-12-19')).toEqual([]);

      // The CX office sees it late, first, on App Home; others do not get the backlog.
      const home = await buildRulesHome(db, config, {
        userId: ids.cxOfficer,
        isCxOffice: true,
        now: wednesday,
      });
      expect(home.backlog?.lateCount).toBe(1);
      expect(home.backlog?.items[0]).toMatchObject({ late: true, rule: { id: late.id } });
      const employeeHome = await buildRulesHome(db, config, {
        userId: VOTER,
        isCxOffice: false,
        now: wednesday,
      });
      expect(employeeHome.backlog).toBeUndefined();
    });
  });
});
