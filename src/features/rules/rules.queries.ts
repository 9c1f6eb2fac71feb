import { and, asc, count, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { journeyStages } from '../settings/stages.schema.js';
import { type RuleStatus, ruleEvents, ruleNumbers, rules, ruleVotes } from './rules.schema.js';

export type Rule = typeof rules.$inferSelect;
export type NewRule = typeof rules.$inferInsert;
export type RuleEvent = typeof ruleEvents.$inferSelect;
export type NewRuleEvent = typeof ruleEvents.$inferInsert;

/** What a nomination is inserted with (every other column starts empty). */
export type NumberedRuleInput = Pick<
  NewRule,
  | 'title'
  | 'hurts'
  | 'why'
  | 'stageId'
  | 'categoryId'
  | 'replacementIdea'
  | 'anonymous'
  | 'submitterId'
  | 'status'
  | 'source'
  | 'sourcePermalink'
  | 'idempotencyKey'
  | 'createdAt'
  | 'updatedAt'
>;

const NUMBERED_RULE_COLUMNS = [
  'title',
  'hurts',
  'why',
  'stageId',
  'categoryId',
  'replacementIdea',
  'anonymous',
  'submitterId',
  'status',
  'source',
  'sourcePermalink',
  'idempotencyKey',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof NumberedRuleInput)[];

/** Where a nomination's card and confirmation go, and when (the outbox rows its insert writes). */
export interface NominationDelivery {
  backlogChannel: string;
  cardRender: string;
  confirmationRender: string;
  /** The confirmation DM waits this long: the thanks in the modal cancels it when it was shown. */
  confirmationDelayMs: number;
}

function buildNumberedRuleInsert(db: DbOrTx) {
  // The row's id is taken first, so the same statement can queue the nomination's card and the
  // submitter's confirmation (keys `rule:<id>:card`, `rule:<id>:submitted:dm`) with it. The card's key
  // and input are those of the shared card path's `post` (src/outbox/card.ts; a service test checks).
  const nextId = db
    .$with('next_id', { id: rules.id })
    .as(sql`select nextval(pg_get_serial_sequence('rules', 'id'))::integer as id`);
  const queued = db.$with('queued', { key: sql<string>`key` }).as(
    sql`insert into outbox (key, lane, method, payload, render, not_before, created_at)
        select 'rule:' || id || ':card', ${sql.placeholder('backlogChannel')}::text, 'chat.postMessage',
          jsonb_build_object('channel', ${sql.placeholder('backlogChannel')}::text, 'input', jsonb_build_object('ruleId', id)),
          ${sql.placeholder('cardRender')}::text, ${sql.placeholder('queuedAt')}::timestamptz, ${sql.placeholder('queuedAt')}::timestamptz
        from next_id
        union all
        select 'rule:' || id || ':submitted:dm', ${sql.placeholder('submitterId')}::text, 'chat.postMessage',
          jsonb_build_object('channel', ${sql.placeholder('submitterId')}::text, 'input', jsonb_build_object('ruleId', id)),
          ${sql.placeholder('confirmationRender')}::text, ${sql.placeholder('confirmationAt')}::timestamptz, ${sql.placeholder('queuedAt')}::timestamptz
        from next_id
        returning key`,
  );
  const next = db.$with('next_number', { last: ruleNumbers.last }).as(
    sql`insert into ${ruleNumbers} (${sql.identifier(ruleNumbers.id.name)}, ${sql.identifier(ruleNumbers.last.name)})
        values (1, 1)
        on conflict (${sql.identifier(ruleNumbers.id.name)})
        do update set ${sql.identifier(ruleNumbers.last.name)} = ${ruleNumbers}.${sql.identifier(ruleNumbers.last.name)} + 1
        returning ${sql.identifier(ruleNumbers.last.name)}`,
  );
  const values = Object.fromEntries(NUMBERED_RULE_COLUMNS.map((key) => [key, sql.placeholder(key)]));
  return db
    .with(nextId, queued, next)
    .insert(rules)
    .values({
      ...(values as unknown as NumberedRuleInput),
      id: sql`(select id from ${nextId})`,
      number: sql`(select "last" from ${next})`,
    })
    .returning()
    .prepare('insert_numbered_rule');
}

// Built once per database: on the submission path, building this query cost more than running it.
const numberedRuleInserts = new WeakMap<DbOrTx, ReturnType<typeof buildNumberedRuleInsert>>();

/**
 * Inserts a nomination with the next RULE number and queues its card and confirmation in the outbox, in
 * one statement (atomic, and no transaction): the counter row is locked only while
 * PostgreSQL runs it (no round trip to the app holds it), so concurrent nominations queue for
 * microseconds, not milliseconds. A replay (same idempotency key) fails the whole statement with a
 * unique violation, which undoes the increment: numbers stay gapless. Returns undefined for a replay.
 */
export async function insertNumberedRule(
  db: DbOrTx,
  rule: NumberedRuleInput,
  delivery: NominationDelivery,
): Promise<Rule | undefined> {
  let insert = numberedRuleInserts.get(db);
  if (!insert) {
    insert = buildNumberedRuleInsert(db);
    numberedRuleInserts.set(db, insert);
  }
  try {
    const [row] = await insert.execute({
      ...Object.fromEntries(NUMBERED_RULE_COLUMNS.map((key) => [key, rule[key] ?? null])),
      backlogChannel: delivery.backlogChannel,
      cardRender: delivery.cardRender,
      confirmationRender: delivery.confirmationRender,
      // Raw SQL parameters: postgres.js takes no Date there.
      queuedAt: rule.createdAt.toISOString(),
      confirmationAt: new Date(rule.createdAt.getTime() + delivery.confirmationDelayMs).toISOString(),
    });
    return row;
  } catch (error) {
    if (isUniqueViolation(error, 'rules_idempotency_key_unique')) return undefined;
    throw error;
  }
}

/** A unique violation of the named index, from either driver (postgres.js or PGlite), possibly wrapped. */
function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name, constraint: pgliteConstraint } = e as Record<string, unknown>;
    if (code === '23505' && (constraint_name ?? pgliteConstraint) === constraint) return true;
  }
  return false;
}

