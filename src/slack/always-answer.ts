import type { AckFn, AnyMiddlewareArgs, Context, Middleware, RespondFn } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import { isDatabaseUnavailable, safeErrorText } from './safe-errors.js';

/**
 * Every request is answered within Slack's 3 seconds, whatever its listener does. Slack shows its own
 * generic error for a request not answered in time (and a 404 from Bolt's timeout): the person cannot
 * tell a lost click from a slow one. So, around every listener:
 * - a listener that throws before acking is acked on its behalf, with an answer that says what happened
 *   (a modal keeps what was typed: `response_action: errors` on its first input);
 * - a listener that has not acked after ANSWER_WITHIN_MS is acked on its behalf, and keeps working;
 * - a listener that fails after acking tells the person privately, so an action either happens or the
 *   person is told it did not;
 * - a request no listener answered (an unknown ID) is acked at once.
 */

/** Slack waits 3 s, measured at Slack's side: leave room for the network. */
export const ANSWER_WITHIN_MS = 2_500;

export const messages = {
  databaseModal:
    "Touchpoint can't reach its database just now — nothing you typed is lost; press Submit again in a minute.",
  failedModal:
    'Something went wrong on our side — nothing you typed is lost; press Submit again in a minute.',
  slowModal:
    'Touchpoint is taking longer than usual — nothing you typed is lost; if no confirmation arrives, press Submit again in a minute.',
  database: "Touchpoint can't reach its database; try again in a minute.",
  failed: 'Something went wrong on our side and that may not have gone through; try again in a minute.',
} as const;

type Kind = 'command' | 'action' | 'shortcut' | 'view' | 'other';

type Body = Record<string, unknown>;

const record = (value: unknown): Body | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : undefined;

function kindOf(body: Body): Kind {
  if (typeof body.command === 'string') return 'command';
  switch (body.type) {
    case 'block_actions':
      return 'action';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'view_submission':
      return 'view';
    default:
      return 'other';
  }
}

function personOf(body: Body): string | undefined {
  if (typeof body.user_id === 'string') return body.user_id;
  const id = record(body.user)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The first input block of the submitted modal: where Slack can show an error under the typed text. */
function firstInputBlock(body: Body): string | undefined {
  const blocks = record(body.view)?.blocks;
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks) {
    const entry = record(block);
    if (entry?.type === 'input' && typeof entry.block_id === 'string') return entry.block_id;
  }
  return undefined;
}

type AckArgument = Parameters<AckFn<unknown>>[0];

/** One request's answer: whether it was given, and by whom. */
class PendingAnswer {
  acked = false;
  onBehalf = false;

  constructor(
    private readonly realAck: AckFn<unknown>,
    private readonly kind: Kind,
    private readonly respond: RespondFn | undefined,
    private readonly logger: Logger,
  ) {}

  /** What the listener gets as `ack`. */
  readonly ack = async (response?: AckArgument): Promise<void> => {
    if (this.acked && this.onBehalf) {
      // Answered for it already (it was slow): what it meant to say still reaches the person, if it can.
      if (response !== undefined && this.respond && (this.kind === 'command' || this.kind === 'action')) {
        const message = typeof response === 'string' ? { text: response } : response;
        await this.respond({
          response_type: 'ephemeral',
          replace_original: false,
          ...message,
        } as never).catch((error: unknown) =>
          this.logger.warn(`A late answer could not be sent: ${safeErrorText(error)}`),
        );
      }
      return;
    }
    this.acked = true;
    await this.realAck(response);
  };

  /** Acks for the listener; false when it had acked already. */
  async answerFor(response?: AckArgument): Promise<boolean> {
    if (this.acked) return false;
    this.acked = true;
    this.onBehalf = true;
    await this.realAck(response);
    return true;
  }
}

const ANSWER = Symbol('touchpoint.answer');

