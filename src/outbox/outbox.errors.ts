import { safeErrorText } from '../slack/safe-errors.js';

/** What the worker does with a failed send. */
export type SendFailure =
  /** Slack said 429: wait its Retry-After (not a failed attempt). */
  | { kind: 'rate_limited'; retryAfterMs: number; error: string }
  /** Worth another try later; `uncertain`: the message may have reached Slack all the same. */
  | { kind: 'retry'; uncertain: boolean; error: string }
  /** Trying again cannot help (unknown channel, archived, bad blocks…): a dead letter at once. */
  | { kind: 'permanent'; error: string };

// Slack's answers that mean this message can never be delivered as it is.
const PERMANENT = new Set([
  'channel_not_found',
  'user_not_found',
  'is_archived',
  'not_in_channel',
  'cannot_dm_bot',
  'user_disabled',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'restricted_action',
  'too_many_attachments',
  'invalid_file_type',
]);

interface SlackishError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
}

export function classifySendError(error: unknown): SendFailure {
  const e = (error ?? {}) as SlackishError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate_limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000, error: '429' };
    case 'slack_webapi_platform_error': {
      const reason = e.data?.error ?? 'error';
      // `ratelimited` in the body is a 429 by another name.
      if (reason === 'ratelimited') return { kind: 'rate_limited', retryAfterMs: 1000, error: reason };
      return PERMANENT.has(reason)
        ? { kind: 'permanent', error: reason }
        : { kind: 'retry', uncertain: false, error: reason };
    }
    case 'slack_webapi_http_error':
      // A 5xx may come after Slack stored the message (its edge timed out): it may be there.
      return (e.statusCode ?? 500) >= 500
        ? { kind: 'retry', uncertain: true, error: `HTTP ${e.statusCode}` }
        : { kind: 'permanent', error: `HTTP ${e.statusCode}` };
    // The client refused the upload's arguments before calling Slack (no file, or several channels).
    case 'slack_webapi_file_upload_invalid_args_error':
    case 'slack_webapi_file_upload_read_file_data_error':
      return { kind: 'permanent', error: 'the file to upload is not valid' };
    case 'slack_webapi_request_error':
      return { kind: 'retry', uncertain: true, error: 'Slack could not be reached' };
    default:
      return { kind: 'retry', uncertain: true, error: safeErrorText(error) };
  }
}

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(10 * 60_000, 2_000 * 2 ** Math.max(0, attempts));
  return Math.round(base * (0.75 + random() * 0.5));
}
