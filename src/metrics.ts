import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What `GET /metrics` shows (Prometheus text, prom-client). Each running app has a registry of its own,
 * never prom-client's global one: tests start several apps in one process, and two replicas in one
 * process must not count into each other's figures.
 *
 * Labels are a closed vocabulary written in code (a request's kind, a Web API method, a job's name):
 * never a user, channel or callback ID, never what someone typed, never a secret.
 */

/** The kind of a Slack request: the label of the request metrics. */
export type SlackRequestKind =
  | 'command'
  | 'action'
  | 'view_submission'
  | 'view_closed'
  | 'shortcut'
  | 'event'
  | 'options'
  | 'other';

/**
 * How a Slack request ended: `acked` (answered, whoever answered), `error` (a listener or Bolt's routing
 * threw, whether or not the person was answered for it), `refused` (the request guard answered 4xx
 * before Bolt saw it), `unhandled` (finished without an answer: Bolt's own timeout answers it 404).
 */
export type SlackRequestOutcome = 'acked' | 'error' | 'refused' | 'unhandled';

/** `people`: Bolt's client (modals, immediate answers, jobs' reads); `outbox`: the outbox worker's own. */
export type WebApiClientName = 'people' | 'outbox';
/** `429`: rate limited; `error`: any other failure (an HTTP error, `ok: false`, no answer). */
export type WebApiResult = 'ok' | '429' | 'error';

/** `sent` includes a message found already delivered, and one with nothing left to say. */
export type OutboxSendResult = 'sent' | 'retry' | 'rate_limited' | 'dead';

/** The outbox as the database holds it, read at scrape time. */
export interface OutboxBacklog {
  /** Messages not delivered yet and not given up on (pending or being sent). */
  waiting: number;
  /** How long the oldest message that is due has waited past its time (0 when none is due). */
  oldestDueSeconds: number;
  /** Dead letters. */
  dead: number;
}

export interface MetricsOptions {
  /** Reads the outbox's figures (one query); called once per scrape. */
  outboxBacklog?: () => Promise<OutboxBacklog>;
  /** How long a scrape waits for the database before it shows the outbox figures as NaN. */
  outboxTimeoutMs?: number;
}

export interface Metrics {
  registry: Registry;
  slackRequests: Counter<'kind' | 'outcome'>;
  slackRequestSeconds: Histogram<'kind'>;
  webApiCalls: Counter<'client' | 'method' | 'result'>;
  outboxSends: Counter<'result'>;
  jobRuns: Counter<'job'>;
  jobFailures: Counter<'job'>;
}

const SLACK_REQUEST_KINDS: SlackRequestKind[] = [
  'command',
  'action',
  'view_submission',
  'view_closed',
  'shortcut',
  'event',
  'options',
  'other',
];
const SLACK_REQUEST_OUTCOMES: SlackRequestOutcome[] = ['acked', 'error', 'refused', 'unhandled'];

