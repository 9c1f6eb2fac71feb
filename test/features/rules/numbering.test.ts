import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import { ids, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { nominationState } from './rules.helpers.js';

describe('RULE numbers', () => {
  const app = useTestApp();

  it('are gapless when many people submit at once and Slack replays some submissions', async () => {
    const submission = (n: number) =>
      viewSubmission(
        {
          id: `V0NUMBER${String(n).padStart(3, '0')}`,
          callback_id: rulesIds.nominateModal,
          private_metadata: JSON.stringify({ source: 'command', permalink: null }),
        },
        nominationState({ rule: `Rule number test ${n}` }),
        ids.employee,
      );
    // 20 different submissions, each sent twice at the same moment (a Slack retry racing the original).
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => app.send.interaction(submission(i % 20))),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.json<{ response_action: string }>().response_action).toBe('update');
    }
    const rows = await app.running.database.db.select().from(rules).orderBy(asc(rules.number));
    expect(rows.map((row) => row.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.idempotencyKey)).size).toBe(20);

    // The next one continues the sequence: the replays took no number.
    const next = await app.send.interaction(submission(99));
    expect(next.status).toBe(200);
    const last = await app.running.database.db.select().from(rules).orderBy(asc(rules.number));
    expect(last.at(-1)?.number).toBe(21);
  });
});
