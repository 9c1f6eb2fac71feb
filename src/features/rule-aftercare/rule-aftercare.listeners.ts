import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { cxOnly, notice, SAVE_FAILED, type SlackMessage } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { ActionArgs, Listeners, SubmissionArgs } from '../../slack/listeners.js';
import { encodeMetadata } from '../../slack/metadata.js';
import { type BlockActionPayload, blockActionSchema, viewSubmissionSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import {
  answerFormMetadata,
  askFormMetadata,
  backFormMetadata,
  readAnswerForm,
  readAskForm,
  readBackForm,
  readIdClick,
} from './rule-aftercare.forms.js';
import { ruleAftercareIds } from './rule-aftercare.ids.js';
import {
  answerQuestion,
  answerStillDead,
  askSubmitter,
  askTarget,
  questionFor,
  reopenThankedInModal,
  stillDeadCheckFor,
} from './rule-aftercare.service.js';
import {
  QUESTION_ANSWERED,
  QUESTION_NOT_YOURS,
  renderAnswerModal,
  renderAnswerSaved,
  renderAskModal,
  renderAskSaved,
  renderBackModal,
  renderBackSaved,
  renderQuestionAnswered,
  renderQuestionNotYours,
  renderStillDeadDm,
  renderStillDeadNotYours,
  STILL_DEAD_NOT_YOURS,
} from './rule-aftercare.views.js';

/**
 * Slack listeners of the rules' aftercare. "Ask the submitter" is the CX office's (the role checked on the
 * server for the click and again for the form); "Answer", "Gone" and "It's back" are the person asked's
 * (checked on the server against `anonymous_submitters` or the voter). Log lines never carry who clicked or
 * what was typed: an anonymous submitter stays anonymous in the logs too.
 */

export function registerRuleAftercareListeners(slack: Listeners, deps: AppDeps): void {
  slack.action(ruleAftercareIds.askSubmitter, (args) => onAskSubmitterClicked(args, deps));
  slack.view(ruleAftercareIds.askModal, (args) => onAskSubmitted(args, deps));
  slack.action(ruleAftercareIds.answerQuestion, (args) => onAnswerClicked(args, deps));
  slack.view(ruleAftercareIds.answerModal, (args) => onAnswerSubmitted(args, deps));
  slack.action(ruleAftercareIds.stillGone, (args) => onStillGoneClicked(args, deps));
  slack.action(ruleAftercareIds.itsBack, (args) => onItsBackClicked(args, deps));
  slack.view(ruleAftercareIds.backModal, (args) => onBackSubmitted(args, deps));
}

/** Said only to the person who clicked: in the channel (ephemeral) or, from App Home, by DM. */
async function tellClicker(
  client: WebClient,
  click: BlockActionPayload,
  message: SlackMessage,
): Promise<void> {
  if (click.channel)
    await replyEphemeral(client, { channel: click.channel.id, user: click.user.id }, message);
  else await sendDm(client, click.user.id, message);
}

/** Said under the click in a DM, to the person who clicked (the DM itself stays as it is). */
async function answerClick(respond: RespondFn | undefined, message: SlackMessage): Promise<void> {
  await respond?.({ response_type: 'ephemeral', replace_original: false, ...message });
}

// ---- Two-way anonymous --------------------------------------------------------------------------------

async function onAskSubmitterClicked({ ack, body, client }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  if (!(await deps.roles.isCxOffice(click.user.id))) {
    await tellClicker(client, click, notice(cxOnly('ask the person behind an anonymous suggestion')));
    return;
  }
  const ruleId = readIdClick(click);
  const target = ruleId === undefined ? undefined : await askTarget(deps.db, ruleId);
  if (!target?.ok) {
    await tellClicker(
      client,
      click,
      notice('Only an anonymous suggestion is asked about through Touchpoint.'),
    );
    return;
  }
  await client.views.open({
    trigger_id: click.trigger_id,
    view: renderAskModal({
      rule: target.rule,
      privateMetadata: encodeMetadata(askFormMetadata, { ruleId: target.rule.id }),
    }),
  });
}

async function onAskSubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = readAskForm(submission.view);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const field = ruleAftercareIds.question;
  if (!(await deps.roles.isCxOffice(submission.user.id))) {
    await ack({ response_action: 'errors', errors: { [field]: cxOnly('ask the submitter') } });
    return;
  }
  try {
    const result = await askSubmitter(
      deps.db,
      {
        ruleId: form.data.ruleId,
        askedBy: submission.user.id,
        question: form.data.text,
        idempotencyKey: `view:${submission.view.id}`,
      },
      deps.now(),
      deps.config,
    );
    if (!result.ok) {
      const why =
        result.reason === 'nobody_to_ask'
          ? 'Touchpoint has nobody to ask for this suggestion (it was made before answers went through the bot).'
          : 'Only an anonymous suggestion is asked about through Touchpoint.';
      await ack({ response_action: 'errors', errors: { [field]: why } });
      return;
    }
    await ack({ response_action: 'update', view: renderAskSaved(result.rule) });
  } catch (error) {
    deps.logger.error(`Asking a submitter failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [field]: SAVE_FAILED } });
  }
}

async function onAnswerClicked({ ack, body, client, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const questionId = readIdClick(click);
  if (questionId === undefined) return;
  const found = await questionFor(deps.db, questionId, click.user.id);
  if (!found.ok) {
    await answerClick(
      respond,
      found.reason === 'answered' ? renderQuestionAnswered() : renderQuestionNotYours(),
    );
    return;
  }
  await client.views.open({
    trigger_id: click.trigger_id,
    view: renderAnswerModal({
      view: found.view,
      privateMetadata: encodeMetadata(answerFormMetadata, { questionId }),
    }),
  });
}

async function onAnswerSubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = readAnswerForm(submission.view);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const field = ruleAftercareIds.answer;
  try {
    const result = await answerQuestion(
      deps.db,
      { questionId: form.data.questionId, userId: submission.user.id, answer: form.data.text },
      deps.now(),
      deps.config,
    );
    if (!result.ok) {
      const why = result.reason === 'answered' ? QUESTION_ANSWERED : QUESTION_NOT_YOURS;
      await ack({ response_action: 'errors', errors: { [field]: why } });
      return;
    }
    await ack({ response_action: 'update', view: renderAnswerSaved(result.view.rule) });
  } catch (error) {
    deps.logger.error(`Answering the CX office's question failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [field]: SAVE_FAILED } });
  }
}

// ---- Still dead? --------------------------------------------------------------------------------------

/** "Gone": recorded, and the DM redrawn in place (the immediate answer to the person looking at it). */
async function onStillGoneClicked({ ack, body, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const checkId = readIdClick(click);
  if (checkId === undefined) return;
  const result = await answerStillDead(
    deps.db,
    { checkId, userId: click.user.id, answer: 'gone', note: null },
    deps.now(),
    deps.config,
  );
  // A second click (or one after "It's back") redraws the answer already given.
  const view = result.ok || result.reason === 'answered' ? result.view : undefined;
  if (view) await respond?.({ replace_original: true, ...renderStillDeadDm(view) });
  else await answerClick(respond, renderStillDeadNotYours());
}

/** "It's back…": the note's form, for the person asked only. */
async function onItsBackClicked({ ack, body, client, respond }: ActionArgs, deps: AppDeps): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const checkId = readIdClick(click);
  if (checkId === undefined) return;
  const found = await stillDeadCheckFor(deps.db, checkId, click.user.id);
  if (!found.ok) {
    if (found.reason === 'answered' && found.view)
      await respond?.({ replace_original: true, ...renderStillDeadDm(found.view) });
    else await answerClick(respond, renderStillDeadNotYours());
    return;
  }
  await client.views.open({
    trigger_id: click.trigger_id,
    view: renderBackModal({
      view: found.view,
      privateMetadata: encodeMetadata(backFormMetadata, { checkId }),
    }),
  });
}

async function onBackSubmitted({ ack, body }: SubmissionArgs, deps: AppDeps): Promise<void> {
  const submission = viewSubmissionSchema.parse(body);
  const form = readBackForm(submission.view);
  if (!form.ok) {
    await ack({ response_action: 'errors', errors: form.errors });
    return;
  }
  const field = ruleAftercareIds.backNote;
  try {
    const result = await answerStillDead(
      deps.db,
      { checkId: form.data.checkId, userId: submission.user.id, answer: 'back', note: form.data.text },
      deps.now(),
      deps.config,
    );
    if (!result.ok) {
      const why =
        result.reason === 'answered'
          ? 'You answered this question already: nothing changed.'
          : STILL_DEAD_NOT_YOURS;
      await ack({ response_action: 'errors', errors: { [field]: why } });
      return;
    }
    await ack({ response_action: 'update', view: renderBackSaved(result.view) });
    // The form said thanks: the new suggestion's confirmation DM is taken back (one thank-you).
    if (result.created) await reopenThankedInModal(deps.db, form.data.checkId);
  } catch (error) {
    deps.logger.error(`Saving "it's back" failed: ${safeErrorText(error)}`);
    await ack({ response_action: 'errors', errors: { [field]: SAVE_FAILED } });
  }
}
