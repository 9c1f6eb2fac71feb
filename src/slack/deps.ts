import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Listeners } from './listeners.js';
import type { HomePages } from './paging.js';
import type { Roles } from './roles.js';

/** What every feature's listeners and jobs may use. The clock is injected so tests can drive it. */
export interface AppDeps {
  config: Config;
  db: Db;
  roles: Roles;
  logger: Logger;
  now: () => Date;
  /**
   * Re-renders a person's App Home (after a change they should see there); `pages` keeps its paged lists
   * where they were (`homePagesOf(body)` of the click), else every list shows its first page.
   */
  refreshHome(client: WebClient, userId: string, pages?: HomePages): Promise<void>;
}

/** What the Slack app needs of a feature: its listeners (the rest of `Feature` is for the wiring). */
export interface SlackFeature {
  name: string;
  /** Registers its Slack listeners (by ID; see `Listeners` for why not on Bolt's App directly). */
  register(slack: Listeners, deps: AppDeps): void;
}
