import type { KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { answeredForListener } from '../../slack/always-answer.js';
import { cxOnly, notice, SAVE_FAILED } from '../../slack/blocks.js';
import { answerWithExport } from '../../slack/csv.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import { type FormRequest, openRequestedForm, readFormRequest } from '../../slack/form-request.js';
import type {
  ActionArgs,
  CommandArgs,
  Listeners,
  ShortcutArgs,
  SubmissionArgs,
} from '../../slack/listeners.js';
import { decodeMetadata, encodeMetadata } from '../../slack/metadata.js';
import { clickedModal, homePagesOf, requestedPage } from '../../slack/paging.js';
import {
  type BlockActionPayload,
  blockActionSchema,
  slashCommandSchema,
  viewSubmissionSchema,
} from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import { type FieldErrors, readModalMetadata } from '../../slack/view-state.js';
import type { HomeSection, TouchpointSubcommand } from '../feature.js';
import { loadTurnOrigin } from '../links/links.service.js';
import { listActiveJourneyStages, listActiveTouchpointCategories } from '../settings/settings.service.js';
import {
  type ChangeInput,
  changeProblem,
  type DecisionMetadata,
  decisionMetadata,
  type FormResult,
  nominationMetadata,
  nominationProblem,
  type RuleMetadata,
  ratingChoiceOf,
  readAcceptForm,
  readDecisionForm,
  readDuplicateForm,
  readNominationForm,
  readNoteForm,
  ruleIdOf,
  ruleMetadata,
  type SearchMetadata,
  searchMetadata,
  searchWordsOf,
  statusChoiceOf,
  typedNomination,
} from './rules.forms.js';
import { RULES_HOME_LISTS, rulesIds } from './rules.ids.js';
import {
  acceptRule,
  addRuleNote,
  assignOwner,
  buildRulesHome,
  type ChangeBase,
  type ChangeResult,
  decideRule,
  defaultKillBy,
  findRule,
  findSimilarOpenRules,
  listOwnedRulesFor,
  listRuleAuditForExport,
  listRulesForExport,
  markDuplicate,
  NOTE_REQUIRED,
  type NominationResult,
  nominateRule,
  nominationThankedInModal,
  type Rule,
  rateRule,
  ruleHistoryPage,
  searchOpenRulesPage,
  submittedRulesPage,
  voteForRule,
  withdrawVote,
} from './rules.service.js';
import {
  renderDecisionModal,
  renderDuplicateModal,
  renderHistoryModal,
  renderMyRules,
  renderMyRulesModal,
  renderNominationModal,
  renderNominationThanks,
  renderNoteModal,
  renderRuleChangeSaved,
  renderRuleSearchModal,
  renderRulesAuditExport,
  renderRulesExport,
  renderRulesHomeSection,
  ruleIdFromBlockId,
} from './rules.views.js';

/**
 * Slack listeners of "kill a stupid rule": ack, parse (rules.forms.ts), authorise, one service call,
 * render, answer. The card, its thread and the DMs a change causes are the outbox's (rules.notify.ts).
 */

export function registerRulesListeners(slack: Listeners, deps: AppDeps): void {
  slack.command(rulesIds.command, (args) => onKillruleCommand(args, deps));
  slack.shortcut(rulesIds.globalShortcut, (args) => onSuggestRequested(args, deps));
  slack.shortcut(rulesIds.messageShortcut, (args) => onSuggestRequested(args, deps));
  slack.action(rulesIds.suggestButton, (args) => onSuggestRequested(args, deps));
  slack.view(rulesIds.nominateModal, (args) => onNominationSubmitted(args, deps));
  slack.action(rulesIds.vote, (args) => onVoteClicked(args, deps));
  slack.action(rulesIds.unvote, (args) => onUnvoteClicked(args, deps));
  slack.action(rulesIds.backablePrevious, (args) => onBackablePageClicked(args, deps));
  slack.action(rulesIds.backableNext, (args) => onBackablePageClicked(args, deps));
  slack.action(rulesIds.backlogPrevious, (args) => onBacklogPageClicked(args, deps));
  slack.action(rulesIds.backlogNext, (args) => onBacklogPageClicked(args, deps));
  slack.action(rulesIds.mineOpen, (args) => onMinePageClicked(args, deps));
  slack.action(rulesIds.minePrevious, (args) => onMinePageClicked(args, deps));
  slack.action(rulesIds.mineNext, (args) => onMinePageClicked(args, deps));
  slack.action(rulesIds.setStatus, (args) => onStatusChosen(args, deps));
  slack.action(rulesIds.assignOwner, (args) => onOwnerChosen(args, deps));
  slack.action(rulesIds.markDuplicate, (args) => onMarkDuplicateClicked(args, deps));
  slack.action(rulesIds.addNote, (args) => onAddNoteClicked(args, deps));
  slack.view(rulesIds.decisionModal, (args) => onDecisionSubmitted(args, deps));
  slack.action(rulesIds.rateEase, (args) => onRatingChosen(args, deps));
  slack.action(rulesIds.rateImpact, (args) => onRatingChosen(args, deps));
  slack.view(rulesIds.noteModal, (args) => onNoteSubmitted(args, deps));
  slack.view(rulesIds.duplicateModal, (args) => onDuplicateSubmitted(args, deps));
  slack.action(rulesIds.history, (args) => onHistoryClicked(args, deps));
  slack.action(rulesIds.historyPrevious, (args) => onHistoryClicked(args, deps));
  slack.action(rulesIds.historyNext, (args) => onHistoryClicked(args, deps));
  // Finding what exists: similar suggestions while nominating, `/killrule search`.
  slack.action(rulesIds.rule, (args) => onNominationTyped(args, deps));
  slack.action(rulesIds.similarVote, (args) => onSimilarVoteClicked(args, deps));
  slack.action(rulesIds.searchVote, (args) => onSearchClicked(args, deps));
  slack.action(rulesIds.searchPrevious, (args) => onSearchClicked(args, deps));
  slack.action(rulesIds.searchNext, (args) => onSearchClicked(args, deps));
}

const CX_REFUSAL = cxOnly('change suggestions', 'You can still add “me too”.');
const TURN_NOT_YOURS =
  'That call is not yours to turn into a suggestion, so nothing was saved. Suggest the rule with `/killrule` instead.';

/** Answers only the person who clicked: ephemerally under a card, by DM from App Home. */
async function tellClicker(client: WebClient, click: BlockActionPayload, text: string): Promise<void> {
  if (click.channel) {
    await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, notice(text));
  } else {
    await sendDm(client, click.user.id, notice(text));
  }
}

