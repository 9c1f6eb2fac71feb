import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import {
  answerStillDead,
  queueStillDeadChecks,
} from '../../../src/features/rule-aftercare/rule-aftercare.service.js';
import { ruleStillDeadChecks, rules, ruleVotes } from '../../../src/features/rules/rules.schema.js';
import { type Nomination, nominateRule } from '../../../src/features/rules/rules.service.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { freshDatabase } from '../../support/db.js';
import { ids } from '../../support/payloads.js';

// "Still dead?" in the service, on a real database, time as a parameter: which kills are asked about, and
// two "it's back" at once about one rule reopen it once.

const to = { backlogChannel: ids.backlogChannel };
const DAY = 86_400_000;
const now = new Date('2026-12-14T10:00:00Z');
const VOTER_A = 'U0VOTERSV1';
const VOTER_B = 'U0VOTERSV2';
const ANON = 'U0ANONSV01';

describe('still dead? (service, real SQL)', () => {
  let database: Database;
  let db: Database['db'];
  let n = 0;
  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A suggestion killed `daysAgo` days before `now` (or left open), with votes. */
  async function killed(daysAgo: number | null, over: Partial<Nomination> = {}, voters: string[] = []) {
    n += 1;
    const nomination: Nomination = {
      title: `Rule ${n}`,
      hurts: 'customers',
      why: 'Because',
      stageId: null,
      categoryId: null,
      replacementIdea: null,
      anonymous: false,
      submitterId: ids.employee,
      source: 'command',
      sourcePermalink: null,
      idempotencyKey: `still-dead-${n}`,
      ...over,
    };
    const result = await nominateRule(db, nomination, new Date(now.getTime() - 60 * DAY), to);
    if (!result.ok) throw new Error('not nominated');
    for (const voter of voters)
      await db.insert(ruleVotes).values({ ruleId: result.rule.id, userId: voter, createdAt: now });
    if (daysAgo !== null)
      await db
        .update(rules)
        .set({ status: 'killed', decidedAt: new Date(now.getTime() - daysAgo * DAY) })
        .where(eq(rules.id, result.rule.id));
    return result.rule;
  }

  it('asks about kills 30 to 44 days old, still killed: the submitter (anonymous too) and each voter, once', async () => {
    const due = await killed(30.5, {}, [VOTER_A, VOTER_B, ids.employee]);
    const anonymous = await killed(40, { anonymous: true, submitterId: ANON }, [VOTER_A]);
    const tooFresh = await killed(29, {}, [VOTER_A]);
    const tooOld = await killed(45, {}, [VOTER_A]);
    const open = await killed(null, {}, [VOTER_A]);

    expect(await queueStillDeadChecks(db, now)).toEqual({ queued: 5 });
    expect(await queueStillDeadChecks(db, now)).toEqual({ queued: 0 });
    expect(await queueStillDeadChecks(db, new Date(now.getTime() + DAY / 2))).toEqual({ queued: 0 });
    const checks = await db.select().from(ruleStillDeadChecks);
    const asked = (ruleId: number) =>
      checks
        .filter((check) => check.ruleId === ruleId)
        .map((check) => check.voterId ?? 'submitter')
        .sort();
    // The submitter who also voted is asked once, as the submitter.
    expect(asked(due.id)).toEqual([VOTER_A, VOTER_B, 'submitter'].sort());
    expect(asked(anonymous.id)).toEqual([VOTER_A, 'submitter'].sort());
    for (const rule of [tooFresh, tooOld, open]) expect(asked(rule.id)).toEqual([]);
    // The anonymous submitter's DM goes to them; the check row does not name them.
    const dms = await db
      .select()
      .from(outbox)
      .where(like(outbox.key, `rule:${anonymous.id}:still_dead:%`));
    expect(dms.map((row) => (row.payload as { channel: string }).channel).sort()).toEqual(
      [ANON, VOTER_A].sort(),
    );
    expect(JSON.stringify(checks)).not.toContain(ANON);
  });

  it('two "it’s back" at once about one rule open one suggestion; the other adds to its thread', async () => {
    const rule = await killed(31, {}, [VOTER_A, VOTER_B]);
    await queueStillDeadChecks(db, now);
    const checks = await db.select().from(ruleStillDeadChecks).where(eq(ruleStillDeadChecks.ruleId, rule.id));
    const checkOf = (voter: string) => checks.find((check) => check.voterId === voter)?.id ?? 0;
    const back = (voter: string) =>
      answerStillDead(
        db,
        { checkId: checkOf(voter), userId: voter, answer: 'back', note: `Seen by ${voter}` },
        now,
        to,
      );
    // Not theirs, and a note is required.
    expect(
      await answerStillDead(
        db,
        { checkId: checkOf(VOTER_A), userId: VOTER_B, answer: 'back', note: 'x' },
        now,
        to,
      ),
    ).toMatchObject({ ok: false, reason: 'not_yours' });
    expect(
      await answerStillDead(
        db,
        { checkId: checkOf(VOTER_A), userId: VOTER_A, answer: 'back', note: ' ' },
        now,
        to,
      ),
    ).toMatchObject({ ok: false, reason: 'note_required' });

    const results = await Promise.all([back(VOTER_A), back(VOTER_B)]);
    expect(results.map((result) => result.ok)).toEqual([true, true]);
    const reopened = await db.select().from(rules).where(eq(rules.reopenedFromId, rule.id));
    expect(reopened).toHaveLength(1);
    expect(results.filter((result) => result.ok && result.created)).toHaveLength(1);
    const lines = await db
      .select()
      .from(outbox)
      .where(like(outbox.key, `rule:${reopened[0]?.id}:back_again:%`));
    expect(lines).toHaveLength(1);
    // Answered: a second "it's back" is refused; "gone" after "it's back" too.
    expect(await back(VOTER_A)).toMatchObject({ ok: false, reason: 'answered' });
    expect(
      await answerStillDead(
        db,
        { checkId: checkOf(VOTER_A), userId: VOTER_A, answer: 'gone', note: null },
        now,
        to,
      ),
    ).toMatchObject({ ok: false, reason: 'answered' });
  });
});
