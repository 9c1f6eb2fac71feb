/**
 * Slack IDs of App Home: the CX office's control room. Each button runs a `/touchpoint` subcommand, the
 * same code as typing it (`HOME_CONTROLS`), after the same role check.
 */
export const homeIds = {
  digestPreview: 'home.digest_preview',
  digestSend: 'home.digest_send',
  digestSkip: 'home.digest_skip',
  nudgesRun: 'home.nudges_run',
  roster: 'home.roster',
  settings: 'home.settings',
  health: 'home.health',
  exportRules: 'home.export_rules',
  exportCalls: 'home.export_calls',
  exportStories: 'home.export_stories',
  // Blocks.
  controlRoom: 'home.control_room',
  queues: 'home.queues',
  roadmap: 'home.roadmap',
  digestActions: 'home.digest_actions',
  runActions: 'home.run_actions',
  exportActions: 'home.export_actions',
} as const;

/** Each control-room button: the `/touchpoint` subcommand it runs and the words after it. */
export const HOME_CONTROLS: Record<string, { subcommand: string; rest: string }> = {
  [homeIds.digestPreview]: { subcommand: 'digest', rest: 'preview' },
  [homeIds.digestSend]: { subcommand: 'digest', rest: 'send' },
  [homeIds.digestSkip]: { subcommand: 'digest', rest: 'skip' },
  [homeIds.nudgesRun]: { subcommand: 'nudges run', rest: '' },
  [homeIds.roster]: { subcommand: 'roster', rest: '' },
  [homeIds.settings]: { subcommand: 'settings', rest: '' },
  [homeIds.health]: { subcommand: 'health', rest: '' },
  [homeIds.exportRules]: { subcommand: 'export rules', rest: '' },
  [homeIds.exportCalls]: { subcommand: 'export calls', rest: '' },
  [homeIds.exportStories]: { subcommand: 'export stories', rest: '' },
};
