import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App, type CustomRoute, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import { runWithLogContext, slackRequestContext } from '../logger.js';
import { countWebApiCalls, type Metrics, slackRequestKind } from '../metrics.js';
import type { AppDeps, SlackFeature } from './deps.js';
import { createListenerRoutes } from './listeners.js';
import type { HomePages } from './paging.js';
import {
  answerUnroutableRequest,
  guardRequests,
  isRoutableRequest,
  REQUEST_BODY_LIMIT,
} from './request-guard.js';
import { meterSlackRequests } from './request-metrics.js';
import { createRoles } from './roles.js';
import { safeErrorText } from './safe-errors.js';
import { createSeenEvents } from './seen-events.js';
import { closeServer, createRoutesServer, guardEnvelopes, listen, SocketModeState } from './socket-mode.js';
import { createSlackFetch } from './web-fetch.js';

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  features: SlackFeature[];
  publishHome: (client: WebClient, userId: string, deps: AppDeps, pages?: HomePages) => Promise<void>;
  /** Resolves when the database answers, for `GET /readyz`. */
  ping: () => Promise<void>;
  /** This app's metrics (`GET /metrics`): its requests and its client's Web API calls are counted there. */
  metrics: Metrics;
}

export interface SlackApp {
  app: App;
  deps: AppDeps;
  /** Resolves when every listener that was running has finished (or the timeout passed). */
  drain(timeoutMs: number): Promise<void>;
  /** How many listeners are still working after their ack. */
  inFlight(): number;
  /**
   * Starts taking Slack's requests; resolves with the HTTP server listening on PORT: Bolt's, which takes
   * every request, in HTTP mode; in Socket Mode, the one serving only the health routes (the socket is
   * connected when this resolves).
   */
  start(): Promise<Server>;
  /** Stops taking Slack's requests: the HTTP server stops accepting and, in Socket Mode, the socket closes. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

/**
 * `GET /metrics`: Prometheus text (src/metrics.ts). No auth, like the health routes: operators scrape it
 * inside their network, and it carries no secret, ID or text anyone typed.
 */
function metricsRoute(metrics: Metrics): CustomRoute {
  return {
    path: '/metrics',
    method: ['GET'],
    handler: (_req: IncomingMessage, res) => {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
          res.end(text);
        })
        .catch(() => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('metrics unavailable\n');
        });
    },
  };
}

/** `socket`: in Socket Mode, /readyz also needs the socket connected (Slack's requests arrive only there). */
function healthRoutes(ping: () => Promise<void>, socket?: SocketModeState): CustomRoute[] {
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
        const socketDown = socket?.notReady();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('database did not answer in time')), READY_TIMEOUT_MS);
        });
        Promise.race([ping(), timeout])
          .then(() => undefined)
          .catch(() => 'database unavailable')
          .then((databaseDown) => {
            const reasons = [socketDown, databaseDown].filter((reason) => reason !== undefined);
            if (reasons.length === 0) answer(res, 200, { ok: true });
            else answer(res, 503, { ok: false, reason: reasons.join('; ') });
          })
          .finally(() => clearTimeout(timer));
      },
    },
  ];
}

/** How Slack's requests reach the app (Bolt's receiver), and how the app starts and stops taking them. */
interface Front {
  receiver: Receiver;
  start(app: App): Promise<Server>;
  stop(app: App): Promise<void>;
}