/** The `ack` a listener should use: the guarded one when the request passed through `alwaysAnswer`. */
export function guardedAck<Ack>(context: Context, ack: Ack): Ack {
  const pending = (context as { [ANSWER]?: PendingAnswer })[ANSWER];
  return (pending ? pending.ack : ack) as Ack;
}

/**
 * Whether the request was already answered on its listener's behalf (it was slow: a modal was told
 * "taking longer"), so that whatever the listener acks now is not shown. Read it right before acking,
 * with no `await` between: the listener's `ack` marks the answer given at once, so no timer fires in between.
 */
export function answeredForListener(context: Context): boolean {
  return (context as { [ANSWER]?: PendingAnswer })[ANSWER]?.onBehalf === true;
}

/** Tells the person privately: in the conversation they acted from when Slack gave a response URL, else by DM. */
async function tellPrivately(
  text: string,
  { respond, client, body }: { respond: RespondFn | undefined; client: WebClient; body: Body },
): Promise<void> {
  if (respond) {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  }
  const person = personOf(body);
  if (person) await client.chat.postMessage({ channel: person, text });
}

/** Global middleware: see the top of this file. */
export function alwaysAnswer(options: {
  logger: Logger;
  answerWithinMs?: number;
}): Middleware<AnyMiddlewareArgs> {
  const { logger } = options;
  const within = options.answerWithinMs ?? ANSWER_WITHIN_MS;
  return async (args) => {
    // Events are acked by Bolt before any listener runs; nobody is waiting on them.
    if (!('ack' in args) || typeof args.ack !== 'function') return args.next();
    const body = record(args.body) ?? {};
    const kind = kindOf(body);
    const respond = 'respond' in args && typeof args.respond === 'function' ? args.respond : undefined;
    const pending = new PendingAnswer(args.ack as AckFn<unknown>, kind, respond, logger);
    (args.context as { [ANSWER]?: PendingAnswer })[ANSWER] = pending;
    const target = { respond, client: args.client, body };

    const timer = setTimeout(() => {
      const slow = kind === 'view' ? failureAnswer(body, messages.slowModal) : undefined;
      pending
        .answerFor(slow)
        .then((answered) => {
          if (answered) logger.warn(`A ${kind} listener had not answered in ${within} ms: answered for it`);
        })
        .catch((error: unknown) =>
          logger.warn(`Answering for a slow listener failed: ${safeErrorText(error)}`),
        );
    }, within);

    try {
      await args.next();
    } catch (error) {
      const down = isDatabaseUnavailable(error);
      await answerFailure(pending, kind, down, target).catch((failure: unknown) =>
        logger.warn(`Telling the person about a failure failed: ${safeErrorText(failure)}`),
      );
      // Bolt's error handler logs it.
      throw error;
    } finally {
      clearTimeout(timer);
    }
    // No listener for its ID, or one that returned without acking.
    await pending.answerFor();
  };
}

function failureAnswer(body: Body, text: string): AckArgument {
  const blockId = firstInputBlock(body);
  return blockId ? { response_action: 'errors', errors: { [blockId]: text } } : undefined;
}

async function answerFailure(
  pending: PendingAnswer,
  kind: Kind,
  databaseDown: boolean,
  target: { respond: RespondFn | undefined; client: WebClient; body: Body },
): Promise<void> {
  const text = databaseDown ? messages.database : messages.failed;
  if (kind === 'view') {
    const answer = failureAnswer(target.body, databaseDown ? messages.databaseModal : messages.failedModal);
    // The modal stays open with the text under its first input; a modal without inputs closes, and
    // the person hears by DM.
    if ((await pending.answerFor(answer)) && answer !== undefined) return;
    await tellPrivately(text, { ...target, respond: undefined });
    return;
  }
  if (kind === 'command') {
    // A slash command's answer can carry the message itself (shown only to the person).
    if (await pending.answerFor({ response_type: 'ephemeral', text } as AckArgument)) return;
    await tellPrivately(text, target);
    return;
  }
  await pending.answerFor();
  if (kind === 'action' || kind === 'shortcut') await tellPrivately(text, target);
}
