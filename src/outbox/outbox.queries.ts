import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import type { OutboxItem, PostedMessage } from './outbox.js';
import { type OutboxStatus, outbox, seenSlackEvents } from './outbox.schema.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** Several sends of one key asked for while it waits are one send, at most one per this interval. */
export const AGAIN_INTERVAL_MS = 1_000;

export async function insertOutboxItems(db: DbOrTx, items: OutboxItem[], now: Date): Promise<void> {
  const rows = (list: OutboxItem[]) =>
    list.map((item) => ({
      key: item.key,
      lane: item.lane ?? item.channel,
      method: item.method,
      payload: item.render
        ? { channel: item.channel, input: item.render.input }
        : { channel: item.channel, args: item.args ?? {} },
      render: item.render?.name ?? null,
      parentKey: item.parentKey ?? null,
      repeatable: item.again === true,
      notBefore: item.notBefore ?? now,
      createdAt: now,
    }));
  // In the order given (ids order a lane): runs of plain items, then runs of repeatable ones.
  for (let start = 0; start < items.length; ) {
    const again = items[start]?.again === true;
    let end = start;
    while (end < items.length && (items[end]?.again === true) === again) end += 1;
    const run = items.slice(start, end);
    start = end;
    if (!again) {
      await db.insert(outbox).values(rows(run)).onConflictDoNothing();
      continue;
    }
    // Queued still: it renders the latest state when sent, nothing to do but note the new revision (a send
    // in flight sees it and goes again). Sent or dead: queue it again, a second after the last send.
    await db
      .insert(outbox)
      .values(rows(run))
      .onConflictDoUpdate({
        target: outbox.key,
        set: {
          revision: sql`${outbox.revision} + 1`,
          payload: sql`excluded.payload`,
          status: sql`case when ${outbox.status} in ('sent', 'dead') then 'pending' else ${outbox.status} end`,
          attempts: sql`case when ${outbox.status} in ('sent', 'dead') then 0 else ${outbox.attempts} end`,
          notBefore: sql`case when ${outbox.status} in ('sent', 'dead')
            then greatest(excluded.not_before, coalesce(${outbox.sentAt}, excluded.not_before) + ${`${AGAIN_INTERVAL_MS} milliseconds`}::interval)
            else ${outbox.notBefore} end`,
        },
      });
  }
}

export interface ClaimedRow extends OutboxRow {
  /** It was `uncertain` when claimed: an earlier attempt may have reached Slack. */
  maybeSent: boolean;
}

/**
 * Claims up to `limit` items that are due, each the first unfinished item of its lane (found in one pass
 * over the lane index: a per-row "anything earlier?" check made a long lane quadratic), skipping rows
 * other workers hold (`FOR UPDATE SKIP LOCKED`: the same SQL on PGlite and PostgreSQL). A `sending` row
 * whose lease ran out belongs to a process that died: it is taken over. The claim is committed before
 * anything is sent, and marks the row `uncertain` until the outcome is known.
 */
export async function claimDueItems(
  db: DbOrTx,
  now: Date,
  limit: number,
  leaseMs: number,
  excludeMethods: string[] = [],
): Promise<ClaimedRow[]> {
  const excluded =
    excludeMethods.length > 0
      ? sql`and o.method not in (${sql.join(
          excludeMethods.map((method) => sql`${method}`),
          sql`, `,
        )})`
      : sql``;
  // Raw SQL: postgres.js takes no Date objects as parameters, so times go as ISO text, cast.
  const at = sql`${now.toISOString()}::timestamptz`;
  const leaseEnd = sql`${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz`;
  const result = await db.execute(sql`
    with heads as (
      select distinct on (lane) lane, id as head_id from outbox
      where status in ('pending', 'sending') and not repeatable
      order by lane, id
    ),
    picked as (
      select o.id, o.uncertain as was_uncertain from outbox o
      left join heads h on h.lane = o.lane
      where o.status in ('pending', 'sending') and o.not_before <= ${at}
        and (o.status = 'pending' or o.claimed_until < ${at})
        ${excluded}
        and (h.head_id is null or h.head_id >= o.id)
      order by o.not_before, o.id
      limit ${limit}
      for update of o skip locked
    )
    update outbox set status = 'sending', claimed_until = ${leaseEnd}, attempted_at = ${at}, uncertain = true
    from picked where outbox.id = picked.id
    returning outbox.id, picked.was_uncertain`);
  return claimedRows(db, result);
}

/**
 * Claims the next item of one lane when it is due (the worker goes on down a lane it is sending: a queue
 * of cards in one channel then costs one cheap query each, not a claim over the whole outbox).
 */
export async function claimNextInLane(
  db: DbOrTx,
  lane: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimedRow | undefined> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const leaseEnd = sql`${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz`;
  const result = await db.execute(sql`
    with head as (
      select id from outbox
      where lane = ${lane} and status in ('pending', 'sending') and not repeatable
      order by id limit 1
    ),
    picked as (
      select o.id, o.uncertain as was_uncertain from outbox o join head on head.id = o.id
      where o.not_before <= ${at} and (o.status = 'pending' or o.claimed_until < ${at})
      for update of o skip locked
    )
    update outbox set status = 'sending', claimed_until = ${leaseEnd}, attempted_at = ${at}, uncertain = true
    from picked where outbox.id = picked.id
    returning outbox.id, picked.was_uncertain`);
  return (await claimedRows(db, result))[0];
}

