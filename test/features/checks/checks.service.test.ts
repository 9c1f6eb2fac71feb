import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { CHECKS_SCHEDULE } from '../../../src/features/checks/checks.jobs.js';
import {
  EXEC_STAGES_MAX,
  planQuestions,
  quarterInWords,
} from '../../../src/features/checks/checks.service.js';
import { quarterKey } from '../../../src/time.js';

const stages = [1, 2, 3, 4, 5, 6].map((id) => ({ id, ownerId: null as string | null }));
const execs = Array.from({ length: 60 }, (_, i) => `U0EXEC${String(i).padStart(4, '0')}`);

describe('who is asked about what', () => {
  it('spreads executives without conversations over every stage, three each, the same on every replica', () => {
    const plan = planQuestions({ quarter: '2026-Q4', stages, executives: execs, callStages: [], asked: [] });
    expect(plan).toHaveLength(execs.length * EXEC_STAGES_MAX);
    const perStage = new Map<number, number>();
    for (const row of plan) perStage.set(row.stageId, (perStage.get(row.stageId) ?? 0) + 1);
    expect([...perStage.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const n of perStage.values()) expect(n).toBeGreaterThan(10);
    const again = planQuestions({ quarter: '2026-Q4', stages, executives: execs, callStages: [], asked: [] });
    expect(again).toEqual(plan);
    // Consecutive stages per person, no stage twice.
    for (const exec of execs)
      expect(new Set(plan.filter((r) => r.userId === exec).map((r) => r.stageId)).size).toBe(3);
  });

  it('asks an executive about the stages they heard customers about, most first, at most three', () => {
    const plan = planQuestions({
      quarter: '2026-Q4',
      stages,
      executives: ['U0EXEC0001'],
      callStages: [
        { userId: 'U0EXEC0001', stageId: 6, calls: 1 },
        { userId: 'U0EXEC0001', stageId: 2, calls: 5 },
        { userId: 'U0EXEC0001', stageId: 4, calls: 1 },
        { userId: 'U0EXEC0001', stageId: 5, calls: 3 },
        { userId: 'U0EXEC0002', stageId: 1, calls: 9 },
      ],
      asked: [],
    });
    expect(plan.map((r) => r.stageId)).toEqual([2, 4, 5]);
  });

  it('owners are asked about every stage they own; an owner on the roster gets no more than three in all', () => {
    const owned = stages.map((s) => (s.id <= 4 ? { ...s, ownerId: 'U0EXEC0001' } : s));
    const plan = planQuestions({
      quarter: '2026-Q4',
      stages: owned,
      executives: ['U0EXEC0001'],
      callStages: [{ userId: 'U0EXEC0001', stageId: 6, calls: 2 }],
      asked: [],
    });
    expect(plan.map((r) => r.stageId)).toEqual([1, 2, 3, 4]);
    const one = stages.map((s) => (s.id === 1 ? { ...s, ownerId: 'U0EXEC0001' } : s));
    const mixed = planQuestions({
      quarter: '2026-Q4',
      stages: one,
      executives: ['U0EXEC0001'],
      callStages: [{ userId: 'U0EXEC0001', stageId: 6, calls: 2 }],
      asked: [],
    });
    expect(mixed.map((r) => r.stageId)).toEqual([1, 6]);
  });

  it('chooses an executive’s stages once a quarter: a call logged later adds no question', () => {
    const plan = planQuestions({
      quarter: '2026-Q4',
      stages,
      executives: ['U0EXEC0001'],
      callStages: [{ userId: 'U0EXEC0001', stageId: 3, calls: 2 }],
      asked: [{ userId: 'U0EXEC0001', stageId: 5 }],
    });
    expect(plan).toEqual([]);
  });
});

describe('quarters', () => {
  it('keys, words and opening times in the company zone', () => {
    expect(quarterKey(new Date('2026-12-31T23:30:00Z'), 'UTC')).toBe('2026-Q4');
    expect(quarterKey(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2027-Q1');
    expect(quarterInWords('2026-Q4')).toBe('October to December 2026');
    expect(quarterInWords('2027-Q1')).toBe('January to March 2027');
  });

  it('the job first knocks on the first working day of a quarter at 10:00, company time', () => {
    const firstTick = (after: string, zone: string) =>
      new Cron(CHECKS_SCHEDULE, { timezone: zone, paused: true }).nextRun(new Date(after))?.toISOString();
    // 1 October 2028 is a Sunday: Monday the 2nd.
    expect(firstTick('2028-09-30T22:00:00Z', 'UTC')).toBe('2028-10-02T10:00:00.000Z');
    expect(firstTick('2026-10-01T00:00:00Z', 'America/New_York')).toBe('2026-10-01T14:00:00.000Z');
    // New Year's Eve at 23:30 UTC is 1 January in Berlin, a Friday: 10:00 there, 09:00 UTC.
    expect(firstTick('2026-12-31T23:30:00Z', 'Europe/Berlin')).toBe('2027-01-01T09:00:00.000Z');
    // Never at night: after 17:00 the next tick is the next working morning.
    expect(firstTick('2026-11-20T17:30:00Z', 'UTC')).toBe('2026-11-23T10:00:00.000Z');
  });
});
