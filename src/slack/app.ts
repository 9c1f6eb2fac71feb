import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, type CustomRoute, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import { runWithLogContext, slackRequestContext } from '../logger.js';
import type { AppDeps, SlackFeature } from './deps.js';
import { createListenerRoutes } from './listeners.js';
import { answerUnroutableRequest, guardRequests, REQUEST_BODY_LIMIT } from './request-guard.js';
import { createRoles } from './roles.js';
import { safeErrorText } from './safe-errors.js';
import { createSeenEvents } from './seen-events.js';
import { slackFetch } from './web-fetch.js';

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  features: SlackFeature[];
  publishHome: (client: WebClient, userId: string, deps: AppDeps) => Promise<void>;
  /** Resolves when the database answers, for `GET /readyz`. */
  ping: () => Promise<void>;
}

export interface SlackApp {
  app: App;
  deps: AppDeps;
  /** Resolves when every listener that was running has finished (or the timeout passed). */
  drain(timeoutMs: number): Promise<void>;
  /** How many listeners are still working after their ack. */
  inFlight(): number;
}

const READY_TIMEOUT_MS = 2_000;

function healthRoutes(ping: () => Promise<void>): CustomRoute[] {
  const answer = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res) => answer(res, 200, { ok: true }),
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('database did not answer in time')), READY_TIMEOUT_MS);
        });
        Promise.race([ping(), timeout])
          .then(() => answer(res, 200, { ok: true }))
          .catch(() => answer(res, 503, { ok: false, reason: 'database unavailable' }))
          .finally(() => clearTimeout(timer));
      },
    },
  ];
}

function createReceiver(config: Config, logger: Logger, customRoutes: CustomRoute[]): Receiver {
  if (config.slack.appToken) {
    // Socket Mode opens its connection with its own Web API client: give it the same base URL.
    return new SocketModeReceiver({
      appToken: config.slack.appToken,
      logger,
      customRoutes,
      // What Bolt cannot route (a malformed envelope) is logged safely and acked, so Slack stops resending it.
      processEventErrorHandler: async ({ error }) => {
        logger.warn(`Could not handle a Socket Mode request: ${safeErrorText(error)}`);
        return true;
      },
      installerOptions: { port: config.port, clientOptions: { slackApiUrl: config.slack.apiUrl } },
    });
  }
  const signingSecret = config.slack.signingSecret ?? '';
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: EVENTS_PATH,
    logger,
    customRoutes,
    port: config.port,
    bodyLimit: REQUEST_BODY_LIMIT,
    processEventErrorHandler: answerUnroutableRequest,
    // Bolt's last resort for a request nobody acked (it answers 404); the listener routes ack first.
    unhandledRequestTimeoutMillis: 2_900,
  });
  // Bolt's server calls this property for every request: the guard checks a request before Bolt reads it.
  receiver.requestListener = guardRequests(receiver.requestListener, {
    endpoints: [EVENTS_PATH],
    signingSecret,
    logger,
  });
  return receiver;
}

const EVENTS_PATH = '/slack/events';

/** The Bolt app with every feature registered. Call `app.init()` before `app.start()`. */
export function createSlackApp(
  { config, logger, features, publishHome, ping }: SlackAppOptions,
  deps: Pick<AppDeps, 'db' | 'now'>,
): SlackApp {
  const app = new App({
    token: config.slack.botToken,
    receiver: createReceiver(config, logger, healthRoutes(ping)),
    logger,
    // Bolt resets the logger to INFO unless told the level: keep the one the caller chose.
    logLevel: logger.getLevel(),
    // init() calls auth.test; deferring it lets the start fail with one clear line on a bad token.
    deferInitialization: true,
    // Touchpoint keeps no conversation state in Bolt; without the store, no request pays for its lookup.
    convoStore: false,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      fetch: slackFetch,
      timeout: 10_000,
      // Few, quick retries: an unreachable Slack fails the start in seconds, and a 429 is retried after
      // its Retry-After (the client waits that long before each retry).
      retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000, randomize: true },
    },
  });

  // Every log line of a request carries its id (logger.ts): authorisation, middleware, listeners and the
  // error handler (which runs after the middleware chain, so a middleware could not cover it).
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => runWithLogContext(slackRequestContext(event.body), () => processEvent(event));

  let inFlight = 0;
  let idle: (() => void)[] = [];
  // Bolt acks first and keeps working after: count that work so shutdown can wait for it.
  app.use(async ({ next }) => {
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
      if (inFlight === 0) {
        for (const resolve of idle) resolve();
        idle = [];
      }
    }
  });

  // A failed query's message carries its parameters (user IDs, typed text): log only the safe part.
  app.error(async (error) => {
    logger.error(`Listener failed: ${error.code ?? 'error'} ${safeErrorText(error.original ?? error)}`);
  });

  const roles = createRoles(
    app.client,
    { cxOffice: config.cxOffice, executives: config.executives },
    { logger },
  );
  const appDeps: AppDeps = {
    ...deps,
    config,
    roles,
    logger,
    refreshHome: (client, userId) => publishHome(client, userId, appDeps),
  };
  const listeners = createListenerRoutes(app.client);
  for (const feature of features) feature.register(listeners, appDeps);
  listeners.mount(app, { logger, firstDelivery: createSeenEvents({ db: deps.db, now: deps.now, logger }) });

  return {
    app,
    deps: appDeps,
    inFlight: () => inFlight,
    drain: (timeoutMs) =>
      inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeoutMs);
            idle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
}
