import { DateTime } from 'luxon';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import { quarterKey } from '../../time.js';
import { listActiveJourneyStages, listJourneyStages } from '../settings/settings.service.js';
import {
  answersByStage,
  countCallsByLoggerAndStage,
  findStageCheck,
  insertStageChecks,
  listActiveExecutiveIds,
  listAskedInQuarter,
  type StageCheck,
  updateStageCheckAnswer,
  updateStageCheckAnswerAndWhy,
} from './checks.queries.js';
import type { CheckAnswer } from './checks.schema.js';

/**
 * The quarterly "it depends" check: once a quarter, stage owners and executives are asked, one DM per
 * stage, "In <stage>, is the experience we deliver consistent and reliable?" (yes / it depends / not yet,
 * with an optional why). No Slack here: each question is recorded with its DM's outbox item in one
 * transaction; the unique (quarter, stage, person) index makes a second run or replica ask nothing twice.
 */

/**
 * An executive is asked about at most this many stages a quarter (stages they own count, and are always
 * asked): a leader who gets eight DMs on one morning answers none of them.
 */
export const EXEC_STAGES_MAX = 3;
/** The outbox renderer of a question's DM (the post, and its update after a why is saved). */
export const CHECK_QUESTION_RENDER = 'checks.question';

/** A question as its DM shows it. */
export interface CheckQuestion {
  id: number;
  /** YYYY-Qn. */
  quarter: string;
  /** The quarter in words, "October to December 2026". */
  quarterLabel: string;
  stageName: string;
  answer: CheckAnswer | null;
  why: string | null;
  answeredAt: Date | null;
}

// ---- Quarters ------------------------------------------------------------------------------------------

/** The quarter `now` falls in, in `zone`: `2026-Q4`. */
function quarterStart(quarter: string, zone: string): DateTime {
  const [year = 0, q = 1] = quarter.split('-Q').map(Number);
  return DateTime.fromObject({ year, month: (q - 1) * 3 + 1, day: 1 }, { zone });
}

/** `2026-Q4` → "October to December 2026". */
export function quarterInWords(quarter: string): string {
  const start = quarterStart(quarter, 'UTC');
  if (!start.isValid) return 'this quarter';
  return `${start.toFormat('LLLL')} to ${start.plus({ months: 2 }).toFormat('LLLL yyyy')}`;
}

// ---- Who is asked about what ------------------------------------------------------------------------------

export interface QuestionPlanInput {
  quarter: string;
  /** Active stages, in their order (retired stages are never asked about). */
  stages: { id: number; ownerId: string | null }[];
  /** The active executive roster. */
  executives: string[];
  /** Each executive's conversations per stage last quarter. */
  callStages: { userId: string; stageId: number; calls: number }[];
  /** Questions already recorded this quarter. */
  asked: { userId: string; stageId: number }[];
}

/** A small stable hash (FNV-1a), so every replica picks the same stages for the same person. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The questions still to ask this quarter, sorted by person and stage (one lock order for every run).
 * - A stage owner is asked about each stage they own.
 * - An executive is asked about up to EXEC_STAGES_MAX stages in all, their own stages first: then the
 *   stages of their conversations last quarter (most first); with none, consecutive stages from a place
 *   that turns with the person and the quarter, so across the roster every stage is asked about.
 * - An executive's stages are chosen once, at their first question of the quarter: a call logged later
 *   never adds another DM (a stage handed to them later does, as its owner).
 */
