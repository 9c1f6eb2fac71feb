import { describe, expect, it } from 'vitest';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import {
  NUDGE_DAY_PROBLEM,
  NUDGE_TIME_PROBLEM,
  readSetting,
} from '../../../src/features/settings/settings.keys.js';
import { settings } from '../../../src/features/settings/settings.schema.js';
import { listJourneyStages } from '../../../src/features/settings/stages.queries.js';
import { ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { startTestApp, type TestApp, useTestApp } from '../../support/test-app.js';
import { nominateAndWaitForCard, openModalWithCommand } from '../rules/rules.helpers.js';

type Block = {
  block_id?: string;
  text?: { text: string };
  hint?: { text: string };
  element?: {
    initial_value?: string;
    initial_time?: string;
    initial_option?: { value: string };
    options?: { value: string }[];
  };
};
type View = { id: string; callback_id: string; private_metadata: string; blocks: Block[] };

const blockOf = (view: { blocks: Block[] }, blockId: string) =>
  view.blocks.find((b) => b.block_id === blockId);
const initialOf = (view: View, blockId: string) => {
  const element = blockOf(view, blockId)?.element;
  return element?.initial_option?.value ?? element?.initial_time ?? element?.initial_value;
};
const hintOf = (view: View, blockId: string) => blockOf(view, blockId)?.hint?.text;
const optionsOf = (view: View, blockId: string) =>
  blockOf(view, blockId)?.element?.options?.map((o) => o.value);

/** The text of the confirmation the saved modal turns into (`response_action: 'update'`). */
function confirmation(answer: { json<T>(): T }): string {
  const body = answer.json<{ response_action?: string; view?: { blocks: Block[] } }>();
  expect(body.response_action).toBe('update');
  return blockOf(body.view ?? { blocks: [] }, settingsIds.saved)?.text?.text ?? '';
}

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
    [settingsIds.digestDay]: { type: 'static_select', value: '2' },
    [settingsIds.digestTime]: { type: 'timepicker', time: '08:30' },
    ...overrides,
  });

  async function openSettings(user = ids.cxOfficer): Promise<View> {
    app.slack.calls.length = 0;
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
    const halfSchedule = await app.send.interaction(
      viewSubmission(
        view,
        state('Discover', { [settingsIds.digestTime]: { type: 'timepicker', time: null } }),
        ids.cxOfficer,
      ),
    );
    expect(halfSchedule.json<{ errors: Record<string, string> }>().errors[settingsIds.digestTime]).toBe(
      'Pick a time too.',
    );
    const twice = await app.send.interaction(viewSubmission(view, state('Buy\nbuy'), ids.cxOfficer));
    expect(twice.json<{ errors: Record<string, string> }>().errors[settingsIds.stages]).toMatch(/twice/);

    const saved = await app.send.interaction(
      viewSubmission(view, state('Buy\nDiscover -> Explore\nOnboard\nGet help\nAdvocate'), ids.cxOfficer),
    );
    expect(saved.status).toBe(200);
    expect(confirmation(saved)).toBe(
      'Saved: journey stages: renamed “Discover” → “Explore”, added “Advocate”, retired “Use” (in use), removed “Renew”, reordered; ' +
        'response target 10 → 7 working days; customer calls per executive 2 → 3 calls a month; ' +
        'nudges moved to Thursday 08:30; weekly update moved to Tuesday 08:30.',
    );

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

    // Opened again: the day and time saved, each value marked as set here, and a way back to the default.
    const reopened = await openSettings();
    expect(initialOf(reopened, settingsIds.digestDay)).toBe('2');
    expect(initialOf(reopened, settingsIds.digestTime)).toBe('08:30');
    expect(hintOf(reopened, settingsIds.responseTarget)).toBe(
      'Set here in Slack. Without it: 10 working days, the default.',
    );
    expect(optionsOf(reopened, settingsIds.reset)).toEqual([
      'responseTarget',
      'callTarget',
      'nudgeSlot',
      'digestSchedule',
    ]);

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

describe('/touchpoint settings: only what the CX office changed is kept; the rest follows the server', () => {
  const app = useTestApp();

  async function openSettings(on: TestApp = app): Promise<View> {
    on.slack.calls.length = 0;
    await on.command('/touchpoint', 'settings', { user_id: ids.cxOfficer });
    const call = await on.slack.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === settingsIds.modal,
    );
    return call.response.view as View;
  }

  /** The modal sent back as shown, with `changes` typed over it. */
  const asShown = (view: View, changes: Record<string, StateInput> = {}): Record<string, StateInput> => ({
    [settingsIds.stages]: { type: 'plain_text_input', value: initialOf(view, settingsIds.stages) ?? '' },
    [settingsIds.responseTarget]: {
      type: 'plain_text_input',
      value: initialOf(view, settingsIds.responseTarget) ?? '',
    },
    [settingsIds.callTarget]: {
      type: 'plain_text_input',
      value: initialOf(view, settingsIds.callTarget) ?? '',
    },
    [settingsIds.nudgeDay]: { type: 'static_select', value: initialOf(view, settingsIds.nudgeDay) ?? null },
    [settingsIds.nudgeTime]: { type: 'timepicker', time: initialOf(view, settingsIds.nudgeTime) ?? null },
    [settingsIds.digestDay]: { type: 'static_select', value: initialOf(view, settingsIds.digestDay) ?? null },
    [settingsIds.digestTime]: { type: 'timepicker', time: initialOf(view, settingsIds.digestTime) ?? null },
    ...changes,
  });
  const save = (view: View, changes: Record<string, StateInput> = {}) =>
    app.send.interaction(viewSubmission(view, asShown(view, changes), ids.cxOfficer));

  it('says where each value comes from, in words (no variable names), with no way back while nothing is set', async () => {
    const view = await openSettings();
    expect(hintOf(view, settingsIds.responseTarget)).toBe('This is the default.');
    expect(hintOf(view, settingsIds.digestTime)).toBe('This is the default.');
    expect(initialOf(view, settingsIds.digestDay)).toBe('1');
    expect(initialOf(view, settingsIds.digestTime)).toBe('09:00');
    expect(optionsOf(view, settingsIds.nudgeDay)).toEqual(['1', '2', '3', '4', '5']); // working days only
    expect(blockOf(view, settingsIds.reset)).toBeUndefined();
    expect(JSON.stringify(view)).not.toMatch(/TOUCHPOINT_|cron/i);
    expect(confirmation(await save(view))).toBe('Nothing changed.');
  });

  it('saving one value stores only it: a later change of the server’s schedule still applies; back to default forgets it', async () => {
    const { db } = app.running.database;
    const view = await openSettings();
    const saved = await save(view, {
      [settingsIds.responseTarget]: { type: 'plain_text_input', value: '5' },
    });
    expect(confirmation(saved)).toBe('Saved: response target 10 → 5 working days.');
    const stored = await db.select().from(settings);
    expect(stored.map((row) => row.key)).toEqual(['rules.responseTargetWorkingDays']);

    // The server restarts with another schedule (a replica on the same database with the new environment).
    const restarted = await startTestApp({
      replicaOf: app,
      env: { TOUCHPOINT_DIGEST_SCHEDULE: '0 10 * * 2' },
    });
    try {
      expect(await readSetting(db, restarted.config, 'digest.schedule')).toBe('0 10 * * 2');
      const after = await openSettings(restarted);
      expect(initialOf(after, settingsIds.digestDay)).toBe('2');
      expect(initialOf(after, settingsIds.digestTime)).toBe('10:00');
      expect(hintOf(after, settingsIds.digestTime)).toBe('This is from the server’s configuration.');
      expect(initialOf(after, settingsIds.responseTarget)).toBe('5');
    } finally {
      await restarted.stop();
    }

    // Back to the default: ticked, the value set here is forgotten, whatever was typed over it.
    const again = await openSettings();
    expect(optionsOf(again, settingsIds.reset)).toEqual(['responseTarget']);
    const reset = await save(again, {
      [settingsIds.responseTarget]: { type: 'plain_text_input', value: '6' },
      [settingsIds.reset]: { type: 'checkboxes', values: ['responseTarget'] },
    });
    expect(confirmation(reset)).toBe('Saved: response target 5 → 10 working days (back to the default).');
    expect(await db.select().from(settings)).toEqual([]);
  });

  it('the weekly update as a day and a time: saved as its schedule, shown again as that day and time', async () => {
    const { db } = app.running.database;
    const view = await openSettings();
    const saved = await save(view, {
      [settingsIds.digestDay]: { type: 'static_select', value: '7' },
      [settingsIds.digestTime]: { type: 'timepicker', time: '18:45' },
    });
    expect(confirmation(saved)).toBe('Saved: weekly update moved to Sunday 18:45.');
    expect(await readSetting(db, app.config, 'digest.schedule')).toBe('45 18 * * 0');
    const reopened = await openSettings();
    expect(initialOf(reopened, settingsIds.digestDay)).toBe('7');
    expect(initialOf(reopened, settingsIds.digestTime)).toBe('18:45');
    expect(hintOf(reopened, settingsIds.digestTime)).toBe(
      'Set here in Slack. Without it: Monday 09:00, the default.',
    );
    await save(reopened, { [settingsIds.reset]: { type: 'checkboxes', values: ['digestSchedule'] } });
    expect(await db.select().from(settings)).toEqual([]);
  });

  it.each([
    [
      'a Saturday',
      { [settingsIds.nudgeDay]: { type: 'static_select', value: '6' } },
      settingsIds.nudgeDay,
      NUDGE_DAY_PROBLEM,
    ],
    [
      '13:30',
      { [settingsIds.nudgeTime]: { type: 'timepicker', time: '13:30' } },
      settingsIds.nudgeTime,
      NUDGE_TIME_PROBLEM,
    ],
    [
      '06:45',
      { [settingsIds.nudgeTime]: { type: 'timepicker', time: '06:45' } },
      settingsIds.nudgeTime,
      NUDGE_TIME_PROBLEM,
    ],
  ] as const)(
    'refuses a nudge on %s under its field; the modal stays open with what was typed',
    async (_, change, block, problem) => {
      const view = await openSettings();
      const refused = await save(view, {
        [settingsIds.responseTarget]: { type: 'plain_text_input', value: '12' },
        ...(change as Record<string, StateInput>),
      });
      // Errors only: Slack keeps the modal as it is, everything typed still in it; nothing is saved.
      expect(refused.json()).toEqual({ response_action: 'errors', errors: { [block]: problem } });
      expect(await app.running.database.db.select().from(settings)).toEqual([]);
    },
  );
});

