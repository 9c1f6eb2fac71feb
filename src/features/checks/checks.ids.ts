import type { CheckAnswer } from './checks.schema.js';

/** Slack IDs of the quarterly "it depends" check. */
export const checksIds = {
  // The three answers: one button each in the question's DM (Slack wants distinct IDs in one block); the
  // button's value is the question's ID (a stage_checks row), checked against the clicker on the server.
  answerYes: 'checks.answer_yes',
  answerItDepends: 'checks.answer_it_depends',
  answerNotYet: 'checks.answer_not_yet',
  /** "Answer with a why" (before an answer), "Add why" / "Edit why" (after): opens the why form. */
  addWhy: 'checks.add_why',
  whyModal: 'checks.why_modal',
  /** The why form after Save. */
  whySaved: 'checks.why_saved',
  // Modal blocks (block_id = action_id).
  answer: 'answer',
  why: 'why',
} as const;

/** Which answer each answer button gives. */
export const ANSWER_OF_ACTION: Record<string, CheckAnswer> = {
  [checksIds.answerYes]: 'yes',
  [checksIds.answerItDepends]: 'it_depends',
  [checksIds.answerNotYet]: 'not_yet',
};

/** The button of each answer, in the order the question shows them. */
export const ACTION_OF_ANSWER: Record<CheckAnswer, string> = {
  yes: checksIds.answerYes,
  it_depends: checksIds.answerItDepends,
  not_yet: checksIds.answerNotYet,
};
