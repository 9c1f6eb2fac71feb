import type { DbOrTx } from '../../../src/db/client.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import type { OutboxItem } from '../../../src/outbox/outbox.js';
import { findOutboxItemByKey, insertOutboxItems, markFailed } from '../../../src/outbox/outbox.queries.js';

/** An anonymous suggestion whose number (42) is not its row ID: the CX office knows it as RULE-42. */
export async function insertAnonymousRule(db: DbOrTx, submitterId: string, now: Date): Promise<number> {
  const [rule] = await db
    .insert(rules)
    .values({
      number: 42,
      title: 'Receipts must be printed',
      hurts: 'customers',
      why: 'Nobody reads them',
      anonymous: true,
      submitterId,
      source: 'command',
      idempotencyKey: `delivery-test-rule:${submitterId}`,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: rules.id });
  if (!rule) throw new Error('the suggestion was not stored');
  return rule.id;
}

/**
 * Queues the items (not due before `notBefore`), then marks each dead as the worker does after a
 * permanent error: no retry time, a safe error, `attempts` tries. Returns their outbox IDs.
 */
export async function seedDeadLetters(
  db: DbOrTx,
  items: OutboxItem[],
  options: { now: Date; notBefore: Date; error?: string; attempts?: number },
): Promise<number[]> {
  const { error = 'channel_not_found', attempts = 1 } = options;
  await insertOutboxItems(
    db,
    items.map((item) => ({ ...item, notBefore: options.notBefore })),
    options.now,
  );
  const ids: number[] = [];
  for (const item of items) {
    const row = await findOutboxItemByKey(db, item.key);
    if (!row) throw new Error(`not queued: ${item.key}`);
    for (let i = 0; i < attempts; i += 1) {
      await markFailed(db, row.id, { retryAt: null, error, countsAsAttempt: true, uncertain: false });
    }
    ids.push(row.id);
  }
  return ids;
}
