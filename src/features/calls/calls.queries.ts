import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { calls, executives, followUps, nudges } from './calls.schema.js';

export type Executive = typeof executives.$inferSelect;
export type Call = typeof calls.$inferSelect;
export type NewCall = typeof calls.$inferInsert;
export type FollowUp = typeof followUps.$inferSelect;

/** Adds or refreshes a roster row; `keep…` leaves a stored value alone (Slack did not tell us). */
export async function upsertExecutive(
  db: DbOrTx,
  row: { userId: string; timeZone: string; name: string | null; active: boolean; syncedAt: Date },
  options: { keepTimeZone: boolean; keepActive: boolean } = { keepTimeZone: false, keepActive: false },
) {
  await db
    .insert(executives)
    .values(row)
    .onConflictDoUpdate({
      target: executives.userId,
      set: {
        ...(options.keepTimeZone ? {} : { timeZone: row.timeZone }),
        ...(row.name === null ? {} : { name: row.name }),
        ...(options.keepActive ? {} : { active: row.active }),
        syncedAt: row.syncedAt,
      },
    });
}

export async function deactivateExecutivesNotIn(db: DbOrTx, userIds: string[], now: Date) {
  const notListed = userIds.length === 0 ? undefined : notInArray(executives.userId, userIds);
  await db
    .update(executives)
    .set({ active: false, syncedAt: now })
    .where(and(eq(executives.active, true), notListed));
}

export async function listActiveExecutives(db: DbOrTx): Promise<Executive[]> {
  return db.select().from(executives).where(eq(executives.active, true)).orderBy(asc(executives.userId));
}

/** One page of the active roster, in the roster's order (by user ID). */
export async function listActiveExecutivesPage(
  db: DbOrTx,
  page: { limit: number; offset: number },
): Promise<Executive[]> {
  return db
    .select()
    .from(executives)
    .where(eq(executives.active, true))
    .orderBy(asc(executives.userId))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countActiveExecutives(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(executives)
    .where(eq(executives.active, true));
  return Number(row?.n ?? 0);
}

export async function findExecutive(db: DbOrTx, userId: string): Promise<Executive | undefined> {
  const [row] = await db.select().from(executives).where(eq(executives.userId, userId));
  return row;
}

export async function updateExecutive(
  db: DbOrTx,
  userId: string,
  changes: Partial<typeof executives.$inferInsert>,
) {
  await db.update(executives).set(changes).where(eq(executives.userId, userId));
}

export async function insertCall(db: DbOrTx, call: NewCall): Promise<Call | undefined> {
  const [row] = await db.insert(calls).values(call).onConflictDoNothing().returning();
  return row;
}

export async function findCallByIdempotencyKey(db: DbOrTx, key: string): Promise<Call | undefined> {
  const [row] = await db.select().from(calls).where(eq(calls.idempotencyKey, key));
  return row;
}

export async function insertFollowUps(
  db: DbOrTx,
  rows: (typeof followUps.$inferInsert)[],
): Promise<FollowUp[]> {
  return rows.length === 0 ? [] : db.insert(followUps).values(rows).returning();
}

/** Calls logged per person with a call date in [from, to] (YYYY-MM-DD), in one query. */
export async function countCallsBetween(
  db: DbOrTx,
  userIds: string[],
  from: string,
  to: string,
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ userId: calls.loggedBy, n: sql<number>`count(*)::int` })
    .from(calls)
    .where(and(inArray(calls.loggedBy, userIds), gte(calls.callDate, from), lte(calls.callDate, to)))
    .groupBy(calls.loggedBy);
  return new Map(rows.map((row) => [row.userId, Number(row.n)]));
}

export async function listRecentCalls(db: DbOrTx, userId: string, limit: number): Promise<Call[]> {
  return db
    .select()
    .from(calls)
    .where(eq(calls.loggedBy, userId))
    .orderBy(desc(calls.callDate), desc(calls.id))
    .limit(limit);
}

export async function listCallsBetween(db: DbOrTx, from: string, to: string): Promise<Call[]> {
  return db
    .select()
    .from(calls)
    .where(and(gte(calls.callDate, from), lte(calls.callDate, to)))
    .orderBy(asc(calls.callDate));
}

/** Who logged calls in the window (by when they were logged), for the weekly update. */
export async function countCallsLoggedBetween(
  db: DbOrTx,
  start: Date,
  end: Date,
): Promise<{ userId: string; calls: number }[]> {
  const rows = await db
    .select({ userId: calls.loggedBy, n: sql<number>`count(*)::int` })
    .from(calls)
    .where(and(gte(calls.createdAt, start), lt(calls.createdAt, end)))
    .groupBy(calls.loggedBy)
    .orderBy(desc(sql`count(*)`), asc(calls.loggedBy));
  return rows.map((row) => ({ userId: row.userId, calls: Number(row.n) }));
}

export async function listOpenFollowUps(db: DbOrTx, ownerId?: string): Promise<FollowUp[]> {
  return db
    .select()
    .from(followUps)
    .where(ownerId ? and(isNull(followUps.doneAt), eq(followUps.ownerId, ownerId)) : isNull(followUps.doneAt))
    .orderBy(asc(followUps.dueDate), asc(followUps.id));
}