/** The full rows of what a claim returned, with whether each was uncertain, in sending order. */
async function claimedRows(db: DbOrTx, result: unknown): Promise<ClaimedRow[]> {
  const claimed = rowsOf(result) as { id: number | string; was_uncertain: boolean }[];
  if (claimed.length === 0) return [];
  const ids = claimed.map((row) => Number(row.id));
  const full = await db.select().from(outbox).where(inArray(outbox.id, ids));
  const maybe = new Map(claimed.map((row) => [Number(row.id), row.was_uncertain]));
  return full
    .map((row) => ({ ...row, maybeSent: maybe.get(row.id) === true }))
    .sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id);
}

/** postgres.js returns the rows as an array; PGlite as `{ rows }`. */
export function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  return (result as { rows?: unknown[] }).rows ?? [];
}

/**
 * Sent. If the key was asked for again while it was being sent (a newer revision), it goes once more
 * a little later, rendered afresh.
 */
export async function markSent(
  db: DbOrTx,
  row: Pick<OutboxRow, 'id' | 'revision'>,
  now: Date,
  result: PostedMessage | null,
): Promise<void> {
  await db
    .update(outbox)
    .set({
      status: sql`case when ${outbox.revision} = ${row.revision} then 'sent' else 'pending' end`,
      notBefore: sql`case when ${outbox.revision} = ${row.revision} then ${outbox.notBefore}
        else ${new Date(now.getTime() + AGAIN_INTERVAL_MS).toISOString()}::timestamptz end`,
      sentAt: now,
      uncertain: false,
      claimedUntil: null,
      lastError: null,
      ...(result ? { result } : {}),
    })
    .where(eq(outbox.id, row.id));
}

/** Not sent: try again at `retryAt`, or give up (`dead`). `uncertain` stays when Slack may have it. */
export async function markFailed(
  db: DbOrTx,
  id: number,
  outcome: { retryAt: Date | null; error: string; countsAsAttempt: boolean; uncertain: boolean },
): Promise<void> {
  await db
    .update(outbox)
    .set({
      status: outcome.retryAt ? 'pending' : 'dead',
      notBefore: outcome.retryAt ?? sql`${outbox.notBefore}`,
      attempts: outcome.countsAsAttempt ? sql`${outbox.attempts} + 1` : sql`${outbox.attempts}`,
      uncertain: outcome.uncertain,
      claimedUntil: null,
      lastError: outcome.error.slice(0, 500),
    })
    .where(eq(outbox.id, id));
}

/** Keeps a claim alive while its send waits (Retry-After of another call, a slow Slack). */
export async function extendClaim(db: DbOrTx, ids: number[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(outbox)
    .set({ claimedUntil: until })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'sending')));
}

/** Removes an item nobody has started to send; false when it is gone, sending or sent already. */
export async function deletePendingOutboxItem(db: DbOrTx, key: string): Promise<boolean> {
  const rows = await db
    .delete(outbox)
    .where(and(eq(outbox.key, key), eq(outbox.status, 'pending'), eq(outbox.attempts, 0)))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

export async function findOutboxItemByKey(db: DbOrTx, key: string): Promise<OutboxRow | undefined> {
  const rows = await db.select().from(outbox).where(eq(outbox.key, key)).limit(1);
  return rows[0];
}

export async function countOutboxByStatus(db: DbOrTx): Promise<Record<OutboxStatus, number>> {
  const rows = await db
    .select({ status: outbox.status, n: count() })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'sending', 'dead']))
    .groupBy(outbox.status);
  const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, dead: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/**
 * The outbox's figures for `/metrics`, in one statement. Each part reads only what a partial index holds
 * (`outbox_due_idx`, `outbox_dead_idx`), never the sent rows, which grow for ever: the statuses are
 * written in the SQL, not passed as parameters, so the planner can match them to the indexes' conditions.
 */
export async function countOutboxBacklog(
  db: DbOrTx,
  now: Date,
): Promise<{ waiting: number; oldestDueSeconds: number; dead: number }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const result = await db.execute(sql`
    select
      (select count(*) from outbox where status in ('pending', 'sending')) as waiting,
      (select extract(epoch from ${at} - min(not_before)) from outbox
        where status in ('pending', 'sending') and not_before <= ${at}) as oldest_due_seconds,
      (select count(*) from outbox where status = 'dead') as dead`);
  const row = rowsOf(result)[0] as { waiting: unknown; oldest_due_seconds: unknown; dead: unknown };
  return {
    waiting: Number(row.waiting),
    oldestDueSeconds: row.oldest_due_seconds === null ? 0 : Number(row.oldest_due_seconds),
    dead: Number(row.dead),
  };
}

/** Dead letters, newest first: `limit` of them after the first `offset` (a page). */
export async function listDeadItems(db: DbOrTx, limit: number, offset = 0): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(eq(outbox.status, 'dead'))
    .orderBy(desc(outbox.id))
    .limit(limit)
    .offset(offset);
}

/** Puts dead letters back in the queue (all, or the given ones); returns how many. */
export async function retryDeadItems(db: DbOrTx, now: Date, ids?: number[]): Promise<number> {
  const rows = await db
    .update(outbox)
    .set({ status: 'pending', attempts: 0, notBefore: now, lastError: null })
    .where(and(eq(outbox.status, 'dead'), ids ? inArray(outbox.id, ids) : undefined))
    .returning({ id: outbox.id });
  return rows.length;
}

/** Records a Slack event ID; false when it was seen already (a retried delivery). */
export async function recordSlackEvent(db: DbOrTx, eventId: string, now: Date): Promise<boolean> {
  const rows = await db
    .insert(seenSlackEvents)
    .values({ eventId, seenAt: now })
    .onConflictDoNothing()
    .returning({ eventId: seenSlackEvents.eventId });
  return rows.length > 0;
}

/** Forgets event IDs older than `before`: Slack retries an event within minutes, never after hours. */
export async function pruneSeenSlackEvents(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(seenSlackEvents).where(lt(seenSlackEvents.seenAt, before));
}
