import type { DbOrTx } from '../../db/client.js';
import {
  countOutboxByStatus,
  listDeadItems,
  type OutboxRow,
  retryDeadItems,
} from '../../outbox/outbox.queries.js';
import { type Page, pageAt } from '../../paging.js';
import { periodInWords } from '../../time.js';
import { listRuleNumbers } from './delivery.queries.js';

/**
 * Delivery as the CX office sees it: what waits in the outbox, and the dead letters (messages that failed
 * too often, or that Slack refused for good) with a way to put them back in the queue.
 *
 * A dead letter is described by what kind of message it was, from the fixed words of its key, never by
 * its recipient or its text: a nomination's outcome DM goes to its submitter, who may be anonymous, and
 * the key ends in their user ID. Nothing of a key but those words, IDs of nominations and stories, and
 * week labels reaches the CX office.
 */

/** How many dead letters `/touchpoint health` lists (each is a block with a Retry button). */
export const LATEST_DEAD_LETTERS = 10;

export interface DeadLetter {
  id: number;
  /** What kind of message it was, e.g. "outcome DM for RULE-42". */
  kind: string;
  /** When it was last tried (or queued, if it never was). */
  at: Date;
  attempts: number;
  /** Slack's or the network's reason, without IDs. */
  error: string | null;
}

export interface DeliveryHealth {
  waiting: number;
  sending: number;
  dead: number;
  latest: DeadLetter[];
}

interface KeyDescription {
  label: string;
  /** The nomination it is about, by row ID: shown as its RULE number. */
  ruleId?: number;
}

const number = (part: string | undefined): number | undefined =>
  part !== undefined && /^\d{1,12}$/.test(part) ? Number(part) : undefined;

// A week or a day as the features write them in keys (2026-W48, 2026-11-23): safe to show, in words.
const period = (part: string | undefined): string | undefined =>
  part !== undefined && /^\d{4}-(W\d{2}|\d{2}(-\d{2})?)$/.test(part) ? part : undefined;
const forPeriod = (part: string | undefined) => {
  const key = period(part);
  return key ? ` for ${periodInWords(key)}` : '';
};

/**
 * What an outbox key says about its message, in the product's words. Keys are built by the features
 * (`outboxKey`); an unknown shape says only "a message", so a new kind of key can never leak who it was for.
 */
export function describeOutboxKey(key: string, method: string): KeyDescription {
  const parts = key.split(':');
  const [kind, second, third, fourth] = parts;
  switch (kind) {
    case 'rule': {
      const ruleId = number(second);
      if (ruleId === undefined) break;
      const rest = parts.slice(2);
      const label =
        rest[0] === 'card'
          ? rest[1] === 'update'
            ? 'backlog card update'
            : 'backlog card'
          : rest[0] === 'submitted'
            ? 'confirmation DM'
            : rest[0] === 'event'
              ? rest[2] === 'thread'
                ? 'thread line'
                : rest[2] === 'dm'
                  ? 'outcome DM'
                  : rest[2] === 'owner'
                    ? 'DM to its owner'
                    : 'decision message'
              : 'message';
      return { label, ruleId };
    }
    case 'rules':
      if (second === 'aging') return { label: `aging list${forPeriod(third)}` };
      // `rules:voters:<day>:<user>`: a voter's daily summary (never who it was for).
      if (second === 'voters') return { label: `voter’s daily summary${forPeriod(third)}` };
      // `rules:overdue:<day>` (the CX office's list), `rules:overdue:<day>:owner:<user>` (never named).
      if (second === 'overdue')
        return {
          label:
            fourth === 'owner'
              ? `overdue reminder to an owner${forPeriod(third)}`
              : `overdue list${forPeriod(third)}`,
        };
      break;
    case 'story': {
      const storyId = number(second);
      if (storyId === undefined) break;
      const label =
        third === 'card'
          ? fourth === 'update'
            ? 'story card update'
            : 'story card'
          : third === 'dm'
            ? 'DM to the teller'
            : 'message';
      return { label: `${label} for customer story #${storyId}` };
    }
    case 'calls':
      if (second === 'nudge') return { label: `nudge${forPeriod(fourth)}` };
      if (second === 'call')
        return {
          label: fourth === 'followups' ? 'follow-ups DM to their owner' : 'thank-you for a logged call',
        };
      // `calls:followups:due:<owner>:<day>:<id>` (one DM per owner and day); `calls:followup:<id>:…` before.
      if (second === 'followups') return { label: 'follow-up reminder' };
      if (second === 'followup')
        return { label: fourth === 'due' ? 'follow-up reminder' : 'follow-up DM to its owner' };
      if (second === 'summary') return { label: `calls summary to the CX office${forPeriod(third)}` };
      break;
    case 'digest': {
      const when = forPeriod(second);
      if (third === 'headline')
        return { label: fourth === 'thread' ? `weekly update thread line${when}` : `weekly update${when}` };
      if (third === 'again') return { label: `weekly update posted again${when}` };
      if (third === 'nothing') return { label: `“nothing to say” DM to the CX office${when}` };
      return { label: `weekly update notice to the CX office${when}` };
    }
  }
  if (method === 'files.uploadV2') return { label: 'file' };
  if (method === 'chat.update') return { label: 'message update' };
  return { label: 'message' };
}

