import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Logger, LogLevel } from '@slack/logger';
import pino, { type DestinationStream, type LogFn } from 'pino';
import { safeErrorText } from './slack/safe-errors.js';

/**
 * The one logger: JSON lines (time, level, msg, and the request or job they belong to) on stdout, made
 * safe inside the logger, whatever the call site. Every message, every field and every error goes
 * through `safeErrorText` (src/slack/safe-errors.ts, the one place that decides what may be logged):
 * no query parameters, no JSON dumps of what people typed, no user or DM IDs, so no line can name an
 * anonymous submitter. Bolt and the Web API client log through the `Logger` adapter below.
 */

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export interface LogContext {
  /** One Slack request (set around Bolt's `processEvent` in src/slack/app.ts). */
  requestId?: string;
  /** What kind of request: Slack's `body.type`, plus the command or callback or action ID. */
  request?: string;
  /** One run of a scheduled job (src/scheduler.ts). */
  job?: string;
  jobId?: string;
}

const contexts = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` added to every line logged inside it, however deep and however async. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return contexts.run({ ...contexts.getStore(), ...context }, fn);
}

/** A short random id (lower case, so it never looks like a Slack ID). */
export function newLogId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * The log context of one Slack request. Slack's envelope has no request id (and a retry is a new
 * request), so the id is random; the kind is made of app-defined names only, never of what was typed.
 */
export function slackRequestContext(body: unknown): LogContext {
  const b = (body ?? {}) as {
    type?: unknown;
    command?: unknown;
    callback_id?: unknown;
    view?: { callback_id?: unknown };
    actions?: { action_id?: unknown }[];
    event?: { type?: unknown };
  };
  const names = [
    b.command !== undefined ? 'command' : b.type,
    b.command,
    b.view?.callback_id ?? b.callback_id,
    Array.isArray(b.actions) ? b.actions[0]?.action_id : undefined,
    b.event?.type,
  ].filter((name): name is string => typeof name === 'string' && /^[\w./:-]{1,80}$/.test(name));
  return { requestId: newLogId(), request: names.join(' ') || 'unknown' };
}

const MAX_MESSAGE = 1_000;
const MAX_DEPTH = 4;
// Fields that hold a query's values, SQL, a request body or a Slack message: never logged, at any depth.
const DROPPED_FIELDS = new Set(['params', 'query', 'body', 'payload', 'text', 'blocks', 'detail', 'where']);

/** An error as a log field: its safe text, its code and where it was thrown; nothing else it carries. */
function safeError(error: Error, depth: number): Record<string, unknown> {
  const { code, statusCode, retryAfter, cause } = error as {
    code?: unknown;
    statusCode?: unknown;
    retryAfter?: unknown;
    cause?: unknown;
  };
  const fields: Record<string, unknown> = { type: error.name, message: safeErrorText(error) };
  if (typeof code === 'string' || typeof code === 'number') fields.code = safeErrorText(String(code), 80);
  if (typeof statusCode === 'number') fields.statusCode = statusCode;
  if (typeof retryAfter === 'number') fields.retryAfter = retryAfter;
  // Only the frames (of the outer error): the stack's first lines repeat the message, unredacted.
  const frames = depth === 0 ? (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)) : [];
  if (frames.length > 0)
    fields.stack = frames
      .slice(0, 12)
      .map((line) => safeErrorText(line, 300))
      .join('\n');
  if (cause instanceof Error && depth < MAX_DEPTH) fields.cause = safeError(cause, depth + 1);
  return fields;
}

function safeValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return safeErrorText(value, MAX_MESSAGE);
  if (value instanceof Error) return safeError(value, depth);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[object]';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => safeValue(item, depth + 1));
  return safeFields(value as Record<string, unknown>, depth + 1);
}

function safeFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (!DROPPED_FIELDS.has(key)) safe[key] = safeValue(value, depth);
  }
  return safe;
}

/** The text of a log call's message parts (Bolt and the Web API client pass several). */
function messageOf(parts: unknown[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (part instanceof Error) return safeErrorText(part);
      if (part === null || typeof part !== 'object') return String(part);
      try {
        return JSON.stringify(part); // then cut as a dump by safeErrorText
      } catch {
        return '[object]';
      }
    })
    .join(' ');
}

export interface TouchpointLogger extends Logger {
  /** The pino logger underneath, for structured fields (`log.pino.info({ count }, 'msg')`); same rules. */
  readonly pino: pino.Logger;
  /** Starts writing, for a logger created `quietUntilSpoken`. */
  speak(): void;
}

export interface CreateLoggerOptions {
  level: LogLevelName;
  /** Where the JSON lines go (default stdout, written synchronously so no line is lost on exit). */
  destination?: DestinationStream;
  /**
   * Drop every line until `speak()`: a failed start is reported by main.ts as one line on stderr, and
   * the Web API client's retry warnings (an unreachable Slack, a refused token) must not bury it.
   */
  quietUntilSpoken?: boolean;
}

export function createLogger({
  level,
  destination = pino.destination({ dest: 1, sync: true }),
  quietUntilSpoken = false,
}: CreateLoggerOptions): TouchpointLogger {
  let quiet = quietUntilSpoken;
  const log = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => ({ ...contexts.getStore() }),
      // formatters.log has already made errors safe; pino's own serializer would add their other fields.
      serializers: { err: (value: unknown) => (value instanceof Error ? safeError(value, 0) : value) },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => safeFields(bindings),
        log: (fields) => safeFields(fields),
      },
      hooks: {
        // Every call, whatever its arguments: one optional fields object, then the message made safe.
        logMethod(args: unknown[], method: LogFn) {
          if (quiet) return;
          const [first, ...rest] = args;
          if (first instanceof Error) {
            method.call(
              this,
              { err: first },
              safeErrorText(messageOf(rest.length ? rest : [first]), MAX_MESSAGE),
            );
          } else if (first !== null && typeof first === 'object') {
            const fields = first as Record<string, unknown>;
            const text = rest.length
              ? messageOf(rest)
              : fields.err instanceof Error
                ? messageOf([fields.err])
                : '';
            method.call(this, fields, safeErrorText(text, MAX_MESSAGE));
          } else {
            method.call(this, safeErrorText(messageOf(args), MAX_MESSAGE));
          }
        },
      },
    },
    destination,
  );

  // Bolt and the Web API client pass `(...parts)`: an Error among them is also the `err` field.
  const write =
    (at: LogLevelName) =>
    (...parts: unknown[]) => {
      const error = parts.find((part) => part instanceof Error);
      if (error) log[at]({ err: error }, messageOf(parts));
      else log[at](messageOf(parts));
    };

  return {
    pino: log,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (value: LogLevel) => {
      log.level = value;
    },
    getLevel: () => log.level as LogLevel,
    // Bolt names its loggers; one name serves here.
    setName: () => {},
    speak: () => {
      quiet = false;
    },
  };
}
