import type { App, RespondFn } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { SlashCommandPayload } from './payloads.js';
import type { Roles } from './roles.js';

/** What every feature's listeners and jobs may use. The clock is injected so tests can drive it. */
export interface AppDeps {
  config: Config;
  db: Db;
  roles: Roles;
  logger: Logger;
  now: () => Date;
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

/** One product feature: its Slack listeners, and what it adds to `/touchpoint`. */
export interface Feature {
  name: string;
  register(app: App, deps: AppDeps): void;
  subcommands?: TouchpointSubcommand[];
}
