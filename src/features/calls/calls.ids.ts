/** Slack IDs of the calls feature. */
export const callsIds = {
  command: '/logcall',
  globalShortcut: 'calls.log',
  logButton: 'calls.log_button',
  /** "Log the follow-up call" in the DM that tells an executive their customer's problem is fixed (value: the customer). */
  logFollowUpCall: 'calls.log_follow_up_call',
  snooze: 'calls.snooze',
  pause: 'calls.pause',
  followUpDone: 'calls.followup_done',
  setTarget: 'calls.set_target',
  callModal: 'calls.call',
  targetModal: 'calls.target',
  /** The target form's confirmation after Save. */
  targetSaved: 'calls.target_saved',
  // The roster in a modal, paged: "See all" under `/touchpoint roster` and the Monday summary opens it.
  rosterOpen: 'calls.roster_open',
  rosterModal: 'calls.roster_modal',
  rosterPrevious: 'calls.roster_previous',
  rosterNext: 'calls.roster_next',
  rosterPager: 'calls.roster_pager',
  /** The "…and 12 more" line (with "See all") under a list of executives in a message. */
  rosterMore: 'calls.roster_more',
  // App Home: paging someone's open follow-ups (the button's value is the page).
  followUpsPrevious: 'calls.followups_previous',
  followUpsNext: 'calls.followups_next',
  followUpsPager: 'calls.home.followups_pager',
  // Modal blocks (block_id = action_id).
  customer: 'customer',
  contact: 'contact',
  date: 'date',
  kind: 'kind',
  result: 'result',
  duration: 'duration',
  stage: 'stage',
  category: 'category',
  learned: 'learned',
  sentiment: 'sentiment',
  share: 'share',
  target: 'target',
} as const;

/** The paged lists of the calls' App Home section, by their name in `HomePages`. */
export const CALLS_HOME_LISTS = { followUps: 'calls.followups' } as const;

/** The blocks of the call form's follow-up row `row` (from 0): `followup_0`, `followup_0_owner`, `followup_0_due`. */
export function followUpBlockIds(row: number): { action: string; owner: string; due: string } {
  return { action: `followup_${row}`, owner: `followup_${row}_owner`, due: `followup_${row}_due` };
}

/** Why a follow-up DM was sent: given with a call, or due today. */
export type FollowUpsDmKind = 'assigned' | 'due';

/**
 * The value of a "Mark done" button in a follow-up DM: the follow-up, why the DM was sent and every
 * follow-up it lists (`12|assigned|12,13`), so the click can redraw that DM as it is now. Buttons in DMs
 * sent before DMs listed several carry the follow-up's ID alone (`12`); at most 40 IDs keep it far
 * under Slack's 2,000 characters.
 */
export function followUpButtonValue(id: number, kind: FollowUpsDmKind, listed: number[]): string {
  return `${id}|${kind}|${listed.join(',')}`;
}
