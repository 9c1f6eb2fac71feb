import { sql } from 'drizzle-orm';
import type { Db } from '../src/db/client.js';

/**
 * Bulk data for the benchmark, inserted with generate_series (seconds, not minutes). Everything is in
 * the week before `now`, so the digest has to read all of it.
 */
export async function seedDigestData(
  db: Db,
  now: Date,
  sizes: { rules: number; roadmapItems: number; notes: number; calls: number; stories: number },
): Promise<void> {
  const at = now.toISOString();
  await db.execute(sql`
    insert into job_runs (job, period, status, claimed_at, finished_at)
    values ('digest', 'bench-previous', 'done', ${at}::timestamptz - interval '7 days', ${at}::timestamptz - interval '7 days')`);
  await db.execute(sql`
    insert into rules (number, title, hurts, why, anonymous, submitter_id, status, source, idempotency_key,
                       created_at, updated_at, decided_at, decision_note)
    select i, 'Benchmark rule ' || i, 'customers', 'Because', false, 'U0BENCH' || (i % 100),
           case when i % 10 = 0 then 'killed' else 'new' end, 'command', 'bench-rule-' || i,
           ${at}::timestamptz - interval '20 days', ${at}::timestamptz,
           case when i % 10 = 0 then ${at}::timestamptz - interval '2 days' end, 'Gone'
    from generate_series(1, ${sizes.rules}) as i`);
  await db.execute(sql`
    insert into roadmap_items (title, status, created_by, idempotency_key, created_at, updated_at)
    select 'Roadmap item ' || i, case when i % 4 = 0 then 'shipped' else 'in_progress' end, 'U0CXOFF001',
           'bench-item-' || i, ${at}::timestamptz - interval '30 days', ${at}::timestamptz
    from generate_series(1, ${sizes.roadmapItems}) as i`);
  await db.execute(sql`
    insert into roadmap_changes (item_id, actor_id, kind, from_status, to_status, note, created_at)
    select (select min(id) from roadmap_items) + (i % ${sizes.roadmapItems}), 'U0CXOFF001', 'note', 'in_progress', 'in_progress',
           'Progress note ' || i, ${at}::timestamptz - (i % 5000) * interval '1 minute'
    from generate_series(1, ${sizes.notes}) as i`);
  await db.execute(sql`
    insert into calls (logged_by, customer, call_date, kind, result, learned, idempotency_key, created_at)
    select 'U0EXEC' || lpad((i % 500)::text, 4, '0'), 'Customer ' || i, to_char(${at}::timestamptz - interval '2 days', 'YYYY-MM-DD'),
           'call', 'reached', 'Learned ' || i, 'bench-call-' || i, ${at}::timestamptz - interval '2 days'
    from generate_series(1, ${sizes.calls}) as i`);
  await db.execute(sql`
    insert into stories (body, kind, teller_id, source, status, shareable, idempotency_key, created_at)
    select 'Story ' || i, 'delighted', 'U0EMPL0001', 'command', case when i % 2 = 0 then 'approved' else 'pending' end,
           i % 3 <> 0, 'bench-story-' || i, ${at}::timestamptz - interval '3 days'
    from generate_series(1, ${sizes.stories}) as i`);
}
