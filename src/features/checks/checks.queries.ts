import { and, asc, count, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { calls, executives } from '../calls/calls.schema.js';
import { journeyStages } from '../settings/stages.schema.js';
import { type CheckAnswer, stageChecks } from './checks.schema.js';

/** All SQL of the quarterly "it depends" check: one function per query, the db or transaction first. */

export type StageCheck = typeof stageChecks.$inferSelect;

/** A question with the name of its stage (as the stage is called now) and whether the stage is retired. */
export interface StageCheckWithStage {
  check: StageCheck;
  stageName: string;
}

/** The user IDs of the active executive roster. */
export async function listActiveExecutiveIds(db: DbOrTx): Promise<string[]> {
  const rows = await db
    .select({ userId: executives.userId })
    .from(executives)
    .where(eq(executives.active, true))
    .orderBy(asc(executives.userId));
  return rows.map((row) => row.userId);
}

/**
 * Conversations per person and stage whose call date is in [from, to) (YYYY-MM-DD, compared as text: the
 * call date is the logger's calendar day), for the stages each executive heard customers about. Only
 * those where someone was reached: a voicemail or no answer taught nothing about the stage.
 */
export async function countCallsByLoggerAndStage(
  db: DbOrTx,
  from: string,
  to: string,
): Promise<{ userId: string; stageId: number; calls: number }[]> {
  const rows = await db
    .select({ userId: calls.loggedBy, stageId: calls.stageId, calls: count() })
    .from(calls)
    .where(
      and(
        gte(calls.callDate, from),
        lt(calls.callDate, to),
        isNotNull(calls.stageId),
        eq(calls.result, 'reached'),
      ),
    )
    .groupBy(calls.loggedBy, calls.stageId);
  return rows.flatMap((row) => (row.stageId === null ? [] : [{ ...row, stageId: row.stageId }]));
}

/** Who was asked about which stage in `quarter` (YYYY-Qn). */
export async function listAskedInQuarter(
  db: DbOrTx,
  quarter: string,
): Promise<{ userId: string; stageId: number }[]> {
  return db
    .select({ userId: stageChecks.userId, stageId: stageChecks.stageId })
    .from(stageChecks)
    .where(eq(stageChecks.quarter, quarter));
}

/**
 * Records questions; returns those that are new. One that exists (a second run, another replica) is left
 * as it is and not returned: the unique index (quarter, stage, user) is the once-a-quarter guarantee.
 */
export async function insertStageChecks(
  tx: DbOrTx,
  rows: { quarter: string; stageId: number; userId: string }[],
  now: Date,
): Promise<StageCheck[]> {
  if (rows.length === 0) return [];
  return tx
    .insert(stageChecks)
    .values(rows.map((row) => ({ ...row, askedAt: now })))
    .onConflictDoNothing()
    .returning();
}

/** A question and its stage's name, or undefined. */
export async function findStageCheck(db: DbOrTx, id: number): Promise<StageCheckWithStage | undefined> {
  const rows = await db
    .select({ check: stageChecks, stageName: journeyStages.name })
    .from(stageChecks)
    .innerJoin(journeyStages, eq(journeyStages.id, stageChecks.stageId))
    .where(eq(stageChecks.id, id))
    .limit(1);
  return rows[0];
}

/** The answer's time: now when the answer changes, else as it was (a double click keeps the first time). */
const answeredAtFor = (answer: CheckAnswer, now: Date) =>
  sql`case when ${stageChecks.answer} is distinct from ${answer} then ${now.toISOString()}::timestamptz else ${stageChecks.answeredAt} end`;

/**
 * Records the answer of the person asked (only theirs: another user changes nothing). The last answer
 * wins; `answered_at` moves only when the answer changes, so a double click keeps the first time.
 * Returns the row as it is now, or undefined when the question is not this person's (or does not exist).
 */
export async function updateStageCheckAnswer(
  db: DbOrTx,
  id: number,
  userId: string,
  answer: CheckAnswer,
  now: Date,
): Promise<StageCheck | undefined> {
  const rows = await db
    .update(stageChecks)
    .set({
      answer,
      answeredAt: answeredAtFor(answer, now),
    })
    .where(and(eq(stageChecks.id, id), eq(stageChecks.userId, userId)))
    .returning();
  return rows[0];
}

/**
 * Records the answer and its why (null: none) of the person asked, from the why form; `answered_at` moves
 * only when the answer changes. Undefined when the question is not theirs.
 */
export async function updateStageCheckAnswerAndWhy(
  db: DbOrTx,
  id: number,
  userId: string,
  change: { answer: CheckAnswer; why: string | null },
  now: Date,
): Promise<StageCheck | undefined> {
  const rows = await db
    .update(stageChecks)
    .set({ answer: change.answer, why: change.why, answeredAt: answeredAtFor(change.answer, now) })
    .where(and(eq(stageChecks.id, id), eq(stageChecks.userId, userId)))
    .returning();
  return rows[0];
}

/**
 * The answers per quarter, stage and answer, in one statement, for the journey-stage review. Questions
 * not answered (yet) are counted too, as `answer: null`, so "asked" is the sum of a stage's rows. Who
 * answered is never returned.
 */
export async function answersByStage(
  db: DbOrTx,
  quarters: string[],
): Promise<{ quarter: string; stageId: number; answer: CheckAnswer | null; count: number }[]> {
  if (quarters.length === 0) return [];
  return db
    .select({
      quarter: stageChecks.quarter,
      stageId: stageChecks.stageId,
      answer: stageChecks.answer,
      count: count(),
    })
    .from(stageChecks)
    .where(inArray(stageChecks.quarter, quarters))
    .groupBy(stageChecks.quarter, stageChecks.stageId, stageChecks.answer)
    .orderBy(asc(stageChecks.quarter), asc(stageChecks.stageId), asc(stageChecks.answer));
}
