import { WebClient } from '@slack/web-api';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { type Db, openDatabase } from '../src/db/client.js';
import { renderReviewPicture } from '../src/features/review/review.chart.js';
import { buildStageReview, reviewPictureInput } from '../src/features/review/review.service.js';
import {
  renderReviewCsv,
  renderReviewFiles,
  renderReviewSummary,
} from '../src/features/review/review.views.js';
import { processDatabase } from '../test/support/app-process.js';
import { checkMessage } from '../test/support/block-kit.js';
import { FAKE_BOT_TOKEN } from '../test/support/fake-slack.js';
import { ids } from '../test/support/payloads.js';
import { startFakeSlack, testEnv } from '../test/support/test-app.js';
import type { BenchRow } from './row.js';

/**
 * 9. The monthly journey-stage review over a year of a 5,000-person company: the review built (a fixed
 * number of SQL statements), its summary, picture (vega-lite → SVG → PNG) and CSV rendered, and both
 * delivered to the fake Slack (chat.postMessage, then files upload v2 of the PNG and the CSV), timed
 * end to end; the PNG render is also timed alone. Targets: median ≤ 1 s on PostgreSQL, ≤ 2 s embedded.
 */

export interface ReviewSizes {
  people: number;
  rules: number;
  votes: number;
  calls: number;
  followUps: number;
  stories: number;
  roadmapItems: number;
  executives: number;
}

export const REVIEW_SIZES: ReviewSizes = {
  people: 5_000,
  rules: 20_000,
  votes: 60_000,
  calls: 50_000,
  followUps: 20_000,
  stories: 10_000,
  roadmapItems: 2_000,
  executives: 200,
};
export const REVIEW_SMOKE_SIZES: ReviewSizes = {
  people: 50,
  rules: 200,
  votes: 600,
  calls: 500,
  followUps: 200,
  stories: 100,
  roadmapItems: 20,
  executives: 10,
};