export function planQuestions(input: QuestionPlanInput): { userId: string; stageId: number }[] {
  const asked = new Set(input.asked.map((row) => `${row.userId}:${row.stageId}`));
  const askedUsers = new Set(input.asked.map((row) => row.userId));
  const position = new Map(input.stages.map((stage, index) => [stage.id, index]));
  const wanted = new Map<string, { userId: string; stageId: number }>();
  const want = (userId: string, stageId: number) => wanted.set(`${userId}:${stageId}`, { userId, stageId });

  for (const stage of input.stages) if (stage.ownerId) want(stage.ownerId, stage.id);

  for (const userId of new Set(input.executives)) {
    if (askedUsers.has(userId)) continue;
    const owned = input.stages.filter((stage) => stage.ownerId === userId).map((stage) => stage.id);
    const room = EXEC_STAGES_MAX - owned.length;
    if (room <= 0) continue;
    const others = input.stages.filter((stage) => stage.ownerId !== userId).map((stage) => stage.id);
    const heard = input.callStages
      .filter((row) => row.userId === userId && others.includes(row.stageId))
      .sort((a, b) => b.calls - a.calls || (position.get(a.stageId) ?? 0) - (position.get(b.stageId) ?? 0))
      .map((row) => row.stageId);
    let chosen = heard.slice(0, room);
    if (chosen.length === 0 && others.length > 0) {
      const start = stableHash(`${userId}:${input.quarter}`) % others.length;
      chosen = Array.from({ length: Math.min(room, others.length) }, (_, i) => {
        return others[(start + i) % others.length] as number;
      });
    }
    for (const stageId of chosen) want(userId, stageId);
  }

  return [...wanted.values()]
    .filter((row) => !asked.has(`${row.userId}:${row.stageId}`))
    .sort((a, b) => a.userId.localeCompare(b.userId) || a.stageId - b.stageId);
}

// ---- Asking ------------------------------------------------------------------------------------------------

const keys = {
  /** The question's DM: one per quarter, stage and person, for ever. */
  ask: (check: Pick<StageCheck, 'quarter' | 'stageId' | 'userId'>) =>
    outboxKey('checks', 'ask', check.quarter, check.stageId, check.userId),
  /** The DM redrawn after a why is saved (again on each save; the latest state when sent). */
  update: (check: Pick<StageCheck, 'quarter' | 'stageId' | 'userId'>) =>
    outboxKey('checks', 'ask', check.quarter, check.stageId, check.userId, 'update'),
};

/** Questions per transaction: each slice's rows and DMs together, far under a statement's parameters. */
const SLICE = 500;

/**
 * Asks what is due in the quarter of `now` (company time): every question not asked yet this quarter, so
 * someone who joined the roster or took a stage later is asked at the next tick. When in the day the job
 * knocks is its schedule's business (checks.jobs.ts: the first tick of a quarter is its first working day
 * at 10:00). Returns how many were queued. Retired stages are never asked about.
 */
export async function askDueChecks(db: Db, config: Config, now: Date): Promise<number> {
  const zone = config.timeZone;
  const quarter = quarterKey(now, zone);
  const start = quarterStart(quarter, zone);
  const [stages, executives, callStages, asked] = await Promise.all([
    listActiveJourneyStages(db),
    listActiveExecutiveIds(db),
    countCallsByLoggerAndStage(db, start.minus({ months: 3 }).toISODate() ?? '', start.toISODate() ?? ''),
    listAskedInQuarter(db, quarter),
  ]);
  const due = planQuestions({ quarter, stages, executives, callStages, asked });
  let queued = 0;
  for (let from = 0; from < due.length; from += SLICE) {
    const slice = due.slice(from, from + SLICE);
    queued += await db.transaction(async (tx) => {
      const recorded = await insertStageChecks(
        tx,
        slice.map((row) => ({ ...row, quarter })),
        now,
      );
      const items = recorded
        .sort((a, b) => a.userId.localeCompare(b.userId) || a.stageId - b.stageId)
        .map(
          (check): OutboxItem => ({
            key: keys.ask(check),
            method: 'chat.postMessage',
            channel: check.userId,
            render: { name: CHECK_QUESTION_RENDER, input: { checkId: check.id } },
          }),
        );
      await enqueue(tx, items, now);
      return items.length;
    });
  }
  return queued;
}

// ---- Answering ----------------------------------------------------------------------------------------------

function questionOf(check: StageCheck, stageName: string): CheckQuestion {
  return {
    id: check.id,
    quarter: check.quarter,
    quarterLabel: quarterInWords(check.quarter),
    stageName,
    answer: check.answer,
    why: check.why,
    answeredAt: check.answeredAt,
  };
}

