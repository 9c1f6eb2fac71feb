import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { cxOnly, SAVE_FAILED } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { Listeners } from '../../slack/listeners.js';
import { decodeMetadata, encodeMetadata } from '../../slack/metadata.js';
import {
  type BlockActionPayload,
  blockActionSchema,
  shortcutSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { redactErrors, safeErrorText } from '../../slack/safe-errors.js';
import { readViewState, validateFields } from '../../slack/view-state.js';
import { listActiveJourneyStages } from '../settings/settings.service.js';
import { rulesIds } from './rules.ids.js';
import { RULE_STATUSES } from './rules.schema.js';
import {
  addRuleNote,
  assignOwner,
  type ChangeResult,
  decideRule,
  findRule,
  listSubmittedRules,
  markDuplicate,
  NOTE_MAX,
  NOTE_REQUIRED,
  nominateRule,
  nominationFieldsSchema,
  parseRuleRef,
  type RulesDelivery,
  toNomination,
  voteForRule,
  withdrawVote,
} from './rules.service.js';
import {
  type NominationValues,
  renderDecisionModal,
  renderDuplicateModal,
  renderMyRules,
  renderNominationModal,
  renderNominationThanks,
  renderNoteModal,
  renderNotice,
  ruleIdFromBlockId,
} from './rules.views.js';

/** Slack listeners of "kill a stupid rule": parse, authorise, one service call, render, call Slack. */

const nominationMetadata = z.object({
  source: z.enum(['command', 'shortcut', 'message']),
  permalink: z.string().url().nullable(),
});

const ruleMetadata = z.object({
  ruleId: z.number().int().positive(),
  toStatus: z.enum(RULE_STATUSES).optional(),
  /** Opened from App Home: re-render it after the change so the actor sees the result there. */
  fromHome: z.boolean().optional(),
});

const noteSchema = (required: boolean) =>
  z.object({
    [rulesIds.note]: z.preprocess(
      (value) => value ?? '',
      z
        .string()
        .trim()
        .min(required ? 1 : 0, 'Please write the reason: the submitter and voters will read it.')
        .max(NOTE_MAX, `Keep the note under ${NOTE_MAX.toLocaleString('en-US')} characters.`),
    ),
  });

/** A rule's ID as carried in a button's value or a select option's value. */
const ruleIdSchema = z.coerce.number().int().positive();
const parseRuleId = (value: string | undefined): number | undefined => {
  const parsed = ruleIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

const FRIENDLY_REFUSAL = cxOnly('change suggestions', 'You can still add “me too”.');

/**
 * Runs a CX office change from a modal. If the database fails, the modal stays open with what was typed
 * and says so (a line is logged, without IDs or typed text); the caller gets undefined and stops.
 */
async function changeOrExplain(
  deps: AppDeps,
  ack: (response: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>,
  field: string,
  change: () => Promise<ChangeResult>,
): Promise<ChangeResult | undefined> {
  try {
    return await change();
  } catch (error) {
    deps.logger.error(`A change to a nomination failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [field]: SAVE_FAILED } });
    return undefined;
  }
}

async function openNominationModal(
  client: WebClient,
  deps: AppDeps,
  triggerId: string,
  values: NominationValues,
  metadata: z.infer<typeof nominationMetadata>,
): Promise<void> {
  const stages = await listActiveJourneyStages(deps.db);
  await client.views.open({
    trigger_id: triggerId,
    view: renderNominationModal({
      stages,
      values,
      sourcePermalink: metadata.permalink,
      privateMetadata: encodeMetadata(nominationMetadata, metadata),
    }),
  });
}

/** Answers only the person who clicked: ephemerally under a card, by DM from App Home. */
async function tellClicker(client: WebClient, body: BlockActionPayload, text: string): Promise<void> {
  if (body.channel) {
    await replyEphemeral(client, { channel: body.channel.id, user: body.user.id }, renderNotice(text));
  } else {
    await sendDm(client, body.user.id, renderNotice(text));
  }
}

/** The card, its thread and the DMs are in the outbox already: only the actor's App Home is left. */
async function afterChange(
  client: WebClient,
  deps: AppDeps,
  result: ChangeResult,
  actor: { id: string; fromHome: boolean },
): Promise<void> {
  if (result.ok && actor.fromHome) await deps.refreshHome(client, actor.id);
}

export function registerRulesListeners(slack: Listeners, deps: AppDeps): void {
  // Read when used: the listeners are registered before the config is looked at (e.g. the manifest test).
  const delivery: RulesDelivery = {
    get backlogChannel() {
      return deps.config.backlogChannel;
    },
  };

  // ---- Entry points ------------------------------------------------------------------------------

  slack.command(rulesIds.command, redactErrors, async ({ ack, body, client, respond }) => {
    await ack();
    const command = slashCommandSchema.parse(body);
    const text = command.text.trim();
    if (text.toLowerCase() === 'mine') {
      const { items, total } = await listSubmittedRules(deps.db, command.user_id, 25);
      await replyEphemeral(
        client,
        { channel: command.channel_id, user: command.user_id, respond },
        renderMyRules(items, { now: deps.now(), total }),
      );
      return;
    }
    await openNominationModal(
      client,
      deps,
      command.trigger_id,
      { rule: text },
      { source: 'command', permalink: null },
    );
  });

  slack.shortcut(rulesIds.globalShortcut, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const shortcut = shortcutSchema.parse(body);
    await openNominationModal(client, deps, shortcut.trigger_id, {}, { source: 'shortcut', permalink: null });
  });

  slack.action(rulesIds.suggestButton, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    await openNominationModal(client, deps, click.trigger_id, {}, { source: 'shortcut', permalink: null });
  });

  slack.shortcut(rulesIds.messageShortcut, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const shortcut = shortcutSchema.parse(body);
    let permalink: string | null = null;
    if (shortcut.channel && shortcut.message_ts) {
      // The bot may not be in that conversation: the link is a nicety, the nomination is not.
      permalink = await client.chat
        .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message_ts })
        .then((result) => result.permalink ?? null)
        .catch(() => null);
    }
    await openNominationModal(
      client,
      deps,
      shortcut.trigger_id,
      { rule: shortcut.message?.text ?? '' },
      { source: 'message', permalink },
    );
  });

  // ---- The nomination ----------------------------------------------------------------------------

  slack.view(rulesIds.nominateModal, redactErrors, async ({ ack, body }) => {
    const submission = viewSubmissionSchema.parse(body);
    const fields = readViewState(submission.view.state);
    const validated = validateFields(nominationFieldsSchema, fields);
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    const stageId = validated.data.stage;
    if (
      stageId !== undefined &&
      !(await listActiveJourneyStages(deps.db)).some((stage) => stage.id === stageId)
    ) {
      await ack({
        response_action: 'errors',
        errors: { [rulesIds.stage]: 'That stage is no longer in use: pick another.' },
      });
      return;
    }
    const metadata = decodeMetadata(nominationMetadata, submission.view.private_metadata) ?? {
      source: 'command' as const,
      permalink: null,
    };
    const nomination = toNomination(validated.data, {
      submitterId: submission.user.id,
      source: metadata.source,
      sourcePermalink: metadata.permalink,
      idempotencyKey: `view:${submission.view.id}`,
    });
    let outcome: Awaited<ReturnType<typeof nominateRule>>;
    try {
      outcome = await nominateRule(deps.db, nomination, deps.now(), delivery);
    } catch (error) {
      deps.logger.error(`Saving a nomination failed: ${safeErrorText(error)}`);
      // Keep every word: the same modal comes back with what was typed and a line saying what happened.
      const stages = await listActiveJourneyStages(deps.db).catch(() => []);
      await ack({
        response_action: 'update',
        view: renderNominationModal({
          stages,
          privateMetadata: submission.view.private_metadata ?? '',
          sourcePermalink: metadata.permalink,
          saveError:
            'Sorry, your suggestion could not be saved just now. Nothing you typed is lost: please press Submit again in a moment.',
          values: {
            rule: typeof fields.rule === 'string' ? fields.rule : undefined,
            hurts: typeof fields.hurts === 'string' ? fields.hurts : undefined,
            why: typeof fields.why === 'string' ? fields.why : undefined,
            stage: typeof fields.stage === 'string' ? fields.stage : undefined,
            replacement: typeof fields.replacement === 'string' ? fields.replacement : undefined,
            anonymous: nomination.anonymous,
          },
        }),
      });
      return;
    }
    // The card and the confirmation DM were written to the outbox with the nomination. Not the App Home:
    // it renders when opened, and re-rendering it on every submission costs more than it gives.
    await ack({ response_action: 'update', view: renderNominationThanks(outcome.rule) });
  });

  // ---- Me too ------------------------------------------------------------------------------------

  slack.action(rulesIds.vote, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const ruleId = parseRuleId(click.actions[0]?.value);
    if (ruleId === undefined) return;
    const result = await voteForRule(deps.db, ruleId, click.user.id, deps.now(), delivery);
    if (!result.ok) {
      const reasons = {
        not_found: 'That suggestion no longer exists.',
        own_rule: 'You suggested this one — it already counts.',
        closed: 'This suggestion has been decided, so it no longer takes votes.',
      };
      await tellClicker(client, click, reasons[result.reason]);
      return;
    }
    if (!click.channel) await deps.refreshHome(client, click.user.id);
  });

  slack.action(rulesIds.unvote, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const click = blockActionSchema.parse(body);
    const ruleId = parseRuleId(click.actions[0]?.value);
    if (ruleId === undefined) return;
    await withdrawVote(deps.db, ruleId, click.user.id, deps.now(), delivery);
    if (!click.channel) await deps.refreshHome(client, click.user.id);
  });

  // ---- The CX office's controls ------------------------------------------------------------------

  /** Parses the click and checks the role on the server; refuses politely otherwise. */
  async function cxClick(body: unknown, client: WebClient) {
    const click = blockActionSchema.parse(body);
    if (!(await deps.roles.isCxOffice(click.user.id))) {
      await tellClicker(client, click, FRIENDLY_REFUSAL);
      return undefined;
    }
    const action = click.actions[0];
    return action
      ? {
          click,
          action,
          idempotencyKey: `click:${click.user.id}:${action.action_ts}`,
          fromHome: click.container.type === 'view',
        }
      : undefined;
  }

  slack.action(rulesIds.setStatus, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const parsed = await cxClick(body, client);
    if (!parsed) return;
    const [id, status] = (parsed.action.selected_option?.value ?? '').split(':');
    const toStatus = z.enum(['under_review', 'accepted', 'killed', 'kept']).safeParse(status);
    const ruleId = parseRuleId(id);
    if (!toStatus.success || ruleId === undefined) return;
    if (NOTE_REQUIRED.includes(toStatus.data)) {
      const rule = await findRule(deps.db, ruleId);
      if (!rule) return;
      await client.views.open({
        trigger_id: parsed.click.trigger_id,
        view: renderDecisionModal({
          rule,
          toStatus: toStatus.data,
          privateMetadata: encodeMetadata(ruleMetadata, {
            ruleId,
            toStatus: toStatus.data,
            fromHome: parsed.fromHome,
          }),
        }),
      });
      return;
    }
    const result = await decideRule(
      deps.db,
      {
        ruleId,
        actorId: parsed.click.user.id,
        toStatus: toStatus.data,
        note: null,
        idempotencyKey: parsed.idempotencyKey,
      },
      deps.now(),
      delivery,
    );
    await afterChange(client, deps, result, { id: parsed.click.user.id, fromHome: parsed.fromHome });
  });

  slack.action(rulesIds.assignOwner, redactErrors, async ({ ack, body, client }) => {
    await ack();
    const parsed = await cxClick(body, client);
    if (!parsed) return;
    const ruleId = ruleIdFromBlockId(parsed.action.block_id);
    if (ruleId === undefined) return;
    const result = await assignOwner(
      deps.db,
      {
        ruleId,
        actorId: parsed.click.user.id,
        ownerId: parsed.action.selected_user ?? null,
        idempotencyKey: parsed.idempotencyKey,
      },
      deps.now(),
      delivery,
    );
    await afterChange(client, deps, result, { id: parsed.click.user.id, fromHome: parsed.fromHome });
  });

  for (const [actionId, render] of [
    [rulesIds.markDuplicate, renderDuplicateModal],
    [rulesIds.addNote, renderNoteModal],
  ] as const) {
    slack.action(actionId, redactErrors, async ({ ack, body, client }) => {
      await ack();
      const parsed = await cxClick(body, client);
      if (!parsed) return;
      const ruleId = parseRuleId(parsed.action.value);
      const rule = ruleId === undefined ? undefined : await findRule(deps.db, ruleId);
      if (!rule) return;
      await client.views.open({
        trigger_id: parsed.click.trigger_id,
        view: render({
          rule,
          privateMetadata: encodeMetadata(ruleMetadata, { ruleId: rule.id, fromHome: parsed.fromHome }),
        }),
      });
    });
  }

  // ---- The CX office's modals --------------------------------------------------------------------

  /** Parses a CX modal submission: role checked again on the server, metadata decoded. */
  async function cxSubmission(body: unknown) {
    const submission = viewSubmissionSchema.parse(body);
    const metadata = decodeMetadata(ruleMetadata, submission.view.private_metadata);
    const allowed = await deps.roles.isCxOffice(submission.user.id);
    return { submission, metadata, allowed, idempotencyKey: `view:${submission.view.id}` };
  }

  slack.view(rulesIds.decisionModal, redactErrors, async ({ ack, body, client }) => {
    const { submission, metadata, allowed, idempotencyKey } = await cxSubmission(body);
    if (!allowed || !metadata?.toStatus || metadata.toStatus === 'duplicate') {
      await ack({ response_action: 'errors', errors: { [rulesIds.note]: FRIENDLY_REFUSAL } });
      return;
    }
    const validated = validateFields(
      noteSchema(NOTE_REQUIRED.includes(metadata.toStatus)),
      readViewState(submission.view.state),
    );
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    const toStatus = metadata.toStatus;
    const result = await changeOrExplain(
      deps,
      (response) => ack(response),
      rulesIds.note,
      () =>
        decideRule(
          deps.db,
          {
            ruleId: metadata.ruleId,
            actorId: submission.user.id,
            toStatus,
            note: validated.data[rulesIds.note] as string,
            idempotencyKey,
          },
          deps.now(),
          delivery,
        ),
    );
    if (!result) return;
    await ack();
    await afterChange(client, deps, result, {
      id: submission.user.id,
      fromHome: metadata.fromHome === true,
    });
  });

  slack.view(rulesIds.noteModal, redactErrors, async ({ ack, body, client }) => {
    const { submission, metadata, allowed, idempotencyKey } = await cxSubmission(body);
    if (!allowed || !metadata) {
      await ack({ response_action: 'errors', errors: { [rulesIds.note]: FRIENDLY_REFUSAL } });
      return;
    }
    const validated = validateFields(noteSchema(true), readViewState(submission.view.state));
    if (!validated.ok) {
      await ack({ response_action: 'errors', errors: validated.errors });
      return;
    }
    const result = await changeOrExplain(
      deps,
      (response) => ack(response),
      rulesIds.note,
      () =>
        addRuleNote(
          deps.db,
          {
            ruleId: metadata.ruleId,
            actorId: submission.user.id,
            note: validated.data[rulesIds.note] as string,
            idempotencyKey,
          },
          deps.now(),
          delivery,
        ),
    );
    if (!result) return;
    await ack();
    await afterChange(client, deps, result, {
      id: submission.user.id,
      fromHome: metadata.fromHome === true,
    });
  });

  slack.view(rulesIds.duplicateModal, redactErrors, async ({ ack, body, client }) => {
    const { submission, metadata, allowed, idempotencyKey } = await cxSubmission(body);
    if (!allowed || !metadata) {
      await ack({ response_action: 'errors', errors: { [rulesIds.duplicateOf]: FRIENDLY_REFUSAL } });
      return;
    }
    const fields = readViewState(submission.view.state);
    const number = parseRuleRef(String(fields[rulesIds.duplicateOf] ?? ''));
    if (number === undefined) {
      await ack({
        response_action: 'errors',
        errors: { [rulesIds.duplicateOf]: 'Type the reference of the original, e.g. RULE-7.' },
      });
      return;
    }
    const note = validateFields(noteSchema(false), fields);
    if (!note.ok) {
      await ack({ response_action: 'errors', errors: note.errors });
      return;
    }
    const result = await changeOrExplain(
      deps,
      (response) => ack(response),
      rulesIds.duplicateOf,
      () =>
        markDuplicate(
          deps.db,
          {
            ruleId: metadata.ruleId,
            actorId: submission.user.id,
            duplicateOfNumber: number,
            note: (note.data[rulesIds.note] as string) || null,
            idempotencyKey,
          },
          deps.now(),
          delivery,
        ),
    );
    if (!result) return;
    if (!result.ok && result.reason === 'bad_target') {
      await ack({
        response_action: 'errors',
        errors: { [rulesIds.duplicateOf]: result.message ?? 'That reference does not work.' },
      });
      return;
    }
    await ack();
    await afterChange(client, deps, result, {
      id: submission.user.id,
      fromHome: metadata.fromHome === true,
    });
  });
}
