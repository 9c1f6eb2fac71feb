import type { RespondFn } from '@slack/bolt';
import { SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import type { ActionArgs, Listeners, SubmissionArgs } from '../../slack/listeners.js';
import { encodeMetadata } from '../../slack/metadata.js';
import { blockActionSchema, viewSubmissionSchema } from '../../slack/payloads.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import type { HomeSection } from '../feature.js';
import { readAnswerClick, readWhyClick, readWhyForm, whyFormMetadata } from './checks.forms.js';
import { checksIds } from './checks.ids.js';
import { answerCheck, type CheckOutcome, quarterAnswers, questionFor, saveWhy } from './checks.service.js';
import {
  CHECK_NOT_YOURS,
  renderCheckNotYours,
  renderCheckQuestion,
  renderChecksHomeSection,
  renderWhyModal,
  renderWhySaved,
} from './checks.views.js';

/**
 * Slack listeners of the quarterly check: an answer button, "Add why" and the why form. Each checks on
 * the server that the clicker is the person asked; the question's DM itself is queued by the job.
 */

export function registerChecksListeners(slack: Listeners, deps: AppDeps): void {
  for (const id of [checksIds.answerYes, checksIds.answerItDepends, checksIds.answerNotYet])
    slack.action(id, (args) => onAnswerClicked(args, deps));
  slack.action(checksIds.addWhy, (args) => onAddWhyClicked(args, deps));
  slack.view(checksIds.whyModal, (args) => onWhySubmitted(args, deps));
}

/** Said only to the person who clicked, where they clicked (the DM they clicked in stays as it is). */
async function answerClick(respond: RespondFn | undefined, message: SlackMessage): Promise<void> {
  await respond?.({ response_type: 'ephemeral', replace_original: false, ...message });
}

/**
 * The answer is recorded and the DM redrawn in place through the click's response URL (the immediate
 * answer to the person looking at it): the answer, "Add why", the answers to change it. A double click
 * redraws the same state.
 */
async function onAnswerClicked({ ack, body, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const payload = blockActionSchema.parse(body);
  const click = readAnswerClick(payload);
  if (!click) return;
  const outcome = await answerCheck(deps.db, click.checkId, payload.user.id, click.answer, deps.now());
  if (outcome.ok) await respond?.({ replace_original: true, ...renderCheckQuestion(outcome.question) });
  else await answerClick(respond, renderCheckNotYours());
}

async function onAddWhyClicked({ ack, body, client, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const id = readWhyClick(click);
  if (id === undefined) return;
  const outcome = await questionFor(deps.db, id, click.user.id);
  if (!outcome.ok) {
    await answerClick(respond, renderCheckNotYours());
    return;
  }
  await client.views.open({
    trigger_id: click.trigger_id,
    view: renderWhyModal({
      question: outcome.question,
      privateMetadata: encodeMetadata(whyFormMetadata, { checkId: id }),
    }),
  });
}

/** Saves the why; a failed save stays in the form with the text, and says so under the field. */
async function onWhySubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = readWhyForm(submission.view);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  let outcome: CheckOutcome;
  try {
    const { checkId, answer, why } = form.data;
    outcome = await saveWhy(deps.db, checkId, submission.user.id, { answer, why }, deps.now());
  } catch (error) {
    deps.logger.error(`Saving a check's why failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [checksIds.why]: SAVE_FAILED } });
    return;
  }
  if (!outcome.ok) {
    await ack({ response_action: 'errors', errors: { [checksIds.why]: CHECK_NOT_YOURS } });
    return;
  }
  await ack({ response_action: 'update', view: renderWhySaved(outcome.question) });
}

/** The CX office's Home: this quarter's answers per stage. One line is not worth a Home that fails to open. */
export const onHomeRendered: HomeSection['render'] = async ({ deps, isCxOffice, now }) => {
  if (!isCxOffice) return [];
  try {
    return renderChecksHomeSection(await quarterAnswers(deps.db, deps.config, now));
  } catch (error) {
    deps.logger.warn(`Reading this quarter's stage checks failed: ${safeErrorText(error)}`);
    return [];
  }
};