/** A click from App Home (not a card in a channel): the actor's Home is re-rendered after a change. */
const fromHome = (click: BlockActionPayload): boolean => click.container.type === 'view';

// ---- Entry points: /killrule, the shortcuts, the weekly update's button ---------------------------------

/**
 * The nomination form, prefilled with the command's or the message's text, and with the open suggestions
 * like that text (their "Me too" instead of a new one).
 */
async function openNominationModal(
  client: WebClient,
  deps: AppDeps,
  request: FormRequest & { userId?: string },
): Promise<void> {
  const [stages, categories, similar] = await Promise.all([
    listActiveJourneyStages(deps.db),
    listActiveTouchpointCategories(deps.db),
    similarTo(deps, request.text, requesterOf(request)),
  ]);
  await openRequestedForm(client, request, ({ text, permalink, privateMetadata }) =>
    renderNominationModal({
      stages,
      categories,
      similar,
      values: { rule: text },
      sourcePermalink: permalink,
      privateMetadata,
    }),
  );
}

/** `/killrule [the rule]` opens the form; `/killrule mine` lists the person's nominations. */
async function onKillruleCommand({ ack, body, client, respond }: CommandArgs, deps: AppDeps): Promise<void> {
  await ack();
  const command = slashCommandSchema.parse(body);
  const searchWords = searchWordsOf(command.text);
  if (searchWords !== undefined) {
    await openSearchModal(client, deps, {
      triggerId: command.trigger_id,
      userId: command.user_id,
      searchWords,
    });
    return;
  }
  if (command.text.trim().toLowerCase() !== 'mine') {
    await openNominationModal(client, deps, {
      ...(await readFormRequest(client, body)),
      userId: command.user_id,
    });
    return;
  }
  const { items, page } = await submittedRulesPage(deps.db, command.user_id, 1);
  await replyEphemeral(
    client,
    { channel: command.channel_id, user: command.user_id, respond },
    renderMyRules(items, { now: deps.now(), total: page.total }),
  );
}

