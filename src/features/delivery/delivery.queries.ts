import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { rules } from '../rules/rules.schema.js';

/**
 * RULE numbers of nominations by their row ID (outbox keys name a nomination by its ID; people know it by
 * its number). Read-only, one query for a page of dead letters.
 */
export async function listRuleNumbers(db: DbOrTx, ruleIds: number[]): Promise<Map<number, number>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await db
    .select({ id: rules.id, number: rules.number })
    .from(rules)
    .where(inArray(rules.id, ruleIds));
  return new Map(rows.map((row) => [row.id, row.number]));
}
