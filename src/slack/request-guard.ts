import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  AuthorizationError,
  type BufferedIncomingMessage,
  HTTPModuleFunctions,
  type ReceiverProcessEventErrorHandlerArgs,
  verifySlackRequest,
} from '@slack/bolt';
import type { Logger } from '@slack/logger';
import { z } from 'zod';
import { safeErrorText } from './safe-errors.js';

/**
 * A guard in front of Bolt's HTTPReceiver. Bolt reads fields of whatever the body parses to: one correctly
 * signed request whose body is `null` (or `payload=null`) made it read `.ssl_check` of null in a detached
 * promise, and the process died. Here every request to the events endpoint is read (with a size limit),
 * its timestamp and signature checked, its body parsed and its envelope checked before Bolt sees it;
 * anything else gets a 4xx at once. Bolt's own functions do the buffering, parsing and signature check, so
 * Bolt then finds the body already read and handles the request as always.
 */

/** Slack's largest real payloads (a modal with 100 blocks and its state) are a few hundred KB. */
export const REQUEST_BODY_LIMIT = 1024 * 1024;

/** Slack's window for a request's timestamp, both ways: Bolt refuses only stale requests. */
const TIMESTAMP_WINDOW_SECONDS = 5 * 60;

const FORM = 'application/x-www-form-urlencoded';

const objectWith = <Shape extends z.ZodRawShape>(shape: Shape) => z.looseObject(shape);
const user = objectWith({ id: z.string() });

// The envelopes Touchpoint is sent, to the depth Bolt reads before a listener runs (routing, team, user);
// what a listener needs beyond that it parses itself.
const envelope = z.union([
  objectWith({ type: z.literal('url_verification'), challenge: z.string() }),
  objectWith({
    type: z.literal('event_callback'),
    event_id: z.string().min(1),
    event: objectWith({ type: z.string() }),
  }),
  // Slash commands come as plain forms: every field a string.
  objectWith({ command: z.string().startsWith('/'), user_id: z.string(), response_url: z.string() }),
  objectWith({ type: z.literal('block_actions'), user, actions: z.array(z.looseObject({})).min(1) }),
  objectWith({ type: z.enum(['view_submission', 'view_closed']), user, view: z.looseObject({}) }),
  objectWith({ type: z.enum(['shortcut', 'message_action']), user, callback_id: z.string() }),
  objectWith({ type: z.literal('block_suggestion'), user }),
]);

/** Whether Bolt can route this body (a command, an interaction, an event): the same check in both modes. */
export const isRoutableRequest = (body: unknown): boolean => envelope.safeParse(body).success;

export interface RequestGuardOptions {
  /** The paths Bolt takes events on (POST). */
  endpoints: string[];
  signingSecret: string;
  logger: Logger;
  /** Wall-clock milliseconds: freshness is about the real clock, not the product's. */
  clock?: () => number;
  /** Told of each refusal (the metrics), with the body when it was signed and parsed. */
  onRefused?: (body: unknown) => void;
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${reason}\n`);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Why the request must not reach Bolt, with the status to answer; undefined when it may. */
async function check(
  req: IncomingMessage,
  options: RequestGuardOptions,
): Promise<{ status: number; reason: string; body?: unknown } | undefined> {
  let buffered: BufferedIncomingMessage;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, REQUEST_BODY_LIMIT);
  } catch (error) {
    const tooLarge =
      HTTPModuleFunctions.isRawBodyError(error) &&
      ((error as { type?: string }).type === 'entity.too.large' ||
        (error as { statusCode?: number }).statusCode === 413);
    return tooLarge
      ? { status: 413, reason: 'request body too large' }
      : { status: 400, reason: 'unreadable request body' };
  }
  const text = buffered.rawBody.toString();
  const contentType = header(req, 'content-type');
  // Slack's SSL check is unsigned; Bolt answers it (and strips anything else in the body).
  if (contentType === FORM && new URLSearchParams(text).get('ssl_check') === '1') return undefined;

  const timestamp = Number(header(req, 'x-slack-request-timestamp'));
  const nowSeconds = Math.floor((options.clock ?? Date.now)() / 1000);
  if (!Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > TIMESTAMP_WINDOW_SECONDS) {
    return { status: 401, reason: 'request timestamp outside the five-minute window' };
  }
  try {
    verifySlackRequest({
      signingSecret: options.signingSecret,
      body: text,
      headers: {
        'x-slack-signature': header(req, 'x-slack-signature') ?? '',
        'x-slack-request-timestamp': timestamp,
      },
      nowMilliseconds: (options.clock ?? Date.now)(),
    });
  } catch {
    return { status: 401, reason: 'request signature invalid' };
  }

  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    return { status: 400, reason: 'unparseable request body' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { status: 400, reason: 'request body is not an object' };
  }
  if (!isRoutableRequest(body)) return { status: 400, reason: 'not a Slack request Touchpoint takes', body };
  return undefined;
}

/** Wraps Bolt's request listener: requests to the events endpoints are checked first. */
export function guardRequests(boltListener: RequestListener, options: RequestGuardOptions): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || !options.endpoints.includes(path)) {
      // Synchronously, so Bolt's own handling of other paths (custom routes, its 404) stays as it is.
      boltListener(req, res);
      return;
    }
    check(req, options)
      .then((refusal) => {
        if (refusal) {
          options.logger.warn(`Refused a request: ${refusal.reason} (${refusal.status})`);
          options.onRefused?.(refusal.body);
          // The rest of an oversized body is not read: close the connection after the answer.
          if (refusal.status === 413) res.setHeader('connection', 'close');
          refuse(res, refusal.status, refusal.reason);
          return;
        }
        boltListener(req, res);
      })
      .catch((error: unknown) => {
        options.logger.error(`Request guard failed: ${safeErrorText(error)}`);
        refuse(res, 500, 'internal error');
      });
  };
}

/**
 * Bolt's handler for what throws while it routes a request before any listener runs (a field of an
 * unexpected type the envelope check let through): a 400 at once instead of a 500, and a safe log line.
 */
export async function answerUnroutableRequest({
  error,
  logger,
  response,
}: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (response.headersSent) {
    logger.error(`A request failed after it was answered: ${safeErrorText(error)}`);
    return false;
  }
  if (error instanceof AuthorizationError) {
    response.writeHead(401);
    response.end();
    return true;
  }
  logger.warn(`Could not route a request: ${safeErrorText(error)}`);
  response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('malformed Slack request\n');
  return true;
}