/**
 * "See all" under `/killrule mine` opens the person's suggestions in a modal; its "Next ›" / "‹ Previous"
 * show another page in the same modal. Always the clicker's own list: nobody else's can be asked for.
 */
async function onMinePageClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const { items, page } = await submittedRulesPage(
    deps.db,
    click.user.id,
    requestedPage(click.actions[0]?.value),
  );
  const view = renderMyRulesModal(items, { now: deps.now(), page });
  const modal = clickedModal(body);
  if (modal) await client.views.update({ view_id: modal.id, view });
  else await client.views.open({ trigger_id: click.trigger_id, view });
}

/**
 * ⚡ "Suggest a rule to kill" and the weekly update's button open the form empty; ⋯ "Suggest killing
 * the rule" on a message prefills it with the message and links back to it.
 */
async function onSuggestRequested(
  { ack, body, client }: ShortcutArgs | ActionArgs,
  deps: AppDeps,
): Promise<void> {
  await ack();
  await openNominationModal(client, deps, {
    ...(await readFormRequest(client, body)),
    userId: requesterSchema.safeParse(body).data?.user.id ?? '',
  });
}

// ---- The nomination ------------------------------------------------------------------------------------

async function onNominationSubmitted({ ack, body, context }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const { state, private_metadata: privateMetadata } = submission.view;
  const form = readNominationForm(state);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const metadata = readModalMetadata(nominationMetadata, privateMetadata, rulesIds.rule);
  if (!metadata.ok) {
    await ack({ response_action: 'errors', errors: metadata.errors });
    return;
  }
  const { origin } = metadata.data;
  // A turn from a call: the call must still be the submitter's to turn (the metadata could be forged).
  if (
    origin &&
    !(await loadTurnOrigin(deps.db, origin, {
      userId: submission.user.id,
      isCxOffice: await deps.roles.isCxOffice(submission.user.id),
    }))
  ) {
    await ack({ response_action: 'errors', errors: { [rulesIds.rule]: TURN_NOT_YOURS } });
    return;
  }
  let result: NominationResult;
  try {
    result = await nominateRule(
      deps.db,
      {
        ...form.data,
        submitterId: submission.user.id,
        source: metadata.data.source,
        sourcePermalink: metadata.data.permalink,
        idempotencyKey: `view:${submission.view.id}`,
        ...(origin ? { origin } : {}),
      },
      deps.now(),
      deps.config,
    );
  } catch (error) {
    deps.logger.error(`Saving a nomination failed: ${safeErrorText(error)}`);
    // Keep every word: the same modal comes back with what was typed and a line saying what happened.
    const [stages, categories] = await Promise.all([
      listActiveJourneyStages(deps.db).catch(() => []),
      listActiveTouchpointCategories(deps.db).catch(() => []),
    ]);
    await ack({
      response_action: 'update',
      view: renderNominationModal({
        stages,
        categories,
        values: typedNomination(state),
        sourcePermalink: metadata.data.permalink,
        privateMetadata: privateMetadata ?? '',
        saveFailed: true,
      }),
    });
    return;
  }
  if (!result.ok) {
    await ack({ response_action: 'errors', errors: nominationProblem(result) });
    return;
  }
  // The card and the confirmation DM were written to the outbox with the nomination. Not the App Home:
  // it renders when opened, and re-rendering it on every submission costs more than it gives.
  // One thank-you: the modal's, when it is shown (read right before acking: no await in between); the
  // delayed confirmation DM is then taken back. After "taking longer" the DM is what says it went in.
  const thanksShown = !answeredForListener(context);
  await ack({ response_action: 'update', view: renderNominationThanks(result.rule) });
  if (thanksShown) await nominationThankedInModal(deps.db, result.rule.id);
}

