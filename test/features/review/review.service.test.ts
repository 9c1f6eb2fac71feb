import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/db/client.js';
import {
  buildStageReview,
  healthThisMonth,
  lastFullMonth,
  queueMonthlyReviews,
  reviewPictureInput,
} from '../../../src/features/review/review.service.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { quarterOfMonth } from '../../../src/time.js';
import { freshDatabase } from '../../support/db.js';
import { ids } from '../../support/payloads.js';
import { GET_HELP, STAGE_OWNER, seedOctober } from './review.helpers.js';

// The review's numbers straight from the service, on a database that counts every statement it runs.

const NOW = new Date('2026-11-10T10:00:00Z');

describe('buildStageReview', () => {
  let database: Database;
  let statements: string[] = [];
  let stageIds: Record<string, number> = {};

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, {
      ...fresh.options,
      logQuery: (query) => statements.push(query),
    });
    ({ stageIds } = await seedOctober(database.db));
  });
  afterAll(async () => {
    await database?.close();
  });

  const count = async (stageIds: number[] | null) => {
    statements = [];
    const review = await buildStageReview(database.db, { month: '2026-10', zone: 'UTC', stageIds }, NOW);
    return { review, statements: statements.length };
  };

  it('runs the same fixed number of statements for one stage, several and the whole company', async () => {
    const all = await count(null);
    const one = await count([stageIds.Onboard as number]);
    const several = await count(Object.values(stageIds).slice(0, 4));
    expect(all.statements).toBe(11);
    expect(one.statements).toBe(all.statements);
    expect(several.statements).toBe(all.statements);
    expect(one.review.stages.map((stage) => stage.name)).toEqual(['Onboard']);
  });

  it('counts per stage and category, the month before, the trend and the quarter’s answers', async () => {
    const { review } = await count(null);
    expect(review.stages.map((stage) => stage.name)).toEqual([
      'Discover',
      'Buy',
      'Onboard',
      'Use',
      GET_HELP,
      'Renew',
      'No stage',
    ]);
    const onboard = review.stages.find((stage) => stage.name === 'Onboard');
    expect(onboard?.ownerId).toBe(STAGE_OWNER);
    expect(onboard?.counts).toMatchObject({
      made: 3,
      open: 2,
      killed: 1,
      kept: 1,
      votes: 2,
      conversations: 2,
      positive: 2,
      notReached: 1,
      visits: 1,
      delighted: 1,
      inProgress: 1,
      shipped: 0,
      followUpsOpen: 1,
      followUpsOverdue: 1,
    });
    expect(onboard?.previous.made).toBe(1);
    expect(onboard?.trend).toEqual([0, 0, 0, 0, 1, 3]);
    expect(onboard?.checks).toMatchObject({ quarter: '2026-Q4', asked: 3, yes: 1, itDepends: 1, notYet: 1 });
    expect(onboard?.categories.map((category) => category.name)).toEqual(['No category']);
    expect(review.health).toMatchObject({
      daysToDecision: 2,
      daysAcceptedToKilled: 10,
      followUpCompletion: 0,
      executivesReached: 1,
    });
    expect(review.gaps).toEqual([
      { kind: 'it_depends', stage: 'Onboard', unsure: 2, answered: 3 },
      { kind: 'unanswered_pain', stage: GET_HELP, pain: 14, negative: 9 },
      { kind: 'silent', stages: ['Discover', 'Buy', 'Use', 'Renew'] },
    ]);
  });

  it('gives the picture the stage names from settings, a cell per stage and measure, and six months', async () => {
    const { review } = await count(null);
    const picture = reviewPictureInput(review);
    expect(picture.stages).toContain(GET_HELP);
    expect(picture.cells).toHaveLength(picture.stages.length * picture.measures.length);
    expect(new Set(picture.trend.map((point) => point.month))).toEqual(
      new Set(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']),
    );
  });

  it('reads months in the company zone', () => {
    expect(lastFullMonth(new Date('2026-11-01T09:15:00Z'), 'UTC')).toBe('2026-10');
    // Still 31 October in Los Angeles.
    expect(lastFullMonth(new Date('2026-11-01T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-09');
    expect(quarterOfMonth('2026-10')).toBe('2026-Q4');
    expect(quarterOfMonth('2026-03')).toBe('2026-Q1');
  });

  it('shows the health of this month so far against last month in a few statements', async () => {
    statements = [];
    const health = await healthThisMonth(database.db, 'UTC', new Date('2026-10-25T10:00:00Z'));
    expect(statements.length).toBe(3);
    expect(health.previousMonth).toBe('2026-09');
    expect(health.health.daysToDecision).toBe(2);
  });

  it('queues one review per month and recipient, keyed for ever', async () => {
    const members = async () => [ids.cxOfficer, ids.cxGroupMember];
    await queueMonthlyReviews(database.db, 'UTC', members, new Date('2026-11-01T09:15:00Z'));
    await queueMonthlyReviews(database.db, 'UTC', members, new Date('2026-11-03T09:15:00Z'));
    const keys = (
      await database.db.select({ key: outbox.key }).from(outbox).where(like(outbox.key, 'review:2026-10:%'))
    )
      .map((row) => row.key)
      .sort();
    expect(keys).toEqual(
      [ids.cxOfficer, ids.cxGroupMember, STAGE_OWNER]
        .flatMap((user) => [`review:2026-10:${user}`, `review:2026-10:${user}:picture`])
        .sort(),
    );
  });
});
