import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { cardItems } from '../../outbox/card.js';
import {
  cancelQueued,
  enqueue,
  type OutboxItem,
  outboxKey,
  type PostedMessage,
} from '../../outbox/outbox.js';
import { type Page, pageAt } from '../../paging.js';
import { inZone, isWorkingDay, localDateKey, workingDaysBetween } from '../../time.js';
import type { DigestContribution, DigestWindow } from '../digest/digest.types.js';
import { type Links, linkItems, linksOf, queueLoopClosed } from '../links/links.service.js';
import type { TurnOrigin } from '../links/links.types.js';
import { findItem } from '../roadmap/roadmap.service.js';
import { readSetting } from '../settings/settings.keys.js';
import {
  isActiveCategory,
  journeyStageOwners,
  listActiveJourneyStages,
  touchpointCategoryNames,
} from '../settings/settings.service.js';
import {
  ANONYMOUS_SUBMITTER,
  countBackableRules,
  countOpenRulesByStage,
  countOpenRulesByStatus,
  countOpenRulesMatching,
  countRuleEvents,
  countRulesBySubmitter,
  countVotes,
  deleteVote,
  findRuleById,
  findRuleByIdempotencyKey,
  findRuleByNumber,
  findRuleEventById,
  findRuleEventByIdempotencyKey,
  findRuleForUpdate,
  insertNumberedRule,
  insertRuleEvent,
  insertVote,
  insertVoterSummaries,
  listAllRuleEvents,
  listAllRules,
  listBackableRules,
  listBacklogRules,
  listOverdueAcceptedRules,
  listOwnedRules,
  listRuleEventsById,
  listRuleEventsPage,
  listRulesById,
  listRulesBySubmitter,
  listRulesKilledBetween,
  listRulesNotARuleBetween,
  listStageNames,
  listUndecidedRules,
  listUntoldStatusChanges,
  listVotedRuleIds,
  listVoterIds,
  mergeVotes,
  type NewRule,
  type NewRuleEvent,
  type Rule,
  type RuleEvent,
  searchOpenRules,
  submitterIdsOf,
  updateRule,
} from './rules.queries.js';
import type { Ease, Hurts, Impact, RuleSource, RuleStatus } from './rules.schema.js';

/** Product rules of "kill a stupid rule". No Slack here: listeners call these and render the results. */

export type { Rule, RuleEvent };

/** Where the messages of rules go. */
export interface RulesDelivery {
  backlogChannel: string;
}

/** The nomination's card in the backlog channel (posted and updated through the shared card path). */
export const RULE_CARD = { name: 'rules.card', keyPrefix: 'rule', inputKey: 'ruleId' } as const;
const ruleCard = cardItems(RULE_CARD);

/** The other outbox renderers of rules (rules.notify.ts): messages rendered when sent. */
export const RULES_RENDER = {
  threadLine: 'rules.threadLine',
  outcomeDm: 'rules.outcomeDm',
  submittedDm: 'rules.submittedDm',
  lateRules: 'rules.lateRules',
  voterSummary: 'rules.voterSummary',
  ownerDm: 'rules.ownerDm',
  overdueRules: 'rules.overdueRules',
  ownerOverdueDm: 'rules.ownerOverdueDm',
} as const;

// What each text field of the rules' modals takes: the input's max_length, its hint and the form's check.
export const RULE_MAX = 1000;
export const WHY_MAX = 3000;
export const REPLACEMENT_MAX = 1000;
export const NOTE_MAX = 2000;
/** The longest reference `parseRuleRef` reads: "RULE-" and nine digits. */
export const RULE_REF_MAX = 'RULE-'.length + 9;

export function ruleRef(rule: Pick<Rule, 'number'>): string {
  return `RULE-${rule.number}`;
}

