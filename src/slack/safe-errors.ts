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
  return safe;
}

/**
 * Listener middleware, first in each of the feature's listeners: whatever the listener throws reaches
 * Bolt's error handler (and so the logs) without IDs or typed text.
 */
export async function redactErrors({ next }: { next: () => Promise<void> }): Promise<void> {
  try {
    await next();
  } catch (error) {
    throw redactedError(error);
  }
}
