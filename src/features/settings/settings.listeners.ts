import { cxOnly, SAVE_FAILED } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners, SubmissionArgs } from '../../slack/listeners.js';
import { viewSubmissionSchema } from '../../slack/payloads.js';
import type { TouchpointSubcommand } from '../feature.js';
import { parseSettingsForm, settingsErrorsByBlock } from './settings.forms.js';
import { settingsIds } from './settings.ids.js';
import { readSettings, saveSettings } from './settings.service.js';
import { renderSettingsModal, renderSettingsSaved } from './settings.views.js';

const REFUSAL = cxOnly('change the settings');

/** `/touchpoint settings` (the CX office only, checked by `/touchpoint`): the settings modal. */
export const onSettingsCommand: TouchpointSubcommand['run'] = async ({ command, client, deps }) => {
  const settings = await readSettings(deps.db, deps.config, deps.now());
  await client.views.open({ trigger_id: command.trigger_id, view: renderSettingsModal(settings) });
};

/**
 * Save: problems go back next to their field; a failed save keeps the modal open with everything typed.
 * A save that worked turns the modal into what changed ("Nothing changed." when nothing did).
 */
async function onSettingsSubmitted(deps: AppDeps, { ack, body }: SubmissionArgs): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = parseSettingsForm(submission.view.state);
  if (!(await deps.roles.isCxOffice(submission.user.id))) {
    await ack({ response_action: 'errors', errors: { [settingsIds.stages]: REFUSAL } });
    return;
  }
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const saved = await saveSettings(deps.db, deps.config, form.change, submission.user.id, deps.now()).catch(
    (error: unknown) => {
      deps.logger.error(`Saving settings failed: ${(error as Error).message}`);
      return { ok: false as const, errors: { stages: SAVE_FAILED } };
    },
  );
  if (!saved.ok) {
    await ack({ response_action: 'errors', errors: settingsErrorsByBlock(saved.errors) });
    return;
  }
  await ack({ response_action: 'update', view: renderSettingsSaved(saved.saved) });
}

export function registerSettingsListeners(slack: Listeners, deps: AppDeps): void {
  slack.view(settingsIds.modal, (args) => onSettingsSubmitted(deps, args));
}
