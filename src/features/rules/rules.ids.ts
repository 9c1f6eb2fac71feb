/** Slack IDs of the rules feature: callback, action and block IDs in one place. */
export const rulesIds = {
  // Entry points (manifest.yml declares the shortcuts).
  command: '/killrule',
  globalShortcut: 'rules.suggest',
  messageShortcut: 'rules.suggest_from_message',
  /** "Suggest a rule to kill" button at the end of the weekly update. */
  suggestButton: 'rules.suggest_button',
  // Nomination modal.
  nominateModal: 'rules.nominate',
  rule: 'rule',
  hurts: 'hurts',
  why: 'why',
  stage: 'stage',
  replacement: 'replacement',
  anonymous: 'anonymous',
  saveError: 'rules.save_error',
  // Card and App Home controls.
  vote: 'rules.vote',
  unvote: 'rules.unvote',
  setStatus: 'rules.set_status',
  assignOwner: 'rules.assign_owner',
  addNote: 'rules.add_note',
  markDuplicate: 'rules.mark_duplicate',
  // Decision modals.
  decisionModal: 'rules.decision',
  noteModal: 'rules.note',
  duplicateModal: 'rules.duplicate',
  note: 'note',
  duplicateOf: 'duplicate_of',
  // Blocks.
  cardSummary: 'rules.card.summary',
  cardDetails: 'rules.card.details',
  cardActions: 'rules.card.actions',
} as const;
