import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../src/config.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { readSetting } from '../../../src/features/settings/settings.keys.js';
import { settings } from '../../../src/features/settings/settings.schema.js';
import {
  listActiveJourneyStages,
  listJourneyStages,
  readSettings,
  type SettingsChange,
  saveSettings,
} from '../../../src/features/settings/settings.service.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { insertStory } from '../../../src/features/stories/stories.queries.js';
import { freshDatabase } from '../../support/db.js';
import { startFakeSlack, testEnv } from '../../support/test-app.js';

// The settings' rules on a real database (PGlite, or PostgreSQL with DATABASE_URL), without Slack.

const CX_OFFICER = 'U0CXOFFIC1';
const NOW = new Date('2026-11-24T10:00:00Z');
const DEFAULT_STAGES = ['Discover', 'Buy', 'Onboard', 'Use', 'Get help', 'Renew'];

/** A valid change: the default stages and values other than the defaults. */
const change = (overrides: Partial<SettingsChange> = {}): SettingsChange => ({
  stages: DEFAULT_STAGES.map((name) => ({ name })),
  responseTarget: 7,
  callTarget: 3,
  nudgeSlot: { weekday: 4, hour: 8, minute: 30 },
  digestSchedule: '30 8 * * 2',
  ...overrides,
});
const stageList = (...names: string[]) => names.map((name) => ({ name }));

