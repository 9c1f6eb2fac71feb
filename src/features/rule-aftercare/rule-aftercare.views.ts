import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import { context, notice, plain, type SlackMessage, savedModal, section } from '../../slack/blocks.js';
import { slackDate } from '../../slack/dates.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import { BACK_NOTE_MAX, QUESTION_MAX } from '../rules/rules.schema.js';
import { ruleRef } from '../rules/rules.service.js';
import { ruleAftercareIds } from './rule-aftercare.ids.js';
import type { QuestionView, StillDeadView } from './rule-aftercare.service.js';

/**
 * Block Kit of the rules' aftercare: the CX office's question to an anonymous submitter and its answer,
 * and "still dead?" 30 days after a kill. Pure. Nobody behind an anonymous suggestion is ever named: the
 * views get no submitter to name.
 */

type RuleLike = { number: number; title: string };

const titleOf = (rule: RuleLike) => `*${ruleRef(rule)}* “${escapeAndTruncate(rule.title, 300)}”`;

/** Typed text as a quote: every line quoted, so a line break cannot end the quote and pass for Touchpoint. */
const quoted = (text: string, max: number) =>
  escapeAndTruncate(text, max)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');

// ---- Two-way anonymous --------------------------------------------------------------------------------

/** The CX office's question to the person behind an anonymous suggestion, from its card. */
export function renderAskModal(model: { rule: RuleLike; privateMetadata: string }): ModalView {
  return {
    type: 'modal',
    callback_id: ruleAftercareIds.askModal,
    title: plain('Ask the submitter'),
    submit: plain('Send'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(
        `${titleOf(model.rule)} was suggested anonymously. Touchpoint sends your question to the person who suggested it, and their answer comes back in the card’s thread. Nobody, you included, sees who they are.`,
        'rules.ask.about',
      ),
      {
        type: 'input',
        block_id: ruleAftercareIds.question,
        label: plain('Your question'),
        hint: plain(`At most ${QUESTION_MAX.toLocaleString('en-US')} characters.`),
        element: {
          type: 'plain_text_input',
          action_id: ruleAftercareIds.question,
          multiline: true,
          max_length: QUESTION_MAX,
        },
      },
    ],
  };
}

/** The question asked: the form turns into this. */
export function renderAskSaved(rule: RuleLike): ModalView {
  return savedModal(
    'Ask the submitter',
    `Sent. Touchpoint asks the person who suggested ${titleOf(rule)}; their answer will appear in the card’s thread.`,
    ruleAftercareIds.saved,
  );
}

/** The question's DM to the person behind the suggestion, with "Answer" (or what they answered). */
export function renderQuestionDm({ question, rule }: QuestionView): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `:speech_balloon: *The CX office has a question about your suggestion* ${titleOf(rule)}\n${quoted(question.question, QUESTION_MAX)}`,
      'rules.question.text',
    ),
  ];
  if (question.answer !== null) {
    blocks.push(
      section(
        `:white_check_mark: You answered:\n${quoted(question.answer, QUESTION_MAX)}`,
        'rules.question.answer',
      ),
    );
  } else {
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: 'rules.question.actions',
      elements: [
        {
          type: 'button',
          action_id: ruleAftercareIds.answerQuestion,
          text: plain('Answer'),
          value: String(question.id),
          style: 'primary',
        },
      ],
    };
    blocks.push(actions);
  }
  blocks.push(
    context(
      rule.anonymous
        ? 'You suggested it anonymously, and it stays that way: your answer reaches the CX office through Touchpoint, without your name.'
        : 'Your answer reaches the CX office through Touchpoint.',
    ),
  );
  return {
    text: `The CX office has a question about your suggestion ${ruleRef(rule)}.`,
    blocks,
  };
}

/** The answer's form, with the question above it. */
export function renderAnswerModal(model: { view: QuestionView; privateMetadata: string }): ModalView {
  const { question, rule } = model.view;
  return {
    type: 'modal',
    callback_id: ruleAftercareIds.answerModal,
    title: plain('Answer the CX office'),
    submit: plain('Send'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(`About ${titleOf(rule)}:\n${quoted(question.question, QUESTION_MAX)}`, 'rules.answer.question'),
      {
        type: 'input',
        block_id: ruleAftercareIds.answer,
        label: plain('Your answer'),
        hint: plain(
          `At most ${QUESTION_MAX.toLocaleString('en-US')} characters. It goes to the CX office without your name.`,
        ),
        element: {
          type: 'plain_text_input',
          action_id: ruleAftercareIds.answer,
          multiline: true,
          max_length: QUESTION_MAX,
        },
      },
    ],
  };
}

/** The answer sent: the form turns into this. */
export function renderAnswerSaved(rule: RuleLike): ModalView {
  return savedModal(
    'Answer the CX office',
    `Sent. The CX office reads your answer about ${titleOf(rule)} without your name. Thank you.`,
    ruleAftercareIds.saved,
  );
}

/** In the card's thread when the question is asked. */
export function renderQuestionLine({ question }: QuestionView): SlackMessage {
  const line = `:speech_balloon: Question to the submitter, from the CX office ${slackDate(question.askedAt)}:\n${quoted(question.question, QUESTION_MAX)}`;
  return { text: 'Question to the submitter', blocks: [section(line)] };
}

