import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import {
  countDeadLetters,
  describeOutboxKey,
  readDeliveryHealth,
  retryDeadLetters,
  safeDeliveryError,
} from '../../../src/features/delivery/delivery.service.js';
import { insertOutboxItems } from '../../../src/outbox/outbox.queries.js';
import { freshDatabase } from '../../support/db.js';
import { insertAnonymousRule, seedDeadLetters } from './delivery.helpers.js';

// What the CX office reads about a dead letter comes from the fixed words of its key: never a person.

describe('describeOutboxKey', () => {
  const cases: [string, string, string, number?][] = [
    ['rule:7:card', 'chat.postMessage', 'backlog card', 7],
    ['rule:7:card:update', 'chat.update', 'backlog card update', 7],
    ['rule:7:submitted:dm', 'chat.postMessage', 'confirmation DM', 7],
    ['rule:7:event:3:thread', 'chat.postMessage', 'thread line', 7],
    ['rule:7:event:3:dm:U0ANONSUB1', 'chat.postMessage', 'outcome DM', 7],
    ['rules:aging:2026-11-27', 'chat.postMessage', 'aging list for 27 November 2026'],
    ['rules:voters:2026-11-27:U0VOTER001', 'chat.postMessage', 'voter’s daily summary for 27 November 2026'],
    ['story:5:card', 'chat.postMessage', 'story card for customer story #5'],
    ['story:5:dm:approved:1764000000000', 'chat.postMessage', 'DM to the teller for customer story #5'],
    ['calls:nudge:U0EXEC0001:2026-W48', 'chat.postMessage', 'nudge for the week of 23 November'],
    ['calls:call:12:thanks', 'chat.postMessage', 'thank-you for a logged call'],
    ['calls:followup:4:due', 'chat.postMessage', 'follow-up reminder'],
    ['calls:followups:due:U0OWNER001:2026-11-18:4', 'chat.postMessage', 'follow-up reminder'],
    ['calls:call:12:followups:U0OWNER001', 'chat.postMessage', 'follow-ups DM to their owner'],
    [
      'calls:summary:2026-W48:dm:U0CXOFF001',
      'chat.postMessage',
      'calls summary to the CX office for the week of 23 November',
    ],
    ['digest:2026-W48:headline', 'chat.postMessage', 'weekly update for the week of 23 November'],
    [
      'digest:2026-W48:headline:thread:2',
      'chat.postMessage',
      'weekly update thread line for the week of 23 November',
    ],
    [
      'digest:2026-W48:again:U0CXOFF001:1764000000.000100',
      'chat.postMessage',
      'weekly update posted again for the week of 23 November',
    ],
    [
      'digest:2026-W48:nothing:dm:U0CXOFF001',
      'chat.postMessage',
      '“nothing to say” DM to the CX office for the week of 23 November',
    ],
    ['export:U0EMPL0001:rules', 'files.uploadV2', 'file'],
    ['U0EMPL0001:whatever', 'chat.postMessage', 'message'],
    ['rule:U0EMPL0001:card', 'chat.postMessage', 'message'],
  ];
  it.each(cases)('%s → %s', (key, method, label, ruleId) => {
    const description = describeOutboxKey(key, method);
    expect(description.label).toBe(label);
    expect(description.ruleId).toBe(ruleId);
    expect(description.label).not.toMatch(/[UW][A-Z0-9]{6,}/);
  });
});

describe('safeDeliveryError', () => {
  it('masks anything shaped like a Slack ID and keeps the reason', () => {
    expect(safeDeliveryError('user_not_found (U0ANONSUB1 in D0ANONSUB1)')).toBe(
      'user_not_found ([id] in [id])',
    );
    expect(safeDeliveryError('')).toBeNull();
    expect(safeDeliveryError(null)).toBeNull();
  });
});

describe('dead letters on a real database', () => {
  const MONDAY = new Date('2026-11-23T09:00:00Z');
  const ANONYMOUS = 'U0ANONSUB1';
  let database: Database;
  let db: Database['db'];
  let ruleId: number;

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
    ruleId = await insertAnonymousRule(db, ANONYMOUS, MONDAY);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A message that Slack refused for good: the recipient is gone. */
  async function dead(key: string, channel: string): Promise<number> {
    const [id] = await seedDeadLetters(
      db,
      [{ key, method: 'chat.postMessage', channel, args: { text: 'secret' } }],
      { now: MONDAY, notBefore: MONDAY, error: `user_not_found (${channel})` },
    );
    return id ?? 0;
  }

  it('counts what waits and what is dead, and names each dead letter by kind, never by recipient', async () => {
    await insertOutboxItems(
      db,
      [
        {
          key: 'calls:call:1:thanks',
          method: 'chat.postMessage',
          channel: 'U0EXEC0001',
          args: { text: 'x' },
        },
      ],
      MONDAY,
    );
    const outcome = await dead(`rule:${ruleId}:event:3:dm:${ANONYMOUS}`, ANONYMOUS);
    const nudge = await dead('calls:nudge:U0EXEC0001:2026-W48', 'U0EXEC0001');

    const health = await readDeliveryHealth(db);
    expect(health).toMatchObject({ waiting: 1, sending: 0, dead: 2 });
    expect(health.latest.map((letter) => [letter.id, letter.kind, letter.attempts, letter.error])).toEqual([
      [nudge, 'nudge for the week of 23 November', 1, 'user_not_found ([id])'],
      [outcome, 'outcome DM for RULE-42', 1, 'user_not_found ([id])'],
    ]);
    expect(JSON.stringify(health)).not.toContain(ANONYMOUS);
    expect(await countDeadLetters(db)).toBe(2);
    expect((await readDeliveryHealth(db, 1)).latest).toHaveLength(1);
  });

  it('retries one dead letter, then all the rest, and says how many went back with the health after', async () => {
    const [first] = (await readDeliveryHealth(db)).latest;
    const one = await retryDeadLetters(db, first?.id ?? 0, MONDAY);
    expect(one.retried).toBe(1);
    expect(one.health).toMatchObject({ waiting: 2, dead: 1 });
    expect(one.health.latest.map((letter) => letter.id)).not.toContain(first?.id);
    expect((await retryDeadLetters(db, first?.id ?? 0, MONDAY)).retried).toBe(0); // already back
    const all = await retryDeadLetters(db, 'all', MONDAY);
    expect(all).toMatchObject({ retried: 1, health: { waiting: 3, dead: 0, latest: [] } });
  });
});
