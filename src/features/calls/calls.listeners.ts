import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { cxOnly, notice, SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import { sendCsvExport } from '../../slack/csv.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type {
  ActionArgs,
  CommandArgs,
  Listeners,
  ShortcutArgs,
  SubmissionArgs,
} from '../../slack/listeners.js';
import { encodeMetadata } from '../../slack/metadata.js';
import { clickedModal, homePagesOf, requestedPage } from '../../slack/paging.js';
import {
  blockActionSchema,
  shortcutSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { countOf } from '../../slack/plural.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import { localDateKey } from '../../time.js';
import type { HomeSection, TouchpointSubcommand } from '../feature.js';
import { readTimeZones } from './calls.directory.js';
import {
  callFormMetadata,
  callRefusalErrors,
  readCallForm,
  readFollowUpClick,
  readPauseDate,
  readTargetForm,
  targetFormMetadata,
  targetRangeErrors,
} from './calls.forms.js';
import { CALLS_HOME_LISTS, callsIds } from './calls.ids.js';
import { CUSTOMER_MAX } from './calls.schema.js';
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
  rosterPage,
  setMonthlyTarget,
  snoozeNudges,
} from './calls.service.js';
import {
  renderCallModal,
  renderCallsExport,
  renderCallsHome,
  renderFollowUpNotYours,
  renderFollowUpsDm,
  renderNudgePaused,
  renderNudgeSnoozed,
  renderNudgesQueued,
  renderPauseRefused,
  renderRoster,
  renderRosterModal,
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
  slack.action(callsIds.logFollowUpCall, (args) => onLogFollowUpCallClicked(args, deps));
  slack.view(callsIds.callModal, (args) => onCallSubmitted(args, deps));
  slack.action(callsIds.snooze, (args) => onSnoozeClicked(args, deps));
  slack.action(callsIds.pause, (args) => onPauseDatePicked(args, deps));
  slack.action(callsIds.followUpDone, (args) => onFollowUpDoneClicked(args, deps));
  slack.action(callsIds.setTarget, (args) => onSetTargetClicked(args, deps));
  slack.view(callsIds.targetModal, (args) => onTargetSubmitted(args, deps));
  slack.action(callsIds.rosterOpen, (args) => onRosterOpenClicked(args, deps));
  slack.action(callsIds.rosterPrevious, (args) => onRosterPageClicked(args, deps));
  slack.action(callsIds.rosterNext, (args) => onRosterPageClicked(args, deps));
  slack.action(callsIds.followUpsPrevious, (args) => onFollowUpsPageClicked(args, deps));
  slack.action(callsIds.followUpsNext, (args) => onFollowUpsPageClicked(args, deps));
}

/** The answer to a click in a message: seen only by the person who clicked, where they clicked. */
async function answerClick(respond: RespondFn | undefined, message: SlackMessage): Promise<void> {
  // A click in App Home has no response URL: the refreshed Home is the answer there.
  await respond?.({ response_type: 'ephemeral', replace_original: false, ...message });
}

// ---- Log a call: /logcall, the ⚡ shortcut, "Log a call" in a nudge or App Home ------------------------

