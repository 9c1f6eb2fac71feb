import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client.js';
import { newLogId, runWithLogContext } from '../logger.js';
import type { Metrics, OutboxSendResult } from '../metrics.js';
import { safeErrorText } from '../slack/safe-errors.js';
import { backoffMs, classifySendError } from './outbox.errors.js';
import { type OutboxRenderer, onEnqueued, type PostedMessage } from './outbox.js';
import { type MethodPace, paceFor } from './outbox.pace.js';
import {
  type ClaimedRow,
  claimDueItems,
  claimNextInLane,
  extendClaim,
  findOutboxItemByKey,
  markFailed,
  markSent,
} from './outbox.queries.js';

/**
 * The outbox worker: one in every replica. It claims due items (the first unfinished item of each
 * lane), sends them with a Web API client of its own — so a 429 here never holds up a modal someone is
 * waiting for — paced per method, and records the outcome. What keeps failing becomes a dead letter the
 * CX office sees in `/touchpoint health`.
 *
 * Exactly once, as far as Slack allows: a claim is committed (and the row marked `uncertain`) before the
 * call; each message carries its outbox id in Slack message metadata; a row taken over while uncertain
 * (its process died mid-send, or Slack answered 5xx or not at all) is first looked for in the
 * conversation's history, and only sent if it is not there.
 *
 * Files (`files.uploadV2`) are the exception: a file carries no message metadata and the app may not
 * read files (no `files:read`), so an upload cannot be looked for. They are sent at least once: an
 * upload whose completion reached Slack but whose outcome was not recorded (the process died between
 * `files.completeUploadExternal` and `markSent`, or Slack answered that last call with a 5xx or not at
 * all) is uploaded again when the row is taken over. The window is kept to that last call: the bytes are
 * rendered and uploaded to Slack's upload URL first (nothing is shared before the completion), the
 * completion is the only call that shares, and the outcome is written as soon as it answers.
 */

export const DELIVERY_EVENT_TYPE = 'touchpoint_delivery';
/** Sends in flight at once, per replica. */
export const DEFAULT_OUTBOX_CONCURRENCY = 16;
/** How many items of one lane a send slot takes in a row before it lets the claim spread the slots again. */
const LANE_RUN_MAX = 50;

export interface OutboxWorkerOptions {
  db: Db;
  /** A client of its own, with no retries of its own and 429s rejected (`rejectRateLimitedCalls`). */
  client: WebClient;
  renderers: OutboxRenderer[];
  logger: Logger;
  now: () => Date;
  /** Sends in flight at once (default 16). */
  concurrency?: number;
  /** How often an idle worker looks for work written by other replicas (default 500 ms). */
  pollIntervalMs?: number;
  /**
   * How long a claim holds unless renewed (default 15 s). A live worker renews its claims every third of
   * it; a process that died stops renewing, and its rows are taken over (and looked for) after this.
   */
  leaseMs?: number;
  /** Failed attempts before a dead letter (default 14: about an hour of backoff). */
  maxAttempts?: number;
  /** Start the loop (default true). Tests may drive `drain()` alone. */
  autoStart?: boolean;
  /**
   * The clock of Slack's rate limits, in milliseconds (default the wall clock: Slack counts real
   * seconds). A test moving its own clock by hand passes it here to wait out a Retry-After without sleeping.
   */
  paceClock?: () => number;
  /** Counts sends by result (`GET /metrics`). */
  metrics?: Metrics;
}

export interface OutboxWorker {
  /** Sends everything due now and resolves when nothing due is left; returns how many items were handled. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

type Call = (method: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, client, logger, now } = options;
  const paceNow = options.paceClock ?? Date.now;
  const concurrency = options.concurrency ?? DEFAULT_OUTBOX_CONCURRENCY;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const leaseMs = options.leaseMs ?? 15_000;
  const maxAttempts = options.maxAttempts ?? 14;
  const renderers = new Map(options.renderers.map((renderer) => [renderer.name, renderer]));
  const counted = (result: OutboxSendResult) => options.metrics?.outboxSends.inc({ result });
  const paces = new Map<string, MethodPace>();
  const pace = (method: string) => {
    let found = paces.get(method);
    if (!found) {
      found = paceFor(method, paceNow());
      paces.set(method, found);
    }
    return found;
  };

  const call: Call = async (method, args) => {
    if (method === 'files.uploadV2') {
      return (await client.filesUploadV2(args as never)) as unknown as Record<string, unknown>;
    }
    return (await client.apiCall(method, args)) as unknown as Record<string, unknown>;
  };

  /** Waits for the method's pace (wall time: Slack's limits are in real seconds). */
  async function paced(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (;;) {
      const wait = pace(method).take(paceNow());
      if (wait === 0) break;
      await delay(Math.min(wait, 5_000));
    }
    try {
      const result = await call(method, args);
      pace(method).succeeded(paceNow());
      return result;
    } catch (error) {
      const failure = classifySendError(error);
      if (failure.kind === 'rate_limited') pace(method).rateLimited(paceNow(), failure.retryAfterMs);
      throw error;
    }
  }

