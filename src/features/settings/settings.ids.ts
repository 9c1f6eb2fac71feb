/** The settings modal's IDs: its callback ID, and each input's block ID (the same as its action ID). */
export const settingsIds = {
  modal: 'settings.modal',
  stages: 'stages',
  responseTarget: 'response_target',
  callTarget: 'call_target',
  nudgeDay: 'nudge_day',
  nudgeTime: 'nudge_time',
  digestSchedule: 'digest_schedule',
  retired: 'settings.retired',
} as const;