// ---- Me too --------------------------------------------------------------------------------------------

const VOTE_REFUSALS = {
  not_found: 'That suggestion no longer exists.',
  own_rule: 'You suggested this one — it already counts.',
  closed: 'This suggestion has been decided, so it no longer takes votes.',
} as const;

async function onVoteClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const ruleId = ruleIdOf(click.actions[0]?.value);
  if (ruleId === undefined) return;
  const result = await voteForRule(deps.db, { ruleId, userId: click.user.id }, deps.now(), deps.config);
  if (!result.ok) await tellClicker(client, click, VOTE_REFUSALS[result.reason]);
  else if (fromHome(click)) await deps.refreshHome(client, click.user.id, homePagesOf(body));
}

async function onUnvoteClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const ruleId = ruleIdOf(click.actions[0]?.value);
  if (ruleId === undefined) return;
  await withdrawVote(deps.db, { ruleId, userId: click.user.id }, deps.now(), deps.config);
  if (fromHome(click)) await deps.refreshHome(client, click.user.id, homePagesOf(body));
}

/** "Next ›" / "‹ Previous" under the suggestions to back: the Home again, that list on the page asked for. */
async function onBackablePageClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const page = requestedPage(click.actions[0]?.value);
  await deps.refreshHome(client, click.user.id, { ...homePagesOf(body), [RULES_HOME_LISTS.backable]: page });
}

/**
 * "Next ›" / "‹ Previous" under the backlog in the CX office's App Home. The backlog is the CX office's:
 * the role is checked again here (a click can be forged); anyone else is told by DM and sees none of it.
 */
async function onBacklogPageClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await tellClicker(client, click, cxOnly('see the backlog'));
    return;
  }
  const page = requestedPage(click.actions[0]?.value);
  await deps.refreshHome(client, click.user.id, { ...homePagesOf(body), [RULES_HOME_LISTS.backlog]: page });
}

// ---- The CX office's controls on a card or App Home -----------------------------------------------------

/** The role is checked on the server for every control; anyone else is told, privately, and nothing changes. */
async function allowedToChange(
  deps: AppDeps,
  client: WebClient,
  click: BlockActionPayload,
): Promise<boolean> {
  if (await deps.roles.isCxOffice(click.user.id)) return true;
  await tellClicker(client, click, CX_REFUSAL);
  return false;
}

/** Who changes what with a click, and the click's identity, so a replayed click changes nothing. */
function clickChange(click: BlockActionPayload, ruleId: number): ChangeBase {
  return {
    ruleId,
    actorId: click.user.id,
    idempotencyKey: `click:${click.user.id}:${click.actions[0]?.action_ts}`,
  };
}

/** The card and the rest are in the outbox already: only the actor's App Home is left, if they were there. */
async function afterClickChange(
  deps: AppDeps,
  client: WebClient,
  click: BlockActionPayload,
  result: ChangeResult,
): Promise<void> {
  if (result.ok && fromHome(click)) await deps.refreshHome(client, click.user.id);
}

/** Opens one of the CX office's modals about a nomination (nothing if it is gone). */
async function openRuleModal(
  deps: AppDeps,
  client: WebClient,
  click: BlockActionPayload,
  ruleId: number,
  render: (rule: Rule) => ModalView,
): Promise<void> {
  const rule = await findRule(deps.db, ruleId);
  if (rule) await client.views.open({ trigger_id: click.trigger_id, view: render(rule) });
}

