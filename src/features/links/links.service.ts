import type { DbOrTx } from '../../db/client.js';
import { enqueue, type OutboxItem, outboxKey } from '../../outbox/outbox.js';
import {
  type CallBehind,
  findTurnOrigin,
  insertLink,
  type LinkTarget,
  listCallsBehind,
  listLinkableRoadmapItems,
  listLinkableRules,
  listLinksAround,
} from './links.queries.js';
import type { LinkKind } from './links.schema.js';
import type { TurnOrigin } from './links.types.js';
import { renderLoopClosedDm } from './links.views.js';

/**
 * The one loop: links between calls, follow-ups, stories, rules and roadmap items ("origin led to
 * item"), what each thing came from and what came of it, and telling the executive who heard a customer
 * when what they heard is fixed. No Slack here; the messages go through the outbox.
 */

export type { CallBehind, LinkTarget };

/** A thing at the other end of a link, with what names it for people. */
export interface LinkEnd {
  kind: LinkKind;
  id: number;
  /** A call or follow-up: the customer talked to (a story: its customer, if named). */
  customer: string | null;
  /** A rule: its number (RULE-42). */
  ruleNumber: number | null;
  /** A rule or roadmap item: its title. */
  title: string | null;
}

/** Where a thing came from (`origins`) and what came of it (`outcomes`). */
export interface Links {
  origins: LinkEnd[];
  outcomes: LinkEnd[];
}

export const NO_LINKS: Links = { origins: [], outcomes: [] };

/**
 * Links an origin to the item it led to; the same link twice is one row (the unique index), so a
 * replayed request changes nothing. Call it in the transaction that creates the item. True when new.
 */
export function linkItems(
  db: DbOrTx,
  link: { origin: { kind: LinkKind; id: number }; item: { kind: LinkKind; id: number }; createdBy: string },
  now: Date,
): Promise<boolean> {
  return insertLink(db, {
    originKind: link.origin.kind,
    originId: link.origin.id,
    itemKind: link.item.kind,
    itemId: link.item.id,
    createdBy: link.createdBy,
    createdAt: now,
  });
}

/** Each thing's links both ways, for a list of things of one kind, in one query. */
export async function linksOf(db: DbOrTx, kind: LinkKind, ids: number[]): Promise<Map<number, Links>> {
  const rows = await listLinksAround(db, kind, [...new Set(ids)]);
  const byId = new Map<number, Links>();
  for (const row of rows) {
    const isItem = row.itemKind === kind && ids.includes(row.itemId);
    const id = isItem ? row.itemId : row.originId;
    const end: LinkEnd = {
      kind: isItem ? row.originKind : row.itemKind,
      id: isItem ? row.originId : row.itemId,
      customer: row.customer,
      ruleNumber: row.ruleNumber,
      title: row.title,
    };
    const links = byId.get(id) ?? { origins: [], outcomes: [] };
    (isItem ? links.origins : links.outcomes).push(end);
    byId.set(id, links);
  }
  return byId;
}

/** Where each thing of a list came from, in one query (what came of them left out). */
export async function originsOf(db: DbOrTx, kind: LinkKind, ids: number[]): Promise<Map<number, LinkEnd[]>> {
  const links = await linksOf(db, kind, ids);
  return new Map([...links].map(([id, { origins }]) => [id, origins]));
}

// ---- One-click turns: a call's learning or a follow-up becomes a suggestion or a roadmap item ----------

/** What a turn's form is prefilled with: the call, and the follow-up's text when it starts from one. */
export interface TurnSource {
  origin: TurnOrigin;
  customer: string;
  learned: string;
  /** The follow-up's text (a follow-up origin only). */
  action: string | null;
  stageId: number | null;
  categoryId: number | null;
}

/**
 * The call or follow-up a turn starts from, if the person may use it: the executive who logged the call,
 * the owner of the follow-up (of any follow-up of the call, for the call itself), or the CX office. A
 * learning is not everyone's to read, so anyone else gets nothing (a forged button or form).
 */
export async function loadTurnOrigin(
  db: DbOrTx,
  origin: TurnOrigin,
  viewer: { userId: string; isCxOffice: boolean },
): Promise<TurnSource | undefined> {
  const found = await findTurnOrigin(db, origin.kind, origin.id);
  if (!found) return undefined;
  const allowed =
    viewer.isCxOffice || found.loggedBy === viewer.userId || found.ownerIds.includes(viewer.userId);
  if (!allowed) return undefined;
  return {
    origin,
    customer: found.customer,
    learned: found.learned,
    action: found.action,
    stageId: found.stageId,
    categoryId: found.categoryId,
  };
}

// ---- Linking by the CX office: a story to a rule or roadmap item, a rule to the item that removes it ----

/** How many rules and roadmap items the link modal offers (a select holds 100 options). */
const LINK_TARGETS_EACH = 50;

/** What the link modals offer: the most recent rules (not duplicates) and roadmap items. */
export async function linkTargets(db: DbOrTx): Promise<{ rules: LinkTarget[]; roadmapItems: LinkTarget[] }> {
  const [rules, roadmapItems] = await Promise.all([
    listLinkableRules(db, LINK_TARGETS_EACH),
    listLinkableRoadmapItems(db, LINK_TARGETS_EACH),
  ]);
  return { rules, roadmapItems };
}

// ---- Closing the loop outward ------------------------------------------------------------------------

/** What changed that a customer asked for: a rule killed, or a roadmap item shipped. */
export type LoopChange =
  | { kind: 'rule'; id: number; number: number; title: string; note: string | null }
  | { kind: 'roadmap_item'; id: number; title: string; customerChange: string | null };

/**
 * When a rule killed or a roadmap item shipped came from a customer conversation (directly, through a
 * follow-up, or for an item through a rule that came from one), the executive who had it gets one DM:
 * what changed, "Tell <customer>: …", and a button to log the follow-up call. Call it in the transaction
 * of the change. The key names the item, the call and the executive: a second kill or ship, or a replay,
 * sends nothing again. Returns how many were queued.
 */
export async function queueLoopClosed(db: DbOrTx, change: LoopChange, now: Date): Promise<number> {
  const behind = await listCallsBehind(db, change.kind, change.id);
  const items = behind.map(
    (call): OutboxItem => ({
      key: outboxKey('loop', change.kind, change.id, 'call', call.callId, 'dm', call.loggedBy),
      method: 'chat.postMessage',
      channel: call.loggedBy,
      args: { ...renderLoopClosedDm(change, call), unfurl_links: false },
    }),
  );
  await enqueue(db, items, now);
  return items.length;
}
