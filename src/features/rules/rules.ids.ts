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
  // Nomination modal, intake (issue 17): where the rule lives, who owns it, no thanks by name.
  livesIn: 'lives_in',
  ruleOwner: 'rule_owner',
  creditOptOut: 'credit_opt_out',
  /** Similar open suggestions shown while nominating: the list's blocks and their "Me too". */
  similar: 'rules.similar',
  similarVote: 'rules.similar_vote',
  // `/killrule search words`: a modal of the open suggestions matching, paged, with "Me too".
  searchModal: 'rules.search_modal',
  searchVote: 'rules.search_vote',
  searchPrevious: 'rules.search_previous',
  searchNext: 'rules.search_next',
  searchPager: 'rules.search_pager',
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
  // Ease × impact, rated by the CX office on the card (the option's value is `<ruleId>:<level>`).
  cardRating: 'rules.card.rating',
  rateEase: 'rules.rate_ease',
  rateImpact: 'rules.rate_impact',
  /** The decision modal's kill-by date (accepting). */
  killBy: 'kill_by',
  /** The decision modal's owner (accepting): who sees the kill through. */
  decisionOwner: 'decision_owner',
  /** App Home: what this person owns. */
  homeOwned: 'rules.home.owned',
  /** The daily call-out of accepted rules past their kill-by date. */
  overdue: 'rules.overdue',
  // History (issue 17): the card's button opens the audit trail in a modal, paged.
  history: 'rules.history',
  historyModal: 'rules.history_modal',
  historyPrevious: 'rules.history_previous',
  historyNext: 'rules.history_next',
  historyPager: 'rules.history_pager',
  /** A CX office modal after Save: what changed (`savedModal`). */
  changeSaved: 'rules.change_saved',
} as const;

/** The paged lists of the rules' App Home section, by their name in `HomePages`. */
export const RULES_HOME_LISTS = { backable: 'rules.backable', backlog: 'rules.backlog' } as const;
