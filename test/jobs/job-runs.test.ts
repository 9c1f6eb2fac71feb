import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.js';
import { listActiveJourneyStages, listJourneyStages } from '../../src/features/settings/stages.queries.js';
import { claimJobRun, findJobRun, finishJobRun } from '../../src/jobs/job-runs.queries.js';
import { freshDatabase } from '../support/db.js';

describe('job runs and journey stages (real SQL)', () => {
  let database: Database;
  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('lets exactly one of many concurrent claimers run a job for a period', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => claimJobRun(database.db, 'digest', '2026-W48', now)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimJobRun(database.db, 'digest', '2026-W49', now)).toBe(true);
  });

  it('does not run a finished job again, re-runs a failed one and takes over a stale one', async () => {
    const now = new Date('2026-11-23T09:00:00Z');
    expect(await claimJobRun(database.db, 'aging', '2026-11-23', now)).toBe(true);
    await finishJobRun(database.db, 'aging', '2026-11-23', 'done', now, 'C1/123.456');
    expect(await claimJobRun(database.db, 'aging', '2026-11-23', now)).toBe(false);
    expect((await findJobRun(database.db, 'aging', '2026-11-23'))?.result).toBe('C1/123.456');

    expect(await claimJobRun(database.db, 'aging', '2026-11-24', now)).toBe(true);
    await finishJobRun(database.db, 'aging', '2026-11-24', 'failed', now);
    expect(await claimJobRun(database.db, 'aging', '2026-11-24', now)).toBe(true);

    expect(await claimJobRun(database.db, 'aging', '2026-11-25', now)).toBe(true);
    expect(await claimJobRun(database.db, 'aging', '2026-11-25', new Date(now.getTime() + 60_000))).toBe(
      false,
    );
    expect(await claimJobRun(database.db, 'aging', '2026-11-25', new Date(now.getTime() + 11 * 60_000))).toBe(
      true,
    );
  });

  it('the default journey stages are there from the migration; reads at once add none', async () => {
    const lists = await Promise.all([
      listJourneyStages(database.db),
      listJourneyStages(database.db),
      listActiveJourneyStages(database.db),
    ]);
    for (const stages of lists) {
      expect(stages.map((s) => s.name)).toEqual(['Discover', 'Buy', 'Onboard', 'Use', 'Get help', 'Renew']);
    }
    expect(await listJourneyStages(database.db)).toHaveLength(6);
  });
});
