import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { insertCall, insertFollowUps } from '../../../src/features/calls/calls.queries.js';
import { itemLinks } from '../../../src/features/links/links.schema.js';
import { linksOf, queueLoopClosed } from '../../../src/features/links/links.service.js';
import { addRoadmapItem } from '../../../src/features/roadmap/roadmap.service.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import {
  type Nomination,
  nominateRule,
  pointRuleToRoadmapItem,
} from '../../../src/features/rules/rules.service.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { freshDatabase } from '../../support/db.js';
import { ids } from '../../support/payloads.js';

// The links' service on a real database: links read in one query both ways, a turn's nomination and its
// link in one transaction (replays racing each other make one of each), and the calls behind a roadmap
// item found through a rule.

const to = { backlogChannel: ids.backlogChannel };
const now = new Date('2026-11-17T12:00:00Z');

describe('the links service (real SQL)', () => {
  let database: Database;
  let db: Database['db'];
  let callId = 0;
  let followUpId = 0;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
    const call = await insertCall(db, {
      loggedBy: ids.executive,
      customer: 'Globex',
      callDate: '2026-11-16',
      kind: 'call',
      result: 'reached',
      learned: 'Invoices need a stamp',
      idempotencyKey: 'links-service-call',
      createdAt: now,
    });
    callId = call?.id ?? 0;
    const [followUp] = await insertFollowUps(db, [
      { callId, ownerId: ids.employee, action: 'Ask finance about the stamp', createdAt: now },
    ]);
    followUpId = followUp?.id ?? 0;
  });
  afterAll(async () => {
    await database?.close();
  });

  const nomination = (key: string): Nomination => ({
    title: 'Invoices need a stamp',
    hurts: 'customers',
    why: 'Customers wait for the stamp.',
    stageId: null,
    categoryId: null,
    replacementIdea: null,
    anonymous: false,
    submitterId: ids.employee,
    source: 'shortcut',
    sourcePermalink: null,
    idempotencyKey: key,
    origin: { kind: 'follow_up', id: followUpId },
  });

  it('replays of a turn racing each other make one suggestion and one link', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => nominateRule(db, nomination('view:RACE1'), now, to)),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    const made = await db.select().from(rules).where(eq(rules.idempotencyKey, 'view:RACE1'));
    expect(made).toHaveLength(1);
    const links = await db
      .select()
      .from(itemLinks)
      .where(eq(itemLinks.itemId, made[0]?.id ?? 0));
    expect(links).toMatchObject([{ originKind: 'follow_up', originId: followUpId, itemKind: 'rule' }]);
  });

  it('reads each thing’s links both ways, and finds the call behind an item through a rule, once', async () => {
    const [rule] = await db.select().from(rules).where(eq(rules.idempotencyKey, 'view:RACE1'));
    if (!rule) throw new Error('no rule');
    await db.update(rules).set({ status: 'accepted' }).where(eq(rules.id, rule.id));
    const { item } = await addRoadmapItem(
      db,
      {
        fields: { title: 'No more stamps', status: 'shipped', customerChange: 'Invoices come at once' },
        actorId: ids.cxOfficer,
        idempotencyKey: 'links-service-item',
        origin: { kind: 'call', id: callId },
      },
      now,
    );
    const pointed = await pointRuleToRoadmapItem(
      db,
      { ruleId: rule.id, itemId: item.id, actorId: ids.cxOfficer },
      now,
      to,
    );
    expect(pointed).toMatchObject({ ok: true, created: true });

    const ruleLinks = (await linksOf(db, 'rule', [rule.id])).get(rule.id);
    expect(ruleLinks?.origins).toMatchObject([{ kind: 'follow_up', id: followUpId, customer: 'Globex' }]);
    expect(ruleLinks?.outcomes).toMatchObject([
      { kind: 'roadmap_item', id: item.id, title: 'No more stamps' },
    ]);
    const itemLinksRead = (await linksOf(db, 'roadmap_item', [item.id])).get(item.id);
    expect(itemLinksRead?.origins.map((end) => end.kind).sort()).toEqual(['call', 'rule']);

    // The item reaches the call twice (directly, and through the rule's follow-up): one DM.
    const queued = await queueLoopClosed(
      db,
      { kind: 'roadmap_item', id: item.id, title: item.title, customerChange: item.customerChange },
      now,
    );
    expect(queued).toBe(1);
    const rows = await db.select().from(outbox).where(eq(outbox.lane, ids.executive));
    expect(rows.filter((row) => row.key.startsWith(`loop:roadmap_item:${item.id}:`))).toHaveLength(1);
  });
});