/** "Set status": at once, or through the decision modal when the decision needs a note. */
async function onStatusChosen({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await allowedToChange(deps, client, click))) return;
  const choice = statusChoiceOf(click.actions[0]?.selected_option?.value);
  if (!choice) return;
  // Accepting takes a kill-by date: the modal offers today plus the setting.
  if (NOTE_REQUIRED.includes(choice.toStatus) || choice.toStatus === 'accepted') {
    const metadata: DecisionMetadata = { ...choice, fromHome: fromHome(click) };
    const killBy =
      choice.toStatus === 'accepted' ? await defaultKillBy(deps.db, deps.config, deps.now()) : undefined;
    await openRuleModal(deps, client, click, choice.ruleId, (rule) =>
      renderDecisionModal({
        rule,
        toStatus: choice.toStatus,
        privateMetadata: encodeMetadata(decisionMetadata, metadata),
        ...(killBy ? { killBy } : {}),
      }),
    );
    return;
  }
  const result = await decideRule(
    deps.db,
    { ...clickChange(click, choice.ruleId), toStatus: choice.toStatus, note: null },
    deps.now(),
    deps.config,
  );
  await afterClickChange(deps, client, click, result);
}

/**
 * Ease or impact from the card's selects (CX office only, checked here): stored with an audit row; the
 * card and its thread follow through the outbox. A replayed click changes nothing.
 */
async function onRatingChosen({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await allowedToChange(deps, client, click))) return;
  const action = click.actions[0];
  const choice = ratingChoiceOf(action?.action_id, action?.selected_option?.value);
  if (!choice) return;
  await rateRule(deps.db, { ...clickChange(click, choice.ruleId), ...choice }, deps.now(), deps.config);
}

/** "Assign owner" (the select names the nomination by its block). */
async function onOwnerChosen({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await allowedToChange(deps, client, click))) return;
  const action = click.actions[0];
  const ruleId = ruleIdFromBlockId(action?.block_id);
  if (ruleId === undefined) return;
  const result = await assignOwner(
    deps.db,
    { ...clickChange(click, ruleId), ownerId: action?.selected_user ?? null },
    deps.now(),
    deps.config,
  );
  await afterClickChange(deps, client, click, result);
}

/** A button that opens a modal about its nomination (the button's value). */
async function openRuleModalFromButton(
  { ack, body, client }: ActionArgs,
  deps: AppDeps,
  render: (model: { rule: Rule; privateMetadata: string }) => ModalView,
): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await allowedToChange(deps, client, click))) return;
  const ruleId = ruleIdOf(click.actions[0]?.value);
  if (ruleId === undefined) return;
  const metadata: RuleMetadata = { ruleId, fromHome: fromHome(click) };
  await openRuleModal(deps, client, click, ruleId, (rule) =>
    render({ rule, privateMetadata: encodeMetadata(ruleMetadata, metadata) }),
  );
}

function onMarkDuplicateClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  return openRuleModalFromButton(args, deps, renderDuplicateModal);
}

function onAddNoteClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  return openRuleModalFromButton(args, deps, renderNoteModal);
}

// ---- History: the audit trail of one suggestion ------------------------------------------------------

/**
 * "History" on a card or the CX office's Home opens the suggestion's audit trail in a modal; its "Next ›" /
 * "‹ Previous" show another page in the same modal (the suggestion rides in its metadata). The CX office's
 * only: checked on every click, anyone else is told privately and sees none of it.
 */
async function onHistoryClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await tellClicker(client, click, cxOnly('see a suggestion’s history'));
    return;
  }
  const modal = clickedModal(body);
  const value = click.actions[0]?.value;
  const ruleId = modal ? decodeMetadata(ruleMetadata, modal.privateMetadata).ruleId : ruleIdOf(value);
  if (ruleId === undefined) return;
  const history = await ruleHistoryPage(deps.db, ruleId, modal ? requestedPage(value) : 1);
  if (!history) return;
  const view = renderHistoryModal(history, {
    privateMetadata: encodeMetadata(ruleMetadata, { ruleId }),
  });
  if (modal) await client.views.update({ view_id: modal.id, view });
  else await client.views.open({ trigger_id: click.trigger_id, view });
}