/** Parses "RULE-42", "rule 42" or "42". */
export function parseRuleRef(text: string): number | undefined {
  const match = /^\s*(?:rule[-\s]?)?(\d{1,9})\s*$/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

// ---- Nominating ---------------------------------------------------------------------------------------

export interface Nomination {
  title: string;
  hurts: Hurts;
  why: string;
  stageId: number | null;
  /** The optional touch-point category. */
  categoryId: number | null;
  replacementIdea: string | null;
  /** Where the rule lives (a team, a system, a document), if said. */
  livesIn?: string | null;
  /** Who owns the rule itself (a Slack user), if said. */
  ruleOwnerId?: string | null;
  /** Do not thank me by name in the weekly update (always set for an anonymous suggestion). */
  creditOptOut?: boolean;
  anonymous: boolean;
  submitterId: string;
  source: RuleSource;
  /** The message it was suggested from (a message shortcut), if any. */
  sourcePermalink: string | null;
  /** The submitted modal's identity: a replay returns the nomination already made. */
  idempotencyKey: string;
  /** The call or follow-up it was suggested from (a one-click turn): linked to it with the nomination. */
  origin?: TurnOrigin;
}

export type NominationResult =
  | { ok: true; rule: Rule; created: boolean }
  /** The stage was retired after the form was opened. */
  | { ok: false; reason: 'stage_not_in_use' }
  /** The category was retired or removed after the form was opened. */
  | { ok: false; reason: 'category_not_in_use' };

/**
 * Stores a nomination with the next RULE number and, in the same statement, queues its card and the
 * submitter's confirmation for the outbox; a replayed submission returns the first one. Its stage must
 * be one people can still pick.
 */
export async function nominateRule(
  db: Db,
  nomination: Nomination,
  now: Date,
  to: RulesDelivery,
): Promise<NominationResult> {
  const { stageId } = nomination;
  if (stageId !== null && !(await listActiveJourneyStages(db)).some((stage) => stage.id === stageId)) {
    return { ok: false, reason: 'stage_not_in_use' };
  }
  if (!(await isActiveCategory(db, nomination.categoryId)))
    return { ok: false, reason: 'category_not_in_use' };
  if (nomination.origin) return nominateFromTurn(db, nomination, nomination.origin, now, to);
  const rule = await insertNominationRow(db, nomination, now, to);
  if (rule) return { ok: true, rule, created: true };
  // A replayed submission: the nomination it already created.
  const existing = await findRuleByIdempotencyKey(db, nomination.idempotencyKey);
  if (!existing) throw new Error('a replayed nomination was not found');
  return { ok: true, rule: existing, created: false };
}

/**
 * A nomination made from a call's learning or follow-up (a one-click turn): the nomination and its link
 * to the call or follow-up in one transaction. A replay returns the first, even one racing it.
 */
async function nominateFromTurn(
  db: Db,
  nomination: Nomination,
  origin: TurnOrigin,
  now: Date,
  to: RulesDelivery,
): Promise<NominationResult> {
  const existing = await findRuleByIdempotencyKey(db, nomination.idempotencyKey);
  if (existing) return { ok: true, rule: existing, created: false };
  try {
    const rule = await db.transaction(async (tx) => {
      const inserted = await insertNominationRow(tx, nomination, now, to);
      // A replay that raced this one: the unique violation ended the statement and, with it, this
      // transaction; it is rolled back, and the first one's nomination is read below.
      if (!inserted) throw new Error('a replayed nomination raced the first');
      // An anonymous submitter's ID is kept on the nomination only (to tell them the outcome), not here.
      const createdBy = nomination.anonymous ? 'anonymous' : nomination.submitterId;
      await linkItems(tx, { origin, item: { kind: 'rule', id: inserted.id }, createdBy }, now);
      return inserted;
    });
    return { ok: true, rule, created: true };
  } catch (error) {
    const first = await findRuleByIdempotencyKey(db, nomination.idempotencyKey);
    if (first) return { ok: true, rule: first, created: false };
    throw error;
  }
}

/** The nomination's row with its card and confirmation (one statement); undefined for a replay. */
function insertNominationRow(
  db: DbOrTx,
  nomination: Nomination,
  now: Date,
  to: RulesDelivery,
): Promise<Rule | undefined> {
  const { origin: _origin, ...row } = nomination;
  return insertNumberedRule(
    db,
    {
      ...row,
      // Anonymous: the row says only `anonymous`; the person goes to `anonymous_submitters` (same statement).
      submitterId: nomination.anonymous ? ANONYMOUS_SUBMITTER : nomination.submitterId,
      livesIn: nomination.livesIn ?? null,
      ruleOwnerId: nomination.ruleOwnerId ?? null,
      // Nobody names an anonymous submitter: for them "do not thank me by name" goes without saying.
      creditOptOut: nomination.anonymous || (nomination.creditOptOut ?? false),
      // The message a suggestion started from tells where its submitter reads (a small private channel
      // narrows it to a few people): an anonymous suggestion does not keep it.
      sourcePermalink: nomination.anonymous ? null : nomination.sourcePermalink,
      status: 'new',
      createdAt: now,
      updatedAt: now,
    },
    {
      backlogChannel: to.backlogChannel,
      cardRender: RULE_CARD.name,
      confirmationRender: RULES_RENDER.submittedDm,
      confirmationDelayMs: CONFIRMATION_DM_DELAY_MS,
      submitterId: nomination.submitterId,
    },
  );
}

/**
 * "It's back" after a kill: a new suggestion that reopens the killed one, with its card (which says it came
 * back) and the reporter's confirmation queued, in the caller's transaction (rule-aftercare holds the lock
 * on the original, so it is one per original).
 */
export async function insertReopenedRule(
  tx: Tx,
  nomination: Omit<Nomination, 'origin'>,
  reopenedFromId: number,
  now: Date,
  to: RulesDelivery,
): Promise<Rule> {
  const inserted = await insertNominationRow(tx, nomination, now, to);
  if (!inserted) throw new Error('a reopening suggestion was replayed');
  return updateRule(tx, inserted.id, { reopenedFromId });
}

/** Locks a nomination for the rest of the caller's transaction (one "it's back" at a time per rule). */
export function lockRule(tx: Tx, ruleId: number): Promise<Rule | undefined> {
  return findRuleForUpdate(tx, ruleId);
}

/**
 * The thank-you for a nomination is the modal's own confirmation (reference, what happens next). The
 * confirmation DM is queued with the nomination all the same, this long ahead, and taken back
 * (`nominationThankedInModal`) once the modal showed the thanks, milliseconds after the save: it goes out
 * only when the modal could not say it (a save slower than Slack's 3 s was answered "taking longer"), or
 * the process stopped before taking it back (then the person hears twice, never not at all).
 */
export const CONFIRMATION_DM_DELAY_MS = 5_000;

/** The modal showed the thanks: the confirmation DM is not needed (one thank-you per nomination). */
export async function nominationThankedInModal(db: Db, ruleId: number): Promise<void> {
  await cancelQueued(db, outboxKey('rule', ruleId, 'submitted', 'dm'));
}

/** One nomination, as stored (the CX office's modals, the submitter's confirmation). */
export function findRule(db: DbOrTx, ruleId: number): Promise<Rule | undefined> {
  return findRuleById(db, ruleId);
}

// ---- Me too -------------------------------------------------------------------------------------------

/** Someone's "me too" on a nomination. */
export interface Vote {
  ruleId: number;
  userId: string;
}

export type VoteResult =
  | { ok: true; rule: Rule; changed: boolean }
  | { ok: false; reason: 'not_found' | 'own_rule' | 'closed' };

/** Statuses that take no more votes. */
const CLOSED: RuleStatus[] = ['duplicate', 'kept', 'killed', 'not_a_rule', 'required_by_law'];

/** "Me too": one vote per person; a second click changes nothing. The card follows (coalesced). */
export function voteForRule(
  db: Db,
  { ruleId, userId }: Vote,
  now: Date,
  to: RulesDelivery,
): Promise<VoteResult> {
  return changeVote(db, ruleId, now, to, {
    refusal: async (rule) =>
      (await findSubmitterId(db, rule.id)) === userId
        ? 'own_rule'
        : CLOSED.includes(rule.status)
          ? 'closed'
          : undefined,
    change: (tx) => insertVote(tx, ruleId, userId, now),
  });
}

export function withdrawVote(
  db: Db,
  { ruleId, userId }: Vote,
  now: Date,
  to: RulesDelivery,
): Promise<VoteResult> {
  return changeVote(db, ruleId, now, to, { change: (tx) => deleteVote(tx, ruleId, userId) });
}

/** Adds or removes a vote unless refused; a change asks for the card's update in the same transaction. */
async function changeVote(
  db: Db,
  ruleId: number,
  now: Date,
  to: RulesDelivery,
  vote: {
    refusal?: (rule: Rule) => Promise<'own_rule' | 'closed' | undefined>;
    /** True when it changed something. */
    change: (tx: Tx) => Promise<boolean>;
  },
): Promise<VoteResult> {
  const rule = await findRuleById(db, ruleId);
  if (!rule) return { ok: false, reason: 'not_found' };
  const refused = await vote.refusal?.(rule);
  if (refused) return { ok: false, reason: refused };
  const changed = await db.transaction(async (tx) => {
    const done = await vote.change(tx);
    if (done) await enqueue(tx, cardUpdate(rule, to), now);
    return done;
  });
  return { ok: true, rule, changed };
}

// ---- The CX office's changes --------------------------------------------------------------------------

/** Statuses that are a decision (the nomination got an answer). */
const DECIDED: RuleStatus[] = ['accepted', 'killed', 'kept', 'duplicate', 'not_a_rule', 'required_by_law'];
/**
 * Decisions the submitter must get a reason for: for "not actually a rule" the note is the clarification
 * (the myth-buster the weekly update publishes), for "required by law" the law or regulation.
 */
export const NOTE_REQUIRED: RuleStatus[] = ['killed', 'kept', 'not_a_rule', 'required_by_law'];
/** The statuses the CX office sets directly (a duplicate is marked with its original). */
export const SETTABLE_STATUSES = [
  'under_review',
  'accepted',
  'killed',
  'kept',
  'not_a_rule',
  'required_by_law',
] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export type ChangeFailure =
  | 'not_found'
  | 'unchanged'
  | 'note_required'
  | 'already_done'
  /** Duplicate of a RULE number that does not exist. */
  | 'no_such_original'
  | 'duplicate_of_itself'
  /** Accepting: the kill-by date is before today (company zone). */
  | 'kill_by_past';

export type ChangeResult =
  | {
      ok: true;
      rule: Rule;
      event: RuleEvent;
      /** Told at once by DM: the submitter (voters hear of status changes in their daily summary). */
      recipients: string[];
      /** How many people backed it: a status change reaches them in their daily summary, nothing else does. */
      voterCount?: number;
      /** For a duplicate: the nomination it was merged into (its card shows the merged votes). */
      target?: Rule;
    }
  | { ok: false; reason: ChangeFailure };

/** Who changes which nomination, and the click's or submission's identity. */
export interface ChangeBase {
  ruleId: number;
  actorId: string;
  /** The click's or submission's identity, so a replay changes nothing. */
  idempotencyKey: string;
}

export type Decision = ChangeBase & { toStatus: SettableStatus; note: string | null };
export type OwnerChange = ChangeBase & { ownerId: string | null };
export type NoteChange = ChangeBase & { note: string };
export type DuplicateChange = ChangeBase & { duplicateOfNumber: number; note: string | null };

/** The card in place (and queued first if it never was), as it is when sent. */
function cardUpdate(rule: Rule, to: RulesDelivery): OutboxItem[] {
  return ruleCard.update(rule.id, rule.cardTs !== null, to.backlogChannel);
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
    ...cardUpdate(rule, to),
    ...(target ? cardUpdate(target, to) : []),
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

/**
 * Who hears a change at once: the submitter only. Voters get one DM a day at most, summarising the status
 * changes on everything they backed (`queueVoterSummaries`); notes and owner changes never reach them.
 */
async function recipientsOf(db: Tx, rule: Rule): Promise<string[]> {
  const submitter = (await submitterIdsOf(db, [rule.id])).get(rule.id);
  return submitter ? [submitter] : [];
}

/**
 * The person who suggested it, anonymous or not, for the bot's own messages to them and the checks that
 * must know it is theirs (never shown, exported or logged); undefined when nobody can be reached.
 */
export async function findSubmitterId(db: DbOrTx, ruleId: number): Promise<string | undefined> {
  return (await submitterIdsOf(db, [ruleId])).get(ruleId);
}

/** The people who suggested these (see `findSubmitterId`), by rule ID, in one statement. */
export function findSubmitterIds(db: DbOrTx, ruleIds: number[]): Promise<Map<number, string>> {
  return submitterIdsOf(db, ruleIds);
}

interface ChangePlan {
  changes: Partial<NewRule>;
  event: Pick<NewRuleEvent, 'action' | 'toStatus' | 'ownerId' | 'note'>;
  /** For a duplicate: the nomination it merges into. */
  target?: Rule;
}

type Failed = { ok: false; reason: ChangeFailure };

/**
 * One change of a nomination, whatever its kind: replay check, row lock, the kind's own rules (`plan`),
 * the update, the audit row and the messages it causes, all in one transaction.
 */
async function changeRule(
  db: Db,
  base: ChangeBase,
  now: Date,
  to: RulesDelivery,
  plan: (tx: Tx, rule: Rule) => Promise<ChangePlan | Failed>,
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
    await enqueue(tx, ownerMessages(updated, event), now);
    // Killed, and it came from a customer conversation: the executive who had it is told (once).
    if (updated.status === 'killed' && rule.status !== 'killed') {
      await queueLoopClosed(
        tx,
        {
          kind: 'rule',
          id: updated.id,
          number: updated.number,
          title: updated.title,
          note: updated.decisionNote,
        },
        now,
      );
    }
    const voterCount = (await listVoterIds(tx, updated.id)).filter((id) => !recipients.includes(id)).length;
    return { ok: true, rule: updated, event, recipients, voterCount, target };
  });
}

