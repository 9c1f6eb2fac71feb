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
  category: 'category',
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
  // App Home: paging the suggestions to back (the button's value is the page).
  backablePrevious: 'rules.backable_previous',
  backableNext: 'rules.backable_next',
  backablePager: 'rules.home.backable_pager',
  // App Home: paging the CX office's backlog (CX office only, checked again on every click).
  backlogPrevious: 'rules.backlog_previous',
  backlogNext: 'rules.backlog_next',
  backlogPager: 'rules.home.backlog_pager',
  // `/killrule mine`: "See all" opens the person's suggestions in a modal, paged.
  mineOpen: 'rules.mine_open',
  mineModal: 'rules.mine_modal',
  minePrevious: 'rules.mine_previous',
  mineNext: 'rules.mine_next',
  minePager: 'rules.mine_pager',
  mineMore: 'rules.mine_more',
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
  /** A CX office modal after Save: what changed (`savedModal`). */
  changeSaved: 'rules.change_saved',
} as const;

/** The paged lists of the rules' App Home section, by their name in `HomePages`. */
export const RULES_HOME_LISTS = { backable: 'rules.backable', backlog: 'rules.backlog' } as const;
