import { describe, expect, it } from 'vitest';
import { parseSettingsForm, settingsErrorsByBlock } from '../../../src/features/settings/settings.forms.js';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
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
    [settingsIds.digestSchedule]: { type: 'plain_text_input', value: ' 30 8 * * 2 ' },
    ...overrides,
  });

describe('the settings form: Slack in, the service’s change out', () => {
  it('reads the stage lines (blank ones left out, renames with -> or →), the numbers, the nudge slot', () => {
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
        digestSchedule: '30 8 * * 2',
      },
    });
  });

  it('keys each problem of shape by its block: a half rename, a word for a number, no time', () => {
    const form = parseSettingsForm(
      filled({
        [settingsIds.stages]: { type: 'plain_text_input', value: 'Buy\n-> Explore' },
        [settingsIds.responseTarget]: { type: 'plain_text_input', value: 'ten' },
        [settingsIds.nudgeTime]: { type: 'timepicker', time: null },
      }),
    );
    expect(form).toEqual({
      ok: false,
      errors: {
        [settingsIds.stages]: '“-> Explore” is not a stage name.',
        [settingsIds.responseTarget]: 'A number of working days.',
        [settingsIds.nudgeTime]: 'Pick a time.',
      },
    });
  });

  it('puts the service’s problems under their blocks', () => {
    expect(settingsErrorsByBlock({ stages: 'twice', digestSchedule: 'cron', nudgeSlot: 'slot' })).toEqual({
      [settingsIds.stages]: 'twice',
      [settingsIds.digestSchedule]: 'cron',
      [settingsIds.nudgeTime]: 'slot',
    });
  });
});
