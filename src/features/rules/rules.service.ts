import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import { workingDaysBetween } from '../../time.js';
import {
  countRulesBySubmitter,
  countVotes,
  deleteVote,
  findRuleById,
  findRuleByIdempotencyKey,
  findRuleByNumber,
  findRuleEventByIdempotencyKey,
  findRuleForUpdate,
  insertNumberedRule,
  insertRuleEvent,
  insertVote,
  listOpenRules,
  listRulesBySubmitter,
  listStageNames,
  listUndecidedRules,
  listVotedRuleIds,
  listVoterIds,
  mergeVotes,
  type NewRule,
  type NewRuleEvent,
  type Rule,
  type RuleEvent,
  type Tx,
  updateRule,
} from './rules.queries.js';
import { HURTS, type RuleStatus } from './rules.schema.js';

/** Product rules of "kill a stupid rule". No Slack here: listeners call these and render the results. */

/** Where the messages of rules go. */
export interface RulesDelivery {
  backlogChannel: string;
}

/** The outbox renderers of rules (rules.notify.ts): messages rendered when sent. */
export const RULES_RENDER = {
  card: 'rules.card',
  cardUpdate: 'rules.cardUpdate',
  threadLine: 'rules.threadLine',
  outcomeDm: 'rules.outcomeDm',
  submittedDm: 'rules.submittedDm',
} as const;

// ---- What a change says in Slack: outbox items, written in the change's transaction ------------------

/** The card in place, as it is when sent: votes and changes asked for while one waits are one update. */
function cardUpdate(ruleId: number, to: RulesDelivery): OutboxItem {
  return {
    key: outboxKey('rule', ruleId, 'card', 'update'),
    method: 'chat.update',
    channel: to.backlogChannel,
    render: { name: RULES_RENDER.cardUpdate, input: { ruleId } },
    again: true,
  };
}

/** After a change: the card (and a duplicate's original) in place, a thread line, a DM to each person. */
function changeMessages(
  rule: Rule,
  event: RuleEvent,
  recipients: string[],
  target: Rule | undefined,
  to: RulesDelivery,
): OutboxItem[] {
  const eventKey = (...rest: string[]) => outboxKey('rule', rule.id, 'event', event.id, ...rest);
  return [
    cardUpdate(rule.id, to),
    ...(target ? [cardUpdate(target.id, to)] : []),
    {
      key: eventKey('thread'),
      method: 'chat.postMessage',
      channel: to.backlogChannel,
      render: { name: RULES_RENDER.threadLine, input: { eventId: event.id } },
    },
    ...recipients.map(
      (userId): OutboxItem => ({
        key: eventKey('dm', userId),
        method: 'chat.postMessage',
        channel: userId,
        render: { name: RULES_RENDER.outcomeDm, input: { eventId: event.id, recipient: userId } },
      }),
    ),
  ];
}

export const RULE_MAX = 1000;
export const WHY_MAX = 3000;
export const REPLACEMENT_MAX = 1000;
export const NOTE_MAX = 2000;

export function ruleRef(rule: Pick<Rule, 'number'>): string {
  return `RULE-${rule.number}`;
}

