import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { cxOnly, SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import { sendCsvExport } from '../../slack/csv.js';
import type { AppDeps } from '../../slack/deps.js';
import type {
  ActionArgs,
  CommandArgs,
  Listeners,
  ShortcutArgs,
  SubmissionArgs,
} from '../../slack/listeners.js';
import { encodeMetadata } from '../../slack/metadata.js';
import {
  blockActionSchema,
  shortcutSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import { localDateKey } from '../../time.js';
import type { HomeSection, TouchpointSubcommand } from '../feature.js';
import { readTimeZones } from './calls.directory.js';
import {
  callFormMetadata,
  callRefusalErrors,
  readCallForm,
  readFollowUpId,
  readPauseDate,
  readTargetForm,
  targetFormMetadata,
  targetRangeErrors,
} from './calls.forms.js';
import { callsIds } from './calls.ids.js';
import {
  callFormContext,
  callsHome,
  completeFollowUp,
  exportCalls,
  findExecutiveTarget,
  type LogCallOutcome,
  type LoggedCall,
  logCall,
  pauseNudges,
  queueDueNudges,
  rememberOwnerZones,
  rosterWithPace,
  setMonthlyTarget,
  snoozeNudges,
} from './calls.service.js';
import {
  renderCallModal,
  renderCallsExport,
  renderCallsHome,
  renderFollowUpDoneAnswer,
  renderNudgesQueued,
  renderPauseAnswer,
  renderRoster,
  renderSnoozed,
  renderTargetModal,
  renderTargetSaved,
} from './calls.views.js';

/**
 * Slack listeners of "executives calling customers": ack, parse (calls.forms.ts), authorise, one service
 * call, render, answer. The DMs a change causes (thank-you, follow-ups, nudges) are queued by the service.
 */

export function registerCallsListeners(slack: Listeners, deps: AppDeps): void {
  slack.command(callsIds.command, (args) => onLogCallCommand(args, deps));
  slack.shortcut(callsIds.globalShortcut, (args) => onLogCallShortcut(args, deps));
  slack.action(callsIds.logButton, (args) => onLogCallClicked(args, deps));
  slack.view(callsIds.callModal, (args) => onCallSubmitted(args, deps));
  slack.action(callsIds.snooze, (args) => onSnoozeClicked(args, deps));
  slack.action(callsIds.pause, (args) => onPauseDatePicked(args, deps));
  slack.action(callsIds.followUpDone, (args) => onFollowUpDoneClicked(args, deps));
  slack.action(callsIds.setTarget, (args) => onSetTargetClicked(args, deps));
  slack.view(callsIds.targetModal, (args) => onTargetSubmitted(args, deps));
}

/** The answer to a click in a message: seen only by the person who clicked, where they clicked. */
async function answerClick(respond: RespondFn | undefined, message: SlackMessage): Promise<void> {
  // A click in App Home has no response URL: the refreshed Home is the answer there.
  await respond?.({ response_type: 'ephemeral', replace_original: false, ...message });
}

// ---- Log a call: /logcall, the ⚡ shortcut, "Log a call" in a nudge or App Home ------------------------

/** The call form, its date today in the logger's zone; that zone rides along to check the date on submit. */
async function openCallModal(client: WebClient, deps: AppDeps, triggerId: string, userId: string) {
  const form = await callFormContext(deps.db, deps.config, userId, deps.now());
  const privateMetadata = encodeMetadata(callFormMetadata, { zone: form.zone });
  await client.views.open({
    trigger_id: triggerId,
    view: renderCallModal({ stages: form.stages, today: form.today, privateMetadata }),
  });
}

async function onLogCallCommand({ ack, body, client }: CommandArgs, deps: AppDeps): Promise<void> {
  await ack();
  const command = slashCommandSchema.parse(body);
  await openCallModal(client, deps, command.trigger_id, command.user_id);
}

async function onLogCallShortcut({ ack, body, client }: ShortcutArgs, deps: AppDeps): Promise<void> {
  await ack();
  const shortcut = shortcutSchema.parse(body);
  await openCallModal(client, deps, shortcut.trigger_id, shortcut.user.id);
}

async function onLogCallClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  await openCallModal(client, deps, click.trigger_id, click.user.id);
}

/**
 * Saves the call; a problem goes back next to its field, and a failed save keeps the form open with
 * everything typed. After the answer: the follow-up owners' zones from Slack, and the logger's Home.
 */
async function onCallSubmitted({ ack, body, client }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const userId = submission.user.id;
  const now = deps.now();
  const form = readCallForm(submission.view, now);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  let outcome: LogCallOutcome;
  try {
    outcome = await logCall(
      deps.db,
      deps.config,
      { loggedBy: userId, idempotencyKey: `view:${submission.view.id}`, call: form.value },
      now,
    );
  } catch (error) {
    deps.logger.error(`Saving a call failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [callsIds.customer]: SAVE_FAILED } });
    return;
  }
  if (!outcome.ok) {
    await ack({ response_action: 'errors', errors: callRefusalErrors(outcome.reason) });
    return;
  }
  await ack();
  if (outcome.logged.created) await afterCallLogged(client, deps, userId, outcome.logged);
}

/**
 * The thank-you and the owners' DMs were queued with the call. Each follow-up owner's reminder goes out
 * in their own zone, which only Slack knows: asked after the answer, so a slow users.info never holds up
 * the modal.
 */
async function afterCallLogged(client: WebClient, deps: AppDeps, userId: string, logged: LoggedCall) {
  if (logged.followUps.length > 0) {
    const zones = await readTimeZones(
      client,
      logged.followUps.map((f) => f.ownerId),
    );
    await rememberOwnerZones(deps.db, logged.followUps, zones);
  }
  await deps.refreshHome(client, userId);
}

// ---- A nudge's buttons, and "Mark done" on a follow-up -----------------------------------------------

async function onSnoozeClicked({ ack, body, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const until = await snoozeNudges(deps.db, deps.config, click.user.id, deps.now());
  await answerClick(respond, renderSnoozed(until));
}

async function onPauseDatePicked({ ack, body, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const date = readPauseDate(click);
  if (!date) return;
  const paused = await pauseNudges(deps.db, deps.config, click.user.id, date, deps.now());
  await answerClick(respond, renderPauseAnswer(paused));
}

/** Answered where it was clicked: in a DM by a private note, in App Home by the refreshed Home. */
async function onFollowUpDoneClicked({ ack, body, client, respond }: ActionArgs, deps: AppDeps) {
  await ack();
  const click = blockActionSchema.parse(body);
  const followUpId = readFollowUpId(click);
  const done =
    followUpId !== undefined && (await completeFollowUp(deps.db, followUpId, click.user.id, deps.now()));
  if (click.channel) await answerClick(respond, renderFollowUpDoneAnswer(done));
  else await deps.refreshHome(client, click.user.id);
}

// ---- An executive's monthly target (the CX office, from the roster) ----------------------------------

async function onSetTargetClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) return;
  const found = await findExecutiveTarget(deps.db, deps.config, click.actions[0]?.value ?? '');
  if (!found) return;
  await client.views.open({
    trigger_id: click.trigger_id,
    view: renderTargetModal(
      found.executive,
      found.target,
      encodeMetadata(targetFormMetadata, { userId: found.executive.userId }),
    ),
  });
}

async function onTargetSubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = readTargetForm(submission.view);
  if (!(await deps.roles.isCxOffice(submission.user.id))) {
    await ack({ response_action: 'errors', errors: { [callsIds.target]: cxOnly('change targets') } });
    return;
  }
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const saved = await setMonthlyTarget(deps.db, form.value.userId, form.value.target);
  if (!saved.ok) {
    await ack({ response_action: 'errors', errors: targetRangeErrors() });
    return;
  }
  await ack({ response_action: 'update', view: renderTargetSaved(saved) });
}

// ---- /touchpoint roster, nudges run, export calls (the CX office only, checked by /touchpoint) -------

export const onRosterCommand: TouchpointSubcommand['run'] = async ({ command, client, respond, deps }) => {
  const rows = await rosterWithPace(deps.db, deps.config, deps.now());
  await replyEphemeral(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    renderRoster(rows),
  );
};

/** Nudges now everyone behind pace who has not had this week's nudge, whatever the time of day. */
export const onNudgesRunCommand: TouchpointSubcommand['run'] = async ({ command, client, respond, deps }) => {
  const queued = await queueDueNudges(deps.db, deps.config, deps.now(), { anyTime: true });
  await replyEphemeral(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    renderNudgesQueued(queued),
  );
};

export const onExportCallsCommand: TouchpointSubcommand['run'] = async ({
  command,
  client,
  respond,
  deps,
}) => {
  const exported = await exportCalls(deps.db);
  const today = localDateKey(deps.now(), deps.config.timeZone);
  await sendCsvExport(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    renderCallsExport(exported, today),
    `I sent you the CSV of ${exported.calls.length} calls in a direct message.`,
  );
};

// ---- App Home ----------------------------------------------------------------------------------------

export const onHomeOpened: HomeSection['render'] = async ({ deps, userId, now }) =>
  renderCallsHome(await callsHome(deps.db, deps.config, userId, now));