/** One page of someone's open follow-ups, soonest due first (App Home). */
export async function listOpenFollowUpsPage(
  db: DbOrTx,
  ownerId: string,
  page: { limit: number; offset: number },
): Promise<FollowUp[]> {
  return db
    .select()
    .from(followUps)
    .where(and(isNull(followUps.doneAt), eq(followUps.ownerId, ownerId)))
    .orderBy(asc(followUps.dueDate), asc(followUps.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countOpenFollowUps(db: DbOrTx, ownerId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(followUps)
    .where(and(isNull(followUps.doneAt), eq(followUps.ownerId, ownerId)));
  return Number(row?.n ?? 0);
}

/**
 * Open follow-ups not reminded yet, due in [earliestDue, latestDue] (the dates "today" can be anywhere on
 * Earth now): candidates; the owner's zone decides. Older ones are past their morning and never block these.
 */
export async function listFollowUpsToRemind(
  db: DbOrTx,
  earliestDue: string,
  latestDue: string,
): Promise<FollowUp[]> {
  return db
    .select()
    .from(followUps)
    .where(
      and(
        isNull(followUps.doneAt),
        isNull(followUps.remindedOn),
        gte(followUps.dueDate, earliestDue),
        lte(followUps.dueDate, latestDue),
      ),
    )
    .orderBy(asc(followUps.id))
    .limit(500);
}

/** Exactly one caller gets the row: it sends the reminder. */
export async function claimFollowUpReminder(
  db: DbOrTx,
  id: number,
  day: string,
): Promise<FollowUp | undefined> {
  const [row] = await db
    .update(followUps)
    .set({ remindedOn: day })
    .where(and(eq(followUps.id, id), isNull(followUps.remindedOn), isNull(followUps.doneAt)))
    .returning();
  return row;
}

export async function markFollowUpDone(
  db: DbOrTx,
  id: number,
  ownerId: string,
  now: Date,
): Promise<FollowUp | undefined> {
  const [row] = await db
    .update(followUps)
    .set({ doneAt: now })
    .where(and(eq(followUps.id, id), eq(followUps.ownerId, ownerId), isNull(followUps.doneAt)))
    .returning();
  return row;
}

/**
 * Records this week's nudge for each executive (the primary key: one per executive and week); returns
 * those recorded by this call. A row an older version left unsent ('sending', 'failed') is taken over.
 */
export async function recordNudges(
  db: DbOrTx,
  rows: { executiveId: string; week: string }[],
  now: Date,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const recorded = await db
    .insert(nudges)
    .values(rows.map((row) => ({ ...row, status: 'sent' as const, claimedAt: now, sentAt: now })))
    .onConflictDoUpdate({
      target: [nudges.executiveId, nudges.week],
      set: { status: 'sent', claimedAt: now, sentAt: now },
      setWhere: ne(nudges.status, 'sent'),
    })
    .returning({ executiveId: nudges.executiveId });
  return new Set(recorded.map((row) => row.executiveId));
}

/** Executives whose nudge for their week is recorded (and so queued): one query for the whole roster. */
export async function listNudgedThisWeek(
  db: DbOrTx,
  weeks: { executiveId: string; week: string }[],
): Promise<Set<string>> {
  if (weeks.length === 0) return new Set();
  const rows = await db
    .select({ executiveId: nudges.executiveId, week: nudges.week, status: nudges.status })
    .from(nudges)
    .where(
      inArray(
        nudges.executiveId,
        weeks.map((w) => w.executiveId),
      ),
    );
  const wanted = new Map(weeks.map((w) => [w.executiveId, w.week]));
  return new Set(
    rows
      .filter((row) => wanted.get(row.executiveId) === row.week && row.status === 'sent')
      .map((row) => row.executiveId),
  );
}

export async function listAllCalls(db: DbOrTx): Promise<Call[]> {
  return db.select().from(calls).orderBy(asc(calls.id));
}

export async function listAllFollowUps(db: DbOrTx): Promise<FollowUp[]> {
  return db.select().from(followUps).orderBy(asc(followUps.id));
}

export async function findCall(db: DbOrTx, id: number): Promise<Call | undefined> {
  const [row] = await db.select().from(calls).where(eq(calls.id, id));
  return row;
}

export async function updateFollowUpOwnerZone(db: DbOrTx, ownerId: string, timeZone: string, ids: number[]) {
  if (ids.length === 0) return;
  await db
    .update(followUps)
    .set({ ownerTimeZone: timeZone })
    .where(and(eq(followUps.ownerId, ownerId), inArray(followUps.id, ids)));
}

/** Follow-ups by id, each with the call it came from, in id order (a follow-up DM re-rendered). */
export async function listFollowUpsWithCalls(
  db: DbOrTx,
  ids: number[],
): Promise<{ followUp: FollowUp; call: Call }[]> {
  if (ids.length === 0) return [];
  return db
    .select({ followUp: followUps, call: calls })
    .from(followUps)
    .innerJoin(calls, eq(calls.id, followUps.callId))
    .where(inArray(followUps.id, ids))
    .orderBy(asc(followUps.id));
}

/**
 * Snoozes an executive until `until` unless a snooze is in force at `now` (a double click, a second
 * device: the first snooze stands). Returns the snooze in force afterwards (null: not on the roster).
 */
export async function snoozeExecutive(
  db: DbOrTx,
  userId: string,
  until: Date,
  now: Date,
): Promise<Date | null> {
  await db
    .update(executives)
    .set({ snoozedUntil: until })
    .where(
      and(
        eq(executives.userId, userId),
        or(isNull(executives.snoozedUntil), lte(executives.snoozedUntil, now)),
      ),
    );
  const [row] = await db
    .select({ snoozedUntil: executives.snoozedUntil })
    .from(executives)
    .where(eq(executives.userId, userId));
  return row?.snoozedUntil ?? null;
}
