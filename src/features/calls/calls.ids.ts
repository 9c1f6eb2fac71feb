/** Slack IDs of the calls feature. */
export const callsIds = {
  command: '/logcall',
  globalShortcut: 'calls.log',
  logButton: 'calls.log_button',
  snooze: 'calls.snooze',
  pause: 'calls.pause',
  followUpDone: 'calls.followup_done',
  setTarget: 'calls.set_target',
  callModal: 'calls.call',
  targetModal: 'calls.target',
  /** The target form's confirmation after Save. */
  targetSaved: 'calls.target_saved',
  // Modal blocks (block_id = action_id).
  customer: 'customer',
  contact: 'contact',
  date: 'date',
  kind: 'kind',
  result: 'result',
  duration: 'duration',
  stage: 'stage',
  learned: 'learned',
  sentiment: 'sentiment',
  share: 'share',
  target: 'target',
} as const;

/** The blocks of the call form's follow-up row `row` (from 0): `followup_0`, `followup_0_owner`, `followup_0_due`. */
export function followUpBlockIds(row: number): { action: string; owner: string; due: string } {
  return { action: `followup_${row}`, owner: `followup_${row}_owner`, due: `followup_${row}_due` };
}
