import type { RespondFn } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { OutboxRenderer } from '../outbox/outbox.js';
import type { Listeners } from './listeners.js';
import type { SlashCommandPayload } from './payloads.js';
import type { Roles } from './roles.js';

/** What every feature's listeners and jobs may use. The clock is injected so tests can drive it. */
export interface AppDeps {
  config: Config;
  db: Db;
  roles: Roles;
  logger: Logger;
  now: () => Date;
  /** Re-renders a person's App Home (after a change they should see there). */
  refreshHome(client: WebClient, userId: string): Promise<void>;
}

/** A `/touchpoint <name> …` subcommand that a feature contributes (e.g. `digest`, `export`). */
export interface TouchpointSubcommand {
  name: string;
  cxOfficeOnly: boolean;
  run(args: {
    /** The text after the subcommand's name, trimmed. */
    rest: string;
    command: SlashCommandPayload;
    client: WebClient;
    respond: RespondFn;
    deps: AppDeps;
  }): Promise<void>;
}

/** Scheduled work: a clock tick that asks the database what is due. `run` takes `now`, so tests drive it. */
export interface FeatureJob {
  name: string;
  /** Cron expression, evaluated in the company time zone. */
  schedule(config: Config): string;
  /** Also run once when the process starts (e.g. syncing the roster). */
  runAtStart?: boolean;
  run(context: { deps: AppDeps; client: WebClient }, now: Date): Promise<void>;
}

/** A feature's part of someone's App Home. Keep it short: the whole Home tab holds 100 blocks. */
export interface HomeSection {
  /** The most blocks this section may return. */
  maxBlocks: number;
  render(context: {
    deps: AppDeps;
    userId: string;
    now: Date;
    isCxOffice: boolean;
    isExecutive: boolean;
  }): Promise<KnownBlock[]>;
}

/** The span of one weekly update: from the previous digest (or a week ago) to now. */
export interface DigestWindow {
  start: Date;
  end: Date;
}

/** What a feature adds to the weekly update. Recognition only: nobody is named for what they did not do. */
export type DigestContribution =
  | {
      kind: 'rules_killed';
      rules: { ref: string; title: string; decisionNote: string | null; killedAt: Date }[];
    }
  | { kind: 'leaders_called'; leaders: { userId: string; calls: number }[] };

/** One product feature: its Slack listeners, what it adds to `/touchpoint`, its jobs, Home and digest. */
export interface Feature {
  name: string;
  /** Registers its Slack listeners (by ID; see `Listeners` for why not on Bolt's App directly). */
  register(slack: Listeners, deps: AppDeps): void;
  subcommands?: TouchpointSubcommand[];
  jobs?: FeatureJob[];
  home?: HomeSection;
  /** Messages rendered when the outbox sends them (a card shows its state at that moment). */
  outboxRenderers?: OutboxRenderer[];
  /** Read-only: what happened in the window, for the weekly update (fixed number of queries). */
  digest?(db: Db, window: DigestWindow): Promise<DigestContribution>;
}
