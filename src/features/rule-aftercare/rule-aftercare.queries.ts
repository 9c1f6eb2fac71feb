import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rowsOf } from '../../outbox/outbox.queries.js';
import { ruleQuestions, ruleStillDeadChecks, rules } from '../rules/rules.schema.js';

export type RuleQuestion = typeof ruleQuestions.$inferSelect;
export type StillDeadCheck = typeof ruleStillDeadChecks.$inferSelect;

/** Stores a question; undefined when this submission (idempotency key) already stored one. */
export async function insertRuleQuestion(
  db: DbOrTx,
  question: typeof ruleQuestions.$inferInsert,
): Promise<RuleQuestion | undefined> {
  const [row] = await db.insert(ruleQuestions).values(question).onConflictDoNothing().returning();
  return row;
}

export async function findRuleQuestionByIdempotencyKey(
  db: DbOrTx,
  key: string,
): Promise<RuleQuestion | undefined> {
  const [row] = await db.select().from(ruleQuestions).where(eq(ruleQuestions.idempotencyKey, key));
  return row;
}

export async function findRuleQuestion(db: DbOrTx, id: number): Promise<RuleQuestion | undefined> {
  const [row] = await db.select().from(ruleQuestions).where(eq(ruleQuestions.id, id));
  return row;
}

/** Locks the question for the rest of the transaction: two answers at once queue up. */
export async function findRuleQuestionForUpdate(db: DbOrTx, id: number): Promise<RuleQuestion | undefined> {
  const [row] = await db.select().from(ruleQuestions).where(eq(ruleQuestions.id, id)).for('update');
  return row;
}

export async function updateRuleQuestionAnswer(
  db: DbOrTx,
  id: number,
  answer: string,
  now: Date,
): Promise<RuleQuestion> {
  const [row] = await db
    .update(ruleQuestions)
    .set({ answer, answeredAt: now })
    .where(eq(ruleQuestions.id, id))
    .returning();
  if (!row) throw new Error(`rule question ${id} not found`);
  return row;
}

/**
 * Asks "still dead?" about every rule killed in (`killedAfter`, `killedBy`] and still killed: its submitter
 * (one row, `voter_id` null) and each voter other than a named submitter, in one statement. Rows asked
 * before are left alone (the unique index), so only the new ones come back.
 */
export async function insertDueStillDeadChecks(
  db: DbOrTx,
  window: { killedAfter: Date; killedBy: Date },
  now: Date,
): Promise<StillDeadCheck[]> {
  const after = window.killedAfter.toISOString();
  const by = window.killedBy.toISOString();
  const result = await db.execute(sql`
    insert into rule_still_dead_checks (rule_id, voter_id, asked_at)
    select r.id, null::text, ${now.toISOString()}::timestamptz from rules r
      where r.status = 'killed' and r.decided_at > ${after}::timestamptz and r.decided_at <= ${by}::timestamptz
    union all
    select r.id, v.user_id, ${now.toISOString()}::timestamptz from rules r
      join rule_votes v on v.rule_id = r.id
      where r.status = 'killed' and r.decided_at > ${after}::timestamptz and r.decided_at <= ${by}::timestamptz
        and v.user_id <> r.submitter_id
        and not exists (select 1 from anonymous_submitters a where a.rule_id = r.id and a.user_id = v.user_id)
    on conflict do nothing
    returning id, rule_id, voter_id`);
  const rows = rowsOf(result) as {
    id: number;
    rule_id: number;
    voter_id: string | null;
  }[];
  return rows.map((row) => ({
    id: Number(row.id),
    ruleId: Number(row.rule_id),
    voterId: row.voter_id,
    askedAt: now,
    answer: null,
    note: null,
    answeredAt: null,
  }));
}

export async function findStillDeadCheck(db: DbOrTx, id: number): Promise<StillDeadCheck | undefined> {
  const [row] = await db.select().from(ruleStillDeadChecks).where(eq(ruleStillDeadChecks.id, id));
  return row;
}

export async function findStillDeadCheckForUpdate(
  db: DbOrTx,
  id: number,
): Promise<StillDeadCheck | undefined> {
  const [row] = await db
    .select()
    .from(ruleStillDeadChecks)
    .where(eq(ruleStillDeadChecks.id, id))
    .for('update');
  return row;
}

export async function updateStillDeadAnswer(
  db: DbOrTx,
  id: number,
  answer: { answer: 'gone' | 'back'; note: string | null },
  now: Date,
): Promise<StillDeadCheck> {
  const [row] = await db
    .update(ruleStillDeadChecks)
    .set({ ...answer, answeredAt: now })
    .where(eq(ruleStillDeadChecks.id, id))
    .returning();
  if (!row) throw new Error(`still-dead check ${id} not found`);
  return row;
}

/** The suggestion that reopened this killed rule ("it's back"), if one did. */
export async function findReopeningRuleId(db: DbOrTx, originalId: number): Promise<number | undefined> {
  const [row] = await db
    .select({ id: rules.id })
    .from(rules)
    .where(eq(rules.reopenedFromId, originalId))
    .orderBy(asc(rules.id))
    .limit(1);
  return row?.id;
}