/** Moves a nomination to another status. Killing and keeping need a note for the people told. */
export function decideRule(db: Db, change: Decision, now: Date, to: RulesDelivery): Promise<ChangeResult> {
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
  change: OwnerChange,
  now: Date,
  to: RulesDelivery,
): Promise<ChangeResult> {
  return changeRule(db, change, now, to, async (_tx, rule) =>
    rule.ownerId === change.ownerId
      ? { ok: false, reason: 'unchanged' }
      : { changes: { ownerId: change.ownerId }, event: { action: 'owner', ownerId: change.ownerId } },
  );
}

export function addRuleNote(db: Db, change: NoteChange, now: Date, to: RulesDelivery): Promise<ChangeResult> {
  const note = change.note.trim();
  return changeRule(db, change, now, to, async () =>
    note === '' ? { ok: false, reason: 'note_required' } : { changes: {}, event: { action: 'note', note } },
  );
}

/** Marks a nomination as a duplicate of RULE-n: its votes (and its submitter) count on the original. */
export function markDuplicate(
  db: Db,
  change: DuplicateChange,
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
    if (!target) return { ok: false, reason: 'no_such_original' };
    if (target.id === rule.id) return { ok: false, reason: 'duplicate_of_itself' };
    if (rule.status === 'duplicate' && rule.duplicateOfId === target.id)
      return { ok: false, reason: 'unchanged' };
    await mergeVotes(tx, rule.id, target.id, now);
    // A named submitter backs the original from now on. An anonymous one does not: a vote row with their
    // ID, made at the moment of the merge, would tie them to the duplicate (they still hear of it by DM).
    if (!rule.anonymous && rule.submitterId !== (await findSubmitterId(tx, target.id)))
      await insertVote(tx, target.id, rule.submitterId, now);
    const note = change.note?.trim() || null;
    return {
      changes: { status: 'duplicate', duplicateOfId: target.id, decisionNote: note, decidedAt: now },
      event: { action: 'duplicate', toStatus: 'duplicate', note },
      target,
    };
  });
}