export async function findRuleByIdempotencyKey(db: DbOrTx, key: string): Promise<Rule | undefined> {
  const [row] = await db.select().from(rules).where(eq(rules.idempotencyKey, key));
  return row;
}

export async function findRuleById(db: DbOrTx, id: number): Promise<Rule | undefined> {
  const [row] = await db.select().from(rules).where(eq(rules.id, id));
  return row;
}

/** Locks the row for the rest of the transaction: concurrent decisions on one rule queue up. */
export async function findRuleForUpdate(db: DbOrTx, id: number): Promise<Rule | undefined> {
  const [row] = await db.select().from(rules).where(eq(rules.id, id)).for('update');
  return row;
}

export async function findRuleByNumber(db: DbOrTx, number: number): Promise<Rule | undefined> {
  const [row] = await db.select().from(rules).where(eq(rules.number, number));
  return row;
}

export async function updateRule(db: DbOrTx, id: number, changes: Partial<NewRule>): Promise<Rule> {
  const [row] = await db.update(rules).set(changes).where(eq(rules.id, id)).returning();
  if (!row) throw new Error(`rule ${id} not found`);
  return row;
}

export async function insertRuleEvent(
  db: DbOrTx,
  event: typeof ruleEvents.$inferInsert,
): Promise<RuleEvent | undefined> {
  const [row] = await db.insert(ruleEvents).values(event).onConflictDoNothing().returning();
  return row;
}

export async function findRuleEventById(db: DbOrTx, id: number): Promise<RuleEvent | undefined> {
  const [row] = await db.select().from(ruleEvents).where(eq(ruleEvents.id, id));
  return row;
}

export async function findRuleEventByIdempotencyKey(db: DbOrTx, key: string): Promise<RuleEvent | undefined> {
  const [row] = await db.select().from(ruleEvents).where(eq(ruleEvents.idempotencyKey, key));
  return row;
}

export async function listRuleEvents(db: DbOrTx, ruleId: number): Promise<RuleEvent[]> {
  return db.select().from(ruleEvents).where(eq(ruleEvents.ruleId, ruleId)).orderBy(asc(ruleEvents.id));
}

/** Adds a vote; false when this person had already voted. */
export async function insertVote(db: DbOrTx, ruleId: number, userId: string, now: Date): Promise<boolean> {
  const rows = await db
    .insert(ruleVotes)
    .values({ ruleId, userId, createdAt: now })
    .onConflictDoNothing()
    .returning({ userId: ruleVotes.userId });
  return rows.length > 0;
}

export async function deleteVote(db: DbOrTx, ruleId: number, userId: string): Promise<boolean> {
  const rows = await db
    .delete(ruleVotes)
    .where(and(eq(ruleVotes.ruleId, ruleId), eq(ruleVotes.userId, userId)))
    .returning({ userId: ruleVotes.userId });
  return rows.length > 0;
}

/** Moves the votes of `fromId` onto `toId` (a person voting on both counts once). */
export async function mergeVotes(db: DbOrTx, fromId: number, toId: number, now: Date): Promise<void> {
  await db.execute(sql`
    insert into rule_votes (rule_id, user_id, created_at)
    select ${toId}, user_id, ${now.toISOString()}::timestamptz from rule_votes where rule_id = ${fromId}
    on conflict do nothing`);
}

export async function listVoterIds(db: DbOrTx, ruleId: number): Promise<string[]> {
  const rows = await db
    .select({ userId: ruleVotes.userId })
    .from(ruleVotes)
    .where(eq(ruleVotes.ruleId, ruleId));
  return rows.map((row) => row.userId);
}