describe('the settings service (real SQL)', () => {
  let config: Config;
  let database: Database;
  let db: Database['db'];

  beforeAll(async () => {
    const slack = await startFakeSlack(); // only for a valid environment: nothing here calls Slack
    config = loadConfig(testEnv(slack));
    await slack.close();
  });
  beforeEach(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
  });
  afterEach(async () => {
    await database?.close();
  });

  const storyTaggedWith = async (stage: string) => {
    const stageId = (await listJourneyStages(db)).find((s) => s.name === stage)?.id;
    await insertStory(db, {
      body: `A story about ${stage}`,
      kind: 'delighted',
      tellerId: 'U0EMPL0001',
      source: 'command',
      stageId,
      idempotencyKey: `story-${stage}`,
      createdAt: NOW,
    });
  };
  const storedSettings = () => db.select().from(settings);

  it('a new database has the default journey stages, and reading them writes nothing', async () => {
    const rowsBefore = await db.select().from(journeyStages);
    expect(rowsBefore.map((stage) => stage.name)).toEqual(DEFAULT_STAGES);
    expect((await listActiveJourneyStages(db)).map((stage) => stage.name)).toEqual(DEFAULT_STAGES);
    expect(await db.select().from(journeyStages)).toEqual(rowsBefore);
  });

  it('reads the stages and the values, the environment’s where the CX office set none', async () => {
    expect(await readSettings(db, config)).toEqual({
      stages: DEFAULT_STAGES.map((name) => ({ name, retired: false })),
      responseTarget: 10,
      callTarget: 2,
      nudgeSlot: { weekday: 2, hour: 10, minute: 0 },
      digestSchedule: config.digestSchedule,
      timeZone: config.timeZone,
    });
  });

  it('saves the values and the stage list: renamed in place, reordered, added; removed ones retired when in use, deleted otherwise', async () => {
    await storyTaggedWith('Use');
    const before = await listJourneyStages(db);
    const saved = await saveSettings(
      db,
      change({
        stages: [
          { name: 'Buy' },
          { name: 'Explore', renameFrom: 'discover' },
          { name: 'Onboard' },
          { name: 'Get help' },
          { name: 'Advocate' },
        ],
      }),
      CX_OFFICER,
      NOW,
    );
    expect(saved).toEqual({ ok: true });

    const after = await listJourneyStages(db);
    expect(after.filter((s) => s.retiredAt === null).map((s) => s.name)).toEqual([
      'Buy',
      'Explore',
      'Onboard',
      'Get help',
      'Advocate',
    ]);
    expect(after.find((s) => s.name === 'Explore')?.id).toBe(before.find((s) => s.name === 'Discover')?.id);
    expect(after.find((s) => s.name === 'Use')?.retiredAt).toEqual(NOW); // in use: retired
    expect(after.some((s) => s.name === 'Renew')).toBe(false); // unused: deleted

    expect(await readSetting(db, config, 'rules.responseTargetWorkingDays')).toBe(7);
    expect(await readSetting(db, config, 'calls.defaultMonthlyTarget')).toBe(3);
    expect(await readSetting(db, config, 'calls.nudgeSlot')).toEqual({ weekday: 4, hour: 8, minute: 30 });
    expect(await readSetting(db, config, 'digest.schedule')).toBe('30 8 * * 2');
    expect((await storedSettings()).every((row) => row.updatedBy === CX_OFFICER)).toBe(true);

    // Listed again, a retired stage comes back as it was (same ID, so its story keeps it).
    expect(await saveSettings(db, change({ stages: stageList('Use', 'Buy') }), CX_OFFICER, NOW)).toEqual({
      ok: true,
    });
    const back = await listActiveJourneyStages(db);
    expect(back.map((s) => s.name)).toEqual(['Use', 'Buy']);
    expect(back[0]?.id).toBe(before.find((s) => s.name === 'Use')?.id);
  });

  it.each([
    ['no stage', stageList(), /at least one/],
    ['31 stages', stageList(...Array.from({ length: 31 }, (_, i) => `Stage ${i}`)), /At most 30/],
    ['a name listed twice, in any case', stageList('Buy', 'Use', 'buy'), /“buy” is listed twice/],
    ['a name over 60 characters', stageList('Buy', 'x'.repeat(61)), /longer than 60/],
  ])('refuses a stage list with %s, and saves nothing', async (_, stages, error) => {
    const saved = await saveSettings(db, change({ stages }), CX_OFFICER, NOW);
    expect(saved.ok === false && saved.errors.stages).toMatch(error);
    expect(await storedSettings()).toEqual([]);
    expect((await listJourneyStages(db)).map((s) => s.name)).toEqual(DEFAULT_STAGES);
  });

  it('refuses to rename a stage that does not exist, and saves nothing at all', async () => {
    const stages = [{ name: 'Explore', renameFrom: 'Wander' }, ...stageList('Buy')];
    const saved = await saveSettings(db, change({ stages }), CX_OFFICER, NOW);
    expect(saved).toEqual({ ok: false, errors: { stages: 'There is no stage called “Wander” to rename.' } });
    expect(await storedSettings()).toEqual([]);
    expect((await listJourneyStages(db)).map((s) => s.name)).toEqual(DEFAULT_STAGES);
  });

  it('refuses values out of range and a schedule that is not cron, every problem at once, and saves nothing', async () => {
    const saved = await saveSettings(
      db,
      change({ responseTarget: 0, callTarget: 2.5, digestSchedule: 'mondays at nine' }),
      CX_OFFICER,
      NOW,
    );
    expect(saved).toEqual({
      ok: false,
      errors: {
        responseTarget: 'At least 1 day.',
        callTarget: 'A whole number.',
        digestSchedule: 'Not a cron expression: for Mondays at 09:00 write 0 9 * * 1.',
      },
    });
    const tooMany = await saveSettings(db, change({ responseTarget: 61, callTarget: 32 }), CX_OFFICER, NOW);
    expect(tooMany).toEqual({
      ok: false,
      errors: { responseTarget: 'At most 60 days.', callTarget: 'At most 31 a month.' },
    });
    expect(await storedSettings()).toEqual([]);
  });

  it('stores the schedule trimmed', async () => {
    expect(await saveSettings(db, change({ digestSchedule: ' 0 7 * * 1 ' }), CX_OFFICER, NOW)).toEqual({
      ok: true,
    });
    expect(await readSetting(db, config, 'digest.schedule')).toBe('0 7 * * 1');
  });
});
