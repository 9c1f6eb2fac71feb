import type { Db, DbOrTx } from '../../db/client.js';
import { cardItems } from '../../outbox/card.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import {
  findRule,
  findSubmitterId,
  findSubmitterIds,
  insertReopenedRule,
  lockRule,
  nominationThankedInModal,
  RULE_CARD,
  type Rule,
  type RulesDelivery,
  ruleRef,
} from '../rules/rules.service.js';
import {
  findReopeningRuleId,
  findRuleQuestion,
  findRuleQuestionByIdempotencyKey,
  findRuleQuestionForUpdate,
  findStillDeadCheck,
  findStillDeadCheckForUpdate,
  insertDueStillDeadChecks,
  insertRuleQuestion,
  type RuleQuestion,
  type StillDeadCheck,
  updateRuleQuestionAnswer,
  updateStillDeadAnswer,
} from './rule-aftercare.queries.js';

/**
 * After the decision: the CX office's questions to an anonymous submitter (through the bot, both ways) and
 * the "still dead?" check 30 days after a kill. The person behind an anonymous suggestion is read from
 * `anonymous_submitters` (the rules service's `findSubmitterId`) only to address the bot's DM and to check
 * that a click is theirs: it is never stored here, returned to a listener, shown or logged.
 */

export type { RuleQuestion, StillDeadCheck };

/** The outbox renderers of the aftercare (rule-aftercare.notify.ts). */
export const AFTERCARE_RENDER = {
  questionDm: 'ruleAftercare.questionDm',
  questionLine: 'ruleAftercare.questionLine',
  answerLine: 'ruleAftercare.answerLine',
  stillDeadDm: 'ruleAftercare.stillDeadDm',
  backAgainLine: 'ruleAftercare.backAgainLine',
} as const;

const ruleCard = cardItems(RULE_CARD);

/** A line in the card's thread: it waits for the card's post and threads under it, wherever it went. */
function threadLine(rule: Rule, key: string, render: OutboxItem['render'], to: RulesDelivery): OutboxItem {
  return {
    key,
    method: 'chat.postMessage',
    channel: to.backlogChannel,
    parentKey: ruleCard.key(rule.id),
    render,
  };
}

// ---- Two-way anonymous --------------------------------------------------------------------------------

export interface QuestionView {
  question: RuleQuestion;
  rule: Rule;
}

export type AskTargetResult = { ok: true; rule: Rule } | { ok: false; reason: 'not_found' | 'not_anonymous' };

/** What "Ask the submitter" may ask about: an anonymous suggestion (a named one's submitter is a DM away). */
export async function askTarget(db: DbOrTx, ruleId: number): Promise<AskTargetResult> {
  const rule = await findRule(db, ruleId);
  if (!rule) return { ok: false, reason: 'not_found' };
  if (!rule.anonymous) return { ok: false, reason: 'not_anonymous' };
  return { ok: true, rule };
}

export interface Ask {
  ruleId: number;
  askedBy: string;
  question: string;
  /** The submitted modal's identity: a replay asks once. */
  idempotencyKey: string;
}

export type AskResult =
  | { ok: true; question: RuleQuestion; rule: Rule; created: boolean }
  | { ok: false; reason: 'not_found' | 'not_anonymous' | 'nobody_to_ask' };

/**
 * The CX office asks the person behind an anonymous suggestion: stored, the DM (with "Answer") queued to
 * them, and the question added to the card's thread, in one transaction; a replay asks once.
 */
export async function askSubmitter(db: Db, ask: Ask, now: Date, to: RulesDelivery): Promise<AskResult> {
  return db.transaction(async (tx): Promise<AskResult> => {
    const target = await askTarget(tx, ask.ruleId);
    if (!target.ok) return target;
    const { rule } = target;
    const already = await findRuleQuestionByIdempotencyKey(tx, ask.idempotencyKey);
    if (already) return { ok: true, question: already, rule, created: false };
    const submitter = await findSubmitterId(tx, rule.id);
    if (!submitter) return { ok: false, reason: 'nobody_to_ask' };
    const question = await insertRuleQuestion(tx, {
      ruleId: rule.id,
      askedBy: ask.askedBy,
      question: ask.question,
      askedAt: now,
      idempotencyKey: ask.idempotencyKey,
    });
    if (!question) throw new Error('a replayed question raced the first');
    const key = (...rest: string[]) => outboxKey('rule', rule.id, 'question', question.id, ...rest);
    await enqueue(
      tx,
      [
        threadLine(
          rule,
          key('asked'),
          { name: AFTERCARE_RENDER.questionLine, input: { questionId: question.id } },
          to,
        ),
        {
          key: key('dm'),
          method: 'chat.postMessage',
          channel: submitter,
          render: { name: AFTERCARE_RENDER.questionDm, input: { questionId: question.id } },
        },
      ],
      now,
    );
    return { ok: true, question, rule, created: true };
  });
}

export type QuestionForResult =
  | { ok: true; view: QuestionView }
  | { ok: false; reason: 'not_found' | 'not_yours' | 'answered'; view?: QuestionView };

