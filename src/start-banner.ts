import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '@slack/logger';
import type { Config } from './config.js';
import { EVENTS_PATH } from './slack/app.js';
import type { SlackCheck } from './slack/preflight.js';

/**
 * What an operator needs to read after a start: where Slack must send its requests, which database and
 * which workspace this process uses, and what the start's look at Slack found that needs a hand.
 */

/** The database in words, never with the user or password a connection string may carry. */
export function describeDatabase(database: Config['database']): string {
  if (database.kind === 'pglite') {
    return database.dataDir.startsWith('memory://')
      ? 'embedded (in memory, gone when the process stops)'
      : `embedded, in ${resolve(database.dataDir)}`;
  }
  try {
    const url = new URL(database.url);
    const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(the server default)';
    return `PostgreSQL at ${url.hostname}:${url.port || '5432'}, database ${name}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/**
 * The line to log before opening an embedded database that does not exist yet (initdb and the migrations
 * take several seconds, once); undefined for one that exists, an in-memory one and PostgreSQL.
 */
export function freshDatabaseNotice(database: Config['database']): string | undefined {
  if (database.kind !== 'pglite' || database.dataDir.startsWith('memory://')) return undefined;
  const fresh = !existsSync(database.dataDir) || readdirSync(database.dataDir).length === 0;
  return fresh
    ? `creating the embedded database in ${resolve(database.dataDir)} (first start only)…`
    : undefined;
}

export function logStartBanner(
  logger: Logger,
  { config, port, slack }: { config: Config; port: number; slack: SlackCheck },
): void {
  logger.info(
    config.slack.appToken
      ? `Touchpoint is listening on port ${port} (Socket Mode: Slack's requests arrive over the socket; /healthz, /readyz and /metrics answer on this port)`
      : `Touchpoint is listening on port ${port} (HTTP): Slack must call https://<your-host>${EVENTS_PATH} (the Request URL for events, interactivity and slash commands)`,
  );
  logger.info(`Database: ${describeDatabase(config.database)}`);
  const channel = (name: string | undefined, id: string) => (name ? `#${name} (${id})` : id);
  logger.info(
    `Slack workspace: ${slack.team.name} (${slack.team.id}); backlog ${channel(slack.channels.backlog, config.backlogChannel)}, weekly update ${channel(slack.channels.digest, config.digestChannel)}`,
  );
  for (const warning of slack.warnings) logger.warn(`Slack check: ${warning}`);
}