/** The call form, its date today in the logger's zone; that zone rides along to check the date on submit. */
async function openCallModal(
  client: WebClient,
  deps: AppDeps,
  triggerId: string,
  userId: string,
  customer?: string,
) {
  const form = await callFormContext(deps.db, deps.config, userId, deps.now());
  const privateMetadata = encodeMetadata(callFormMetadata, { zone: form.zone });
  await client.views.open({
    trigger_id: triggerId,
    view: renderCallModal({
      stages: form.stages,
      categories: form.categories,
      today: form.today,
      privateMetadata,
      ...(customer ? { customer } : {}),
    }),
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
 * "Log the follow-up call" in the DM that says a customer's problem is fixed: the call form with that
 * customer filled in (the button carries the name; it opens only the clicker's own form).
 */
async function onLogFollowUpCallClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const customer = click.actions[0]?.value?.trim().slice(0, CUSTOMER_MAX);
  await openCallModal(client, deps, click.trigger_id, click.user.id, customer || undefined);
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
  // Whose DMs may offer "Propose a roadmap item": roadmap items are the CX office's (checked again on use).
  const people = [...new Set([userId, ...form.value.followUps.map((f) => f.ownerId)])];
  const cxOffice = await Promise.all(people.map((id) => deps.roles.isCxOffice(id)));
  const proposers = people.filter((_, i) => cxOffice[i]);
  let outcome: LogCallOutcome;
  try {
    outcome = await logCall(
      deps.db,
      deps.config,
      { loggedBy: userId, idempotencyKey: `view:${submission.view.id}`, call: form.value, proposers },
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

/**
 * The message clicked, redrawn in place to say what happened (its buttons gone or changed), through the
 * click's response URL: it is the immediate answer to the person looking at it, so it goes now, not
 * behind a fan-out in the outbox, and needs no record of where the DM was posted. A second click (a
 * double click, another device) redraws the same state.
 */
async function redrawClicked(respond: RespondFn | undefined, message: SlackMessage): Promise<void> {
  await respond?.({ replace_original: true, ...message });
}

async function onSnoozeClicked({ ack, body, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const until = await snoozeNudges(deps.db, deps.config, click.user.id, deps.now());
  await redrawClicked(respond, renderNudgeSnoozed(until));
}

async function onPauseDatePicked({ ack, body, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const date = readPauseDate(click);
  if (!date) return;
  const paused = await pauseNudges(deps.db, deps.config, click.user.id, date, deps.now());
  // A past date changes nothing: the nudge keeps its buttons, and a note says why.
  if (paused.ok) await redrawClicked(respond, renderNudgePaused(paused.until));
  else await answerClick(respond, renderPauseRefused());
}

/** Answered where it was clicked: a DM is redrawn in place, App Home by the refreshed Home. */
async function onFollowUpDoneClicked({ ack, body, client, respond }: ActionArgs, deps: AppDeps) {
  await ack();
  const click = blockActionSchema.parse(body);
  const clicked = readFollowUpClick(click);
  if (!clicked) return;
  const inMessage = click.channel !== undefined;
  const outcome = await completeFollowUp(
    deps.db,
    clicked.id,
    click.user.id,
    deps.now(),
    inMessage ? { kind: clicked.kind, listed: clicked.listed } : undefined,
  );
  if (!inMessage) await deps.refreshHome(client, click.user.id, homePagesOf(body));
  else if (outcome.mine && outcome.dm)
    await redrawClicked(
      respond,
      renderFollowUpsDm(outcome.dm, { roadmap: await deps.roles.isCxOffice(click.user.id) }),
    );
  else await answerClick(respond, renderFollowUpNotYours());
}

// ---- An executive's monthly target (the CX office, from the roster) ----------------------------------

async function onSetTargetClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) return;
  const found = await findExecutiveTarget(deps.db, deps.config, click.actions[0]?.value ?? '');
  if (!found) return;
  // From the roster's modal the target form goes on top of it (Done brings the roster back).
  const open = clickedModal(body) ? client.views.push : client.views.open;
  await open.call(client.views, {
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
  const { rows, page } = await rosterPage(deps.db, deps.config, deps.now(), 1);
  await replyEphemeral(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    renderRoster(rows, page),
  );
};

/**
 * The roster is the CX office's, whoever clicks: the role is checked on the server for every page (a
 * click can be forged). Anyone else is told privately — under the message, or by DM from a modal — and
 * sees nothing of it.
 */
async function allowedToSeeRoster(
  { body, client, respond }: ActionArgs,
  deps: AppDeps,
  userId: string,
): Promise<boolean> {
  if (await deps.roles.isCxOffice(userId)) return true;
  const refusal = notice(cxOnly('see the executive roster'));
  if (respond && (body as { response_url?: unknown }).response_url) await answerClick(respond, refusal);
  else await sendDm(client, userId, refusal);
  return false;
}

/** "See all" under the roster or the Monday summary: the whole roster in a modal, from its first page. */
async function onRosterOpenClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  const click = blockActionSchema.parse(args.body);
  if (!(await allowedToSeeRoster(args, deps, click.user.id))) return;
  const { rows, page } = await rosterPage(
    deps.db,
    deps.config,
    deps.now(),
    requestedPage(click.actions[0]?.value),
  );
  await args.client.views.open({ trigger_id: click.trigger_id, view: renderRosterModal(rows, page) });
}

/** "Next ›" / "‹ Previous" in the roster's modal: the same modal, on the page asked for. */
async function onRosterPageClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  const click = blockActionSchema.parse(args.body);
  const modal = clickedModal(args.body);
  if (!(await allowedToSeeRoster(args, deps, click.user.id)) || !modal) return;
  const { rows, page } = await rosterPage(
    deps.db,
    deps.config,
    deps.now(),
    requestedPage(click.actions[0]?.value),
  );
  await args.client.views.update({ view_id: modal.id, view: renderRosterModal(rows, page) });
}

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
    `I sent you the CSV of ${countOf(exported.calls.length, 'call')} in a direct message.`,
  );
};

// ---- App Home ----------------------------------------------------------------------------------------

export const onHomeOpened: HomeSection['render'] = async ({ deps, userId, now, pages, isCxOffice }) =>
  renderCallsHome({
    ...(await callsHome(deps.db, deps.config, userId, now, pages[CALLS_HOME_LISTS.followUps])),
    canPropose: isCxOffice,
  });

/** "Next ›" / "‹ Previous" under someone's follow-ups in App Home: the Home again, on the page asked for. */
async function onFollowUpsPageClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const page = requestedPage(click.actions[0]?.value);
  await deps.refreshHome(client, click.user.id, { ...homePagesOf(body), [CALLS_HOME_LISTS.followUps]: page });
}