// ---- The CX office's modals: one path for the decision, the note and the duplicate ----------------------

/** One of the CX office's modals: its metadata, its form, and the one service call it makes. */
interface RuleChangeModal<Metadata extends RuleMetadata, Input extends ChangeInput> {
  /** The field where a refusal, an out-of-date form or a failed save is said. */
  block: string;
  metadata: z.ZodType<Metadata>;
  read(state: unknown, metadata: Metadata): FormResult<Input>;
  change(deps: AppDeps, change: ChangeBase, input: Input, metadata: Metadata): Promise<ChangeResult>;
}

/**
 * A CX office modal submitted: role checked again on the server, metadata and form read, the change made.
 * If the database fails, the modal stays open with what was typed and says so (a line is logged, without
 * IDs or typed text). A problem the person can fix is said next to its field.
 */
async function submitRuleChange<Metadata extends RuleMetadata, Input extends ChangeInput>(
  { ack, body, client }: SubmissionArgs,
  deps: AppDeps,
  modal: RuleChangeModal<Metadata, Input>,
): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const answer = (errors: FieldErrors) => ack({ response_action: 'errors', errors });
  if (!(await deps.roles.isCxOffice(submission.user.id))) return answer({ [modal.block]: CX_REFUSAL });
  const metadata = readModalMetadata(modal.metadata, submission.view.private_metadata, modal.block);
  if (!metadata.ok) return answer(metadata.errors);
  const form = modal.read(submission.view.state, metadata.data);
  if (!form.ok) return answer(form.errors);
  const change: ChangeBase = {
    ruleId: metadata.data.ruleId,
    actorId: submission.user.id,
    idempotencyKey: `view:${submission.view.id}`,
  };
  let result: ChangeResult;
  try {
    result = await modal.change(deps, change, form.data, metadata.data);
  } catch (error) {
    deps.logger.error(`A change to a nomination failed: ${safeErrorText(error)}`);
    return answer({ [modal.block]: SAVE_FAILED });
  }
  const problem = result.ok ? undefined : changeProblem(result.reason, form.data);
  if (problem) return answer(problem);
  // The form turns into what was saved: the card, its thread and the DMs follow through the outbox.
  await ack({ response_action: 'update', view: renderRuleChangeSaved(result) });
  if (result.ok && metadata.data.fromHome) await deps.refreshHome(client, submission.user.id);
}

const decisionModal: RuleChangeModal<
  DecisionMetadata,
  { note: string; killBy?: string; ownerId?: string | null }
> = {
  block: rulesIds.note,
  metadata: decisionMetadata,
  read: (state, metadata) =>
    metadata.toStatus === 'accepted' ? readAcceptForm(state) : readDecisionForm(state, metadata.toStatus),
  change: (deps, change, { note, killBy, ownerId }, { toStatus }) =>
    toStatus === 'accepted' && killBy
      ? acceptRule(deps.db, { ...change, note, killBy, ownerId: ownerId ?? null }, deps.now(), deps.config)
      : decideRule(deps.db, { ...change, toStatus, note }, deps.now(), deps.config),
};

const noteModal: RuleChangeModal<RuleMetadata, { note: string }> = {
  block: rulesIds.note,
  metadata: ruleMetadata,
  read: readNoteForm,
  change: (deps, change, { note }) => addRuleNote(deps.db, { ...change, note }, deps.now(), deps.config),
};

const duplicateModal: RuleChangeModal<RuleMetadata, { duplicateOfNumber: number; note: string | null }> = {
  block: rulesIds.duplicateOf,
  metadata: ruleMetadata,
  read: readDuplicateForm,
  change: (deps, change, input) => markDuplicate(deps.db, { ...change, ...input }, deps.now(), deps.config),
};

function onDecisionSubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  return submitRuleChange(args, deps, decisionModal);
}

function onNoteSubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  return submitRuleChange(args, deps, noteModal);
}

function onDuplicateSubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  return submitRuleChange(args, deps, duplicateModal);
}

// ---- /touchpoint export rules, and App Home ---------------------------------------------------------------

/** `/touchpoint export rules` (CX office): a CSV of every nomination and one of its audit trail, by DM. */
export async function onExportRulesCommand(args: Parameters<TouchpointSubcommand['run']>[0]): Promise<void> {
  const [items, events] = await Promise.all([
    listRulesForExport(args.deps.db),
    listRuleAuditForExport(args.deps.db),
  ]);
  await answerWithExport(args, renderRulesExport(items), renderRulesAuditExport(items, events));
}

/** The rules' part of someone's App Home: theirs, others' to back, and the backlog for the CX office. */
export async function onHomeRendered({
  deps,
  userId,
  now,
  isCxOffice,
  pages,
}: Parameters<HomeSection['render']>[0]): Promise<KnownBlock[]> {
  const model = await buildRulesHome(deps.db, deps.config, {
    userId,
    isCxOffice,
    now,
    backablePage: pages[RULES_HOME_LISTS.backable],
    backlogPage: pages[RULES_HOME_LISTS.backlog],
  });
  const owned = await listOwnedRulesFor(deps.db, deps.config, userId, now);
  return renderRulesHomeSection({ ...model, owned }, { now });
}

// ---- Finding what exists: similar suggestions while nominating, `/killrule search` --------------------------

/** Who clicked a shortcut or a button that opens the nomination form. */
const requesterSchema = z.object({ user: z.object({ id: z.string() }) });

/** Whoever asked for the nomination form (a command, a shortcut, a button). */
function requesterOf(request: FormRequest & { userId?: string }): string {
  return request.userId ?? '';
}

/** Open suggestions like `text`; none when there is no text or nobody to leave out. */
function similarTo(deps: AppDeps, text: string, userId: string) {
  return userId === '' ? Promise.resolve([]) : findSimilarOpenRules(deps.db, text, userId);
}

/** The nomination form a click or a keystroke came from: its ID, hash, state and metadata. */
const nominationViewSchema = z.object({
  view: z
    .object({
      id: z.string(),
      hash: z.string().optional(),
      callback_id: z.literal(rulesIds.nominateModal),
      private_metadata: z.string().optional(),
      state: z.unknown(),
      blocks: z.array(z.object({ block_id: z.string().optional() }).loose()).default([]),
    })
    .loose(),
});

/** The IDs of the similar suggestions a form shows now. */
function shownSimilar(blocks: { block_id?: string | undefined }[]): string {
  const prefix = `${rulesIds.similar}.`;
  return blocks
    .flatMap((block) => {
      const rest = block.block_id?.startsWith(prefix) ? block.block_id.slice(prefix.length) : '';
      return /^\d+$/.test(rest) ? [rest] : [];
    })
    .join(',');
}

/**
 * The nomination form again, in place, with what was typed and the similar suggestions for it. The
 * form's hash makes an update based on an older form fail instead of overwriting a newer one (the person
 * typed on): that failure is the answer, not an error.
 */
