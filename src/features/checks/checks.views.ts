import type { ActionsBlock, Button, KnownBlock, ModalView } from '@slack/types';
import { context, notice, plain, type SlackMessage, savedModal, section } from '../../slack/blocks.js';
import { slackDate } from '../../slack/dates.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { countOf } from '../../slack/plural.js';
import { ACTION_OF_ANSWER, checksIds } from './checks.ids.js';
import { CHECK_ANSWERS, CHECK_WHY_MAX, type CheckAnswer } from './checks.schema.js';
import type { CheckQuestion, StageAnswers } from './checks.service.js';

/** Block Kit of the quarterly "it depends" check: the question's DM, the why form. Pure. */

const ANSWER_WORDS: Record<CheckAnswer, string> = {
  yes: 'Yes',
  it_depends: 'It depends',
  not_yet: 'Not yet',
};

const stageOf = (question: CheckQuestion) => escapeAndTruncate(question.stageName, 100);

/** A why as a quote: every line quoted, so a line break cannot end the quote and pass for Touchpoint. */
const quoted = (why: string) =>
  escapeAndTruncate(why, CHECK_WHY_MAX)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');

/**
 * The question's DM: one click on an answer is the answer ("Answer with a why" opens the form instead).
 * Answered, it says so (and the why, if given), keeps the three answers (the one given highlighted:
 * another click changes it) and offers "Add why".
 */
export function renderCheckQuestion(question: CheckQuestion): SlackMessage {
  const stage = stageOf(question);
  const asked = `In ${stage}, is the experience we deliver consistent and reliable?`;
  const blocks: KnownBlock[] = [
    section(
      `:compass: *Quarterly check, ${question.quarterLabel}*\nIn *${stage}*, is the experience we deliver consistent and reliable?`,
      'checks.question.text',
    ),
  ];
  if (question.answer) {
    const when = question.answeredAt ? ` ${slackDate(question.answeredAt)}` : '';
    const lines = [`:white_check_mark: You answered *${ANSWER_WORDS[question.answer]}*${when}.`];
    if (question.why) lines.push(quoted(question.why));
    blocks.push(section(lines.join('\n'), 'checks.question.answer'));
  }
  const buttons: Button[] = CHECK_ANSWERS.map((answer) => ({
    type: 'button',
    action_id: ACTION_OF_ANSWER[answer],
    text: plain(ANSWER_WORDS[answer]),
    value: String(question.id),
    ...(question.answer === answer ? { style: 'primary' as const } : {}),
  }));
  buttons.push({
    type: 'button',
    action_id: checksIds.addWhy,
    text: plain(question.answer ? (question.why ? 'Edit why' : 'Add why') : 'Answer with a why'),
    value: String(question.id),
  });
  const actions: ActionsBlock = { type: 'actions', block_id: 'checks.question.actions', elements: buttons };
  blocks.push(
    actions,
    context(
      question.answer
        ? 'Changed your mind? Pick another answer. The answers go into the monthly journey-stage review.'
        : 'One click answers; you can say why afterwards. The answers go into the monthly journey-stage review.',
    ),
  );
  const text = question.answer
    ? `${asked} You answered ${ANSWER_WORDS[question.answer]}.`
    : `Quarterly check: ${asked}`;
  return { text, blocks };
}

/** Under the why form's field when it was sent by someone other than the person asked (a forged submission). */
export const CHECK_NOT_YOURS =
  'This question was asked to someone else, and only they can answer it: nothing was saved.';

/** Someone clicked a question asked to someone else (a forwarded or shared DM): nothing changed. */
export function renderCheckNotYours(): SlackMessage {
  return notice(
    'This question was asked to someone else, so your click changed nothing: each person answers their own.',
  );
}

/** The why form: the answer (the one given picked) and the why, the why already given in it to edit. */
export function renderWhyModal(model: { question: CheckQuestion; privateMetadata: string }): ModalView {
  const { question } = model;
  const options = CHECK_ANSWERS.map((answer) => ({ text: plain(ANSWER_WORDS[answer]), value: answer }));
  const picked = options.find((o) => o.value === question.answer);
  return {
    type: 'modal',
    callback_id: checksIds.whyModal,
    title: plain('Your answer'),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(
        `In *${stageOf(question)}*, is the experience we deliver consistent and reliable?`,
        'checks.why.question',
      ),
      {
        type: 'input',
        block_id: checksIds.answer,
        label: plain('Your answer'),
        element: {
          type: 'radio_buttons',
          action_id: checksIds.answer,
          options,
          ...(picked ? { initial_option: picked } : {}),
        },
      },
      {
        type: 'input',
        block_id: checksIds.why,
        optional: true,
        label: plain('Why?'),
        hint: plain(
          `What makes it consistent, or where it breaks, at most ${CHECK_WHY_MAX.toLocaleString('en-US')} characters. Leave it empty for no why.`,
        ),
        element: {
          type: 'plain_text_input',
          action_id: checksIds.why,
          multiline: true,
          max_length: CHECK_WHY_MAX,
          ...(question.why ? { initial_value: question.why.slice(0, CHECK_WHY_MAX) } : {}),
        },
      },
    ],
  };
}

/** The why form after Save: what was saved. */
export function renderWhySaved(question: CheckQuestion): ModalView {
  const stage = stageOf(question);
  const answer = question.answer ? ANSWER_WORDS[question.answer] : 'no answer';
  const text = question.why
    ? `Saved. In *${stage}* your answer is *${answer}*, because:\n${quoted(question.why)}`
    : `Saved. In *${stage}* your answer is *${answer}*, with no why.`;
  return savedModal('Your answer', text, checksIds.whySaved);
}

/**
 * The CX office's Home: this quarter's answers per stage, in one section (a Home holds 100 blocks in all).
 * Nothing when nobody was asked yet this quarter.
 */
export function renderChecksHomeSection(summary: {
  quarterLabel: string;
  stages: StageAnswers[];
}): KnownBlock[] {
  if (summary.stages.length === 0) return [];
  const shown = summary.stages.slice(0, 12);
  const lines = shown.map((line) => {
    const parts = [
      `yes ${line.yes}`,
      `it depends ${line.itDepends}`,
      `not yet ${line.notYet}`,
      ...(line.open > 0 ? [`no answer yet ${line.open}`] : []),
    ];
    return `*${escapeAndTruncate(line.stageName, 100)}*: ${parts.join(' · ')}`;
  });
  const more = summary.stages.length - shown.length;
  if (more > 0) lines.push(`…and ${countOf(more, 'more stage')}`);
  return [
    section(
      `:compass: *Is the experience consistent and reliable?* This quarter’s check, ${summary.quarterLabel}:\n${lines.join('\n')}`,
      'checks.home.answers',
    ),
  ];
}
