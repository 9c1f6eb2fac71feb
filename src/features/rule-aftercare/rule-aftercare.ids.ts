/**
 * Slack IDs of the rules' aftercare: questions to an anonymous submitter (asked from the card, answered
 * through the bot) and the "still dead?" check 30 days after a kill.
 */
export const ruleAftercareIds = {
  /** "Ask the submitter" on an anonymous suggestion's card (CX office, checked on the click). */
  askSubmitter: 'rules.ask_submitter',
  askModal: 'rules.ask_modal',
  question: 'question',
  /** "Answer" in the question's DM (the submitter alone, checked on the server). */
  answerQuestion: 'rules.answer_question',
  answerModal: 'rules.answer_modal',
  answer: 'answer',
  // "Still dead?": the DM's two buttons; their value is the check's ID, checked against the clicker.
  stillGone: 'rules.still_gone',
  itsBack: 'rules.its_back',
  backModal: 'rules.back_modal',
  backNote: 'back_note',
  /** A modal after Save: what was done. */
  saved: 'rules.aftercare_saved',
} as const;