/** In the card's thread when the submitter answers: no name, anonymous stays anonymous. */
export function renderAnswerLine({ question, rule }: QuestionView): SlackMessage {
  const answer = question.answer ?? '';
  const line = `:envelope_with_arrow: *The submitter of ${ruleRef(rule)} answered* the question “${escapeAndTruncate(question.question, 200)}”:\n${quoted(answer, QUESTION_MAX)}`;
  return {
    text: `The submitter of ${ruleRef(rule)} answered the CX office’s question`,
    blocks: [section(line)],
  };
}

/** A click or a form about a question asked to someone else (a forwarded DM, a forged value). */
export const QUESTION_NOT_YOURS =
  'This question was asked to the person who suggested the rule, and only they can answer it: nothing was sent.';

export function renderQuestionNotYours(): SlackMessage {
  return notice(QUESTION_NOT_YOURS);
}

/** A second answer to the same question. */
export const QUESTION_ANSWERED = 'You answered this question already: the CX office has your answer.';

export function renderQuestionAnswered(): SlackMessage {
  return notice(QUESTION_ANSWERED);
}

// ---- Still dead? --------------------------------------------------------------------------------------

/** "Is the rule really gone?": 30 days after the kill, to the submitter and each voter. */
export function renderStillDeadDm({ check, rule, reopenedRef }: StillDeadView): SlackMessage {
  const killed = rule.decidedAt ? ` ${slackDate(rule.decidedAt)}` : '';
  const asked = `${titleOf(rule)} was killed${killed}. Is the rule really gone?`;
  const blocks: KnownBlock[] = [section(`:mag: *Still dead?* ${asked}`, 'rules.still_dead.text')];
  if (check.answer === 'gone') {
    blocks.push(
      section(
        ':white_check_mark: You said it is gone. Thank you for checking. If it comes back, say so here.',
        'rules.still_dead.answer',
      ),
      {
        type: 'actions',
        block_id: 'rules.still_dead.actions',
        elements: [
          {
            type: 'button',
            action_id: ruleAftercareIds.itsBack,
            text: plain('It’s back…'),
            value: String(check.id),
          },
        ],
      },
    );
  } else if (check.answer === 'back') {
    blocks.push(
      section(
        `:recycle: You said it is back${reopenedRef ? `: the CX office has it again as *${reopenedRef}*` : ''}.${check.note ? `\n${quoted(check.note, BACK_NOTE_MAX)}` : ''}`,
        'rules.still_dead.answer',
      ),
    );
  } else {
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: 'rules.still_dead.actions',
      elements: [
        {
          type: 'button',
          action_id: ruleAftercareIds.stillGone,
          text: plain('Gone'),
          value: String(check.id),
          style: 'primary',
        },
        {
          type: 'button',
          action_id: ruleAftercareIds.itsBack,
          text: plain('It’s back…'),
          value: String(check.id),
        },
      ],
    };
    blocks.push(
      actions,
      context(
        rule.anonymous
          ? '“It’s back” asks for a note and gives the CX office a new suggestion linked to this one, anonymous like this one.'
          : '“It’s back” asks for a note and gives the CX office a new suggestion linked to this one, from you.',
      ),
    );
  }
  return { text: `Still dead? ${ruleRef(rule)} was killed${killed}. Is the rule really gone?`, blocks };
}

/** "It's back": what came back, in a note. */
export function renderBackModal(model: { view: StillDeadView; privateMetadata: string }): ModalView {
  const { rule } = model.view;
  return {
    type: 'modal',
    callback_id: ruleAftercareIds.backModal,
    title: plain('It’s back'),
    submit: plain('Send'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata,
    blocks: [
      section(
        `${titleOf(rule)} was killed, and you say it is back. The CX office gets it again as a new suggestion linked to ${ruleRef(rule)}${rule.anonymous ? ', anonymous like the first one' : ', from you'}.`,
        'rules.back.about',
      ),
      {
        type: 'input',
        block_id: ruleAftercareIds.backNote,
        label: plain('Where did you see it come back?'),
        hint: plain(`At most ${BACK_NOTE_MAX.toLocaleString('en-US')} characters.`),
        element: {
          type: 'plain_text_input',
          action_id: ruleAftercareIds.backNote,
          multiline: true,
          max_length: BACK_NOTE_MAX,
        },
      },
    ],
  };
}

/** "It's back" sent: the form turns into this. */
export function renderBackSaved(view: StillDeadView): ModalView {
  return savedModal(
    'It’s back',
    `Thank you. The CX office has ${titleOf(view.rule)} again${view.reopenedRef ? ` as *${view.reopenedRef}*` : ''}, with your note.`,
    ruleAftercareIds.saved,
  );
}

/** A later "it's back" about the same killed rule, in the thread of the suggestion that reopened it. */
export function renderBackAgainLine(view: StillDeadView): SlackMessage {
  const line = `:recycle: Someone else asked about ${ruleRef(view.rule)} says it is back too:\n${quoted(view.check.note ?? '', BACK_NOTE_MAX)}`;
  return { text: `Someone else says ${ruleRef(view.rule)} is back too`, blocks: [section(line)] };
}

/** A click on a check asked to someone else. */
export const STILL_DEAD_NOT_YOURS =
  'This question was asked to someone else, and only they can answer it: nothing changed.';

export function renderStillDeadNotYours(): SlackMessage {
  return notice(STILL_DEAD_NOT_YOURS);
}
