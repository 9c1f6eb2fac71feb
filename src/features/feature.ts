import type { RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { OutboxRenderer } from '../outbox/outbox.js';
import type { AppDeps, SlackFeature } from '../slack/deps.js';
import type { HomePages } from '../slack/paging.js';
import type { SlashCommandPayload } from '../slack/payloads.js';
import type { DigestContribution, DigestWindow } from './digest/digest.types.js';

/** A `/touchpoint <name> …` subcommand that a feature contributes (e.g. `digest`, `export`). */
export interface TouchpointSubcommand {
  name: string;
  cxOfficeOnly: boolean;
  run(args: {
    /** The text after the subcommand's name, trimmed. */
    rest: string;
    command: SlashCommandPayload;
    client: WebClient;
    /** The command's response URL; none when run from a button in App Home (answers go by DM there). */
    respond?: RespondFn;
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
    /** The page each paged list shows (see `HomePages`; a list not named shows its first). */
    pages: HomePages;
  }): Promise<KnownBlock[]>;
}

/** One product feature: its Slack listeners, what it adds to `/touchpoint`, its jobs, Home and digest. */
export interface Feature extends SlackFeature {
  subcommands?: TouchpointSubcommand[];
  jobs?: FeatureJob[];
  home?: HomeSection;
  /** Messages rendered when the outbox sends them (a card shows its state at that moment). */
  outboxRenderers?: OutboxRenderer[];
  /** Read-only: what happened in the window, for the weekly update (fixed number of queries). */
  digest?(db: Db, window: DigestWindow): Promise<DigestContribution | DigestContribution[]>;
}