/** Parses "RULE-42", "rule 42" or "42". */
export function parseRuleRef(text: string): number | undefined {
  const match = /^\s*(?:rule[-\s]?)?(\d{1,9})\s*$/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

const tooLong = (what: string, max: number) => (value: string) =>
  `${what} can be at most ${max.toLocaleString('en-US')} characters (this one has ${value.length.toLocaleString('en-US')}). Please shorten it.`;

function limitedText(what: string, max: number, requiredMessage?: string) {
  const base = z.string().trim();
  const required = requiredMessage ? base.min(1, requiredMessage) : base;
  return required.superRefine((value, ctx) => {
    if (value.length > max) ctx.addIssue({ code: 'custom', message: tooLong(what, max)(value) });
  });
}

/** The nomination form, keyed by the modal's block IDs, with the messages people see. */
export const nominationFieldsSchema = z.object({
  rule: z.preprocess(
    (value) => value ?? '',
    limitedText('The rule', RULE_MAX, 'Tell us which rule, policy or process you would kill.'),
  ),
  hurts: z.enum(HURTS, { error: 'Pick who it hurts: customers, employees or both.' }),
  why: z.preprocess(
    (value) => value ?? '',
    limitedText('Why it hurts', WHY_MAX, 'Tell us why it hurts, in a sentence or two.'),
  ),
  stage: z.string().regex(/^\d+$/, 'Pick a journey stage from the list.').transform(Number).optional(),
  replacement: z.preprocess((value) => value ?? '', limitedText('The idea', REPLACEMENT_MAX)),
  anonymous: z.array(z.string()).default([]),
});

export type NominationFields = z.infer<typeof nominationFieldsSchema>;

export interface Nomination {
  title: string;
  hurts: (typeof HURTS)[number];
  why: string;
  stageId: number | null;
  replacementIdea: string | null;
  anonymous: boolean;
  submitterId: string;
  source: 'command' | 'shortcut' | 'message';
  sourcePermalink: string | null;
  /** Slack's view ID of the submitted modal: a replay returns the nomination already made. */
  idempotencyKey: string;
}

export function toNomination(
  fields: NominationFields,
  extra: Pick<Nomination, 'submitterId' | 'source' | 'sourcePermalink' | 'idempotencyKey'>,
): Nomination {
  const anonymous = fields.anonymous.includes('anonymous');
  return {
    title: fields.rule,
    hurts: fields.hurts,
    why: fields.why,
    stageId: fields.stage ?? null,
    replacementIdea: fields.replacement === '' ? null : fields.replacement,
    anonymous,
    ...extra,
    // The message a suggestion started from tells where its submitter reads (a small private channel
    // narrows it to a few people): an anonymous suggestion does not keep it.
    sourcePermalink: anonymous ? null : extra.sourcePermalink,
  };
}

/**
 * Stores a nomination with the next RULE number and, in the same statement, queues its card and the
 * submitter's confirmation for the outbox; a replayed submission returns the first one.
 */
export async function nominateRule(
  db: Db,
  nomination: Nomination,
  now: Date,
  to: RulesDelivery,
): Promise<{ rule: Rule; created: boolean }> {
  const rule = await insertNumberedRule(
    db,
    { ...nomination, status: 'new', createdAt: now, updatedAt: now },
    {
      backlogChannel: to.backlogChannel,
      cardRender: RULES_RENDER.card,
      confirmationRender: RULES_RENDER.submittedDm,
    },
  );
  if (rule) return { rule, created: true };
  // A replayed submission: the nomination it already created.
  const existing = await findRuleByIdempotencyKey(db, nomination.idempotencyKey);
  if (!existing) throw new Error('a replayed nomination was not found');
  return { rule: existing, created: false };
}

/** One nomination, as stored (for the CX office's modals). */
export function findRule(db: Db, ruleId: number): Promise<Rule | undefined> {
  return findRuleById(db, ruleId);
}

export type VoteResult =
  | { ok: true; rule: Rule; changed: boolean }
  | { ok: false; reason: 'not_found' | 'own_rule' | 'closed' };

/** "Me too": one vote per person; a second click changes nothing. The card follows (coalesced). */
export async function voteForRule(
  db: Db,
  ruleId: number,
  userId: string,
  now: Date,
  to: RulesDelivery,
): Promise<VoteResult> {
  const rule = await findRuleById(db, ruleId);
  if (!rule) return { ok: false, reason: 'not_found' };
  if (rule.submitterId === userId) return { ok: false, reason: 'own_rule' };
  if (rule.status === 'duplicate' || rule.status === 'kept' || rule.status === 'killed') {
    return { ok: false, reason: 'closed' };
  }
  return changeVote(db, rule, (tx) => insertVote(tx, ruleId, userId, now), now, to);
}

export async function withdrawVote(
  db: Db,
  ruleId: number,
  userId: string,
  now: Date,
  to: RulesDelivery,
): Promise<VoteResult> {
  const rule = await findRuleById(db, ruleId);
  if (!rule) return { ok: false, reason: 'not_found' };
  return changeVote(db, rule, (tx) => deleteVote(tx, ruleId, userId), now, to);
}

/** Adds or removes a vote; a change asks for the card's update in the same transaction. */
async function changeVote(
  db: Db,
  rule: Rule,
  change: (tx: Tx) => Promise<boolean>,
  now: Date,
  to: RulesDelivery,
): Promise<VoteResult> {
  const changed = await db.transaction(async (tx) => {
    const done = await change(tx);
    if (done) await enqueue(tx, [cardUpdate(rule.id, to)], now);
    return done;
  });
  return { ok: true, rule, changed };
}

/** Statuses that are a decision (the nomination got an answer). */
const DECIDED: RuleStatus[] = ['accepted', 'killed', 'kept', 'duplicate'];
/** Decisions the submitter must get a reason for. */
export const NOTE_REQUIRED: RuleStatus[] = ['killed', 'kept'];

export type ChangeResult =
  | {
      ok: true;
      rule: Rule;
      event: RuleEvent;
      /** Submitter and voters, to be told. */
      recipients: string[];
      /** For a duplicate: the nomination it was merged into (its card shows the merged votes). */
      target?: Rule;
    }
  | {
      ok: false;
      reason: 'not_found' | 'unchanged' | 'note_required' | 'already_done' | 'bad_target';
      message?: string;
    };

interface ChangeBase {
  ruleId: number;
  actorId: string;
  /** The click's or submission's identity, so a replay changes nothing. */
  idempotencyKey: string;
}

async function recipientsOf(db: Tx, rule: Rule): Promise<string[]> {
  return [...new Set([rule.submitterId, ...(await listVoterIds(db, rule.id))])];
}

type ChangeFailure = Extract<ChangeResult, { ok: false }>;

interface ChangePlan {
  changes: Partial<NewRule>;
  event: Pick<NewRuleEvent, 'action' | 'toStatus' | 'ownerId' | 'note'>;
  /** For a duplicate: the nomination it merges into. */
  target?: Rule;
}

/**
 * One change of a nomination, whatever its kind: replay check, row lock, the kind's own rules (`plan`),
 * the update and the audit row, all in one transaction.
 */
async function changeRule(
  db: Db,
  base: ChangeBase,
  now: Date,
  to: RulesDelivery,
  plan: (tx: Tx, rule: Rule) => Promise<ChangePlan | ChangeFailure>,
): Promise<ChangeResult> {
  return db.transaction(async (tx) => {
    if (await findRuleEventByIdempotencyKey(tx, base.idempotencyKey))
      return { ok: false, reason: 'already_done' };
    const rule = await findRuleForUpdate(tx, base.ruleId);
    if (!rule) return { ok: false, reason: 'not_found' };
    const planned = await plan(tx, rule);
    if ('ok' in planned) return planned;
    const updated = await updateRule(tx, rule.id, { ...planned.changes, updatedAt: now });
    const event = await insertRuleEvent(tx, {
      ruleId: rule.id,
      actorId: base.actorId,
      fromStatus: rule.status,
      toStatus: planned.event.toStatus ?? rule.status,
      action: planned.event.action,
      ownerId: planned.event.ownerId ?? null,
      note: planned.event.note ?? null,
      idempotencyKey: base.idempotencyKey,
      createdAt: now,
    });
    if (!event) return { ok: false, reason: 'already_done' };
    const target = planned.target
      ? ((await findRuleById(tx, planned.target.id)) ?? planned.target)
      : undefined;
    const recipients = await recipientsOf(tx, updated);
    await enqueue(tx, changeMessages(updated, event, recipients, target, to), now);
    return { ok: true, rule: updated, event, recipients, target };
  });
}

/** Moves a nomination to another status. Killing and keeping need a note for the people told. */
export function decideRule(
  db: Db,
  change: ChangeBase & { toStatus: Exclude<RuleStatus, 'duplicate'>; note: string | null },
  now: Date,
  to: RulesDelivery,
): Promise<ChangeResult> {
  return changeRule(db, change, now, to, async (_tx, rule) => {
    if (rule.status === change.toStatus) return { ok: false, reason: 'unchanged' };
    const note = change.note?.trim() || null;
    if (NOTE_REQUIRED.includes(change.toStatus) && !note) return { ok: false, reason: 'note_required' };
    const decided = DECIDED.includes(change.toStatus);
    return {
      changes: {
        status: change.toStatus,
        decisionNote: decided ? note : rule.decisionNote,
        decidedAt: decided ? now : null,
        duplicateOfId: null,
      },
      event: { action: 'status', toStatus: change.toStatus, note },
    };
  });
}

export function assignOwner(
  db: Db,
  change: ChangeBase & { ownerId: string | null },
  now: Date,
  to: RulesDelivery,
): Promise<ChangeResult> {
  return changeRule(db, change, now, to, async (_tx, rule) =>
    rule.ownerId === change.ownerId
      ? { ok: false, reason: 'unchanged' }
      : { changes: { ownerId: change.ownerId }, event: { action: 'owner', ownerId: change.ownerId } },
  );
}

export function addRuleNote(
  db: Db,
  change: ChangeBase & { note: string },
  now: Date,
  to: RulesDelivery,
): Promise<ChangeResult> {
  const note = change.note.trim();
  return changeRule(db, change, now, to, async () =>
    note === '' ? { ok: false, reason: 'note_required' } : { changes: {}, event: { action: 'note', note } },
  );
}

/** Marks a nomination as a duplicate of RULE-n: its votes (and its submitter) count on the original. */
export function markDuplicate(
  db: Db,
  change: ChangeBase & { duplicateOfNumber: number; note: string | null },
  now: Date,
  to: RulesDelivery,
): Promise<ChangeResult> {
  return changeRule(db, change, now, to, async (tx, rule) => {
    let target = await findRuleByNumber(tx, change.duplicateOfNumber);
    // Follow a chain (RULE-9 → RULE-5 → RULE-2) to the nomination that is not itself a duplicate.
    for (
      let hops = 0;
      target?.status === 'duplicate' && target.duplicateOfId !== null && hops < 20;
      hops += 1
    ) {
      target = await findRuleById(tx, target.duplicateOfId);
    }
    if (!target) {
      return { ok: false, reason: 'bad_target', message: `There is no RULE-${change.duplicateOfNumber}.` };
    }
    if (target.id === rule.id) {
      return { ok: false, reason: 'bad_target', message: 'A nomination cannot be a duplicate of itself.' };
    }
    if (rule.status === 'duplicate' && rule.duplicateOfId === target.id)
      return { ok: false, reason: 'unchanged' };
    await mergeVotes(tx, rule.id, target.id, now);
    if (rule.submitterId !== target.submitterId) await insertVote(tx, target.id, rule.submitterId, now);
    const note = change.note?.trim() || null;
    return {
      changes: { status: 'duplicate', duplicateOfId: target.id, decisionNote: note, decidedAt: now },
      event: { action: 'duplicate', toStatus: 'duplicate', note },
      target,
    };
  });
}

/** Nominations without a decision for longer than the response target, oldest first. */
export async function findLateRules(
  db: Db,
  now: Date,
  zone: string,
  targetWorkingDays: number,
): Promise<Rule[]> {
  // A working day is at least a calendar day: only rows older than the target in calendar days can be late.
  const candidates = await listUndecidedRules(db, new Date(now.getTime() - targetWorkingDays * 86_400_000));
  return candidates.filter((rule) => workingDaysBetween(rule.createdAt, now, zone) > targetWorkingDays);
}

export interface RuleItem {
  rule: Rule;
  votes: number;
  stageName: string | undefined;
}

/** Rules with their vote counts and stage names, in two queries whatever the number of rules. */
export async function withCountsAndStages(db: Db, list: Rule[]): Promise<RuleItem[]> {
  const [votes, stages] = await Promise.all([
    countVotes(
      db,
      list.map((rule) => rule.id),
    ),
    listStageNames(db),
  ]);
  return list.map((rule) => ({
    rule,
    votes: votes.get(rule.id) ?? 0,
    stageName: rule.stageId ? stages.get(rule.stageId) : undefined,
  }));
}

/** A person's own nominations, newest first, and how many there are in all. */
export async function listSubmittedRules(
  db: Db,
  userId: string,
  limit: number,
): Promise<{ items: RuleItem[]; total: number }> {
  const [mine, total] = await Promise.all([
    listRulesBySubmitter(db, userId, limit),
    countRulesBySubmitter(db, userId),
  ]);
  return { items: await withCountsAndStages(db, mine), total };
}

/** What a person's App Home shows of the rules: theirs, others' to back, and for the CX office the backlog. */
export async function buildRulesHome(
  db: Db,
  input: { userId: string; isCxOffice: boolean; now: Date; zone: string; targetWorkingDays: number },
): Promise<{
  mine: RuleItem[];
  mineTotal: number;
  backable: (RuleItem & { voted: boolean })[];
  backlog?: {
    items: (RuleItem & { late: boolean })[];
    byStatus: Partial<Record<RuleStatus, number>>;
    byStage: { name: string; count: number }[];
    lateCount: number;
    targetWorkingDays: number;
  };
}> {
  const [{ items: mine, total: mineTotal }, open] = await Promise.all([
    listSubmittedRules(db, input.userId, 5),
    listOpenRules(db, 1000),
  ]);
  const others = open
    .filter((rule) => rule.submitterId !== input.userId && rule.status !== 'accepted')
    .slice(0, 5);
  const [backableItems, voted] = await Promise.all([
    withCountsAndStages(db, others),
    listVotedRuleIds(
      db,
      input.userId,
      others.map((rule) => rule.id),
    ),
  ]);
  const backable = backableItems.map((item) => ({ ...item, voted: voted.has(item.rule.id) }));
  if (!input.isCxOffice) return { mine, mineTotal, backable };

  const isLate = (rule: Rule) =>
    (rule.status === 'new' || rule.status === 'under_review') &&
    workingDaysBetween(rule.createdAt, input.now, input.zone) > input.targetWorkingDays;
  const all = await withCountsAndStages(db, open);
  const byStatus: Partial<Record<RuleStatus, number>> = {};
  const stageCounts = new Map<string, number>();
  for (const item of all) {
    byStatus[item.rule.status] = (byStatus[item.rule.status] ?? 0) + 1;
    const stage = item.stageName ?? 'No stage';
    stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + 1);
  }
  const statusOrder: RuleStatus[] = ['new', 'under_review', 'accepted'];
  const ordered = all
    .map((item) => ({ ...item, late: isLate(item.rule) }))
    .sort(
      (a, b) =>
        Number(b.late) - Number(a.late) ||
        statusOrder.indexOf(a.rule.status) - statusOrder.indexOf(b.rule.status) ||
        (a.stageName ?? '~').localeCompare(b.stageName ?? '~') ||
        a.rule.createdAt.getTime() - b.rule.createdAt.getTime(),
    );
  return {
    mine,
    mineTotal,
    backable,
    backlog: {
      items: ordered.slice(0, 8),
      byStatus,
      byStage: [...stageCounts].map(([name, count]) => ({ name, count })),
      lateCount: ordered.filter((item) => item.late).length,
      targetWorkingDays: input.targetWorkingDays,
    },
  };
}
