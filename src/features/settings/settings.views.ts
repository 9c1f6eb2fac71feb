import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { context, plain } from '../../slack/blocks.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { settingsIds } from './settings.ids.js';
import type { SettingsOverview } from './settings.service.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A text input whose action ID is its block ID (the form reads it by block). */
function textInput(
  blockId: string,
  label: string,
  initial: string,
  options: { hint?: string; multiline?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      initial_value: initial,
      multiline: options.multiline ?? false,
    },
  };
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** `/touchpoint settings`: the journey stages and the company-wide values, ready to edit. */
export function renderSettingsModal(model: SettingsOverview): ModalView {
  const dayOptions: PlainTextOption[] = DAYS.map((day, i) => ({ text: plain(day), value: String(i + 1) }));
  const retired = model.stages.filter((stage) => stage.retired).map((stage) => stage.name);
  const blocks: KnownBlock[] = [
    textInput(
      settingsIds.stages,
      'Journey stages, one per line, in order',
      model.stages
        .filter((stage) => !stage.retired)
        .map((stage) => stage.name)
        .join('\n'),
      {
        hint: 'Rename with “Old name -> New name”. A stage you remove is retired if anything uses it, deleted otherwise.',
        multiline: true,
      },
    ),
  ];
  // Stage names are typed by people: escaped, or a stage once named `<!channel>` would ping. Cut after
  // escaping (a context element holds 2,000 characters), never inside an entity.
  if (retired.length > 0)
    blocks.push(
      context(
        `Retired: ${escapeAndTruncate(retired.join(', '), 1_900)} (list one again to bring it back)`,
        settingsIds.retired,
      ),
    );
  blocks.push(
    textInput(
      settingsIds.responseTarget,
      'Response target for suggestions (working days)',
      String(model.responseTarget),
    ),
    textInput(
      settingsIds.callTarget,
      'Customer calls a month per executive (default)',
      String(model.callTarget),
    ),
    {
      type: 'input',
      block_id: settingsIds.nudgeDay,
      label: plain('Nudge day (in each executive’s time zone)'),
      element: {
        type: 'static_select',
        action_id: settingsIds.nudgeDay,
        options: dayOptions,
        initial_option: dayOptions[model.nudgeSlot.weekday - 1],
      },
    },
    {
      type: 'input',
      block_id: settingsIds.nudgeTime,
      label: plain('Nudge time'),
      element: {
        type: 'timepicker',
        action_id: settingsIds.nudgeTime,
        initial_time: `${twoDigits(model.nudgeSlot.hour)}:${twoDigits(model.nudgeSlot.minute)}`,
      },
    },
    textInput(
      settingsIds.digestSchedule,
      `Weekly update schedule (cron, ${model.timeZone})`,
      model.digestSchedule,
      { hint: '0 9 * * 1 is Mondays at 09:00.' },
    ),
  );
  return {
    type: 'modal',
    callback_id: settingsIds.modal,
    title: plain('Touchpoint settings'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}