/** The month under review; the year of data ends with it. */
const MONTH = '2026-10';
const YEAR_START = '2025-11-01T00:00:00Z';
/** The statements one build may take (the review's own: lists and GROUP BYs over the window). */
const STATEMENTS = 11;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** A year of activity spread over the six default stages and four categories, in bulk (generate_series). */
export async function seedReviewData(db: Db, sizes: ReviewSizes): Promise<void> {
  const start = sql`${YEAR_START}::timestamptz`;
  // The i-th row's stage and category: every stage, a category on four rows in five.
  const stage = sql`(select array_agg(id order by position, id) from journey_stages)[1 + (i % 6)]`;
  const category = sql`case when i % 5 = 4 then null else (select array_agg(id order by position, id) from touchpoint_categories)[1 + (i % 4)] end`;
  // A moment of the year: spread over 365 days and the hours of a day.
  const moment = sql`${start} + (i % 365) * interval '1 day' + (i % 24) * interval '1 hour'`;
  await db.execute(sql`
    insert into rules (number, title, hurts, why, stage_id, category_id, anonymous, submitter_id, status, source,
                       idempotency_key, created_at, updated_at, decided_at)
    select i, 'Benchmark rule ' || i, 'customers', 'Because', ${stage}, ${category}, i % 4 = 0,
           -- An anonymous suggestion's person is in anonymous_submitters (below), the row holds a placeholder.
           case when i % 4 = 0 then 'anonymous' else 'U0PERS' || lpad((i % ${sizes.people})::text, 4, '0') end,
           (array['new','new','new','under_review','accepted','killed','killed','kept','duplicate','new'])[1 + (i % 10)],
           'command', 'bench-review-rule-' || i, ${moment}, ${moment},
           case when i % 10 between 4 and 8 then ${moment} + (1 + i % 20) * interval '1 day' end
    from generate_series(1, ${sizes.rules}) as i`);
  await db.execute(sql`
    insert into anonymous_submitters (rule_id, user_id)
    select id, 'U0PERS' || lpad((number % ${sizes.people})::text, 4, '0') from rules
    where anonymous and idempotency_key like 'bench-review-rule-%'`);
  await db.execute(sql`
    insert into rule_events (rule_id, actor_id, action, to_status, created_at)
    select r.id, 'U0CXOFF001', 'status', e.to_status, r.decided_at + e.after
    from rules r
    cross join lateral (values ('accepted', interval '0 days'), ('killed', interval '1 day' * (1 + r.number % 30))) as e(to_status, after)
    where r.status in ('accepted', 'killed') and (r.status = 'killed' or e.to_status = 'accepted')
    union all
    select r.id, 'U0CXOFF001', 'status', r.status, r.decided_at from rules r where r.status in ('kept', 'duplicate')`);
  await db.execute(sql`
    insert into rule_votes (rule_id, user_id, created_at)
    select (select min(id) from rules) + (i % ${sizes.rules}),
           'U0VOTE' || lpad((i / ${sizes.rules})::text, 4, '0'), ${moment} + interval '2 hours'
    from generate_series(0, ${sizes.votes - 1}) as i`);
  await db.execute(sql`
    insert into executives (user_id, active, time_zone, synced_at)
    select 'U0EXEC' || lpad(i::text, 4, '0'), true, 'UTC', ${start}
    from generate_series(0, ${sizes.executives - 1}) as i`);
  await db.execute(sql`
    insert into calls (logged_by, customer, call_date, kind, result, stage_id, category_id, learned, sentiment,
                       idempotency_key, created_at)
    select 'U0EXEC' || lpad((i % ${sizes.executives})::text, 4, '0'), 'Customer ' || (i % 900),
           to_char(${moment}, 'YYYY-MM-DD'),
           case when i % 10 = 9 then 'visit' when i % 10 = 8 then 'frontline' else 'call' end,
           case when i % 7 = 0 then 'voicemail' when i % 7 = 1 then 'no_answer' else 'reached' end,
           ${stage}, ${category}, 'Learned ' || i,
           (array['positive','neutral','negative'])[1 + (i % 3)], 'bench-review-call-' || i, ${moment}
    from generate_series(1, ${sizes.calls}) as i`);
  await db.execute(sql`
    insert into follow_ups (call_id, owner_id, action, due_date, done_at, created_at)
    select c.id, c.logged_by, 'Follow up ' || c.id, to_char(c.created_at + interval '7 days', 'YYYY-MM-DD'),
           case when c.id % 3 <> 0 then c.created_at + interval '5 days' end, c.created_at
    from calls c order by c.id limit ${sizes.followUps}`);
  await db.execute(sql`
    insert into stories (body, customer, stage_id, category_id, kind, teller_id, source, status, idempotency_key, created_at)
    select 'Story ' || i, 'Customer ' || (i % 900), ${stage}, ${category},
           (array['pain_point','delighted','recovery'])[1 + (i % 3)], 'U0PERS' || lpad((i % ${sizes.people})::text, 4, '0'),
           'command', case when i % 5 = 4 then 'rejected' when i % 5 = 3 then 'pending' else 'approved' end,
           'bench-review-story-' || i, ${moment}
    from generate_series(1, ${sizes.stories}) as i`);
  await db.execute(sql`
    insert into roadmap_items (title, stage_id, category_id, status, created_by, idempotency_key, created_at, updated_at)
    select 'Roadmap item ' || i, ${stage}, ${category},
           case when i % 3 = 0 then 'shipped' when i % 3 = 1 then 'in_progress' else 'planned' end,
           'U0CXOFF001', 'bench-review-item-' || i, ${moment}, ${moment}
    from generate_series(1, ${sizes.roadmapItems}) as i`);
  await db.execute(sql`
    insert into roadmap_changes (item_id, actor_id, kind, from_status, to_status, created_at)
    select i.id, 'U0CXOFF001', 'created', null, 'planned', i.created_at from roadmap_items i
    union all
    select i.id, 'U0CXOFF001', 'edited', 'planned', 'in_progress', i.created_at + interval '20 days'
    from roadmap_items i where i.status in ('in_progress', 'shipped')
    union all
    select i.id, 'U0CXOFF001', 'edited', 'in_progress', 'shipped', i.created_at + interval '60 days'
    from roadmap_items i where i.status = 'shipped'`);
  await db.execute(sql`
    insert into stage_checks (quarter, stage_id, user_id, asked_at, answer, answered_at)
    select q.quarter, s.id, 'U0EXEC' || lpad(e::text, 4, '0'), ${start},
           (array['yes','it_depends','not_yet', null])[1 + ((e + s.id) % 4)], ${start}
    from (values ('2026-Q3'), ('2026-Q4')) as q(quarter)
    cross join journey_stages s
    cross join generate_series(0, ${sizes.executives - 1}) as e`);
}