  /** Where the message goes and, for a thread line or an update, the parent's message. */
  async function target(
    row: ClaimedRow,
  ): Promise<{ channel: string; parent?: PostedMessage } | { wait: string } | { dead: string }> {
    const payload = row.payload as { channel: string };
    if (!row.parentKey) return { channel: payload.channel };
    const parent = await findOutboxItemByKey(db, row.parentKey);
    if (!parent) return { dead: 'the message it belongs to was never queued' };
    if (parent.status === 'dead') return { dead: 'the message it belongs to was not delivered' };
    const posted = parent.result as PostedMessage | null;
    if (parent.status !== 'sent' && !posted) return { wait: 'waiting for the message it belongs to' };
    if (!posted) return { dead: 'the message it belongs to has no timestamp' };
    return { channel: posted.channel, parent: posted };
  }

  /**
   * The conversation ID of where a row goes: a user ID's DM (Slack opens it, or answers with the one that
   * exists), a channel as it is. Methods that want a conversation (history, file uploads) need it.
   */
  async function conversationOf(channel: string): Promise<string> {
    if (!/^[UW][A-Z0-9]+$/.test(channel)) return channel;
    const opened = await paced('conversations.open', { users: channel });
    return String((opened.channel as { id?: string } | undefined)?.id ?? channel);
  }