// ---- The one loop: the roadmap item that removes an accepted rule ------------------------------------

export type RemovedByResult =
  | { ok: true; rule: Rule; itemTitle: string; created: boolean }
  | { ok: false; reason: 'not_found' | 'no_such_item' | 'not_accepted' };

/**
 * The CX office points an accepted (or killed) rule to the roadmap item that removes it: linked, and the
 * card says so. The same link twice changes nothing. When the item has shipped already, whoever heard
 * the customer the rule came from is told now (once, as at the ship).
 */
export async function pointRuleToRoadmapItem(
  db: Db,
  change: { ruleId: number; itemId: number; actorId: string },
  now: Date,
  to: RulesDelivery,
): Promise<RemovedByResult> {
  const item = await findItem(db, change.itemId);
  if (!item) return { ok: false, reason: 'no_such_item' };
  return db.transaction(async (tx): Promise<RemovedByResult> => {
    const rule = await findRuleForUpdate(tx, change.ruleId);
    if (!rule) return { ok: false, reason: 'not_found' };
    if (rule.status !== 'accepted' && rule.status !== 'killed') return { ok: false, reason: 'not_accepted' };
    const created = await linkItems(
      tx,
      {
        origin: { kind: 'rule', id: rule.id },
        item: { kind: 'roadmap_item', id: item.id },
        createdBy: change.actorId,
      },
      now,
    );
    if (created) {
      await enqueue(tx, cardUpdate(rule, to), now);
      if (item.status === 'shipped')
        await queueLoopClosed(
          tx,
          { kind: 'roadmap_item', id: item.id, title: item.title, customerChange: item.customerChange },
          now,
        );
    }
    return { ok: true, rule, itemTitle: item.title, created };
  });
}

/** The rule's card in place (a link made elsewhere, e.g. a story linked to it, shows on it). */
export async function queueRuleCardUpdate(
  db: DbOrTx,
  ruleId: number,
  now: Date,
  to: RulesDelivery,
): Promise<void> {
  const rule = await findRuleById(db, ruleId);
  if (rule) await enqueue(db, cardUpdate(rule, to), now);
}

// ---- Reading: lists, the card, App Home, the export and the digest ------------------------------------

export interface RuleItem {
  rule: Rule;
  votes: number;
  stageName: string | undefined;
  categoryName?: string | undefined;
  /** The accountable executive of the rule's stage (set in settings), if any. */
  stageOwnerId?: string | undefined;
  /** Where it came from (a call, a story) and the roadmap item that removes it. */
  links?: Links | undefined;
}

/** Rules with their vote counts, stage and category names, stage owners and links, in five queries at most. */
async function withCountsAndStages(db: DbOrTx, list: Rule[]): Promise<RuleItem[]> {
  const ids = list.map((rule) => rule.id);
  const [votes, stages, categories, owners, links] = await Promise.all([
    countVotes(db, ids),
    listStageNames(db),
    touchpointCategoryNames(db),
    journeyStageOwners(db),
    linksOf(db, 'rule', ids),
  ]);
  return list.map((rule) => ({
    rule,
    votes: votes.get(rule.id) ?? 0,
    stageName: rule.stageId ? stages.get(rule.stageId) : undefined,
    categoryName: rule.categoryId ? categories.get(rule.categoryId) : undefined,
    stageOwnerId: rule.stageId ? owners.get(rule.stageId) : undefined,
    links: links.get(rule.id),
  }));
}

/** What the card shows of a nomination: its votes, stage and, for a duplicate, the original's reference. */
export async function loadRuleCard(
  db: DbOrTx,
  ruleId: number,
): Promise<(RuleItem & { duplicateOfRef?: string; reopenedFromRef?: string }) | undefined> {
  const rule = await findRuleById(db, ruleId);
  if (!rule) return undefined;
  const [[item], duplicateOfRef, reopenedFrom] = await Promise.all([
    withCountsAndStages(db, [rule]),
    originalRef(db, rule),
    rule.reopenedFromId ? findRuleById(db, rule.reopenedFromId) : undefined,
  ]);
  return (
    item && { ...item, duplicateOfRef, ...(reopenedFrom ? { reopenedFromRef: ruleRef(reopenedFrom) } : {}) }
  );
}