export async function benchReview(
  kind: 'pglite' | 'postgres',
  adminUrl: string | undefined,
  smoke: boolean,
): Promise<BenchRow[]> {
  const sizes = smoke ? REVIEW_SMOKE_SIZES : REVIEW_SIZES;
  const runs = smoke ? 2 : 5;
  const slack = await startFakeSlack();
  const target = await processDatabase(kind, adminUrl, 'touchpoint_bench');
  const config = loadConfig(testEnv(slack, target.env));
  let statements = 0;
  const database = await openDatabase(config.database, { logQuery: () => (statements += 1) });
  const client = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
  try {
    await database.migrate();
    const seedStarted = performance.now();
    await seedReviewData(database.db, sizes);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const total: number[] = [];
    const build: number[] = [];
    const picture: number[] = [];
    const perBuild: number[] = [];
    let pngBytes = 0;
    let problems = 0;
    const dm = (await client.conversations.open({ users: ids.cxOfficer })).channel?.id ?? '';
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      statements = 0;
      const review = await buildStageReview(
        database.db,
        { month: MONTH, zone: config.timeZone, stageIds: null },
        new Date('2026-11-01T09:15:00Z'),
      );
      perBuild.push(statements);
      build.push(performance.now() - started);
      const summary = renderReviewSummary(review);
      problems = checkMessage(summary).length;
      const drawStarted = performance.now();
      const { png } = await renderReviewPicture(reviewPictureInput(review));
      picture.push(performance.now() - drawStarted);
      pngBytes = png.length;
      const files = renderReviewFiles(review);
      await client.chat.postMessage({ channel: ids.cxOfficer, ...summary });
      await client.filesUploadV2({
        channel_id: dm,
        initial_comment: files.comment,
        file_uploads: [
          { file: png, filename: files.png, title: files.title },
          { content: renderReviewCsv(review), filename: files.csv, title: files.title },
        ],
      });
      total.push(performance.now() - started);
    }
    const fixed = perBuild.every((n) => n === STATEMENTS);
    const limitMs = kind === 'postgres' ? 1_000 : 2_000;
    const s = sizes;
    const path = `review over a year: ${s.rules} suggestions, ${s.calls} calls, ${s.stories} stories, ${s.roadmapItems} items (${s.people} people)`;
    return [
      {
        path,
        measure: 'built + rendered + uploaded, median; SQL statements per build; Block Kit problems',
        touchpoint: `${ms(median(total))} (build ${ms(median(build))}); ${perBuild[0]}; ${problems}`,
        baseline: '—',
        ratio: '—',
        target: `≤ ${limitMs / 1000} s; ${STATEMENTS} statements; 0 problems`,
        ok: median(total) <= limitMs && fixed && problems === 0,
        broken: !fixed || problems > 0 || pngBytes < 5_000,
      },
      {
        path: `review picture (PNG, ${Math.round(pngBytes / 1024)} KB); seeding took ${seedSeconds.toFixed(1)} s`,
        measure: 'PNG render alone (vega-lite → SVG → resvg), median',
        touchpoint: ms(median(picture)),
        baseline: '—',
        ratio: '—',
        target: 'reported',
        ok: undefined,
      },
    ];
  } finally {
    await database.close();
    await target.drop();
    await slack.close();
  }
}