  /** The message this row already put in Slack, if an earlier attempt got through. */
  async function findDelivered(
    row: ClaimedRow,
    channel: string,
    parent: PostedMessage | undefined,
  ): Promise<PostedMessage | undefined> {
    const conversation = await conversationOf(channel);
    // Slack's ts is its own clock; a minute's margin before the row existed covers the skew.
    const oldest = String(Math.floor(row.createdAt.getTime() / 1000) - 60);
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const method = parent ? 'conversations.replies' : 'conversations.history';
      const answer = await paced(method, {
        channel: conversation,
        ...(parent ? { ts: parent.ts } : {}),
        oldest,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      });
      const messages = (answer.messages ?? []) as {
        ts?: string;
        metadata?: { event_type?: string; event_payload?: { outbox_id?: unknown } };
      }[];
      const found = messages.find(
        (message) =>
          message.metadata?.event_type === DELIVERY_EVENT_TYPE &&
          Number(message.metadata.event_payload?.outbox_id) === row.id,
      );
      if (found?.ts) return { channel: conversation, ts: found.ts };
      cursor = (answer.response_metadata as { next_cursor?: string } | undefined)?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  async function finishSent(row: ClaimedRow, posted: PostedMessage | null): Promise<void> {
    const renderer = row.render ? renderers.get(row.render) : undefined;
    const input = (row.payload as { input?: Record<string, unknown> }).input ?? {};
    await db.transaction(async (tx) => {
      if (posted && renderer?.sent && row.method === 'chat.postMessage')
        await renderer.sent(tx, input, posted);
      await markSent(tx, row, now(), posted);
    });
    counted('sent');
  }

  /** Gives up on a row at once: it can never be sent as it is. */
  async function giveUp(row: ClaimedRow, error: string): Promise<void> {
    await markFailed(db, row.id, { retryAt: null, error, countsAsAttempt: true, uncertain: false });
    counted('dead');
  }

  async function fail(row: ClaimedRow, error: unknown): Promise<void> {
    const failure = classifySendError(error);
    const at = now().getTime();
    if (failure.kind === 'rate_limited') {
      await markFailed(db, row.id, {
        retryAt: new Date(at + failure.retryAfterMs),
        error: failure.error,
        countsAsAttempt: false,
        uncertain: false,
      });
      counted('rate_limited');
      return;
    }
    const attempts = row.attempts + 1;
    const dead = failure.kind === 'permanent' || attempts >= maxAttempts;
    await markFailed(db, row.id, {
      retryAt: dead ? null : new Date(at + backoffMs(row.attempts)),
      error: failure.error,
      countsAsAttempt: true,
      uncertain: failure.kind === 'retry' && failure.uncertain,
    });
    counted(dead ? 'dead' : 'retry');
    // Never the channel or the text: a DM's channel is its recipient, maybe an anonymous submitter.
    const what = `${row.method} ${row.key.split(':').slice(0, 2).join(':')}`;
    if (dead) logger.warn(`Outbox: ${what} (#${row.id}) is a dead letter: ${failure.error}`);
    else logger.info(`Outbox: ${what} (#${row.id}) failed (${failure.error}); will retry`);
  }

  async function send(row: ClaimedRow): Promise<void> {
    try {
      const where = await target(row);
      if ('dead' in where) {
        await giveUp(row, where.dead);
        return;
      }
      if ('wait' in where) {
        await markFailed(db, row.id, {
          retryAt: new Date(now().getTime() + 1_000),
          error: where.wait,
          countsAsAttempt: false,
          uncertain: false,
        });
        return;
      }
      let args: Record<string, unknown> | null;
      if (row.render) {
        const renderer = renderers.get(row.render);
        if (!renderer) {
          await giveUp(row, `no renderer called ${row.render}`);
          return;
        }
        args = await renderer.render(db, (row.payload as { input: Record<string, unknown> }).input, now());
      } else {
        args = (row.payload as { args: Record<string, unknown> }).args;
      }
      if (args === null) {
        await finishSent(row, null); // nothing to say any more (e.g. the card's nomination is gone)
        return;
      }
      // A renderer may name the message itself (a card's channel and ts kept on its nomination).
      const { channel: ownChannel, ts: ownTs, thread_ts: ownThread, ...message } = args;
      const channel = typeof ownChannel === 'string' ? ownChannel : where.channel;
      const parent =
        typeof ownTs === 'string'
          ? { channel, ts: ownTs }
          : typeof ownThread === 'string'
            ? { channel, ts: ownThread }
            : where.parent;
      if (row.method === 'chat.update' && !parent) {
        await giveUp(row, 'an update needs the message it updates');
        return;
      }
      const fileProblem = row.method === 'files.uploadV2' ? problemWithFiles(message) : undefined;
      if (fileProblem) {
        await giveUp(row, fileProblem);
        return;
      }
      // An upload that may have arrived is uploaded again: Slack's files cannot be looked for (see above).
      if (row.method === 'chat.postMessage' && row.maybeSent) {
        const found = await findDelivered(row, channel, parent).catch((error: unknown) => {
          // A conversation the bot cannot read: send again rather than lose the message (at least once).
          const failure = classifySendError(error);
          if (failure.kind === 'permanent') return undefined;
          throw error;
        });
        if (found) {
          await finishSent(row, found);
          return;
        }
      }
      const posted = await deliver(row, message, channel, parent);
      await finishSent(row, posted);
    } catch (error) {
      await fail(row, error).catch((failure: unknown) => {
        // The database is away: the lease runs out and the row is taken over (uncertain) later.
        logger.error(`Outbox: could not record a send's outcome: ${safeErrorText(failure)}`);
      });
    }
  }

  async function deliver(
    row: ClaimedRow,
    args: Record<string, unknown>,
    channel: string,
    parent: PostedMessage | undefined,
  ): Promise<PostedMessage | null> {
    if (row.method === 'chat.update') {
      if (!parent) throw new Error('an update needs the message it updates');
      await paced('chat.update', { ...args, channel: parent.channel, ts: parent.ts });
      return parent;
    }
    if (row.method === 'files.uploadV2') {
      // files.completeUploadExternal takes a conversation ID only (a user ID is invalid_arguments), unlike
      // chat.postMessage: a DM is opened first. Under a parent message: in its thread.
      const conversation = parent ? parent.channel : await conversationOf(channel);
      await paced('files.uploadV2', {
        ...args,
        channel_id: conversation,
        ...(parent ? { thread_ts: parent.ts } : {}),
      });
      return null;
    }
    const answer = await paced('chat.postMessage', {
      unfurl_links: false,
      ...args,
      channel,
      ...(parent ? { thread_ts: parent.ts } : {}),
      metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { outbox_id: row.id } },
    });
    return { channel: String(answer.channel ?? channel), ts: String(answer.ts) };
  }

