/**
 * Error text safe for log lines. A failed query's message carries its parameters
 * (drizzle: "Failed query: … params: …"), which can hold an anonymous submitter's user ID and the text
 * they typed; Web API errors can name a DM channel. Only the database's own reason is kept, and anything
 * shaped like a Slack user or DM channel ID is masked, so no log line can name who suggested what.
 *
 * The logger (src/logger.ts) passes every message through here too, so the same rules hold for text that
 * quotes an error (`Saving failed: ${error.message}`), for Bolt's and the Web API client's debug dumps
 * (JSON payloads, cut) and for URLs (query strings, cut).
 */
export function safeErrorText(error: unknown, maxLength = 500): string {
  let text: string;
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    text =
      error.message.startsWith('Failed query:') && cause instanceof Error
        ? `query failed: ${cause.message}`
        : error.message.startsWith('Failed query:')
          ? 'query failed'
          : error.message;
  } else {
    text = String(error);
  }
  return (
    text
      // A failed query quoted inside a longer text: its SQL and parameters run to the end.
      .replace(/Failed query:[\s\S]*$/, 'query failed')
      // A JSON dump (a request body, a Web API payload or result) carries what people typed.
      .replace(/(\{"|\[\{|\["|\[\[)[\s\S]*$/, '[payload omitted]')
      // The database quotes a rejected value after a colon (`invalid input syntax for type integer: "…"`);
      // JSON.parse quotes its input.
      .replace(/: "[^"]*"/g, ': "[value]"')
      .replace(/"[^"]*" is not valid JSON/g, 'input is not valid JSON')
      .replace(/\?[^\s?#]*=[^\s#]*/g, '?[query omitted]')
      .replace(/\b[UWD][A-Z0-9]{6,}\b/g, '[id]')
      .slice(0, maxLength)
  );
}

/** The same error, with its message made safe for Bolt's error handler (which logs it). */
export function redactedError(error: unknown): Error {
  const safe = new Error(safeErrorText(error));
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') Object.assign(safe, { code });
  // The answer a person gets depends on it, and the original (with its cause) is dropped here.
  if (isDatabaseUnavailable(error)) Object.assign(safe, { [DATABASE_UNAVAILABLE]: true });
  return safe;
}

/**
 * Listener middleware (listeners.ts wraps every feature listener in it): whatever the listener throws reaches
 * Bolt's error handler (and so the logs) without IDs or typed text.
 */
export async function redactErrors({ next }: { next: () => Promise<void> }): Promise<void> {
  try {
    await next();
  } catch (error) {
    throw redactedError(error);
  }
}

// postgres.js and Node's socket errors when the server cannot be reached or went away, PostgreSQL's own
// "shutting down / not accepting connections / too many clients", and SQLSTATE class 08 (connection
// exception). A query that failed for any of these reasons may well work a minute later.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
const CLOSED_EMBEDDED = /PGlite is closed|the embedded database is closed/;
const DATABASE_UNAVAILABLE = Symbol('touchpoint.databaseUnavailable');

/**
 * Whether an error means "the database cannot be reached just now" (so the person is told to try again
 * in a minute), rather than a bug or a bad query. Follows `cause` (drizzle wraps the driver's error in
 * "Failed query"), and stops at Slack Web API errors (`slack_…` codes): a socket reset from Slack is not
 * the database.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const { code, message, cause, errors } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if ((current as { [DATABASE_UNAVAILABLE]?: boolean })[DATABASE_UNAVAILABLE]) return true;
    if (typeof code === 'string') {
      if (code.startsWith('slack_')) return false;
      if (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (typeof message === 'string' && CLOSED_EMBEDDED.test(message)) return true;
    // Node reports a refused connection to every address of a host as one AggregateError.
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = cause;
  }
  return false;
}
