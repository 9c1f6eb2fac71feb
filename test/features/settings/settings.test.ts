import { describe, expect, it } from 'vitest';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import { readSetting } from '../../../src/features/settings/settings.keys.js';
import { listJourneyStages } from '../../../src/features/settings/stages.queries.js';
import { ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { nominateAndWaitForCard, openModalWithCommand } from '../rules/rules.helpers.js';

type View = {
  id: string;
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: { initial_value?: string } }[];
};

describe('/touchpoint settings: journey stages and company-wide settings', () => {
  const app = useTestApp();

  const state = (
    stages: string,
    overrides: Partial<Record<string, StateInput>> = {},
  ): Record<string, StateInput> => ({
    [settingsIds.stages]: { type: 'plain_text_input', value: stages },
    [settingsIds.responseTarget]: { type: 'plain_text_input', value: '7' },
    [settingsIds.callTarget]: { type: 'plain_text_input', value: '3' },
    [settingsIds.nudgeDay]: { type: 'static_select', value: '4' },
    [settingsIds.nudgeTime]: { type: 'timepicker', time: '08:30' },
    [settingsIds.digestSchedule]: { type: 'plain_text_input', value: '30 8 * * 2' },
    ...overrides,
  });

  async function openSettings(user = ids.cxOfficer): Promise<View> {
    await app.command('/touchpoint', 'settings', { user_id: user });
    const call = await app.slack.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === settingsIds.modal,
    );
    return call.response.view as View;
  }

  it('is for the CX office only', async () => {
    await app.command('/touchpoint', 'settings', { user_id: ids.employee });
    expect(JSON.stringify((await app.slack.waitFor('chat.postEphemeral')).args)).toContain(
      'Only the CX office',
    );
    expect(app.slack.callsTo('views.open')).toEqual([]);
  });

  it('renames, reorders, adds and removes stages; a stage in use is retired, not deleted; the list is used by every form', async () => {
    const stagesBefore = await listJourneyStages(app.running.database.db);
    const use = stagesBefore.find((s) => s.name === 'Use');
    await nominateAndWaitForCard(app, { stage: String(use?.id) }); // "Use" is now in use

    const view = await openSettings();
    expect(view.blocks.find((b) => b.block_id === settingsIds.stages)?.element?.initial_value).toBe(
      'Discover\nBuy\nOnboard\nUse\nGet help\nRenew',
    );
    const badCron = await app.send.interaction(
      viewSubmission(
        view,
        state('Discover', { [settingsIds.digestSchedule]: { type: 'plain_text_input', value: 'mondays' } }),
        ids.cxOfficer,
      ),
    );
    expect(badCron.json<{ errors: Record<string, string> }>().errors[settingsIds.digestSchedule]).toMatch(
      /cron/,
    );
    const twice = await app.send.interaction(viewSubmission(view, state('Buy\nbuy'), ids.cxOfficer));
    expect(twice.json<{ errors: Record<string, string> }>().errors[settingsIds.stages]).toMatch(/twice/);

    const saved = await app.send.interaction(
      viewSubmission(view, state('Buy\nDiscover -> Explore\nOnboard\nGet help\nAdvocate'), ids.cxOfficer),
    );
    expect(saved.status).toBe(200);
    expect(saved.body).toBe('');

    const stages = await listJourneyStages(app.running.database.db);
    const active = stages.filter((s) => s.retiredAt === null).map((s) => s.name);
    expect(active).toEqual(['Buy', 'Explore', 'Onboard', 'Get help', 'Advocate']);
    expect(stages.find((s) => s.name === 'Use')?.retiredAt).not.toBeNull(); // in use: retired
    expect(stages.some((s) => s.name === 'Renew')).toBe(false); // unused: deleted
    expect(stages.find((s) => s.name === 'Explore')?.id).toBe(
      stagesBefore.find((s) => s.name === 'Discover')?.id,
    ); // renamed in place

    const { db } = app.running.database;
    expect(await readSetting(db, app.config, 'rules.responseTargetWorkingDays')).toBe(7);
    expect(await readSetting(db, app.config, 'calls.defaultMonthlyTarget')).toBe(3);
    expect(await readSetting(db, app.config, 'calls.nudgeSlot')).toEqual({ weekday: 4, hour: 8, minute: 30 });
    expect(await readSetting(db, app.config, 'digest.schedule')).toBe('30 8 * * 2');

    // The rules form, the story form and the roadmap form offer the new list.
    const rulesModal = JSON.stringify((await openModalWithCommand(app, ids.employee)).blocks);
    app.slack.calls.length = 0;
    await app.command('/story', '', { user_id: ids.employee });
    const storyModal = JSON.stringify((await app.slack.waitFor('views.open')).args.view);
    app.slack.calls.length = 0;
    await app.command('/roadmap', 'add', { user_id: ids.cxOfficer });
    const roadmapModal = JSON.stringify((await app.slack.waitFor('views.open')).args.view);
    for (const modal of [rulesModal, storyModal, roadmapModal]) {
      expect(modal).toContain('Advocate');
      expect(modal).toContain('Explore');
      expect(modal).not.toContain('"Use"');
      expect(modal).not.toContain('Renew');
    }
  });
});