  // ---- The loop ----------------------------------------------------------------------------------

  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  let looping: Promise<void> | undefined;
  /** The background loop's claim in progress: its rows are claimed but not yet in `inFlight`. */
  let loopClaim: Promise<number> | undefined;
  let claimFailing = false;
  /** Row ids this worker holds, renewed while it holds them. */
  const held = new Set<number>();
  /** Items this worker has taken (claimed and handed to `send`), for `drain()`'s count. */
  let handledTotal = 0;
  const renewal = setInterval(() => {
    if (held.size === 0) return;
    extendClaim(db, [...held], new Date(now().getTime() + leaseMs)).catch(() => {
      // The database is away: the claims lapse and are taken over (and looked for) later. Fine.
    });
  }, leaseMs / 3);
  renewal.unref();

  /** Claims what fits in the free slots and starts sending; returns how many were claimed. */
  async function fill(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0) return 0;
    const nowMs = paceNow();
    const paused = [...paces].filter(([, p]) => p.pausedFor(nowMs) > 0).map(([method]) => method);
    const rows = await claimDueItems(db, now(), free, leaseMs, paused);
    for (const row of rows) {
      // Each send's log lines carry one job id (the outbox row's id is in the message, never its text).
      const task = runWithLogContext({ job: 'outbox', jobId: newLogId() }, () => sendLane(row)).finally(
        () => {
          inFlight.delete(task);
          // Claim again once half the slots are free, not for every slot: a claim looks over the whole
          // queue (lane heads), so one per finished send made a 2,000-DM fan-out crawl on PGlite.
          if (inFlight.size <= concurrency / 2) wakeUp?.();
        },
      );
      inFlight.add(task);
    }
    return rows.length;
  }

  /** Sends a lane's head, then goes on down the lane while its next items are due (in order, one slot). */
  async function sendLane(first: ClaimedRow): Promise<void> {
    let row = first;
    for (let sent = 1; ; sent += 1) {
      held.add(row.id);
      handledTotal += 1;
      try {
        await send(row);
      } finally {
        held.delete(row.id);
      }
      // Only what will be sent is claimed: a claim left unsent would wait out its lease.
      if (row.repeatable || stopped || sent >= LANE_RUN_MAX) return;
      const next = await claimNextInLane(db, row.lane, now(), leaseMs).catch(() => undefined);
      if (!next) return;
      row = next;
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let claimed = 0;
      try {
        loopClaim = fill();
        claimed = await loopClaim;
        if (claimFailing) logger.info('Outbox: the database answers again; sending resumes');
        claimFailing = false;
      } catch (error) {
        // Once per outage, not every poll: the database being away is already on /readyz.
        if (!claimFailing) logger.warn(`Outbox: could not claim work: ${safeErrorText(error)}`);
        claimFailing = true;
      } finally {
        loopClaim = undefined;
      }
      if (stopped) break;
      // Full, or nothing due: wait for a send to finish, an enqueue in this process, or the poll.
      if (claimed === 0 || inFlight.size >= concurrency) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          timer = setTimeout(resolve, claimed === 0 && inFlight.size === 0 ? pollIntervalMs : 100);
        });
        clearTimeout(timer);
        wakeUp = undefined;
      }
    }
  }

  // An enqueue's transaction commits a moment after it calls enqueue: look twice.
  const removeListener = onEnqueued(() => {
    setTimeout(() => wakeUp?.(), 5);
    setTimeout(() => wakeUp?.(), 50);
  });

  if (options.autoStart ?? true) looping = loop();

  return {
    async drain() {
      const before = handledTotal;
      for (;;) {
        const claimed = await fill();
        if (claimed === 0 && inFlight.size === 0) {
          // The loop may hold rows it claimed but has not started: wait for its claim, then look again.
          const other = loopClaim;
          if (!other || (await other.catch(() => 0)) === 0) return handledTotal - before;
          continue;
        }
        if (inFlight.size > 0) await Promise.race(inFlight);
      }
    },
    async stop() {
      stopped = true;
      clearInterval(renewal);
      removeListener();
      wakeUp?.();
      await looping;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * What is wrong with a rendered upload, if anything. A file's bytes come as a Buffer (`file`) and text as a
 * string (`content`): the Web API client reads a string `file` as a path on this machine's disk, which a
 * renderer must never be able to ask for.
 */
export function problemWithFiles(args: Record<string, unknown>): string | undefined {
  const uploads = Array.isArray(args.file_uploads) ? (args.file_uploads as Record<string, unknown>[]) : [];
  const files = 'file' in args || 'content' in args ? [args, ...uploads] : uploads;
  if (files.length === 0) return 'an upload with no file';
  for (const file of files) {
    if ('file' in file && !Buffer.isBuffer(file.file)) return 'a file to upload must be bytes (a Buffer)';
    if (!('file' in file) && typeof file.content !== 'string') return 'a file to upload has no content';
  }
  return undefined;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