/**
 * The outbox writes only safe reasons (Slack's error codes, HTTP statuses); IDs are masked here all the
 * same, since the CX office reads this and a submitter may be anonymous.
 */
export function safeDeliveryError(error: string | null): string | null {
  if (error === null || error.trim() === '') return null;
  return error.replace(/\b[UWDCGS][A-Z0-9]{6,}\b/g, '[id]').slice(0, 300);
}

async function describeDeadLetters(db: DbOrTx, rows: OutboxRow[]): Promise<DeadLetter[]> {
  const described = rows.map((row) => ({ row, description: describeOutboxKey(row.key, row.method) }));
  const ruleIds = [
    ...new Set(described.flatMap(({ description }) => (description.ruleId ? [description.ruleId] : []))),
  ];
  const numbers = await listRuleNumbers(db, ruleIds);
  return described.map(({ row, description }) => {
    const ruleNumber = description.ruleId === undefined ? undefined : numbers.get(description.ruleId);
    const about =
      description.ruleId === undefined ? '' : ruleNumber ? ` for RULE-${ruleNumber}` : ' for a suggestion';
    return {
      id: row.id,
      kind: `${description.label}${about}`,
      at: row.attemptedAt ?? row.createdAt,
      attempts: row.attempts,
      error: safeDeliveryError(row.lastError),
    };
  });
}

export async function readDeliveryHealth(db: DbOrTx, limit = LATEST_DEAD_LETTERS): Promise<DeliveryHealth> {
  const [counts, dead] = await Promise.all([countOutboxByStatus(db), listDeadItems(db, limit)]);
  return {
    waiting: counts.pending,
    sending: counts.sending,
    dead: counts.dead,
    latest: await describeDeadLetters(db, dead),
  };
}

/** How many dead letters the "See all" modal of `/touchpoint health` shows at once. */
export const DEAD_LETTERS_PAGE_SIZE = 20;

/** One page of the dead letters, newest first: paged in SQL, counted in one query. */
export async function deadLettersPage(
  db: DbOrTx,
  requested: number,
): Promise<{ letters: DeadLetter[]; page: Page }> {
  const page = pageAt(requested, DEAD_LETTERS_PAGE_SIZE, (await countOutboxByStatus(db)).dead);
  const rows = await listDeadItems(db, page.size, page.offset);
  return { letters: await describeDeadLetters(db, rows), page };
}

export async function countDeadLetters(db: DbOrTx): Promise<number> {
  return (await countOutboxByStatus(db)).dead;
}

/**
 * Puts one dead letter, or all of them, back in the queue; returns how many went back and the health
 * after it (what the person who clicked Retry sees next).
 */
export async function retryDeadLetters(
  db: DbOrTx,
  which: 'all' | number,
  now: Date,
): Promise<{ retried: number; health: DeliveryHealth }> {
  const retried = await retryDeadItems(db, now, which === 'all' ? undefined : [which]);
  return { retried, health: await readDeliveryHealth(db) };
}
