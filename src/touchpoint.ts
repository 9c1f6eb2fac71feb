import type { Logger } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import type { Config } from './config.js';
import { type Database, type OpenDatabaseOptions, openDatabase } from './db/client.js';
import { features, publishHome } from './features/index.js';
import { createLogger } from './logger.js';
import { countWebApiCalls, createMetrics, type Metrics } from './metrics.js';
import { countOutboxBacklog } from './outbox/outbox.queries.js';
import { type OutboxWorker, startOutboxWorker } from './outbox/outbox.worker.js';
import { startScheduler } from './scheduler.js';
import { createSlackApp } from './slack/app.js';
import { checkSlack, queueSlackCheckWarnings } from './slack/preflight.js';
import { createSlackFetch } from './slack/web-fetch.js';
import { freshDatabaseNotice, logStartBanner } from './start-banner.js';
import { socketModeStartError } from './startup-errors.js';

export interface StartOptions {
  logger?: Logger;
  now?: () => Date;
  database?: OpenDatabaseOptions;
  /**
   * Run on a database another instance already opened (tests of several replicas on one database,
   * including the embedded one). It is not closed on stop: its opener owns it.
   */
  sharedDatabase?: Database;
  /** Start the cron ticks (default true; tests drive jobs through `runJob` with their own clock). */
  schedule?: boolean;
  /** Outbox worker settings (tests and the benchmark tune them). */
  outbox?: { concurrency?: number; pollIntervalMs?: number; autoStart?: boolean; paceClock?: () => number };
}

export interface RunningTouchpoint {
  /** The HTTP port actually listened on (useful with PORT=0). */
  port: number;
  database: Database;
  /** The outbox worker of this process: `drain()` sends everything due now. */
  outbox: OutboxWorker;
  /**
   * Resolves when the app has nothing left to do now: every listener finished its work after the ack
   * and the outbox sent everything due (tests wait on this instead of a quiet window).
   */
  whenIdle(): Promise<void>;
  /** Runs a feature job now with the given clock. */
  runJob(name: string, now: Date): Promise<void>;
  /** Stops taking requests, lets running listeners finish, closes the database. */
  stop(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 7_000;

/** The whole wiring: database → migrations → Slack app → listen. Used by main.ts and by the tests. */
export async function startTouchpoint(
  config: Config,
  options: StartOptions = {},
): Promise<RunningTouchpoint> {
  // JSON lines on stdout (src/logger.ts), silent until the start succeeded: main.ts reports a failure.
  const ownLogger = options.logger
    ? undefined
    : createLogger({ level: config.logLevel, quietUntilSpoken: true });
  const logger = options.logger ?? (ownLogger as Logger);
  const now = options.now ?? (() => new Date());
  const shared = options.sharedDatabase;
  // A first start spends seconds creating the embedded database: say so, though the own logger is quiet.
  const creating = shared ? undefined : freshDatabaseNotice(config.database);
  if (creating) (ownLogger ? createLogger({ level: config.logLevel }) : logger).info(creating);
  const database = shared ?? (await openDatabase(config.database, options.database));
  const closeDatabase = () => (shared ? Promise.resolve() : database.close());
  try {
    await database.migrate();
    // This app's own registry (`GET /metrics`); the outbox's figures are read from the database when scraped.
    const metrics = createMetrics({ outboxBacklog: () => countOutboxBacklog(database.db, now()) });
    const { app, deps, drain, inFlight, start, stop } = createSlackApp(
      { config, logger, features, publishHome, ping: database.ping, metrics },
      { db: database.db, now },
    );
    await app.init();
    // The channels and user groups the configuration names, checked in Slack: one line if one cannot work.
    const slackCheck = await checkSlack(app.client, config);
    await queueSlackCheckWarnings(database.db, slackCheck, now());
    // The HTTP server on PORT: every request in HTTP mode, the health routes in Socket Mode.
    const server = await start().catch((error: unknown) => {
      throw config.slack.appToken ? socketModeStartError(error) : error;
    });
    ownLogger?.speak();
    const scheduler = startScheduler(features, deps, app.client, {
      autoStart: options.schedule ?? true,
      metrics,
    });
    const outbox = startOutboxWorker({
      db: database.db,
      client: outboxClient(config, logger, metrics),
      metrics,
      renderers: features.flatMap((feature) => feature.outboxRenderers ?? []),
      logger,
      now,
      ...options.outbox,
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    logStartBanner(logger, { config, port, slack: slackCheck });
    return {
      port,
      database,
      outbox,
      runJob: (name, now) => scheduler.run(name, now),
      whenIdle: async () => {
        // A listener's work queues outbox rows; a send never starts a listener: two quiet passes suffice.
        for (;;) {
          await drain(DRAIN_TIMEOUT_MS);
          const sent = await outbox.drain();
          if (sent === 0 && inFlight() === 0) return;
        }
      },
      stop: async () => {
        const closing = stop().catch(() => undefined);
        server.closeIdleConnections();
        await Promise.all([drain(DRAIN_TIMEOUT_MS), scheduler.stop()]);
        await outbox.stop();
        await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1_000))]);
        server.closeAllConnections();
        await closeDatabase();
      },
    };
  } catch (error) {
    await closeDatabase().catch(() => undefined);
    throw error;
  }
}

/**
 * The outbox worker's own Web API client: a 429 there pauses only the worker's pace for that method,
 * never Bolt's client that opens modals for people waiting. It retries nothing itself: the outbox does,
 * durably, with its own backoff.
 */
function outboxClient(config: Config, logger: Logger, metrics: Metrics): WebClient {
  return new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    fetch: createSlackFetch(countWebApiCalls(metrics, 'outbox')),
    logger,
    logLevel: logger.getLevel(),
    timeout: 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}
