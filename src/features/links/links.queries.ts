import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/client.js';
import { calls, followUps } from '../calls/calls.schema.js';
import { roadmapItems } from '../roadmap/roadmap.schema.js';
import { rules } from '../rules/rules.schema.js';
import { stories } from '../stories/stories.schema.js';
import { itemLinks, type LinkKind } from './links.schema.js';

export type ItemLink = typeof itemLinks.$inferSelect;
export type NewItemLink = typeof itemLinks.$inferInsert;

/** Writes a link; one that exists already (the unique index) changes nothing. True when it was new. */
export async function insertLink(db: DbOrTx, link: NewItemLink): Promise<boolean> {
  const rows = await db.insert(itemLinks).values(link).onConflictDoNothing().returning({ id: itemLinks.id });
  return rows.length > 0;
}

/** One end of a link as people read it: which thing, and what names it. */
export interface LinkEndRow {
  originKind: LinkKind;
  originId: number;
  itemKind: LinkKind;
  itemId: number;
  /** A call, or a follow-up's call: the customer talked to. */
  customer: string | null;
  /** A rule's number. */
  ruleNumber: number | null;
  /** A rule's or roadmap item's title. */
  title: string | null;
}

const followUpCall = alias(calls, 'follow_up_call');

/**
 * Every link of the given things, both ways (where each came from, and what came of it), with what names
 * the other end, in one statement whatever the number of things. Links join different kinds only, so the
 * other end is the origin when the thing is the item, else the item.
 */
export async function listLinksAround(db: DbOrTx, kind: LinkKind, ids: number[]): Promise<LinkEndRow[]> {
  if (ids.length === 0) return [];
  const otherKind = sql`case when ${itemLinks.itemKind} = ${kind} then ${itemLinks.originKind} else ${itemLinks.itemKind} end`;
  const otherId = sql`case when ${itemLinks.itemKind} = ${kind} then ${itemLinks.originId} else ${itemLinks.itemId} end`;
  return db
    .select({
      originKind: itemLinks.originKind,
      originId: itemLinks.originId,
      itemKind: itemLinks.itemKind,
      itemId: itemLinks.itemId,
      customer: sql<
        string | null
      >`coalesce(${calls.customer}, ${followUpCall.customer}, ${stories.customer})`,
      ruleNumber: rules.number,
      title: sql<string | null>`coalesce(${rules.title}, ${roadmapItems.title})`,
    })
    .from(itemLinks)
    .leftJoin(calls, and(sql`${otherKind} = 'call'`, eq(calls.id, otherId)))
    .leftJoin(followUps, and(sql`${otherKind} = 'follow_up'`, eq(followUps.id, otherId)))
    .leftJoin(followUpCall, eq(followUpCall.id, followUps.callId))
    .leftJoin(stories, and(sql`${otherKind} = 'story'`, eq(stories.id, otherId)))
    .leftJoin(rules, and(sql`${otherKind} = 'rule'`, eq(rules.id, otherId)))
    .leftJoin(roadmapItems, and(sql`${otherKind} = 'roadmap_item'`, eq(roadmapItems.id, otherId)))
    .where(
      or(
        and(eq(itemLinks.itemKind, kind), inArray(itemLinks.itemId, ids)),
        and(eq(itemLinks.originKind, kind), inArray(itemLinks.originId, ids)),
      ),
    )
    .orderBy(itemLinks.id);
}

/** A call or follow-up a turn starts from: the call, the follow-up's text, and who may see it. */
export interface TurnOriginRow {
  callId: number;
  loggedBy: string;
  customer: string;
  learned: string;
  stageId: number | null;
  categoryId: number | null;
  /** The follow-up's text (a follow-up origin only). */
  action: string | null;
  /** Everyone who owns a follow-up of the call (a follow-up origin: its owner). */
  ownerIds: string[];
}

export async function findTurnOrigin(
  db: DbOrTx,
  kind: 'call' | 'follow_up',
  id: number,
): Promise<TurnOriginRow | undefined> {
  const base = {
    callId: calls.id,
    loggedBy: calls.loggedBy,
    customer: calls.customer,
    learned: calls.learned,
    stageId: calls.stageId,
    categoryId: calls.categoryId,
  };
  if (kind === 'follow_up') {
    const [row] = await db
      .select({ ...base, action: followUps.action, ownerId: followUps.ownerId })
      .from(followUps)
      .innerJoin(calls, eq(calls.id, followUps.callId))
      .where(eq(followUps.id, id));
    return row && { ...row, ownerIds: [row.ownerId] };
  }
  const [row] = await db
    .select({
      ...base,
      ownerIds: sql<
        string[]
      >`coalesce((select array_agg(${followUps.ownerId}) from ${followUps} where ${followUps.callId} = ${calls.id}), '{}')`,
    })
    .from(calls)
    .where(eq(calls.id, id));
  return row && { ...row, action: null };
}

/** A call behind a rule or roadmap item: whose it was, with whom. */
export interface CallBehind {
  callId: number;
  loggedBy: string;
  customer: string;
  callDate: string;
}

/**
 * The calls a rule or roadmap item came from, in one statement: linked directly, through one of the
 * call's follow-ups, and, for a roadmap item, through a rule that came from a call (or its follow-up).
 */
export async function listCallsBehind(
  db: DbOrTx,
  kind: 'rule' | 'roadmap_item',
  id: number,
): Promise<CallBehind[]> {
  const sources = sql`
    select l.origin_kind, l.origin_id from item_links l
    where l.item_kind = ${kind} and l.item_id = ${id} and l.origin_kind in ('call', 'follow_up')
    union
    select l.origin_kind, l.origin_id from item_links l
    join item_links r on r.origin_kind = 'rule' and r.origin_id = l.item_id
    where l.item_kind = 'rule' and r.item_kind = ${kind} and r.item_id = ${id}
      and l.origin_kind in ('call', 'follow_up')`;
  return db
    .selectDistinct({
      callId: calls.id,
      loggedBy: calls.loggedBy,
      customer: calls.customer,
      callDate: calls.callDate,
    })
    .from(calls)
    .where(
      sql`${calls.id} in (
        select case s.origin_kind when 'call' then s.origin_id
          else (select f.call_id from follow_ups f where f.id = s.origin_id) end
        from (${sources}) s)`,
    )
    .orderBy(calls.id);
}

export interface LinkTarget {
  id: number;
  number: number | null;
  title: string;
  status: string;
}

/** The rules a story can be linked to: the most recent not closed as a duplicate. */
export function listLinkableRules(db: DbOrTx, limit: number): Promise<LinkTarget[]> {
  return db
    .select({ id: rules.id, number: rules.number, title: rules.title, status: rules.status })
    .from(rules)
    .where(ne(rules.status, 'duplicate'))
    .orderBy(desc(rules.id))
    .limit(limit);
}

/** The roadmap items a story or rule can be linked to: the most recent first. */
export function listLinkableRoadmapItems(db: DbOrTx, limit: number): Promise<LinkTarget[]> {
  return db
    .select({
      id: roadmapItems.id,
      number: sql<number | null>`null`,
      title: roadmapItems.title,
      status: roadmapItems.status,
    })
    .from(roadmapItems)
    .orderBy(desc(roadmapItems.id))
    .limit(limit);
}
