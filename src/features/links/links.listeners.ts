import type { WebClient } from '@slack/web-api';
import { SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { ActionArgs, Listeners, SubmissionArgs } from '../../slack/listeners.js';
import { encodeMetadata } from '../../slack/metadata.js';
import { type BlockActionPayload, blockActionSchema, viewSubmissionSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import { type FieldErrors, readModalMetadata } from '../../slack/view-state.js';
import { encodeItemMetadata } from '../roadmap/roadmap.forms.js';
import { ITEM_TITLE_MAX } from '../roadmap/roadmap.schema.js';
import { loadItemForm } from '../roadmap/roadmap.service.js';
import { renderItemModal } from '../roadmap/roadmap.views.js';
import { nominationMetadata } from '../rules/rules.forms.js';
import { findRule, pointRuleToRoadmapItem, RULE_MAX, ruleRef, WHY_MAX } from '../rules/rules.service.js';
import { renderNominationModal } from '../rules/rules.views.js';
import { listActiveJourneyStages, listActiveTouchpointCategories } from '../settings/settings.service.js';
import { findStoryById, linkStory } from '../stories/stories.service.js';
import { linkMetadata, readLinkForm, readLinkSubject, readTurnChoice, readTurnValue } from './links.forms.js';
import { linksIds } from './links.ids.js';
import { linkTargets, loadTurnOrigin, type TurnSource } from './links.service.js';
import type { TurnOrigin } from './links.types.js';
import { renderLinkModal, renderLinkSaved, renderTurnRefused } from './links.views.js';

/**
 * Slack listeners of the one loop: the one-click turns (a call's learning or follow-up → the rule
 * nomination form or the roadmap item form, prefilled, the origin carried to the save) and the CX
 * office's links (a story to a rule or roadmap item, a rule to the roadmap item that removes it). Every
 * click and submission checks the role on the server. The forms' saves are the rules' and roadmap's.
 */

export function registerLinksListeners(slack: Listeners, deps: AppDeps): void {
  slack.action(linksIds.suggestRule, (args) => onTurnClicked(args, deps, 'rule'));
  slack.action(linksIds.proposeRoadmap, (args) => onTurnClicked(args, deps, 'roadmap_item'));
  slack.action(linksIds.turnMenu, (args) => onTurnMenuChosen(args, deps));
  slack.action(linksIds.linkStory, (args) => onLinkStoryClicked(args, deps));
  slack.action(linksIds.removedBy, (args) => onRemovedByClicked(args, deps));
  slack.view(linksIds.linkStoryModal, (args) => onLinkStorySubmitted(args, deps));
  slack.view(linksIds.removedByModal, (args) => onRemovedBySubmitted(args, deps));
}

/** Answers only the person who clicked: ephemerally where they clicked, by DM from App Home. */
async function tellClicker(client: WebClient, click: BlockActionPayload, message: SlackMessage) {
  if (click.channel)
    await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, message);
  else await sendDm(client, click.user.id, message);
}

// ---- One-click turns ------------------------------------------------------------------------------------

/** "Suggest killing a rule" / "Propose a roadmap item" under a call's thank-you or a follow-up DM. */
async function onTurnClicked(
  { ack, body, client }: ActionArgs,
  deps: AppDeps,
  target: 'rule' | 'roadmap_item',
): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const origin = readTurnValue(click.actions[0]?.value);
  if (origin) await openTurn(client, deps, click, target, origin);
}

/** The same two turns from a call's menu in App Home. */
async function onTurnMenuChosen({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const choice = readTurnChoice(click.actions[0]?.selected_option?.value);
  if (choice) await openTurn(client, deps, click, choice.target, choice.origin);
}

/**
 * Opens the form a turn asks for, prefilled from the call, once the person may: roadmap items are the CX
 * office's, and a call is its executive's, its follow-up owners' and the CX office's to turn.
 */
async function openTurn(
  client: WebClient,
  deps: AppDeps,
  click: BlockActionPayload,
  target: 'rule' | 'roadmap_item',
  origin: TurnOrigin,
): Promise<void> {
  const userId = click.user.id;
  const isCxOffice = await deps.roles.isCxOffice(userId);
  if (target === 'roadmap_item' && !isCxOffice) {
    await tellClicker(client, click, renderTurnRefused('roadmap'));
    return;
  }
  const source = await loadTurnOrigin(deps.db, origin, { userId, isCxOffice });
  if (!source) {
    await tellClicker(client, click, renderTurnRefused('turn'));
    return;
  }
  const view =
    target === 'rule' ? await nominationFromCall(deps, source) : await roadmapItemFromCall(deps, source);
  if (view) await client.views.open({ trigger_id: click.trigger_id, view });
}

/** What the call was about, as the forms' "from" line says it. */
const fromCall = (source: TurnSource) =>
  `From ${source.origin.kind === 'follow_up' ? 'a follow-up of ' : ''}a call with ${source.customer}: ${source.learned}`;

/** The rule nomination form, prefilled: the follow-up (or what was learned), why, stage and category. */
async function nominationFromCall(deps: AppDeps, source: TurnSource) {
  const [stages, categories] = await Promise.all([
    listActiveJourneyStages(deps.db),
    listActiveTouchpointCategories(deps.db),
  ]);
  return renderNominationModal({
    stages,
    categories,
    values: {
      rule: (source.action ?? source.learned).slice(0, RULE_MAX),
      hurts: 'customers',
      why: fromCall(source).slice(0, WHY_MAX),
      stage: source.stageId ? String(source.stageId) : undefined,
      category: source.categoryId ? String(source.categoryId) : undefined,
    },
    privateMetadata: encodeMetadata(nominationMetadata, {
      source: 'shortcut',
      permalink: null,
      origin: source.origin,
    }),
  });
}

/** The roadmap item form (CX office), prefilled: a title from the follow-up or learning, stage, category. */
async function roadmapItemFromCall(deps: AppDeps, source: TurnSource) {
  const form = await loadItemForm(deps.db);
  if (!form.ok) return undefined;
  const title = (source.action ?? source.learned).replace(/\s+/g, ' ').trim();
  return renderItemModal({
    stages: form.stages,
    categories: form.categories,
    prefill: {
      title: title.length > ITEM_TITLE_MAX ? `${title.slice(0, ITEM_TITLE_MAX - 1)}…` : title,
      stageId: source.stageId,
      categoryId: source.categoryId,
      from: fromCall(source),
    },
    privateMetadata: encodeItemMetadata(undefined, source.origin),
  });
}

// ---- The CX office's links --------------------------------------------------------------------------------

/** The CX office only, checked on the server; anyone else is told, privately, and nothing opens. */
async function cxOfficeClick(
  { ack, body, client }: ActionArgs,
  deps: AppDeps,
): Promise<{ click: BlockActionPayload; id: number } | undefined> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await tellClicker(client, click, renderTurnRefused('link'));
    return undefined;
  }
  const id = readLinkSubject(click.actions[0]?.value);
  return id === undefined ? undefined : { click, id };
}

