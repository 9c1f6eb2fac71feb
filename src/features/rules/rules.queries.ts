import { and, asc, count, desc, eq, gte, inArray, lt, not, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { journeyStages } from '../settings/stages.schema.js';
import {
  anonymousSubmitters,
  type RuleStatus,
  ruleEvents,
  ruleNumbers,
  rules,
  ruleVoterSummaries,
  ruleVotes,
} from './rules.schema.js';

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
  | 'livesIn'
  | 'ruleOwnerId'
  | 'creditOptOut'
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
  'livesIn',
  'ruleOwnerId',
  'creditOptOut',
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
  /**
   * The person who nominated it: the confirmation DM goes to them. For an anonymous nomination the row's
   * `submitter_id` is the placeholder `anonymous` and this person is kept in `anonymous_submitters` only.
   */
  submitterId: string;
}

/** The placeholder `rules.submitter_id` holds for an anonymous suggestion (the person is in `anonymous_submitters`). */
export const ANONYMOUS_SUBMITTER = 'anonymous';

function buildNumberedRuleInsert(db: DbOrTx) {
  // The row's id is taken first, so the same statement can queue the nomination's card and the
  // submitter's confirmation (keys `rule:<id>:card`, `rule:<id>:submitted:dm`) with it. The card's key
  // and input are those of the shared card path's `post` (src/outbox/card.ts; a service test checks).
  const nextId = db
    .$with('next_id', { id: rules.id })
    .as(sql`select nextval(pg_get_serial_sequence('rules', 'id'))::integer as id`);
  // An anonymous nomination's person goes to `anonymous_submitters` in the same statement (the foreign
  // key is checked at its end, when the rule's row exists); a named one writes nothing here.
  const hidden = db.$with('hidden', { ruleId: sql<number>`rule_id` }).as(
    sql`insert into ${anonymousSubmitters} (rule_id, user_id)
        select id, ${sql.placeholder('anonymousSubmitterId')}::text from next_id
        where ${sql.placeholder('anonymousSubmitterId')}::text is not null
        returning rule_id`,
  );
  const queued = db.$with('queued', { key: sql<string>`key` }).as(
    sql`insert into outbox (key, lane, method, payload, render, not_before, created_at)
        select 'rule:' || id || ':card', ${sql.placeholder('backlogChannel')}::text, 'chat.postMessage',
          jsonb_build_object('channel', ${sql.placeholder('backlogChannel')}::text, 'input', jsonb_build_object('ruleId', id)),
          ${sql.placeholder('cardRender')}::text, ${sql.placeholder('queuedAt')}::timestamptz, ${sql.placeholder('queuedAt')}::timestamptz
        from next_id
        union all
        select 'rule:' || id || ':submitted:dm', ${sql.placeholder('recipientId')}::text, 'chat.postMessage',
          jsonb_build_object('channel', ${sql.placeholder('recipientId')}::text, 'input', jsonb_build_object('ruleId', id)),
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
    .with(nextId, hidden, queued, next)
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
      recipientId: delivery.submitterId,
      anonymousSubmitterId: rule.anonymous ? delivery.submitterId : null,
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

/**
 * The person behind each of these suggestions (missing: nobody to reach), in one statement: the named
 * submitter, or for an anonymous one the person kept in `anonymous_submitters`. Only the bot's own
 * messages to them (and the checks that must know it is theirs) use it; never shown, exported or logged.
 */
export async function submitterIdsOf(db: DbOrTx, ruleIds: number[]): Promise<Map<number, string>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await db
    .select({
      ruleId: rules.id,
      userId: sql<
        string | null
      >`case when ${rules.anonymous} then ${anonymousSubmitters.userId} else ${rules.submitterId} end`,
    })
    .from(rules)
    .leftJoin(anonymousSubmitters, eq(anonymousSubmitters.ruleId, rules.id))
    .where(inArray(rules.id, ruleIds));
  return new Map(rows.flatMap((row) => (row.userId ? [[row.ruleId, row.userId] as const] : [])));
}

/** Suggestions this person made: named ones by `submitter_id`, anonymous ones through `anonymous_submitters`. */
const submittedBy = (userId: string) =>
  or(
    eq(rules.submitterId, userId),
    inArray(
      rules.id,
      sql`(select ${anonymousSubmitters.ruleId} from ${anonymousSubmitters} where ${anonymousSubmitters.userId} = ${userId})`,
    ),
  );

export async function listRulesBySubmitter(
  db: DbOrTx,
  userId: string,
  limit: number,
  offset = 0,
): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(submittedBy(userId))
    .orderBy(desc(rules.number))
    .limit(limit)
    .offset(offset);
}

export async function countRulesBySubmitter(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(rules).where(submittedBy(userId));
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
  and(inArray(rules.status, ['new', 'under_review'] satisfies RuleStatus[]), not(submittedBy(userId) as SQL));

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
    .orderBy(
      // Quick kills waiting for a decision (easy, high impact) lead the CX office's grid.
      sql`coalesce(${rules.ease} = 'easy' and ${rules.impact} = 'high' and ${rules.status} <> 'accepted', false) desc`,
      sql`(${rules.status} = 'accepted')`,
      asc(rules.createdAt),
      asc(rules.id),
    )
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

// ---- Full-text search: similar suggestions while nominating, and `/killrule search` ----------------------

/** The expression of the `rules_search_idx` GIN index (title and why, English stemming): the index serves it. */
const searchVector = sql`to_tsvector('english', ${rules.title} || ' ' || ${rules.why})`;

/**
 * What a search matches: `all` is a search box (`websearch_to_tsquery`: every word, "quoted phrases",
 * -not); `any` is "looks like" (any of the words, ranked by how many and how often: what is typed while
 * nominating). Words are stemmed either way: "refunds" finds "refund".
 */
export interface RuleSearch {
  text: string;
  match: 'all' | 'any';
  /** Leave out this person's own suggestions (named or anonymous). */
  excludeSubmitter?: string;
}

/** Letters and digits only, joined by `|`: nothing typed can break the tsquery syntax. */
function anyWordQuery(text: string): string {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => w.length > 1);
  return words.slice(0, 30).join(' | ');
}

function searchQuery(search: RuleSearch): SQL | undefined {
  if (search.match === 'all') {
    return search.text.trim() === '' ? undefined : sql`websearch_to_tsquery('english', ${search.text})`;
  }
  const words = anyWordQuery(search.text);
  return words === '' ? undefined : sql`to_tsquery('english', ${words})`;
}

function searchWhere(search: RuleSearch, query: SQL): SQL | undefined {
  return and(
    inArray(rules.status, OPEN),
    sql`${searchVector} @@ ${query}`,
    search.excludeSubmitter ? not(submittedBy(search.excludeSubmitter) as SQL) : undefined,
  );
}

/** One page of the open suggestions (new, under review, accepted) matching, best match first. */
export async function searchOpenRules(
  db: DbOrTx,
  search: RuleSearch,
  page: { limit: number; offset: number },
): Promise<Rule[]> {
  const query = searchQuery(search);
  if (!query) return [];
  return db
    .select()
    .from(rules)
    .where(searchWhere(search, query))
    .orderBy(sql`ts_rank(${searchVector}, ${query}) desc`, desc(rules.createdAt), desc(rules.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countOpenRulesMatching(db: DbOrTx, search: RuleSearch): Promise<number> {
  const query = searchQuery(search);
  if (!query) return 0;
  const [row] = await db.select({ n: count() }).from(rules).where(searchWhere(search, query));
  return Number(row?.n ?? 0);
}

// ---- History, the audit export, voters' daily summaries and the digest's myth-busters (issue 17) --------

/** One page of a nomination's audit trail, oldest first. */
export async function listRuleEventsPage(
  db: DbOrTx,
  ruleId: number,
  page: { limit: number; offset: number },
): Promise<RuleEvent[]> {
  return db
    .select()
    .from(ruleEvents)
    .where(eq(ruleEvents.ruleId, ruleId))
    .orderBy(asc(ruleEvents.createdAt), asc(ruleEvents.id))
    .limit(page.limit)
    .offset(page.offset);
}

export async function countRuleEvents(db: DbOrTx, ruleId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(ruleEvents).where(eq(ruleEvents.ruleId, ruleId));
  return Number(row?.n ?? 0);
}

/** Every change of every nomination, by nomination number then time (the audit export). */
export async function listAllRuleEvents(db: DbOrTx): Promise<(RuleEvent & { ruleNumber: number })[]> {
  const rows = await db
    .select({ event: ruleEvents, ruleNumber: rules.number })
    .from(ruleEvents)
    .innerJoin(rules, eq(rules.id, ruleEvents.ruleId))
    .orderBy(asc(rules.number), asc(ruleEvents.createdAt), asc(ruleEvents.id));
  return rows.map((row) => ({ ...row.event, ruleNumber: row.ruleNumber }));
}

/** The given changes, in no particular order. */
export async function listRuleEventsById(db: DbOrTx, ids: number[]): Promise<RuleEvent[]> {
  if (ids.length === 0) return [];
  return db.select().from(ruleEvents).where(inArray(ruleEvents.id, ids));
}

/**
 * Status changes each voter has not been told of, for the voters without a summary on `day`: changes of
 * what they backed after they backed it, after their last summary and after `floor`, up to `upTo`, made by
 * someone else. One statement, whatever the number of voters.
 */
export async function listUntoldStatusChanges(
  db: DbOrTx,
  input: { day: string; upTo: Date; floor: Date },
): Promise<{ userId: string; eventId: number }[]> {
  const upTo = input.upTo.toISOString();
  const floor = input.floor.toISOString();
  const rows = await db.execute<{ user_id: string; event_id: number }>(sql`
    select v.user_id, e.id as event_id
    from rule_votes v
    join rule_events e on e.rule_id = v.rule_id
    left join lateral (
      select max(s.up_to) as up_to from rule_voter_summaries s where s.user_id = v.user_id
    ) last on true
    where e.action in ('status', 'duplicate')
      and e.from_status is distinct from e.to_status
      and e.actor_id <> v.user_id
      and e.created_at > greatest(v.created_at, coalesce(last.up_to, ${floor}::timestamptz), ${floor}::timestamptz)
      and e.created_at <= ${upTo}::timestamptz
      and not exists (
        select 1 from rule_voter_summaries d where d.user_id = v.user_id and d.day = ${input.day}
      )
    order by v.user_id, e.id`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: { user_id: string; event_id: number }[] }).rows;
  return list.map((row) => ({ userId: row.user_id, eventId: Number(row.event_id) }));
}

/** Records the day's summary of each voter; returns those recorded now (a replica or tick that raced: not). */
export async function insertVoterSummaries(
  db: DbOrTx,
  userIds: string[],
  day: string,
  upTo: Date,
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .insert(ruleVoterSummaries)
    .values(userIds.map((userId) => ({ userId, day, upTo })))
    .onConflictDoNothing()
    .returning({ userId: ruleVoterSummaries.userId });
  return rows.map((row) => row.userId);
}

/** Nominations found not to be rules in [start, end) and still so, in the order they were decided. */
export async function listRulesNotARuleBetween(db: DbOrTx, start: Date, end: Date): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(and(eq(rules.status, 'not_a_rule'), gte(rules.decidedAt, start), lt(rules.decidedAt, end)))
    .orderBy(asc(rules.decidedAt));
}

// ---- Owners and kill-by dates -------------------------------------------------------------------------

/** What a person owns that is still open (new, under review, accepted): kill-by first, then by number. */
export async function listOwnedRules(db: DbOrTx, ownerId: string, limit: number): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(and(eq(rules.ownerId, ownerId), inArray(rules.status, OPEN)))
    .orderBy(sql`${rules.killBy} asc nulls last`, asc(rules.number))
    .limit(limit);
}

/** Accepted rules whose kill-by day (YYYY-MM-DD) is before `today`, the most overdue first. */
export async function listOverdueAcceptedRules(db: DbOrTx, today: string): Promise<Rule[]> {
  return db
    .select()
    .from(rules)
    .where(and(eq(rules.status, 'accepted'), lt(rules.killBy, today)))
    .orderBy(asc(rules.killBy), asc(rules.number));
}
