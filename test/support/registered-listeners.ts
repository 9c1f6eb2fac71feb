import type { WebClient } from '@slack/web-api';
import type { Feature } from '../../src/features/feature.js';
import type { AppDeps } from '../../src/slack/deps.js';
import { createListenerRoutes } from '../../src/slack/listeners.js';

export interface Registrations {
  commands: string[];
  shortcuts: string[];
  events: string[];
  /** Block action IDs (buttons, selects). */
  actions: string[];
  /** Modal callback IDs (submissions). */
  views: string[];
}

/** Runs every feature's `register` (as the app does, without Slack) and lists what it registered. */
export function recordRegistrations(features: Feature[]): Registrations {
  const routes = createListenerRoutes({} as WebClient);
  for (const feature of features) feature.register(routes, {} as AppDeps);
  const ids = routes.ids();
  return {
    commands: ids.command,
    shortcuts: ids.shortcut,
    events: ids.event,
    actions: ids.action,
    views: ids.view,
  };
}
