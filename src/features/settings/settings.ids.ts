/** The settings modal's IDs: its callback ID, and each input's block ID (the same as its action ID). */
export const settingsIds = {
  modal: 'settings.modal',
  stages: 'stages',
  responseTarget: 'response_target',
  callTarget: 'call_target',
  nudgeDay: 'nudge_day',
  nudgeTime: 'nudge_time',
  digestDay: 'digest_day',
  digestTime: 'digest_time',
  /** Checkboxes: the values to put back to the server's configuration or the default. */
  reset: 'reset_to_default',
  // Blocks that are not inputs.
  retired: 'settings.retired',
  /** The weekly update's schedule in words, when it is a custom one. */
  digestSchedule: 'settings.digest_schedule',
  /** The confirmation after a save. */
  saved: 'settings.saved',
} as const;
