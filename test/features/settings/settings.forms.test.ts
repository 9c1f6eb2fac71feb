import { describe, expect, it } from 'vitest';
import { parseSettingsForm, settingsErrorsByBlock } from '../../../src/features/settings/settings.forms.js';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import { NUDGE_DAY_PROBLEM } from '../../../src/features/settings/settings.keys.js';
import { type StateInput, stateValues } from '../../support/payloads.js';

const filled = (overrides: Record<string, StateInput> = {}) =>
  stateValues({
    [settingsIds.stages]: {
      type: 'plain_text_input',
      value: ' Buy \n\nDiscover -> Explore\nGet help → Support\n',
    },
    [settingsIds.responseTarget]: { type: 'plain_text_input', value: '7' },
    [settingsIds.callTarget]: { type: 'plain_text_input', value: '3' },
    [settingsIds.nudgeDay]: { type: 'static_select', value: '4' },
    [settingsIds.nudgeTime]: { type: 'timepicker', time: '08:30' },
    [settingsIds.digestDay]: { type: 'static_select', value: '2' },
    [settingsIds.digestTime]: { type: 'timepicker', time: '10:15' },
    ...overrides,
  });

describe('the settings form: Slack in, the service’s change out', () => {
  it('reads the stage lines (blank ones left out, renames with -> or →), the numbers, the nudge slot, the weekly update’s day and time as cron', () => {
    expect(parseSettingsForm(filled())).toEqual({
      ok: true,
      change: {
        stages: [
          { name: 'Buy' },
          { name: 'Explore', renameFrom: 'Discover' },
          { name: 'Support', renameFrom: 'Get help' },
        ],
        responseTarget: 7,
        callTarget: 3,
        nudgeSlot: { weekday: 4, hour: 8, minute: 30 },
        digestSchedule: '15 10 * * 2',
      },
    });
  });

  it('a Sunday is day 0 in cron; no day and no time keeps the schedule; ticked values go back to the default', () => {
    const sunday = parseSettingsForm(
      filled({ [settingsIds.digestDay]: { type: 'static_select', value: '7' } }),
    );
    expect(sunday.ok && sunday.change.digestSchedule).toBe('15 10 * * 0');
    const kept = parseSettingsForm(
      filled({
        [settingsIds.digestDay]: { type: 'static_select', value: null },
        [settingsIds.digestTime]: { type: 'timepicker', time: null },
        [settingsIds.reset]: { type: 'checkboxes', values: ['responseTarget', 'digestSchedule'] },
      }),
    );
    expect(kept.ok && kept.change.digestSchedule).toBeUndefined();
    expect(kept.ok && kept.change.reset).toEqual(['responseTarget', 'digestSchedule']);
  });

  it('keys each problem of shape by its block: a half rename, a word for a number, no time, a day without a time', () => {
    const form = parseSettingsForm(
      filled({
        [settingsIds.stages]: { type: 'plain_text_input', value: 'Buy\n-> Explore' },
        [settingsIds.responseTarget]: { type: 'plain_text_input', value: 'ten' },
        [settingsIds.nudgeTime]: { type: 'timepicker', time: null },
        [settingsIds.digestTime]: { type: 'timepicker', time: null },
      }),
    );
    expect(form).toEqual({
      ok: false,
      errors: {
        [settingsIds.stages]: '“-> Explore” is not a stage name.',
        [settingsIds.responseTarget]: 'A number of working days.',
        [settingsIds.nudgeTime]: 'Pick a time.',
        [settingsIds.digestTime]: 'Pick a time too.',
      },
    });
  });

  it.each([
    [
      'a Saturday',
      { [settingsIds.nudgeDay]: { type: 'static_select', value: '6' } },
      settingsIds.nudgeDay,
      /working days/,
    ],
    [
      '06:59',
      { [settingsIds.nudgeTime]: { type: 'timepicker', time: '06:59' } },
      settingsIds.nudgeTime,
      /07:00 to 12:00/,
    ],
    [
      '12:01',
      { [settingsIds.nudgeTime]: { type: 'timepicker', time: '12:01' } },
      settingsIds.nudgeTime,
      /07:00 to 12:00/,
    ],
  ] as const)('refuses a nudge on %s, under its field', (_, override, block, error) => {
    const form = parseSettingsForm(filled(override as Record<string, StateInput>));
    expect(form.ok).toBe(false);
    expect(!form.ok && Object.keys(form.errors)).toEqual([block]);
    expect(!form.ok && form.errors[block]).toMatch(error);
  });

  it('takes a nudge from 07:00 to 12:00 on Monday to Friday', () => {
    for (const [day, time] of [
      ['1', '07:00'],
      ['5', '12:00'],
    ] as const) {
      const form = parseSettingsForm(
        filled({
          [settingsIds.nudgeDay]: { type: 'static_select', value: day },
          [settingsIds.nudgeTime]: { type: 'timepicker', time },
        }),
      );
      expect(form.ok).toBe(true);
    }
  });

  it('puts the service’s problems under their blocks', () => {
    expect(settingsErrorsByBlock({ stages: 'twice', digestSchedule: 'cron', nudgeSlot: 'slot' })).toEqual({
      [settingsIds.stages]: 'twice',
      [settingsIds.digestTime]: 'cron',
      [settingsIds.nudgeTime]: 'slot',
    });
    expect(settingsErrorsByBlock({ nudgeSlot: NUDGE_DAY_PROBLEM })).toEqual({
      [settingsIds.nudgeDay]: NUDGE_DAY_PROBLEM,
    });
  });
});