/** The question, for the person clicking "Answer": only the submitter (checked here, on the server). */
export async function questionFor(
  db: DbOrTx,
  questionId: number,
  userId: string,
): Promise<QuestionForResult> {
  const question = await findRuleQuestion(db, questionId);
  const rule = question ? await findRule(db, question.ruleId) : undefined;
  if (!question || !rule) return { ok: false, reason: 'not_found' };
  if ((await findSubmitterId(db, rule.id)) !== userId) return { ok: false, reason: 'not_yours' };
  if (question.answer !== null) return { ok: false, reason: 'answered', view: { question, rule } };
  return { ok: true, view: { question, rule } };
}

/**
 * The submitter's answer: stored (never with who gave it), added to the card's thread and sent to whoever
 * asked, once: a second answer to the same question is refused.
 */
export async function answerQuestion(
  db: Db,
  input: { questionId: number; userId: string; answer: string },
  now: Date,
  to: RulesDelivery,
): Promise<QuestionForResult> {
  return db.transaction(async (tx): Promise<QuestionForResult> => {
    const locked = await findRuleQuestionForUpdate(tx, input.questionId);
    if (!locked) return { ok: false, reason: 'not_found' };
    const check = await questionFor(tx, input.questionId, input.userId);
    if (!check.ok) return check;
    const question = await updateRuleQuestionAnswer(tx, locked.id, input.answer, now);
    const { rule } = check.view;
    const answerKey = outboxKey('rule', rule.id, 'question', question.id, 'answer');
    const render = { name: AFTERCARE_RENDER.answerLine, input: { questionId: question.id } };
    await enqueue(
      tx,
      [
        threadLine(rule, answerKey, render, to),
        // And to whoever asked: a bot's thread reply notifies nobody.
        { key: `${answerKey}:dm`, method: 'chat.postMessage', channel: question.askedBy, render },
      ],
      now,
    );
    return { ok: true, view: { question, rule } };
  });
}

/** A question with its suggestion, for the renderers (the DM, the thread lines). */
export async function loadQuestion(db: DbOrTx, questionId: number): Promise<QuestionView | undefined> {
  const question = await findRuleQuestion(db, questionId);
  const rule = question ? await findRule(db, question.ruleId) : undefined;
  return question && rule ? { question, rule } : undefined;
}

// ---- Still dead? --------------------------------------------------------------------------------------

/** How long after a kill the question comes. */
export const STILL_DEAD_AFTER_DAYS = 30;
/**
 * Kills older than the question by more than this are not asked about: the job catches up after downtime,
 * but a rule killed long before this check existed does not start a round of old questions.
 */
export const STILL_DEAD_CATCH_UP_DAYS = 14;
const DAY_MS = 86_400_000;

/**
 * The daily "still dead?" round: for each rule killed 30 days ago (up to 14 days late) and still killed, one
 * question to its submitter (through `anonymous_submitters` when anonymous) and to each voter. The rows and
 * their DMs are written in one transaction; whatever the runs or replicas, each person is asked once per rule.
 */
export async function queueStillDeadChecks(db: Db, now: Date): Promise<{ queued: number }> {
  const killedBy = new Date(now.getTime() - STILL_DEAD_AFTER_DAYS * DAY_MS);
  const killedAfter = new Date(killedBy.getTime() - STILL_DEAD_CATCH_UP_DAYS * DAY_MS);
  return db.transaction(async (tx) => {
    const asked = await insertDueStillDeadChecks(tx, { killedAfter, killedBy }, now);
    const submitters = await findSubmitterIds(
      tx,
      asked.filter((check) => check.voterId === null).map((check) => check.ruleId),
    );
    const items = asked.flatMap((check): OutboxItem[] => {
      const recipient = check.voterId ?? submitters.get(check.ruleId);
      if (!recipient) return [];
      return [
        {
          key: outboxKey('rule', check.ruleId, 'still_dead', check.id, 'dm'),
          method: 'chat.postMessage',
          channel: recipient,
          render: { name: AFTERCARE_RENDER.stillDeadDm, input: { checkId: check.id } },
        },
      ];
    });
    await enqueue(tx, items, now);
    return { queued: items.length };
  });
}

export interface StillDeadView {
  check: StillDeadCheck;
  rule: Rule;
  /** The suggestion "it's back" opened (this person's or an earlier one), when it is back. */
  reopenedRef?: string;
}

export type StillDeadResult =
  | { ok: true; view: StillDeadView; created?: boolean }
  | { ok: false; reason: 'not_found' | 'not_yours' | 'answered' | 'note_required'; view?: StillDeadView };

/**
 * Whether `userId` may give `answer` to this check: only the person asked; "it's back" once; "gone" once,
 * and "it's back" after "gone" (it came back since: the DM keeps the button).
 */