/** Keeps where Slack put the nomination's card: its updates and thread lines name it from there. */
export async function rememberRuleCard(db: DbOrTx, ruleId: number, posted: PostedMessage): Promise<void> {
  await updateRule(db, ruleId, { cardChannel: posted.channel, cardTs: posted.ts });
}

/** One change of a nomination (an audit row) with the nomination as it is now. */
export async function loadRuleChange(
  db: DbOrTx,
  eventId: number,
): Promise<{ event: RuleEvent; rule: Rule; duplicateOfRef: string | undefined } | undefined> {
  const event = await findRuleEventById(db, eventId);
  const rule = event ? await findRuleById(db, event.ruleId) : undefined;
  return event && rule ? { event, rule, duplicateOfRef: await originalRef(db, rule) } : undefined;
}

/** For a duplicate: the reference of the nomination it was merged into. */
async function originalRef(db: DbOrTx, rule: Rule): Promise<string | undefined> {
  const original = rule.duplicateOfId ? await findRuleById(db, rule.duplicateOfId) : undefined;
  return original ? ruleRef(original) : undefined;
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

/** How many of their suggestions `/killrule mine` lists at once (its "See all" modal pages by as many). */
export const MINE_PAGE_SIZE = 25;

/** One page of a person's own nominations, newest first (`/killrule mine` and its modal). */
export async function submittedRulesPage(
  db: Db,
  userId: string,
  requested: number,
): Promise<{ items: RuleItem[]; page: Page }> {
  const page = pageAt(requested, MINE_PAGE_SIZE, await countRulesBySubmitter(db, userId));
  const mine = await listRulesBySubmitter(db, userId, page.size, page.offset);
  return { items: await withCountsAndStages(db, mine), page };
}

/** Every nomination, by number, for the CX office's export. */
export async function listRulesForExport(db: Db): Promise<RuleItem[]> {
  return withCountsAndStages(db, await listAllRules(db));
}

/**
 * The rules killed in the weekly update's window, each with whom to thank by name (a named submitter who
 * did not opt out at intake; never an anonymous one), and the myths busted: suggestions found not to be
 * rules at all, with the CX office's clarification.
 */
export async function killedRulesDigest(db: Db, window: DigestWindow): Promise<DigestContribution[]> {
  const [killed, myths] = await Promise.all([
    listRulesKilledBetween(db, window.start, window.end),
    listRulesNotARuleBetween(db, window.start, window.end),
  ]);
  return [
    {
      kind: 'rules_killed',
      rules: killed.map((rule) => ({
        ref: ruleRef(rule),
        title: rule.title,
        decisionNote: rule.decisionNote,
        killedAt: rule.decidedAt ?? rule.updatedAt,
        thankedId:
          rule.anonymous || rule.creditOptOut || rule.submitterId === ANONYMOUS_SUBMITTER
            ? undefined
            : rule.submitterId,
      })),
    },
    {
      kind: 'myths_busted',
      myths: myths.map((rule) => ({
        ref: ruleRef(rule),
        title: rule.title,
        clarification: rule.decisionNote ?? '',
      })),
    },
  ];
}

/** Nominations without a decision for longer than the response target (working days), oldest first. */
async function findLateRules(
  db: Db,
  now: Date,
  zone: string,
  targetWorkingDays: number,
  quickKillTarget = targetWorkingDays,
): Promise<Rule[]> {
  // A quick kill (easy, high impact) has its own, shorter target; never a longer one.
  const quick = Math.min(quickKillTarget, targetWorkingDays);
  // A working day is at least a calendar day: only rows older than the target in calendar days can be late.
  const candidates = await listUndecidedRules(db, new Date(now.getTime() - quick * 86_400_000));
  return candidates.filter(
    (rule) => workingDaysBetween(rule.createdAt, now, zone) > (isQuickKill(rule) ? quick : targetWorkingDays),
  );
}

/**
 * The working-day morning call-out: one message in the backlog channel listing the late nominations,
 * once a day (its key is the local date), and none on a weekend or when nothing is late.
 */
export async function queueLateRulesCallOut(db: Db, config: Config, now: Date): Promise<{ queued: number }> {
  if (!isWorkingDay(inZone(now, config.timeZone))) return { queued: 0 };
  const target = await readSetting(db, config, 'rules.responseTargetWorkingDays');
  const quickTarget = await readSetting(db, config, 'rules.quickKillTargetWorkingDays');
  const late = await findLateRules(db, now, config.timeZone, target, quickTarget);
  if (late.length === 0) return { queued: 0 };
  await enqueue(
    db,
    [
      {
        key: outboxKey('rules', 'aging', localDateKey(now, config.timeZone)),
        method: 'chat.postMessage',
        channel: config.backlogChannel,
        render: {
          name: RULES_RENDER.lateRules,
          input: {
            ruleIds: late.map((rule) => rule.id),
            targetWorkingDays: target,
            quickTargetWorkingDays: Math.min(quickTarget, target),
          },
        },
      },
    ],
    now,
  );
  return { queued: late.length };
}

/** The nominations a late-rules call-out lists, with their counts, in its order. */
export async function loadLateRules(db: DbOrTx, ruleIds: number[]): Promise<RuleItem[]> {
  const rows = await listRulesById(db, ruleIds);
  const byId = new Map(rows.map((rule) => [rule.id, rule]));
  return withCountsAndStages(
    db,
    ruleIds.flatMap((id) => byId.get(id) ?? []),
  );
}

export interface RulesHome {
  mine: RuleItem[];
  mineTotal: number;
  /** One page of other people's nominations waiting for a decision, with whether this person said "me too". */
  backable: (RuleItem & { voted: boolean })[];
  /** Which page of them, of how many. */
  backablePage: Page;
  /** For the CX office: the backlog, late ones first. */
  backlog?: {
    items: (RuleItem & { late: boolean })[];
    /** Which page of the backlog, of how many open suggestions. */
    page: Page;
    byStatus: Partial<Record<RuleStatus, number>>;
    byStage: { name: string; count: number }[];
    lateCount: number;
    targetWorkingDays: number;
    /** Accepted rules past their kill-by date (they age like late ones). */
    overdueCount?: number;
  };
  /** What this person owns (named owner of a decision), kill-by first. */
  owned?: (RuleItem & { overdue: boolean })[];
}

/** How many suggestions to back App Home shows at once (the rest are a "Next ›" away). */
export const BACKABLE_PAGE_SIZE = 5;
/** How many of the backlog the CX office's App Home shows at once (two blocks each: line and controls). */
export const BACKLOG_PAGE_SIZE = 8;

/** What a person's App Home shows of the rules: theirs, others' to back, and for the CX office the backlog. */
export async function buildRulesHome(
  db: Db,
  config: Config,
  input: { userId: string; isCxOffice: boolean; now: Date; backablePage?: number; backlogPage?: number },
): Promise<RulesHome> {
  const [{ items: mine, total: mineTotal }, backableTotal] = await Promise.all([
    listSubmittedRules(db, input.userId, 5),
    countBackableRules(db, input.userId),
  ]);
  const backablePage = pageAt(input.backablePage ?? 1, BACKABLE_PAGE_SIZE, backableTotal);
  const others = await listBackableRules(db, input.userId, {
    limit: backablePage.size,
    offset: backablePage.offset,
  });
  const [backableItems, voted] = await Promise.all([
    withCountsAndStages(db, others),
    listVotedRuleIds(
      db,
      input.userId,
      others.map((rule) => rule.id),
    ),
  ]);
  const backable = backableItems.map((item) => ({ ...item, voted: voted.has(item.rule.id) }));
  if (!input.isCxOffice) return { mine, mineTotal, backable, backablePage };

  // The CX office's backlog: counted in SQL, one page of it read (late ones first: the oldest waiting).
  const targetWorkingDays = await readSetting(db, config, 'rules.responseTargetWorkingDays');
  const quickKillTarget = await readSetting(db, config, 'rules.quickKillTargetWorkingDays');
  const today = localDateKey(input.now, config.timeZone);
  const [byStatusCounts, byStageCounts, late, overdue] = await Promise.all([
    countOpenRulesByStatus(db),
    countOpenRulesByStage(db),
    findLateRules(db, input.now, config.timeZone, targetWorkingDays, quickKillTarget),
    listOverdueAcceptedRules(db, today),
  ]);
  const byStatus: Partial<Record<RuleStatus, number>> = Object.fromEntries(byStatusCounts);
  const total = [...byStatusCounts.values()].reduce((sum, n) => sum + n, 0);
  const backlogPage = pageAt(input.backlogPage ?? 1, BACKLOG_PAGE_SIZE, total);
  const lateIds = new Set([...late, ...overdue].map((rule) => rule.id));
  const items = await withCountsAndStages(
    db,
    await listBacklogRules(db, { limit: backlogPage.size, offset: backlogPage.offset }),
  );
  return {
    mine,
    mineTotal,
    backable,
    backablePage,
    backlog: {
      items: items.map((item) => ({ ...item, late: lateIds.has(item.rule.id) })),
      page: backlogPage,
      byStatus,
      byStage: byStageCounts.map(({ name, count }) => ({ name: name ?? 'No stage', count })),
      lateCount: late.length,
      targetWorkingDays,
      overdueCount: overdue.length,
    },
  };
}

// ---- Finding what exists: similar suggestions while nominating, `/killrule search` ------------------------

/** An open suggestion someone may back, with whether they said "me too" already. */
export type BackableItem = RuleItem & { voted: boolean };

/** How many similar open suggestions the nomination form shows. */
export const SIMILAR_LIMIT = 5;
/** How many matches `/killrule search` shows at once (the rest are a "Next ›" away). */
export const SEARCH_PAGE_SIZE = 10;
/** The longest search `/killrule search` takes (the rest is cut). */
export const SEARCH_MAX = 200;

async function asBackable(db: DbOrTx, userId: string, list: Rule[]): Promise<BackableItem[]> {
  const [items, voted] = await Promise.all([
    withCountsAndStages(db, list),
    listVotedRuleIds(
      db,
      userId,
      list.map((rule) => rule.id),
    ),
  ]);
  return items.map((item) => ({ ...item, voted: voted.has(item.rule.id) }));
}

/**
 * Open suggestions (new, under review, accepted) that look like what `userId` is typing: any of its
 * words, stemmed, best match first; not their own. Nothing for fewer than three characters.
 */
export async function findSimilarOpenRules(db: Db, text: string, userId: string): Promise<BackableItem[]> {
  if (text.trim().length < 3) return [];
  const similar = await searchOpenRules(
    db,
    { text: text.slice(0, RULE_MAX), match: 'any', excludeSubmitter: userId },
    { limit: SIMILAR_LIMIT, offset: 0 },
  );
  return asBackable(db, userId, similar);
}

/** One page of the open suggestions matching every word of `words` (`/killrule search`), best first. */
export async function searchOpenRulesPage(
  db: Db,
  words: string,
  userId: string,
  requested: number,
): Promise<{ items: BackableItem[]; page: Page }> {
  const search = { text: words.slice(0, SEARCH_MAX), match: 'all' as const, excludeSubmitter: userId };
  const page = pageAt(requested, SEARCH_PAGE_SIZE, await countOpenRulesMatching(db, search));
  const found = await searchOpenRules(db, search, { limit: page.size, offset: page.offset });
  return { items: await asBackable(db, userId, found), page };
}

// ---- History, the audit export and voters' daily summaries (issue 17) ----------------------------------

/** How many changes the History modal shows at once. */
export const HISTORY_PAGE_SIZE = 15;

/** One page of a nomination's audit trail (the History modal), oldest first. */
export interface RuleHistory {
  rule: Rule;
  events: RuleEvent[];
  page: Page;
  /** For a duplicate: the reference of its original. */
  duplicateOfRef: string | undefined;
}

export async function ruleHistoryPage(
  db: Db,
  ruleId: number,
  requested: number,
): Promise<RuleHistory | undefined> {
  const rule = await findRuleById(db, ruleId);
  if (!rule) return undefined;
  const page = pageAt(requested, HISTORY_PAGE_SIZE, await countRuleEvents(db, ruleId));
  const [events, duplicateOfRef] = await Promise.all([
    listRuleEventsPage(db, ruleId, { limit: page.size, offset: page.offset }),
    originalRef(db, rule),
  ]);
  return { rule, events, page, duplicateOfRef };
}

/** Every change of every nomination, with its nomination's number (the audit CSV of the rules export). */
export function listRuleAuditForExport(db: Db): Promise<(RuleEvent & { ruleNumber: number })[]> {
  return listAllRuleEvents(db);
}

/** A summary tells at most the last week (after downtime, or the first one a voter gets). */
const VOTER_SUMMARY_REACH_MS = 7 * 86_400_000;
/** The most changes one summary carries (the outbox row stays small; the DM says the rest are on Home). */
const VOTER_SUMMARY_MAX_EVENTS = 100;

/**
 * The voters' daily summary: each person who backed a suggestion whose status changed since they were
 * last told gets one DM a day (company zone; when is the job's schedule, TOUCHPOINT_VOTER_SUMMARY_SCHEDULE,
 * working days from 16:00 by default), listing those changes; notes and
 * owner changes are left out. The day's row in `rule_voter_summaries` and the DM are written in one
 * transaction, keyed by person and day, so replicas and later ticks queue nothing more.
 */
export async function queueVoterSummaries(db: Db, config: Config, now: Date): Promise<{ queued: number }> {
  const day = localDateKey(now, config.timeZone);
  const untold = await listUntoldStatusChanges(db, {
    day,
    upTo: now,
    floor: new Date(now.getTime() - VOTER_SUMMARY_REACH_MS),
  });
  const byVoter = new Map<string, number[]>();
  for (const { userId, eventId } of untold) {
    // The placeholder of an anonymous suggestion is nobody to write to.
    if (userId === ANONYMOUS_SUBMITTER) continue;
    byVoter.set(userId, [...(byVoter.get(userId) ?? []), eventId]);
  }
  if (byVoter.size === 0) return { queued: 0 };
  return db.transaction(async (tx) => {
    const recorded = await insertVoterSummaries(tx, [...byVoter.keys()], day, now);
    await enqueue(
      tx,
      recorded.map(
        (userId): OutboxItem => ({
          key: outboxKey('rules', 'voters', day, userId),
          method: 'chat.postMessage',
          channel: userId,
          render: {
            name: RULES_RENDER.voterSummary,
            input: { eventIds: (byVoter.get(userId) ?? []).slice(-VOTER_SUMMARY_MAX_EVENTS) },
          },
        }),
      ),
      now,
    );
    return { queued: recorded.length };
  });
}

/** What one suggestion did since the voter was last told: from its first status to its latest. */
export interface VoterSummaryItem {
  rule: Rule;
  fromStatus: RuleStatus;
  toStatus: RuleStatus;
  /** The latest decision's note (the clarification, the reason, the law), if any. */
  note: string | null;
  duplicateOfRef: string | undefined;
}

/**
 * The changes a summary tells, per suggestion, in the order they were first changed; a suggestion that
 * ended where it started (reopened and decided the same again) is left out.
 */
export async function loadVoterSummary(db: DbOrTx, eventIds: number[]): Promise<VoterSummaryItem[]> {
  const events = (await listRuleEventsById(db, eventIds)).sort((a, b) => a.id - b.id);
  const rules = await listRulesById(db, [...new Set(events.map((event) => event.ruleId))]);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const items = new Map<number, VoterSummaryItem>();
  for (const event of events) {
    const rule = byId.get(event.ruleId);
    if (!rule || !event.fromStatus || !event.toStatus) continue;
    const seen = items.get(rule.id);
    items.set(rule.id, {
      rule,
      fromStatus: seen?.fromStatus ?? event.fromStatus,
      toStatus: event.toStatus,
      note: event.note,
      duplicateOfRef: undefined,
    });
  }
  const told = [...items.values()].filter((item) => item.fromStatus !== item.toStatus);
  return Promise.all(
    told.map(async (item) =>
      item.toStatus === 'duplicate' ? { ...item, duplicateOfRef: await originalRef(db, item.rule) } : item,
    ),
  );
}

// ---- Ease × impact, the quick-kill lane, owners and kill-by dates ---------------------------------------

/** A quick kill: rated easy to kill and high impact by the CX office. */
export function isQuickKill(rule: Pick<Rule, 'ease' | 'impact'>): boolean {
  return rule.ease === 'easy' && rule.impact === 'high';
}

/** Accepted, and its kill-by day (YYYY-MM-DD) is before `today` (YYYY-MM-DD, company zone). */
export function isOverdue(rule: Pick<Rule, 'status' | 'killBy'>, today: string): boolean {
  return rule.status === 'accepted' && rule.killBy !== null && rule.killBy < today;
}

export type Rating = ChangeBase & { ease?: Ease; impact?: Impact };

export type RatingResult = { ok: true; rule: Rule; event: RuleEvent } | { ok: false; reason: ChangeFailure };

/** "Ease: Easy to kill · Impact: High": the audit row's note of a rating (History shows it). */
function ratingNote(rule: Pick<Rule, 'ease' | 'impact'>): string {
  const ease = rule.ease ? `Ease: ${rule.ease}` : 'Ease: not rated';
  const impact = rule.impact ? `Impact: ${rule.impact}` : 'Impact: not rated';
  return `${ease} · ${impact}${isQuickKill(rule) ? ' (quick kill)' : ''}`;
}

/**
 * The CX office rates ease or impact from the card: the row, an audit row and the card and its thread line
 * in one transaction. Nobody is sent a DM (a rating is the CX office's own planning). A replayed click, or
 * the level it had already, changes nothing.
 */
export async function rateRule(db: Db, rating: Rating, now: Date, to: RulesDelivery): Promise<RatingResult> {
  return db.transaction(async (tx): Promise<RatingResult> => {
    if (await findRuleEventByIdempotencyKey(tx, rating.idempotencyKey))
      return { ok: false, reason: 'already_done' };
    const rule = await findRuleForUpdate(tx, rating.ruleId);
    if (!rule) return { ok: false, reason: 'not_found' };
    const ease = rating.ease ?? rule.ease;
    const impact = rating.impact ?? rule.impact;
    if (ease === rule.ease && impact === rule.impact) return { ok: false, reason: 'unchanged' };
    const updated = await updateRule(tx, rule.id, { ease, impact, updatedAt: now });
    const event = await insertRuleEvent(tx, {
      ruleId: rule.id,
      actorId: rating.actorId,
      action: 'rating',
      fromStatus: rule.status,
      toStatus: rule.status,
      note: ratingNote(updated),
      idempotencyKey: rating.idempotencyKey,
      createdAt: now,
    });
    if (!event) return { ok: false, reason: 'already_done' };
    await enqueue(
      tx,
      [
        ...cardUpdate(updated, to),
        {
          key: outboxKey('rule', rule.id, 'event', event.id, 'thread'),
          method: 'chat.postMessage',
          channel: to.backlogChannel,
          render: { name: RULES_RENDER.threadLine, input: { eventId: event.id } },
        },
      ],
      now,
    );
    return { ok: true, rule: updated, event };
  });
}

/** Today plus the "days to kill an accepted rule" setting, in the company zone: the modal's default. */
export async function defaultKillBy(db: DbOrTx, config: Config, now: Date): Promise<string> {
  const days = await readSetting(db, config, 'rules.killByDays');
  return inZone(now, config.timeZone).plus({ days }).toISODate() ?? localDateKey(now, config.timeZone);
}

/** Accepting: the kill-by date, and the owner who sees it through (null: the card's owner, if any, stays). */
export type Acceptance = ChangeBase & { note: string | null; killBy: string; ownerId?: string | null };

/**
 * Accepts a nomination (will kill) by a kill-by date, which may not be before today (company zone). The
 * owner, if there is one, hears what they own and by when (`ownerMessages`).
 */
export async function acceptRule(
  db: Db,
  change: Acceptance,
  now: Date,
  to: RulesDelivery & { timeZone: string },
): Promise<ChangeResult> {
  if (change.killBy < localDateKey(now, to.timeZone)) return { ok: false, reason: 'kill_by_past' };
  return changeRule(db, change, now, to, async (_tx, rule) => {
    const ownerId = change.ownerId ?? rule.ownerId;
    if (rule.status === 'accepted' && rule.killBy === change.killBy && rule.ownerId === ownerId)
      return { ok: false, reason: 'unchanged' };
    const note = change.note?.trim() || null;
    return {
      changes: {
        status: 'accepted',
        killBy: change.killBy,
        ownerId,
        decisionNote: note,
        decidedAt: now,
        duplicateOfId: null,
      },
      // The owner this decision names is in its audit row (History shows it).
      event: { action: 'status', toStatus: 'accepted', note, ownerId },
    };
  });
}

/**
 * The owner named by a change hears what they own and by when, once per change (the key names the audit
 * row): a new owner, or an accepted rule that has one. Nobody else is told anything here.
 */
function ownerMessages(rule: Rule, event: RuleEvent): OutboxItem[] {
  const ownerId =
    event.action === 'owner'
      ? event.ownerId
      : event.action === 'status' && event.toStatus === 'accepted'
        ? rule.ownerId
        : null;
  if (!ownerId) return [];
  return [
    {
      key: outboxKey('rule', rule.id, 'event', event.id, 'owner', ownerId),
      method: 'chat.postMessage',
      channel: ownerId,
      render: { name: RULES_RENDER.ownerDm, input: { eventId: event.id, ownerId } },
    },
  ];
}

/** How many of what they own a person's App Home lists. */
export const OWNED_LIMIT = 8;

/** What a person owns and is still open (new, under review, accepted), kill-by first, overdue marked. */
export async function listOwnedRulesFor(
  db: Db,
  config: Config,
  userId: string,
  now: Date,
): Promise<(RuleItem & { overdue: boolean })[]> {
  const today = localDateKey(now, config.timeZone);
  const items = await withCountsAndStages(db, await listOwnedRules(db, userId, OWNED_LIMIT));
  return items.map((item) => ({ ...item, overdue: isOverdue(item.rule, today) }));
}

/**
 * Each working-day morning: accepted rules past their kill-by date are called out, once a day, in one
 * message in the backlog channel (the CX office) and one DM to each owner listing theirs; each card is
 * updated so it shows the rule as overdue. Keys name the day, so replicas and later ticks add nothing.
 */
export async function queueOverdueCallOut(db: Db, config: Config, now: Date): Promise<{ queued: number }> {
  if (!isWorkingDay(inZone(now, config.timeZone))) return { queued: 0 };
  const day = localDateKey(now, config.timeZone);
  const overdue = await listOverdueAcceptedRules(db, day);
  if (overdue.length === 0) return { queued: 0 };
  const byOwner = new Map<string, number[]>();
  for (const rule of overdue) {
    if (rule.ownerId) byOwner.set(rule.ownerId, [...(byOwner.get(rule.ownerId) ?? []), rule.id]);
  }
  await enqueue(
    db,
    [
      ...overdue.flatMap((rule) => cardUpdate(rule, config)),
      {
        key: outboxKey('rules', 'overdue', day),
        method: 'chat.postMessage',
        channel: config.backlogChannel,
        render: { name: RULES_RENDER.overdueRules, input: { ruleIds: overdue.map((rule) => rule.id) } },
      },
      ...[...byOwner].map(
        ([ownerId, ruleIds]): OutboxItem => ({
          key: outboxKey('rules', 'overdue', day, 'owner', ownerId),
          method: 'chat.postMessage',
          channel: ownerId,
          render: { name: RULES_RENDER.ownerOverdueDm, input: { ruleIds } },
        }),
      ),
    ],
    now,
  );
  return { queued: overdue.length };
}
