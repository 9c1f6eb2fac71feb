import type { DbOrTx } from '../db/client.js';
import { deletePendingOutboxItem, insertOutboxItems } from './outbox.queries.js';

/**
 * The durable outbox: how a change says which Slack messages it causes. Call `enqueue` inside the
 * transaction of the change; the worker (`outbox.worker.ts`) in any replica sends the rows, paced to
 * Slack's limits, retried through outages and restarts, once. No Slack client is needed to enqueue, so
 * services call it.
 */

export type OutboxMethod = 'chat.postMessage' | 'chat.update' | 'files.uploadV2';

/** Slack's answer to a posted message, kept on the row for the items that thread under or update it. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface OutboxItem {
  /**
   * What this message is, unique for ever, e.g. `rule:42:event:7:dm:U0EMPL0001`. A second enqueue of the
   * same key changes nothing (a replayed request, a job run twice), unless `again` is set.
   */
  key: string;
  method: OutboxMethod;
  /**
   * Where it goes: a channel ID, or a user ID for a DM (Slack opens the DM). For `chat.update` and thread
   * lines with a `parentKey`, the parent's channel is used and this only names the lane.
   */
  channel: string;
  /** Items of one lane are sent one at a time, in order. Default: the channel. */
  lane?: string;
  /** The call's arguments besides `channel` (text, blocks…): the message as rendered now. */
  args?: Record<string, unknown>;
  /** Or a renderer (a feature's `OutboxRenderer`) and its input: the message as it is when sent. */
  render?: { name: string; input: Record<string, unknown> };
  /** `chat.postMessage`: thread under the message that item posted; `chat.update`: update it. */
  parentKey?: string;
  /** Not before this time (default: now). */
  notBefore?: Date;
  /**
   * Enqueue again although the key exists: it is rendered and sent once more (a card update after each
   * vote). Requests that arrive while it waits are one send: at most one per `againAfterMs` and key.
   */
  again?: boolean;
}

/** A feature's renderer: builds a message when it is sent, and may record what Slack answered. */
export interface OutboxRenderer {
  name: string;
  /** The call's arguments (without `channel`), or null when there is nothing to send any more. */
  render(db: DbOrTx, input: Record<string, unknown>, now: Date): Promise<Record<string, unknown> | null>;
  /** Called after a successful `chat.postMessage`, e.g. to keep the card's ts on the nomination. */
  sent?(db: DbOrTx, input: Record<string, unknown>, posted: PostedMessage): Promise<void>;
}

/**
 * Writes the items; call it with the transaction of the change that causes them. Bytes (a picture, a file)
 * are never stored: an upload names a renderer that builds them when it is sent.
 */
export async function enqueue(db: DbOrTx, items: OutboxItem[], now: Date): Promise<void> {
  if (items.length === 0) return;
  // Only uploads are looked through: messages (the hot path of a fan-out) carry no files.
  const withBytes = items.find(
    (item) => item.method === 'files.uploadV2' && (holdsBytes(item.args) || holdsBytes(item.render?.input)),
  );
  if (withBytes) throw new Error('outbox: an upload would store bytes; name a renderer that builds them');
  await insertOutboxItems(db, items, now);
  notifyEnqueued();
}

/**
 * Takes back a queued item that is no longer wanted (e.g. a confirmation DM when the person saw the
 * confirmation where they were): only while nobody has started to send it. Returns whether it was taken back.
 */
export function cancelQueued(db: DbOrTx, key: string): Promise<boolean> {
  return deletePendingOutboxItem(db, key);
}

/** Whether a value holds binary data anywhere (a Buffer or another typed array), which JSON would mangle. */
function holdsBytes(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || depth > 8) return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => holdsBytes(child, depth + 1));
}

// The worker of this process wakes at once for items this process wrote; other replicas poll.
const listeners = new Set<() => void>();
function notifyEnqueued(): void {
  for (const wake of listeners) wake();
}

/** The worker's wake-up call (returns its removal). */
export function onEnqueued(wake: () => void): () => void {
  listeners.add(wake);
  return () => listeners.delete(wake);
}

/** Keys of the messages a change causes, built in one place so the same thing always has the same key. */
export const outboxKey = (...parts: (string | number)[]): string => parts.join(':');