export async function countVotes(db: DbOrTx, ruleIds: number[]): Promise<Map<number, number>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await db
    .select({ ruleId: ruleVotes.ruleId, n: count() })
    .from(ruleVotes)
    .where(inArray(ruleVotes.ruleId, ruleIds))
    .groupBy(ruleVotes.ruleId);
  return new Map(rows.map((row) => [row.ruleId, Number(row.n)]));
}

export async function listVotedRuleIds(db: DbOrTx, userId: string, ruleIds: number[]): Promise<Set<number>> {
  if (ruleIds.length === 0) return new Set();
  const rows = await db
    .select({ ruleId: ruleVotes.ruleId })
    .from(ruleVotes)
    .where(and(eq(ruleVotes.userId, userId), inArray(ruleVotes.ruleId, ruleIds)));
  return new Set(rows.map((row) => row.ruleId));
}

export async function listRulesBySubmitter(
  db: DbOrTx,
  userId: string,
  limit: number,
  offset = 0,
): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(eq(rules.submitterId, userId))
    .orderBy(desc(rules.number))
    .limit(limit)
    .offset(offset);
}

export async function countRulesBySubmitter(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(rules).where(eq(rules.submitterId, userId));
  return Number(row?.n ?? 0);
}

/** Open nominations (no decision yet), oldest first. */
export async function listUndecidedRules(db: DbOrTx, createdBefore?: Date): Promise<Rule[]> {
  const undecided = inArray(rules.status, ['new', 'under_review'] satisfies RuleStatus[]);
  return db
    .select()
    .from(rules)
    .where(createdBefore ? and(undecided, lt(rules.createdAt, createdBefore)) : undecided)
    .orderBy(asc(rules.createdAt));
}

/** Suggestions someone can back: others' that wait for a decision (new or under review). */
const backableBy = (userId: string) =>
  and(inArray(rules.status, ['new', 'under_review'] satisfies RuleStatus[]), ne(rules.submitterId, userId));

/** One page of the suggestions `userId` can back, newest first. */
export async function listBackableRules(
  db: DbOrTx,
  userId: string,
  page: { limit: number; offset: number },
): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(backableBy(userId))
    .orderBy(desc(rules.createdAt), desc(rules.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countBackableRules(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(rules).where(backableBy(userId));
  return Number(row?.n ?? 0);
}

const OPEN: RuleStatus[] = ['new', 'under_review', 'accepted'];

/**
 * One page of the CX office's backlog: suggestions waiting for a decision first, oldest first (so the late
 * ones lead: lateness grows with age), then the accepted ones still to kill, oldest first.
 */
export async function listBacklogRules(db: DbOrTx, page: { limit: number; offset: number }): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(inArray(rules.status, OPEN))
    .orderBy(sql`(${rules.status} = 'accepted')`, asc(rules.createdAt), asc(rules.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** Open suggestions per status, in one query. */
export async function countOpenRulesByStatus(db: DbOrTx): Promise<Map<RuleStatus, number>> {
  const rows = await db
    .select({ status: rules.status, n: count() })
    .from(rules)
    .where(inArray(rules.status, OPEN))
    .groupBy(rules.status);
  return new Map(rows.map((row) => [row.status, Number(row.n)]));
}

/** Open suggestions per journey stage (null: no stage), most first, in one query. */
export async function countOpenRulesByStage(db: DbOrTx): Promise<{ name: string | null; count: number }[]> {
  const rows = await db
    .select({ name: journeyStages.name, n: count() })
    .from(rules)
    .leftJoin(journeyStages, eq(journeyStages.id, rules.stageId))
    .where(inArray(rules.status, OPEN))
    .groupBy(journeyStages.name)
    .orderBy(desc(count()), asc(journeyStages.name));
  return rows.map((row) => ({ name: row.name, count: Number(row.n) }));
}

/** The given nominations, in no particular order (missing IDs are left out). */
export async function listRulesById(db: DbOrTx, ids: number[]): Promise<Rule[]> {
  if (ids.length === 0) return [];
  return db.select().from(rules).where(inArray(rules.id, ids));
}

export async function listAllRules(db: DbOrTx): Promise<Rule[]> {
  return db.select().from(rules).orderBy(asc(rules.number));
}

/** Nominations killed in [start, end), in the order they were killed. */
export async function listRulesKilledBetween(db: DbOrTx, start: Date, end: Date): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(and(eq(rules.status, 'killed'), gte(rules.decidedAt, start), lt(rules.decidedAt, end)))
    .orderBy(asc(rules.decidedAt));
}

export async function listStageNames(db: DbOrTx): Promise<Map<number, string>> {
  const rows = await db.select({ id: journeyStages.id, name: journeyStages.name }).from(journeyStages);
  return new Map(rows.map((row) => [row.id, row.name]));
}