/** "Link…" on a story's card: a select of rules and roadmap items. */
async function onLinkStoryClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  const clicked = await cxOfficeClick(args, deps);
  if (!clicked) return;
  const [story, targets] = await Promise.all([findStoryById(deps.db, clicked.id), linkTargets(deps.db)]);
  if (!story) return;
  await args.client.views.open({
    trigger_id: clicked.click.trigger_id,
    view: renderLinkModal({
      kind: 'story',
      name: `customer story #${story.id}`,
      ...targets,
      privateMetadata: encodeMetadata(linkMetadata, { id: story.id }),
    }),
  });
}

/** "Removed by roadmap item…" on an accepted (or killed) rule's card: a select of roadmap items. */
async function onRemovedByClicked(args: ActionArgs, deps: AppDeps): Promise<void> {
  const clicked = await cxOfficeClick(args, deps);
  if (!clicked) return;
  const [rule, targets] = await Promise.all([findRule(deps.db, clicked.id), linkTargets(deps.db)]);
  if (!rule) return;
  await args.client.views.open({
    trigger_id: clicked.click.trigger_id,
    view: renderLinkModal({
      kind: 'rule',
      name: ruleRef(rule),
      rules: [],
      roadmapItems: targets.roadmapItems,
      privateMetadata: encodeMetadata(linkMetadata, { id: rule.id }),
    }),
  });
}

/** A link modal submitted: the role again, the metadata and the pick read; problems said under the select. */
async function readLinkSubmission({ ack, body }: SubmissionArgs, deps: AppDeps, subject: 'story' | 'rule') {
  const submission = viewSubmissionSchema.parse(body);
  const answer = (errors: FieldErrors) => ack({ response_action: 'errors', errors });
  if (!(await deps.roles.isCxOffice(submission.user.id))) {
    await answer({ [linksIds.target]: renderTurnRefused('link').text });
    return undefined;
  }
  const metadata = readModalMetadata(linkMetadata, submission.view.private_metadata, linksIds.target);
  if (!metadata.ok) {
    await answer(metadata.errors);
    return undefined;
  }
  const form = readLinkForm(submission.view.state, subject);
  if (!form.ok) {
    await answer(form.errors);
    return undefined;
  }
  return { id: metadata.data.id, target: form.data, actorId: submission.user.id, answer };
}

async function onLinkStorySubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  const read = await readLinkSubmission(args, deps, 'story');
  if (!read) return;
  let result: Awaited<ReturnType<typeof linkStory>>;
  try {
    result = await linkStory(
      deps.db,
      { storyId: read.id, target: read.target, actorId: read.actorId },
      deps.config,
      deps.now(),
    );
  } catch (error) {
    deps.logger.error(`Linking a story failed: ${safeErrorText(error)}`);
    await read.answer({ [linksIds.target]: SAVE_FAILED });
    return;
  }
  if (!result.ok) {
    await read.answer({
      [linksIds.target]:
        result.reason === 'not_found'
          ? 'That story no longer exists.'
          : 'That one no longer exists: pick another.',
    });
    return;
  }
  await args.ack({
    response_action: 'update',
    view: renderLinkSaved({ from: result.storyName, to: result.targetName, created: result.created }),
  });
}

async function onRemovedBySubmitted(args: SubmissionArgs, deps: AppDeps): Promise<void> {
  const read = await readLinkSubmission(args, deps, 'rule');
  if (!read) return;
  let result: Awaited<ReturnType<typeof pointRuleToRoadmapItem>>;
  try {
    result = await pointRuleToRoadmapItem(
      deps.db,
      { ruleId: read.id, itemId: read.target.id, actorId: read.actorId },
      deps.now(),
      deps.config,
    );
  } catch (error) {
    deps.logger.error(`Linking a rule to a roadmap item failed: ${safeErrorText(error)}`);
    await read.answer({ [linksIds.target]: SAVE_FAILED });
    return;
  }
  if (!result.ok) {
    const problems = {
      not_found: 'That rule no longer exists.',
      no_such_item: 'That roadmap item no longer exists: pick another.',
      not_accepted: 'Only an accepted or killed rule can point to the roadmap item that removes it.',
    } as const;
    await read.answer({ [linksIds.target]: problems[result.reason] });
    return;
  }
  await args.ack({
    response_action: 'update',
    view: renderLinkSaved({
      from: ruleRef(result.rule),
      to: `roadmap item #${read.target.id} “${result.itemTitle}”`,
      created: result.created,
    }),
  });
}
