import type { App } from '@slack/bolt';
import type { AppDeps, Feature } from '../../src/slack/feature.js';

export interface Registrations {
  commands: string[];
  shortcuts: string[];
  events: string[];
}

function constraintId(constraint: unknown): string {
  if (typeof constraint === 'string') return constraint;
  if (typeof constraint === 'object' && constraint !== null && 'callback_id' in constraint) {
    return String((constraint as { callback_id: unknown }).callback_id);
  }
  return String(constraint);
}

/** Runs every feature's `register` against a recording stand-in for Bolt's App and lists what it asked for. */
export function recordRegistrations(features: Feature[]): Registrations {
  const found: Registrations = { commands: [], shortcuts: [], events: [] };
  const recorder = new Proxy(
    {},
    {
      get: (_target, method: string) => (first: unknown) => {
        if (method === 'command') found.commands.push(String(first));
        if (method === 'shortcut') found.shortcuts.push(constraintId(first));
        if (method === 'event') found.events.push(String(first));
      },
    },
  ) as unknown as App;
  for (const feature of features) feature.register(recorder, {} as AppDeps);
  return found;
}
