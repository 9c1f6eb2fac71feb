import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../src/config.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import {
  NUDGE_DAY_PROBLEM,
  NUDGE_TIME_PROBLEM,
  readSetting,
} from '../../../src/features/settings/settings.keys.js';
import { settings } from '../../../src/features/settings/settings.schema.js';
import {
  listActiveJourneyStages,
  listJourneyStages,
  readSettings,
  type SettingsChange,
  saveSettings,
} from '../../../src/features/settings/settings.service.js';
import { describeSettingsSaved } from '../../../src/features/settings/settings.views.js';
import { listTouchpointCategories } from '../../../src/features/settings/stages.queries.js';
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

  it('reads the stages and the values, each with where it comes from, the default where the CX office set none', async () => {
    const byDefault = <T>(value: T) => ({
      value,
      origin: 'default',
      fallback: value,
      fallbackOrigin: 'default',
    });
    expect(await readSettings(db, config, NOW)).toEqual({
      stages: DEFAULT_STAGES.map((name) => ({
        id: expect.any(Number),
        name,
        retired: false,
        ownerId: null,
      })),
      categories: [
        'Managing customers at risk',
        'Responding to customer needs',
        'Increasing the bond with relevant value-add',
        'Earning the right to revenue growth',
      ].map((name) => ({ name, retired: false })),
      responseTarget: byDefault(10),
      quickKillTarget: byDefault(3),
      killByDays: byDefault(30),
      callTarget: byDefault(2),
      nudgeSlot: byDefault({ weekday: 2, hour: 10, minute: 0 }),
      digestSchedule: {
        ...byDefault('0 9 * * 1'),
        weekly: { weekday: 1, hour: 9, minute: 0 },
        nextRun: new Date('2026-11-30T09:00:00Z'),
      },
      timeZone: config.timeZone,
    });
  });

  it('saves the values and the stage list: renamed in place, reordered, added; removed ones retired when in use, deleted otherwise', async () => {
    await storyTaggedWith('Use');
    const before = await listJourneyStages(db);
    const saved = await saveSettings(
      db,
      config,
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
    expect(saved.ok).toBe(true);
    expect(saved.ok && saved.saved.stages).toEqual({
      renamed: [{ from: 'Discover', to: 'Explore' }],
      added: ['Advocate'],
      restored: [],
      retired: ['Use'],
      deleted: ['Renew'],
      reordered: true,
    });

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
    const restored = await saveSettings(
      db,
      config,
      change({ stages: stageList('Use', 'Buy') }),
      CX_OFFICER,
      NOW,
    );
    expect(restored.ok && restored.saved.stages?.restored).toEqual(['Use']);
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
    const saved = await saveSettings(db, config, change({ stages }), CX_OFFICER, NOW);
    expect(saved.ok === false && saved.errors.stages).toMatch(error);
    expect(await storedSettings()).toEqual([]);
    expect((await listJourneyStages(db)).map((s) => s.name)).toEqual(DEFAULT_STAGES);
  });

  it('touch-point categories: renamed in place, one in use retired, an unused one deleted; owners set and cleared', async () => {
    const [atRisk, needs] = await listTouchpointCategories(db);
    const getHelp = (await listJourneyStages(db)).find((s) => s.name === 'Get help');
    await insertStory(db, {
      body: 'A story at risk',
      kind: 'delighted',
      tellerId: 'U0EMPL0001',
      source: 'command',
      categoryId: needs?.id,
      idempotencyKey: 'story-category',
      createdAt: NOW,
    });
    const categories = [
      { name: 'At risk', renameFrom: 'Managing customers at risk' },
      ...stageList('Upsell'),
    ];
    const stageOwners = [{ stageId: getHelp?.id ?? 0, ownerId: 'U0EXEC0001' }];
    const saved = await saveSettings(db, config, change({ categories, stageOwners }), CX_OFFICER, NOW);
    expect(saved.ok && describeSettingsSaved(saved.saved)).toBe(
      'Saved: touch-point categories: renamed “Managing customers at risk” → “At risk”, added “Upsell”, retired “Responding to customer needs” (in use), removed “Increasing the bond with relevant value-add”, “Earning the right to revenue growth”; Get help is now owned by <@U0EXEC0001>; response target 10 → 7 working days; customer calls per executive 2 → 3 calls a month; nudges moved to Thursday 08:30; weekly update moved to Tuesday 08:30.',
    );
    const after = await listTouchpointCategories(db);
    expect(after.find((c) => c.id === atRisk?.id)?.name).toBe('At risk');
    expect(after.find((c) => c.id === needs?.id)?.retiredAt).not.toBeNull();
    expect(after.filter((c) => c.retiredAt === null).map((c) => c.name)).toEqual(['At risk', 'Upsell']);

    const cleared = await saveSettings(
      db,
      config,
      change({ stageOwners: [{ stageId: getHelp?.id ?? 0, ownerId: null }] }),
      CX_OFFICER,
      NOW,
    );
    expect(cleared.ok && cleared.saved.owners).toEqual([{ stage: 'Get help', ownerId: null }]);
    expect((await listJourneyStages(db)).find((s) => s.id === getHelp?.id)?.ownerId).toBeNull();
  });

  it('refuses to rename a stage that does not exist, and saves nothing at all', async () => {
    const stages = [{ name: 'Explore', renameFrom: 'Wander' }, ...stageList('Buy')];
    const saved = await saveSettings(db, config, change({ stages }), CX_OFFICER, NOW);
    expect(saved).toEqual({ ok: false, errors: { stages: 'There is no stage called “Wander” to rename.' } });
    expect(await storedSettings()).toEqual([]);
    expect((await listJourneyStages(db)).map((s) => s.name)).toEqual(DEFAULT_STAGES);
  });

  it('refuses values out of range and a schedule that is not cron, every problem at once, and saves nothing', async () => {
    const saved = await saveSettings(
      db,
      config,
      change({ responseTarget: 0, callTarget: 2.5, digestSchedule: 'mondays at nine' }),
      CX_OFFICER,
      NOW,
    );
    expect(saved).toEqual({
      ok: false,
      errors: {
        responseTarget: 'At least 1 day.',
        callTarget: 'A whole number.',
        digestSchedule: 'Not a schedule Touchpoint can read: pick a day and a time.',
      },
    });
    const tooMany = await saveSettings(
      db,
      config,
      change({ responseTarget: 61, callTarget: 32 }),
      CX_OFFICER,
      NOW,
    );
    expect(tooMany).toEqual({
      ok: false,
      errors: { responseTarget: 'At most 60 days.', callTarget: 'At most 31 a month.' },
    });
    expect(await storedSettings()).toEqual([]);
  });

  it('stores the schedule trimmed', async () => {
    expect(
      (await saveSettings(db, config, change({ digestSchedule: ' 0 7 * * 1 ' }), CX_OFFICER, NOW)).ok,
    ).toBe(true);
    expect(await readSetting(db, config, 'digest.schedule')).toBe('0 7 * * 1');
  });

  /** The values in effect, sent back as they are (what Save sends when only something else changed). */
  const asShown = (overrides: Partial<SettingsChange> = {}): SettingsChange => ({
    stages: DEFAULT_STAGES.map((name) => ({ name })),
    responseTarget: 10,
    callTarget: 2,
    nudgeSlot: { weekday: 2, hour: 10, minute: 0 },
    digestSchedule: '0 9 * * 1',
    ...overrides,
  });
  const storedKeys = async () => (await storedSettings()).map((row) => row.key).sort();

  it('stores only what changed: a later change of the server’s configuration still applies to the rest', async () => {
    const saved = await saveSettings(db, config, asShown({ responseTarget: 7 }), CX_OFFICER, NOW);
    expect(saved).toEqual({
      ok: true,
      saved: { values: [{ field: 'responseTarget', from: 10, to: 7, origin: 'slack' }] },
    });
    expect(await storedKeys()).toEqual(['rules.responseTargetWorkingDays']);
    expect(describeSettingsSaved(saved.ok ? saved.saved : { values: [] })).toBe(
      'Saved: response target 10 → 7 working days.',
    );

    // The server's configuration changes the weekly update's time: it applies, since nobody set one here.
    const reconfigured = { ...config, digestSchedule: '30 8 * * 2' };
    expect(await readSetting(db, reconfigured, 'digest.schedule')).toBe('30 8 * * 2');
    const state = await readSettings(db, reconfigured, NOW);
    expect(state.digestSchedule).toMatchObject({
      origin: 'environment',
      weekly: { weekday: 2, hour: 8, minute: 30 },
    });
    expect(state.responseTarget).toMatchObject({ value: 7, origin: 'slack', fallback: 10 });

    // Saving it all again as shown changes nothing and stores nothing more.
    const again = await saveSettings(
      db,
      reconfigured,
      asShown({ responseTarget: 7, digestSchedule: '30 8 * * 2' }),
      CX_OFFICER,
      NOW,
    );
    expect(again).toEqual({ ok: true, saved: { values: [] } });
    expect(describeSettingsSaved({ values: [] })).toBe('Nothing changed.');
    expect(await storedKeys()).toEqual(['rules.responseTargetWorkingDays']);
  });

  it('back to default: a ticked value is forgotten, and so is one saved equal to the default', async () => {
    await saveSettings(
      db,
      config,
      asShown({ responseTarget: 7, callTarget: 4, digestSchedule: '0 10 * * 2' }),
      CX_OFFICER,
      NOW,
    );
    expect(await storedKeys()).toEqual([
      'calls.defaultMonthlyTarget',
      'digest.schedule',
      'rules.responseTargetWorkingDays',
    ]);

    const reset = await saveSettings(
      db,
      config,
      asShown({ responseTarget: 8, callTarget: 2, digestSchedule: '0 10 * * 2', reset: ['responseTarget'] }),
      CX_OFFICER,
      NOW,
    );
    expect(reset).toEqual({
      ok: true,
      saved: {
        values: [
          { field: 'responseTarget', from: 7, to: 10, origin: 'default' },
          { field: 'callTarget', from: 4, to: 2, origin: 'default' },
        ],
      },
    });
    expect(await storedKeys()).toEqual(['digest.schedule']);
    expect(describeSettingsSaved(reset.ok ? reset.saved : { values: [] })).toBe(
      'Saved: response target 7 → 10 working days (back to the default); customer calls per executive 4 → 2 calls a month (back to the default).',
    );

    const moved = await saveSettings(db, config, asShown({ digestSchedule: '0 10 * * 3' }), CX_OFFICER, NOW);
    expect(describeSettingsSaved(moved.ok ? moved.saved : { values: [] })).toBe(
      'Saved: weekly update moved to Wednesday 10:00.',
    );
    // Ticked with nothing set here: nothing to forget.
    const nothing = await saveSettings(db, config, asShown({ reset: ['callTarget'] }), CX_OFFICER, NOW);
    expect(nothing.ok && nothing.saved.values.map((v) => v.field)).toEqual(['digestSchedule']);
    expect(await storedKeys()).toEqual([]);
  });

  it('a custom schedule from the server’s configuration is described and kept unless a day and time are picked', async () => {
    const custom = { ...config, digestSchedule: '0 9 * * 1-5' };
    const state = await readSettings(db, custom, NOW);
    expect(state.digestSchedule).toMatchObject({ value: '0 9 * * 1-5', origin: 'environment' });
    expect(state.digestSchedule.weekly).toBeUndefined();
    expect(state.digestSchedule.nextRun).toEqual(new Date('2026-11-25T09:00:00Z'));

    const kept = await saveSettings(db, custom, asShown({ digestSchedule: undefined }), CX_OFFICER, NOW);
    expect(kept).toEqual({ ok: true, saved: { values: [] } });
    expect(await readSetting(db, custom, 'digest.schedule')).toBe('0 9 * * 1-5');

    const weekly = await saveSettings(db, custom, asShown({ digestSchedule: '0 11 * * 5' }), CX_OFFICER, NOW);
    expect(describeSettingsSaved(weekly.ok ? weekly.saved : { values: [] })).toBe(
      'Saved: weekly update moved to Friday 11:00.',
    );
    expect(await readSetting(db, custom, 'digest.schedule')).toBe('0 11 * * 5');
  });

  it.each([
    [{ weekday: 6, hour: 10, minute: 0 }, NUDGE_DAY_PROBLEM],
    [{ weekday: 2, hour: 6, minute: 59 }, NUDGE_TIME_PROBLEM],
    [{ weekday: 2, hour: 12, minute: 1 }, NUDGE_TIME_PROBLEM],
  ])('refuses nudges outside working-day mornings (%o), and saves nothing', async (nudgeSlot, problem) => {
    expect(await saveSettings(db, config, asShown({ nudgeSlot }), CX_OFFICER, NOW)).toEqual({
      ok: false,
      errors: { nudgeSlot: problem },
    });
    expect(await storedKeys()).toEqual([]);
  });
});
