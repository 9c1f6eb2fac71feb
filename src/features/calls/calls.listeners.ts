import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { cxOnly, notice, SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import { decodeMetadata, encodeMetadata } from '../../slack/metadata.js';
import {
  blockActionSchema,
  shortcutSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { readViewState } from '../../slack/view-state.js';
import { callsIds } from './calls.ids.js';
import { lookUpUser } from './calls.jobs.js';
import {
  callFormDefaults,
  completeFollowUp,
  findExecutiveTarget,
  logCall,
  pauseNudges,
  rememberOwnerZones,
  setMonthlyTarget,
  snoozeNudges,
} from './calls.service.js';
import { renderCallModal, renderTargetModal } from './calls.views.js';

const targetMetadata = z.object({ userId: z.string() });

/** The answer to a click in a message: seen only by the person who clicked, where they clicked. */
async function answerClick(respond: RespondFn | undefined, message: SlackMessage) {
  // A click in App Home has no response URL: the refreshed Home is the answer there.
  await respond?.({ response_type: 'ephemeral', replace_original: false, ...message });
}

async function openCallModal(client: WebClient, deps: AppDeps, triggerId: string, userId: string) {
  const defaults = await callFormDefaults(deps.db, deps.config, userId, deps.now());
  await client.views.open({ trigger_id: triggerId, view: renderCallModal(defaults) });
}

export function registerCallsListeners(slack: Listeners, deps: AppDeps): void {
  slack.command(callsIds.command, async ({ ack, body, client }) => {
    await ack();
    const command = slashCommandSchema.parse(body);
    await openCallModal(client, deps, command.trigger_id, command.user_id);
  });

  slack.shortcut(callsIds.globalShortcut, async ({ ack, body, client }) => {
    await ack();
    const shortcut = shortcutSchema.parse(body);
    await openCallModal(client, deps, shortcut.trigger_id, shortcut.user.id);
  });

  slack.action(callsIds.logButton, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    await openCallModal(client, deps, click.trigger_id, click.user.id);
  });

  slack.view(callsIds.callModal, async ({ ack, body, client }) => {
    const submission = viewSubmissionSchema.parse(body);
    const userId = submission.user.id;
    let outcome: Awaited<ReturnType<typeof logCall>>;
    try {
      outcome = await logCall(
        deps.db,
        deps.config,
        {
          fields: readViewState(submission.view.state),
          userId,
          idempotencyKey: `view:${submission.view.id}`,
        },
        deps.now(),
      );
    } catch (error) {
      // The code only: a failed query's message carries what was typed.
      deps.logger.error(`Saving a call failed (${String((error as { code?: unknown }).code ?? 'no code')})`);
      await ack({ response_action: 'errors', errors: { [callsIds.customer]: SAVE_FAILED } });
      return;
    }
    if (!outcome.ok) {
      await ack({ response_action: 'errors', errors: outcome.errors });
      return;
    }
    await ack();
    const logged = outcome.logged;
    if (!logged.created) return;
    // The DMs are queued with the call. Owners' zones (for the due-date reminder) come from Slack, after
    // the answer.
    const owners = [...new Set(logged.followUps.map((f) => f.ownerId))];
    const zones = new Map<string, string | undefined>();
    for (const ownerId of owners) zones.set(ownerId, (await lookUpUser(client, ownerId)).timeZone);
    await rememberOwnerZones(deps.db, logged.followUps, zones);
    await deps.refreshHome(client, userId);
  });

  slack.action(callsIds.snooze, async ({ ack, body, respond }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const until = await snoozeNudges(deps.db, deps.config, click.user.id, deps.now());
    await answerClick(
      respond,
      notice(`:zzz: Snoozed for a week: next week’s nudge is skipped (none before ${until}).`),
    );
  });

  slack.action(callsIds.pause, async ({ ack, body, respond }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const date = z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .safeParse(click.actions[0]?.selected_date);
    if (!date.success) return;
    const paused = await pauseNudges(deps.db, deps.config, click.user.id, date.data, deps.now());
    await answerClick(
      respond,
      notice(
        paused.ok
          ? `:palm_tree: Paused: no nudges until after ${date.data}.`
          : 'That date has passed: pick today or a later date to pause.',
      ),
    );
  });

  slack.action(callsIds.followUpDone, async ({ ack, body, client, respond }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const done = await completeFollowUp(deps.db, Number(click.actions[0]?.value), click.user.id, deps.now());
    if (click.channel) {
      await answerClick(
        respond,
        notice(
          done
            ? ':white_check_mark: Follow-up marked done. Thank you!'
            : 'That follow-up is already done, or it is not yours.',
        ),
      );
    } else await deps.refreshHome(client, click.user.id);
  });

  slack.action(callsIds.setTarget, async ({ ack, body, client }) => {
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
        encodeMetadata(targetMetadata, { userId: found.executive.userId }),
      ),
    });
  });

  slack.view(callsIds.targetModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const metadata = decodeMetadata(targetMetadata, submission.view.private_metadata);
    if (!metadata || !(await deps.roles.isCxOffice(submission.user.id))) {
      await ack({
        response_action: 'errors',
        errors: { [callsIds.target]: cxOnly('change targets') },
      });
      return;
    }
    const saved = await setMonthlyTarget(
      deps.db,
      metadata.userId,
      readViewState(submission.view.state)[callsIds.target],
    );
    if (!saved.ok) {
      await ack({
        response_action: 'errors',
        errors: { [callsIds.target]: 'A whole number of calls a month, from 0 to 31.' },
      });
      return;
    }
    await ack();
  });
}
