import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * Every Slack side effect that is not the immediate answer to a request (cards, card updates, thread
 * lines, DMs, digest posts, uploads). A row is written in the same transaction as the change that causes
 * it and sent by the worker of any replica (`src/outbox/outbox.worker.ts`).
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What this message is, e.g. `rule:42:event:7:dm:U0…`: enqueuing the same key twice is harmless. */
    key: text('key').notNull(),
    /** Items of one lane go out one at a time in id order (one channel: a card before its thread line). */
    lane: text('lane').notNull(),
    /** The Web API method: `chat.postMessage`, `chat.update` or `files.uploadV2`. */
    method: text('method').notNull(),
    /** The call's arguments, or the input of `render` when the message is rendered at send time. */
    payload: jsonb('payload').notNull(),
    /** A renderer registered by a feature that builds the arguments when sent (a card shows its latest state). */
    render: text('render'),
    /** Another item's key whose message this one threads under (`thread_ts`) or updates (`ts`). */
    parentKey: text('parent_key'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    /** Failed attempts (a 429 is not a failure: it waits its Retry-After). */
    attempts: integer('attempts').notNull().default(0),
    /**
     * Enqueued with `again` (a card update showing the latest state): sent again on request, and never
     * holds up the later items of its lane while it waits its turn.
     */
    repeatable: boolean('repeatable').notNull().default(false),
    /** Bumped when the same key is enqueued again while queued or sent (card updates coalesce). */
    revision: integer('revision').notNull().default(0),
    notBefore: timestamp('not_before', { withTimezone: true }).notNull(),
    /** While `sending`: the lease. A claim past it belongs to a dead process and may be taken over. */
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    /** When a send last started: set before calling Slack, so a takeover knows it may have arrived. */
    attemptedAt: timestamp('attempted_at', { withTimezone: true }),
    /**
     * True from the moment a send starts until its outcome is known. A row taken over while true (its
     * process died, or the answer never came) may already be in Slack: the worker looks before resending.
     */
    uncertain: boolean('uncertain').notNull().default(false),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Slack's answer that others need: `{ channel, ts }` of a posted message. */
    result: jsonb('result'),
    /** The last error, safe for the CX office to read (no user text, no IDs). */
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('outbox_key_unique').on(table.key),
    index('outbox_due_idx').on(table.notBefore).where(sql`${table.status} in ('pending', 'sending')`),
    index('outbox_lane_idx').on(table.lane, table.id).where(sql`${table.status} in ('pending', 'sending')`),
    index('outbox_dead_idx').on(table.id).where(sql`${table.status} = 'dead'`),
  ],
);

/** Slack event IDs already handled: a retried delivery of the same event does nothing twice. */
export const seenSlackEvents = pgTable(
  'seen_slack_events',
  {
    eventId: text('event_id').primaryKey(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('seen_slack_events_seen_at_idx').on(table.seenAt)],
);
