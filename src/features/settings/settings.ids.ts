/** The settings modal's IDs: its callback ID, and each input's block ID (the same as its action ID). */
export const settingsIds = {
  modal: 'settings.modal',
  stages: 'stages',
  categories: 'categories',
  /** One users_select per active stage: this prefix and the stage's ID (`stage_owner_3`). */
  stageOwnerPrefix: 'stage_owner_',
  responseTarget: 'response_target',
  quickKillTarget: 'quick_kill_target',
  killByDays: 'kill_by_days',
  callTarget: 'call_target',
  nudgeDay: 'nudge_day',
  nudgeTime: 'nudge_time',
  digestDay: 'digest_day',
  digestTime: 'digest_time',
  /** Checkboxes: the values to put back to the server's configuration or the default. */
  reset: 'reset_to_default',
  // Blocks that are not inputs.
  retired: 'settings.retired',
  retiredCategories: 'settings.retired_categories',
  /** The weekly update's schedule in words, when it is a custom one. */
  digestSchedule: 'settings.digest_schedule',
  /** The confirmation after a save. */
  saved: 'settings.saved',
} as const;