/** A question as its DM shows it now (the outbox renders the DM from this). */
export async function loadQuestion(db: DbOrTx, id: number): Promise<CheckQuestion | undefined> {
  const found = await findStageCheck(db, id);
  return found && questionOf(found.check, found.stageName);
}

export type CheckOutcome = { ok: true; question: CheckQuestion } | { ok: false; reason: 'not_yours' };

/**
 * Records an answer of the person asked; anyone else (a forwarded DM, a forged click) changes nothing.
 * Answering again changes it: the last answer wins.
 */
export async function answerCheck(
  db: Db,
  id: number,
  userId: string,
  answer: CheckAnswer,
  now: Date,
): Promise<CheckOutcome> {
  const updated = await updateStageCheckAnswer(db, id, userId, answer, now);
  const question = updated && (await loadQuestion(db, id));
  return question ? { ok: true, question } : { ok: false, reason: 'not_yours' };
}

/** The question, for the why form: only to the person asked. */
export async function questionFor(db: Db, id: number, userId: string): Promise<CheckOutcome> {
  const found = await findStageCheck(db, id);
  if (!found || found.check.userId !== userId) return { ok: false, reason: 'not_yours' };
  return { ok: true, question: questionOf(found.check, found.stageName) };
}

/**
 * Saves the answer and its why (null: none) from the why form, for the person asked only, and redraws
 * their DM through the outbox in the same transaction (it shows the question as it is when sent).
 */
export async function saveWhy(
  db: Db,
  id: number,
  userId: string,
  change: { answer: CheckAnswer; why: string | null },
  now: Date,
): Promise<CheckOutcome> {
  return db.transaction(async (tx) => {
    const updated = await updateStageCheckAnswerAndWhy(tx, id, userId, change, now);
    if (!updated) return { ok: false, reason: 'not_yours' } as const;
    await enqueue(
      tx,
      [
        {
          key: keys.update(updated),
          method: 'chat.update',
          channel: updated.userId,
          parentKey: keys.ask(updated),
          render: { name: CHECK_QUESTION_RENDER, input: { checkId: updated.id } },
          again: true,
        },
      ],
      now,
    );
    const question = await loadQuestion(tx, id);
    if (!question) return { ok: false, reason: 'not_yours' } as const;
    return { ok: true, question } as const;
  });
}

// ---- The CX office's Home: this quarter's answers per stage ---------------------------------------------

/** One stage's answers this quarter. */
export interface StageAnswers {
  stageName: string;
  yes: number;
  itDepends: number;
  notYet: number;
  /** Asked and not answered (yet). */
  open: number;
}

/** This quarter's answers per stage, in the stages' order, for the CX office's Home; none asked: no stages. */
export async function quarterAnswers(
  db: Db,
  config: Config,
  now: Date,
): Promise<{ quarterLabel: string; stages: StageAnswers[] }> {
  const quarter = quarterKey(now, config.timeZone);
  const [stages, counts] = await Promise.all([listJourneyStages(db), answersByStage(db, [quarter])]);
  const byStage = new Map<number, StageAnswers>();
  for (const row of counts) {
    const stage = stages.find((s) => s.id === row.stageId);
    const line = byStage.get(row.stageId) ?? {
      stageName: stage?.name ?? 'A stage no longer kept',
      yes: 0,
      itDepends: 0,
      notYet: 0,
      open: 0,
    };
    if (row.answer === 'yes') line.yes += row.count;
    else if (row.answer === 'it_depends') line.itDepends += row.count;
    else if (row.answer === 'not_yet') line.notYet += row.count;
    else line.open += row.count;
    byStage.set(row.stageId, line);
  }
  const order = new Map(stages.map((stage, index) => [stage.id, index]));
  return {
    quarterLabel: quarterInWords(quarter),
    stages: [...byStage.entries()]
      .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
      .map(([, line]) => line),
  };
}