/**
 * Process figures (CPU, memory, event loop, GC) describe the process, not an app, and prom-client's
 * event-loop and GC monitors cannot be stopped once started: they are collected once per process, into a
 * registry of their own that every app's registry shows too.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const own = new Registry();
  const slackRequests = new Counter({
    name: 'touchpoint_slack_requests_total',
    help: 'Slack requests (commands, interactivity, events) by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [own],
  });
  // Every kind and outcome from the start, at 0: a rate over a series that appears late misses its start.
  for (const kind of SLACK_REQUEST_KINDS)
    for (const outcome of SLACK_REQUEST_OUTCOMES) slackRequests.inc({ kind, outcome }, 0);

  const slackRequestSeconds = new Histogram({
    name: 'touchpoint_slack_request_duration_seconds',
    help: 'From Bolt taking a Slack request to its answer (ack), by kind. Slack gives up after 3 s.',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 3, 5],
    registers: [own],
  });

  const webApiCalls = new Counter({
    name: 'touchpoint_slack_api_calls_total',
    help: 'Slack Web API calls by client (people: Bolt; outbox: the outbox worker), method and result (ok, 429, error).',
    labelNames: ['client', 'method', 'result'] as const,
    registers: [own],
  });

  const outboxSends = new Counter({
    name: 'touchpoint_outbox_sends_total',
    help: 'Outbox sends by result: sent, retry (failed, tried again later), rate_limited (waits its Retry-After), dead.',
    labelNames: ['result'] as const,
    registers: [own],
  });
  for (const result of ['sent', 'retry', 'rate_limited', 'dead'] as const) outboxSends.inc({ result }, 0);

  const jobRuns = new Counter({
    name: 'touchpoint_job_runs_total',
    help: 'Scheduled job runs by job (each ends ok or failed).',
    labelNames: ['job'] as const,
    registers: [own],
  });
  const jobFailures = new Counter({
    name: 'touchpoint_job_failures_total',
    help: 'Scheduled job runs that failed, by job.',
    labelNames: ['job'] as const,
    registers: [own],
  });

  if (options.outboxBacklog)
    registerOutboxGauges(own, options.outboxBacklog, options.outboxTimeoutMs ?? 2_000);

  return {
    registry: Registry.merge([own, processMetrics()]),
    slackRequests,
    slackRequestSeconds,
    webApiCalls,
    outboxSends,
    jobRuns,
    jobFailures,
  };
}

/**
 * The outbox gauges, read from the database when scraped. A scrape collects every gauge at once, so the
 * three share one read (one query per scrape, not one per gauge). While the database does not answer,
 * they show NaN: the scrape itself still answers, with everything else.
 */
function registerOutboxGauges(
  registry: Registry,
  read: () => Promise<OutboxBacklog>,
  timeoutMs: number,
): void {
  let reading: Promise<OutboxBacklog | undefined> | undefined;
  const backlog = () => {
    reading ??= withTimeout(read(), timeoutMs)
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  const gauge = (name: string, help: string, pick: (figures: OutboxBacklog) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const figures = await backlog();
        this.set(figures ? pick(figures) : Number.NaN);
      },
    });
  gauge(
    'touchpoint_outbox_depth',
    'Outbox messages not delivered yet (pending or being sent), in every replica.',
    (figures) => figures.waiting,
  );
  gauge(
    'touchpoint_outbox_oldest_due_age_seconds',
    'How long the oldest outbox message that is due has waited past its time (0 when none is due).',
    (figures) => figures.oldestDueSeconds,
  );
  gauge(
    'touchpoint_outbox_dead_letters',
    'Outbox messages given up on (dead letters the CX office can retry).',
    (figures) => figures.dead,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Body = Record<string, unknown>;

/** The kind of a Slack request from its (parsed) body, for the request metrics. */
export function slackRequestKind(body: unknown): SlackRequestKind {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'other';
  const fields = body as Body;
  if (typeof fields.command === 'string') return 'command';
  switch (fields.type) {
    case 'block_actions':
    case 'interactive_message':
      return 'action';
    case 'view_submission':
      return 'view_submission';
    case 'view_closed':
      return 'view_closed';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'event_callback':
      return 'event';
    case 'block_suggestion':
      return 'options';
    default:
      return 'other';
  }
}

/** The part of a Web API call's URL that names its method, when it names one; else `other`. */
export function webApiMethod(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'other';
  }
  const last = path.slice(path.lastIndexOf('/') + 1);
  // Slack's methods look like `chat.postMessage`; anything else (an upload URL, a response URL carrying
  // IDs) is not a method, and would bring IDs into a label.
  return /^[a-z]+(?:\.[A-Za-z]+)+$/.test(last) ? last : 'other';
}

/** Counts a client's Web API calls (give it to `createSlackFetch`). */
export function countWebApiCalls(
  metrics: Metrics,
  client: WebApiClientName,
): (url: string, result: WebApiResult) => void {
  return (url, result) => metrics.webApiCalls.inc({ client, method: webApiMethod(url), result });
}