async function stillDeadFor(
  db: DbOrTx,
  checkId: number,
  userId: string,
  answer: 'gone' | 'back',
): Promise<StillDeadResult> {
  const check = await findStillDeadCheck(db, checkId);
  const rule = check ? await findRule(db, check.ruleId) : undefined;
  if (!check || !rule) return { ok: false, reason: 'not_found' };
  const person = check.voterId ?? (await findSubmitterId(db, rule.id));
  if (person !== userId) return { ok: false, reason: 'not_yours' };
  if (check.answer === 'back' || check.answer === answer)
    return { ok: false, reason: 'answered', view: await stillDeadView(db, check) };
  return { ok: true, view: { check, rule } };
}

/** The check, for the person clicking "It's back" (the note's form): only the person asked. */
export function stillDeadCheckFor(db: DbOrTx, checkId: number, userId: string): Promise<StillDeadResult> {
  return stillDeadFor(db, checkId, userId, 'back');
}

/** The check with its rule and, when it is back, the reopening suggestion's reference (the renderers). */
export async function stillDeadView(db: DbOrTx, check: StillDeadCheck): Promise<StillDeadView | undefined> {
  const rule = await findRule(db, check.ruleId);
  if (!rule) return undefined;
  const reopenedId = check.answer === 'back' ? await findReopeningRuleId(db, rule.id) : undefined;
  const reopened = reopenedId ? await findRule(db, reopenedId) : undefined;
  return { check, rule, ...(reopened ? { reopenedRef: ruleRef(reopened) } : {}) };
}

export async function loadStillDeadCheck(db: DbOrTx, checkId: number): Promise<StillDeadView | undefined> {
  const check = await findStillDeadCheck(db, checkId);
  return check ? stillDeadView(db, check) : undefined;
}

/**
 * The answer to "still dead?". "Gone" is recorded (and "it's back" may follow it from the same DM). "It's back" (with a note) is recorded and, once per
 * killed rule, opens a new suggestion for the CX office that reopens it (its card says so and names the
 * original); a later "it's back" about the same rule adds its note to that suggestion's thread instead.
 * The new suggestion is the reporter's, anonymous when the killed one was. One transaction, the original
 * locked, so two reports at once still open one suggestion.
 */
export async function answerStillDead(
  db: Db,
  input: { checkId: number; userId: string; answer: 'gone' | 'back'; note: string | null },
  now: Date,
  to: RulesDelivery,
): Promise<StillDeadResult> {
  const note = input.note?.trim() || null;
  if (input.answer === 'back' && !note) return { ok: false, reason: 'note_required' };
  return db.transaction(async (tx): Promise<StillDeadResult> => {
    const locked = await findStillDeadCheckForUpdate(tx, input.checkId);
    if (!locked) return { ok: false, reason: 'not_found' };
    const original = await lockRule(tx, locked.ruleId);
    if (!original) return { ok: false, reason: 'not_found' };
    const allowed = await stillDeadFor(tx, input.checkId, input.userId, input.answer);
    if (!allowed.ok) return allowed;
    const check = await updateStillDeadAnswer(tx, locked.id, { answer: input.answer, note }, now);
    if (input.answer === 'gone') return { ok: true, view: { check, rule: original } };
    // The DM is redrawn with the answer (a "Gone" click redraws it through its response URL instead).
    const dmKey = outboxKey('rule', check.ruleId, 'still_dead', check.id, 'dm');
    await enqueue(
      tx,
      [
        {
          key: `${dmKey}:update`,
          method: 'chat.update',
          channel: input.userId,
          parentKey: dmKey,
          render: { name: AFTERCARE_RENDER.stillDeadDm, input: { checkId: check.id } },
        },
      ],
      now,
    );

    const existingId = await findReopeningRuleId(tx, original.id);
    if (existingId !== undefined) {
      const existing = await findRule(tx, existingId);
      if (!existing) throw new Error('the reopening suggestion vanished');
      await enqueue(
        tx,
        [
          threadLine(
            existing,
            outboxKey('rule', existing.id, 'back_again', check.id),
            { name: AFTERCARE_RENDER.backAgainLine, input: { checkId: check.id } },
            to,
          ),
        ],
        now,
      );
      return { ok: true, view: { check, rule: original, reopenedRef: ruleRef(existing) }, created: false };
    }
    const reopened = await insertReopenedRule(
      tx,
      {
        title: original.title,
        hurts: original.hurts,
        why: note ?? '',
        stageId: original.stageId,
        categoryId: original.categoryId,
        replacementIdea: null,
        anonymous: original.anonymous,
        submitterId: input.userId,
        source: 'shortcut',
        sourcePermalink: null,
        idempotencyKey: `still_dead:${original.id}:reopened`,
      },
      original.id,
      now,
      to,
    );
    return { ok: true, view: { check, rule: original, reopenedRef: ruleRef(reopened) }, created: true };
  });
}

/** The "It's back" form showed its thanks: the reporter's confirmation DM of the new suggestion is not needed. */
export async function reopenThankedInModal(db: Db, checkId: number): Promise<void> {
  const check = await findStillDeadCheck(db, checkId);
  const reopenedId = check ? await findReopeningRuleId(db, check.ruleId) : undefined;
  if (reopenedId !== undefined) await nominationThankedInModal(db, reopenedId);
}
