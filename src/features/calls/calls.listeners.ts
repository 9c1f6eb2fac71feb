import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { section } from '../../slack/blocks.js';
import { sendDm } from '../../slack/dm.js';
import type { AppDeps } from '../../slack/feature.js';
import type { Listeners } from '../../slack/listeners.js';
import { decodeMetadata, encodeMetadata } from '../../slack/metadata.js';
import {
  blockActionSchema,
  shortcutSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { readViewState, validateFields } from '../../slack/view-state.js';
import { listActiveJourneyStages } from '../settings/stages.queries.js';
import { callsIds } from './calls.ids.js';
import { lookUpUser } from './calls.jobs.js';
import {
  findExecutive,
  markFollowUpDone,
  updateExecutive,
  updateFollowUpOwnerZone,
} from './calls.queries.js';
import { callFieldsSchema, localToday, logCall, paceForExecutives, snoozeUntil } from './calls.service.js';
import { renderCallModal, renderFollowUpDm, renderTargetModal, renderThanks } from './calls.views.js';

const notice = (text: string) => ({ text, blocks: [section(text)] });
const targetMetadata = z.object({ userId: z.string() });
const SAVE_FAILED =
  'Sorry, the call could not be saved just now. Everything you typed is still here: press Save again in a moment.';

async function zoneOf(deps: AppDeps, userId: string): Promise<string> {
  return (await findExecutive(deps.db, userId))?.timeZone ?? deps.config.timeZone;
}

async function openCallModal(client: WebClient, deps: AppDeps, triggerId: string, userId: string) {
  const [stages, zone] = await Promise.all([listActiveJourneyStages(deps.db), zoneOf(deps, userId)]);
  await client.views.open({
    trigger_id: triggerId,
    view: renderCallModal({ stages, today: localToday(deps.now(), zone) }),
  });
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
    const now = deps.now();
    const zone = await zoneOf(deps, userId);
    const validated = validateFields(
      callFieldsSchema(localToday(now, zone)),
      readViewState(submission.view.state),
    );
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    let logged: Awaited<ReturnType<typeof logCall>>;
    try {
      logged = await logCall(
        deps.db,
        {
          fields: validated.data,
          userId,
          idempotencyKey: `view:${submission.view.id}`,
          ownerTimeZones: new Map(),
        },
        now,
      );
    } catch (error) {
      deps.logger.error(`Saving a call failed: ${(error as Error).message}`);
      await ack({ response_action: 'errors', errors: { [callsIds.customer]: SAVE_FAILED } });
      return;
    }
    await ack();
    if (!logged.created) return;
    const executive = await findExecutive(deps.db, userId);
    const pace = executive
      ? (await paceForExecutives(deps.db, deps.config, [executive], now)).get(userId)
      : undefined;
    await sendDm(client, userId, renderThanks(logged.call, pace));
    // Each owner hears now, and their zone is stored for the due-date reminder.
    const owners = [...new Set(logged.followUps.map((f) => f.ownerId))];
    await Promise.allSettled(
      owners.map(async (ownerId) => {
        const user = await lookUpUser(client, ownerId);
        const theirs = logged.followUps.filter((f) => f.ownerId === ownerId);
        await updateFollowUpOwnerZone(
          deps.db,
          ownerId,
          user.timeZone ?? (await zoneOf(deps, ownerId)),
          theirs.map((f) => f.id),
        );
        for (const followUp of theirs)
          await sendDm(client, ownerId, renderFollowUpDm(followUp, logged.call, 'assigned'));
      }),
    );
    await deps.refreshHome(client, userId);
  });

  slack.action(callsIds.snooze, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const until = snoozeUntil(deps.now());
    await updateExecutive(deps.db, click.user.id, { snoozedUntil: until });
    const zone = await zoneOf(deps, click.user.id);
    await sendDm(
      client,
      click.user.id,
      notice(
        `:zzz: Snoozed for a week: next week’s nudge is skipped (none before ${localToday(until, zone)}).`,
      ),
    );
  });

  slack.action(callsIds.pause, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const date = z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .safeParse(click.actions[0]?.selected_date);
    if (!date.success) return;
    if (date.data < localToday(deps.now(), await zoneOf(deps, click.user.id))) {
      await sendDm(
        client,
        click.user.id,
        notice('That date has passed: pick today or a later date to pause.'),
      );
      return;
    }
    await updateExecutive(deps.db, click.user.id, { pausedUntil: date.data });
    await sendDm(client, click.user.id, notice(`:palm_tree: Paused: no nudges until after ${date.data}.`));
  });

  slack.action(callsIds.followUpDone, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const done = await markFollowUpDone(deps.db, Number(click.actions[0]?.value), click.user.id, deps.now());
    await sendDm(
      client,
      click.user.id,
      notice(
        done
          ? ':white_check_mark: Follow-up marked done. Thank you!'
          : 'That follow-up is already done, or it is not yours.',
      ),
    );
    if (!click.channel) await deps.refreshHome(client, click.user.id);
  });

  slack.action(callsIds.setTarget, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    if (!(await deps.roles.isCxOffice(click.user.id))) return;
    const executive = await findExecutive(deps.db, click.actions[0]?.value ?? '');
    if (!executive) return;
    const pace = (await paceForExecutives(deps.db, deps.config, [executive], deps.now())).get(
      executive.userId,
    );
    await client.views.open({
      trigger_id: click.trigger_id,
      view: renderTargetModal(
        executive,
        pace?.target ?? 2,
        encodeMetadata(targetMetadata, { userId: executive.userId }),
      ),
    });
  });

  slack.view(callsIds.targetModal, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const metadata = decodeMetadata(targetMetadata, submission.view.private_metadata);
    if (!metadata || !(await deps.roles.isCxOffice(submission.user.id))) {
      await ack({
        response_action: 'errors',
        errors: { [callsIds.target]: 'Only the CX office can change targets.' },
      });
      return;
    }
    const target = z.coerce
      .number()
      .int()
      .min(0)
      .max(31)
      .safeParse(readViewState(submission.view.state)[callsIds.target]);
    if (!target.success) {
      await ack({
        response_action: 'errors',
        errors: { [callsIds.target]: 'A whole number of calls a month, from 0 to 31.' },
      });
      return;
    }
    await updateExecutive(deps.db, metadata.userId, { monthlyTarget: target.data });
    await ack();
  });
}
