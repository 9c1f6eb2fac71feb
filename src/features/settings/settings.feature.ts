import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { context, cxOnly, plain } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { viewSubmissionSchema } from '../../slack/payloads.js';
import { readViewState, validateFields } from '../../slack/view-state.js';
import type { Feature } from '../feature.js';
import { readSetting } from './settings.keys.js';
import { parseStageLines, saveSettings, settingsFieldsSchema } from './settings.service.js';
import { listJourneyStages } from './stages.queries.js';

export const settingsIds = {
  modal: 'settings.modal',
  stages: 'stages',
  responseTarget: 'response_target',
  callTarget: 'call_target',
  nudgeDay: 'nudge_day',
  nudgeTime: 'nudge_time',
  digestSchedule: 'digest_schedule',
  retired: 'settings.retired',
} as const;

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const REFUSAL = cxOnly('change the settings');

export function renderSettingsModal(model: {
  stages: { name: string; retired: boolean }[];
  responseTarget: number;
  callTarget: number;
  nudgeSlot: { weekday: number; hour: number; minute: number };
  digestSchedule: string;
  timeZone: string;
}): ModalView {
  const dayOptions: PlainTextOption[] = DAYS.map((day, i) => ({ text: plain(day), value: String(i + 1) }));
  const retired = model.stages.filter((stage) => stage.retired).map((stage) => stage.name);
  const text = (
    blockId: string,
    label: string,
    initial: string,
    hint?: string,
    multiline = false,
  ): KnownBlock => ({
    type: 'input',
    block_id: blockId,
    label: plain(label),
    ...(hint ? { hint: plain(hint) } : {}),
    element: { type: 'plain_text_input', action_id: blockId, initial_value: initial, multiline },
  });
  const blocks: KnownBlock[] = [
    text(
      settingsIds.stages,
      'Journey stages, one per line, in order',
      model.stages
        .filter((stage) => !stage.retired)
        .map((stage) => stage.name)
        .join('\n'),
      'Rename with “Old name -> New name”. A stage you remove is retired if anything uses it, deleted otherwise.',
      true,
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
    text(
      settingsIds.responseTarget,
      'Response target for suggestions (working days)',
      String(model.responseTarget),
    ),
    text(settingsIds.callTarget, 'Customer calls a month per executive (default)', String(model.callTarget)),
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
        initial_time: `${String(model.nudgeSlot.hour).padStart(2, '0')}:${String(model.nudgeSlot.minute).padStart(2, '0')}`,
      },
    },
    text(
      settingsIds.digestSchedule,
      `Weekly update schedule (cron, ${model.timeZone})`,
      model.digestSchedule,
      '0 9 * * 1 is Mondays at 09:00.',
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

/** `/touchpoint settings`: the CX office edits journey stages and company-wide settings. */
export const settingsFeature: Feature = {
  name: 'settings',
  register(slack: Listeners, deps: AppDeps) {
    slack.view(settingsIds.modal, async ({ ack, body }) => {
      const submission = viewSubmissionSchema.parse(body);
      if (!(await deps.roles.isCxOffice(submission.user.id))) {
        await ack({ response_action: 'errors', errors: { [settingsIds.stages]: REFUSAL } });
        return;
      }
      const validated = validateFields(settingsFieldsSchema, readViewState(submission.view.state));
      if (!validated.ok) {
        await ack({ response_action: 'errors', errors: validated.errors });
        return;
      }
      const stages = parseStageLines(validated.data.stages);
      if (!stages.ok) {
        await ack({ response_action: 'errors', errors: { [settingsIds.stages]: stages.error } });
        return;
      }
      const saved = await saveSettings(
        deps.db,
        { fields: validated.data, stageLines: stages.lines, actorId: submission.user.id },
        deps.now(),
      ).catch((error: unknown) => {
        deps.logger.error(`Saving settings failed: ${(error as Error).message}`);
        return {
          ok: false as const,
          field: 'stages' as const,
          error:
            'Sorry, the settings could not be saved just now. Everything you typed is still here: press Save again.',
        };
      });
      if (!saved.ok) {
        await ack({ response_action: 'errors', errors: { [settingsIds.stages]: saved.error } });
        return;
      }
      await ack();
    });
  },
  subcommands: [
    {
      name: 'settings',
      cxOfficeOnly: true,
      async run({ command, client, deps }) {
        const [stages, responseTarget, callTarget, nudgeSlot, digestSchedule] = await Promise.all([
          listJourneyStages(deps.db),
          readSetting(deps.db, deps.config, 'rules.responseTargetWorkingDays'),
          readSetting(deps.db, deps.config, 'calls.defaultMonthlyTarget'),
          readSetting(deps.db, deps.config, 'calls.nudgeSlot'),
          readSetting(deps.db, deps.config, 'digest.schedule'),
        ]);
        await client.views.open({
          trigger_id: command.trigger_id,
          view: renderSettingsModal({
            stages: stages.map((stage) => ({ name: stage.name, retired: stage.retiredAt !== null })),
            responseTarget,
            callTarget,
            nudgeSlot,
            digestSchedule,
            timeZone: deps.config.timeZone,
          }),
        });
      },
    },
  ],
};