describe('/touchpoint settings: a custom schedule from the server’s configuration', () => {
  const app = useTestApp({
    env: { TOUCHPOINT_DIGEST_SCHEDULE: '0 9 * * 1-5' },
    now: () => new Date('2026-11-24T10:00:00Z'), // a Tuesday, after 09:00
  });

  it('is said in words with its next run, kept on save, replaced when a day and a time are picked', async () => {
    await app.command('/touchpoint', 'settings', { user_id: ids.cxOfficer });
    const view = (await app.slack.waitFor('views.open')).response.view as View;
    expect(blockOf(view, settingsIds.digestSchedule)?.text?.text).toBe(
      '*Weekly update:* a custom schedule from the server’s configuration. The next one is due <!date^1795597200^{date_short_pretty} at {time}|Wed 25 Nov 2026 at 09:00 UTC>. To post it once a week instead, pick a day and a time.',
    );
    expect(initialOf(view, settingsIds.digestDay)).toBeUndefined();
    expect(JSON.stringify(view)).not.toMatch(/TOUCHPOINT_|1-5/);
    const shown = (changes: Record<string, StateInput>) =>
      viewSubmission(
        view,
        {
          [settingsIds.stages]: {
            type: 'plain_text_input',
            value: initialOf(view, settingsIds.stages) ?? '',
          },
          [settingsIds.responseTarget]: { type: 'plain_text_input', value: '10' },
          [settingsIds.callTarget]: { type: 'plain_text_input', value: '2' },
          [settingsIds.nudgeDay]: { type: 'static_select', value: '2' },
          [settingsIds.nudgeTime]: { type: 'timepicker', time: '10:00' },
          [settingsIds.digestDay]: { type: 'static_select', value: null },
          [settingsIds.digestTime]: { type: 'timepicker', time: null },
          ...changes,
        },
        ids.cxOfficer,
      );
    const { db } = app.running.database;
    expect(confirmation(await app.send.interaction(shown({})))).toBe('Nothing changed.');
    expect(await readSetting(db, app.config, 'digest.schedule')).toBe('0 9 * * 1-5');
    const picked = await app.send.interaction(
      shown({
        [settingsIds.digestDay]: { type: 'static_select', value: '4' },
        [settingsIds.digestTime]: { type: 'timepicker', time: '09:30' },
      }),
    );
    expect(confirmation(picked)).toBe('Saved: weekly update moved to Thursday 09:30.');
    expect(await readSetting(db, app.config, 'digest.schedule')).toBe('30 9 * * 4');
  });
});