async function updateNominationForm(
  client: WebClient,
  deps: AppDeps,
  form: z.infer<typeof nominationViewSchema>['view'],
  userId: string,
  options: { said?: string; onlyIfChanged?: boolean },
): Promise<void> {
  const values = typedNomination(form.state);
  const similar = await similarTo(deps, values.rule ?? '', userId);
  if (options.onlyIfChanged && similar.map((item) => item.rule.id).join(',') === shownSimilar(form.blocks))
    return;
  const metadata = nominationMetadata.safeParse(safeJson(form.private_metadata));
  const [stages, categories] = await Promise.all([
    listActiveJourneyStages(deps.db),
    listActiveTouchpointCategories(deps.db),
  ]);
  const view = renderNominationModal({
    stages,
    categories,
    values,
    similar,
    ...(options.said ? { said: options.said } : {}),
    sourcePermalink: metadata.success ? metadata.data.permalink : null,
    privateMetadata: form.private_metadata ?? '',
  });
  try {
    await client.views.update({ view_id: form.id, ...(form.hash ? { hash: form.hash } : {}), view });
  } catch (error) {
    // hash_conflict: a newer keystroke's update won; anything else is logged without what was typed.
    if (!/hash_conflict/.test(safeErrorText(error)))
      deps.logger.warn(`Updating the nomination form failed: ${safeErrorText(error)}`);
  }
}

function safeJson(raw: string | undefined): unknown {
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

/** Typing the rule (dispatch_action): the similar open suggestions under it follow what is typed. */
async function onNominationTyped({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const form = nominationViewSchema.safeParse(body);
  if (!form.success) return;
  await updateNominationForm(client, deps, form.data.view, click.user.id, { onlyIfChanged: true });
}

/** "Me too" on a similar suggestion in the nomination form: the vote, then the form says so (kept as typed). */
async function onSimilarVoteClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const ruleId = ruleIdOf(click.actions[0]?.value);
  const form = nominationViewSchema.safeParse(body);
  if (ruleId === undefined || !form.success) return;
  const said = await meToo(deps, ruleId, click.user.id);
  await updateNominationForm(client, deps, form.data.view, click.user.id, {
    said: `${said} If it is the rule you had in mind, close this form: nothing more to do.`,
  });
}

/** The vote of a "Me too" in a list, and what to tell the clicker (mrkdwn, Touchpoint's words). */
async function meToo(deps: AppDeps, ruleId: number, userId: string): Promise<string> {
  const result = await voteForRule(deps.db, { ruleId, userId }, deps.now(), deps.config);
  if (!result.ok) return `:information_source: ${VOTE_REFUSALS[result.reason]}`;
  return `:white_check_mark: You said “me too” to *RULE-${result.rule.number}*: the CX office sees one more person wants it gone.`;
}

/** `/killrule search words`: a modal of the open suggestions matching, a page at a time, with "Me too". */
async function openSearchModal(
  client: WebClient,
  deps: AppDeps,
  request: { triggerId: string; userId: string; searchWords: string },
): Promise<void> {
  const view = await searchModal(deps, request.userId, { words: request.searchWords, page: 1 });
  await client.views.open({ trigger_id: request.triggerId, view });
}

async function searchModal(deps: AppDeps, userId: string, at: SearchMetadata, said?: string) {
  const { items, page } = await searchOpenRulesPage(deps.db, at.words, userId, at.page);
  return renderRuleSearchModal({
    words: at.words,
    items,
    page,
    privateMetadata: encodeMetadata(searchMetadata, { words: at.words, page: page.number }),
    ...(said ? { said } : {}),
  });
}

/**
 * In the search modal: "‹ Previous" / "Next ›" show another page; "Me too" backs a suggestion and shows
 * the same page again. The words come from the modal's metadata (checked; a forged one shows nothing).
 */
async function onSearchClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const modal = clickedModal(body);
  const at = searchMetadata.safeParse(safeJson(modal?.privateMetadata));
  if (!modal || !at.success) return;
  const action = click.actions[0];
  let said: string | undefined;
  let page = at.data.page;
  if (action?.action_id === rulesIds.searchVote) {
    const ruleId = ruleIdOf(action.value);
    if (ruleId === undefined) return;
    said = await meToo(deps, ruleId, click.user.id);
  } else {
    page = requestedPage(action?.value);
  }
  const view = await searchModal(deps, click.user.id, { words: at.data.words, page }, said);
  await client.views.update({ view_id: modal.id, view });
}