function createReceiver(
  config: Config,
  logger: Logger,
  customRoutes: CustomRoute[],
  socket: SocketModeState | undefined,
  metrics: Metrics,
): Front {
  if (config.slack.appToken) {
    // Socket Mode opens its connection with its own Web API client: give it the same base URL. The routes
    // are served by a server of ours, not Bolt's (socket-mode.ts says why).
    const receiver = new SocketModeReceiver({
      appToken: config.slack.appToken,
      logger,
      // What Bolt cannot route (a malformed envelope) is logged safely and acked, so Slack stops resending it.
      processEventErrorHandler: async ({ error }) => {
        logger.warn(`Could not handle a Socket Mode request: ${safeErrorText(error)}`);
        return true;
      },
      installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl } },
    });
    socket?.watch(receiver.client);
    guardEnvelopes(receiver.client, {
      isRoutable: isRoutableRequest,
      onRefused: (reason, body) => {
        logger.warn(`Refused a Socket Mode envelope: ${reason}`);
        metrics.slackRequests.inc({ kind: slackRequestKind(body), outcome: 'refused' });
      },
      onFailed: (error) => logger.warn(`Could not handle a Socket Mode message: ${safeErrorText(error)}`),
    });
    const server = createRoutesServer(customRoutes);
    return {
      receiver,
      start: async (app) => {
        // The health routes first: while the socket connects, the process is alive (/healthz) but not ready.
        await listen(server, config.port);
        try {
          // Bolt resolves with apps.connections.open's answer once Slack said hello on the socket.
          await app.start();
        } catch (error) {
          server.closeAllConnections();
          await closeServer(server);
          throw error;
        }
        return server;
      },
      stop: async (app) => {
        // Bolt asks the client to disconnect without waiting for it: wait for the socket's close handshake.
        const disconnected = new Promise<void>((resolve) =>
          receiver.client.once('disconnected', () => resolve()),
        );
        await Promise.all([app.stop().then(() => disconnected), closeServer(server)]);
      },
    };
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
    onRefused: (body) => metrics.slackRequests.inc({ kind: slackRequestKind(body), outcome: 'refused' }),
  });
  return {
    receiver,
    // In HTTP mode Bolt resolves with its own server, which takes Slack's requests and the routes.
    start: async (app) => (await app.start(config.port)) as Server,
    stop: async (app) => {
      await app.stop();
    },
  };
}

/** Bolt's default path, where Slack sends every request in HTTP mode. */
export const EVENTS_PATH = '/slack/events';

/** The Bolt app with every feature registered. Call `app.init()` before `app.start()`. */
export function createSlackApp(
  { config, logger, features, publishHome, ping, metrics }: SlackAppOptions,
  deps: Pick<AppDeps, 'db' | 'now'>,
): SlackApp {
  const socket = config.slack.appToken ? new SocketModeState() : undefined;
  const routes = [...healthRoutes(ping, socket), metricsRoute(metrics)];
  const front = createReceiver(config, logger, routes, socket, metrics);
  const app = new App({
    token: config.slack.botToken,
    receiver: front.receiver,
    logger,
    // Bolt resets the logger to INFO unless told the level: keep the one the caller chose.
    logLevel: logger.getLevel(),
    // init() calls auth.test; deferring it lets the start fail with one clear line on a bad token.
    deferInitialization: true,
    // Touchpoint keeps no conversation state in Bolt; without the store, no request pays for its lookup.
    convoStore: false,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      fetch: createSlackFetch(countWebApiCalls(metrics, 'people')),
      timeout: 10_000,
      // Few, quick retries: an unreachable Slack fails the start in seconds, and a 429 is retried after
      // its Retry-After (the client waits that long before each retry).
      retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000, randomize: true },
    },
  });

  // Every log line of a request carries its id (logger.ts): authorisation, middleware, listeners and the
  // error handler (which runs after the middleware chain, so a middleware could not cover it).
  // Each request is counted and timed too (`GET /metrics`), over HTTP or Socket Mode.
  const processEvent = app.processEvent.bind(app);
  const requests = meterSlackRequests(metrics);
  app.processEvent = (event) =>
    runWithLogContext(slackRequestContext(event.body), () => requests.run(event, processEvent));

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
    requests.failed();
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
    refreshHome: (client, userId, pages) => publishHome(client, userId, appDeps, pages),
  };
  const listeners = createListenerRoutes(app.client);
  for (const feature of features) feature.register(listeners, appDeps);
  listeners.mount(app, { logger, firstDelivery: createSeenEvents({ db: deps.db, now: deps.now, logger }) });

  return {
    app,
    deps: appDeps,
    start: () => front.start(app),
    stop: () => front.stop(app),
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
