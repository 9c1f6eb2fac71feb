import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessage, checkView } from './block-kit.js';

/**
 * A fake Slack Web API on a random loopback port. The app reaches it through SLACK_API_URL. It records
 * every call, answers like Slack (`ok`, `ts`, `channel`, `view.id`), and rejects what Slack would reject:
 * Block Kit over the limits (`invalid_blocks`), unknown channels (`channel_not_found`), bad tokens
 * (`invalid_auth`); it returns 429 with Retry-After when told to. It also serves response URLs.
 *
 * For the fault suite and the benchmark it keeps what was posted per conversation (with message
 * `metadata`, readable back through `conversations.history` and `conversations.replies`, as the outbox
 * does to find out whether an uncertain send reached Slack), opens fault windows in wall time
 * (`failFor`) and paces a method like Slack's rate tiers (`paceMethod`).
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** What the fake answered. */
  response: Record<string, unknown>;
  at: number;
  /** For a response URL: which one (the part after /respond/). */
  responseUrlId?: string;
}

export interface FakeUser {
  id: string;
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
  real_name?: string;
}

export const FAKE_BOT_TOKEN = 'xoxb-0000000000-test-touchpoint';
export const FAKE_BOT_USER = 'U0TOUCHBOT';
export const FAKE_TEAM = 'T0TEAM0001';

/** A message as the fake keeps it: what was posted, where it landed (a DM is stored under `D…`) and its `ts`. */
export interface StoredMessage {
  channel: string;
  ts: string;
  text?: unknown;
  blocks?: unknown;
  /** `{ event_type, event_payload }`, as posted. */
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  thread_ts?: string;
  [arg: string]: unknown;
}

/** What a fault window answers: 429 with Retry-After (seconds), or a 500 from Slack's edge. */
export type Fault = { status: 429; retryAfter: number } | { status: 500 };

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

const isTrue = (value: unknown) => value === true || value === 'true' || value === '1' || value === 1;

// Slack encodes these arguments as JSON strings inside form bodies.
const JSON_ARGUMENTS = ['blocks', 'attachments', 'view', 'metadata', 'users', 'file_uploads', 'files'];

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly channels = new Set<string>();
  readonly users = new Map<string, FakeUser>();
  readonly usergroups = new Map<string, string[]>();
  /** How conversations.info describes a channel; by default its name is its ID in lower case, the bot a member. */
  readonly channelInfo = new Map<string, { name?: string; is_archived?: boolean; is_member?: boolean }>();
  validTokens = new Set([FAKE_BOT_TOKEN]);
  /** A fake Socket Mode server (fake-socket-mode.ts): apps.connections.open hands out its URL. */
  socketMode: { connectionUrl(): string } | undefined;
  private server: Server | undefined;
  private port = 0;
  private tsMicros = 0;
  private viewCounter = 0;
  private readonly messages = new Map<string, StoredMessage>();
  /** Every successful chat.postMessage per conversation, oldest first (top-level messages and replies). */
  private readonly conversations = new Map<string, StoredMessage[]>();
  /** DM channels handed out by conversations.open. */
  private readonly openedDms = new Set<string>();
  private readonly faultWindows: { method: string; until: number; fault: Fault }[] = [];
  private readonly pacing = new Map<
    string,
    { perSecond: number; burst: number; tokens: number; refilledAt: number }
  >();
  private readonly views = new Map<string, Record<string, unknown>>();
  private readonly rateLimits = new Map<string, { times: number; retryAfter: number }>();
  private readonly failures = new Map<string, string[]>();
  private readonly waiters = new Set<() => void>();
  private fileCounter = 0;
  /** Uploaded file contents by file ID (files upload v2), read as UTF-8 text. */
  readonly uploads = new Map<string, string>();
  /** The same uploads as the bytes that arrived (a PNG is not text). */
  readonly uploadBytes = new Map<string, Buffer>();
  /** Files shared by files.completeUploadExternal, with their content (as text, and as bytes). */
  readonly sharedFiles: {
    id: string;
    title: string | undefined;
    channel: string;
    content: string;
    bytes: Buffer;
    comment: string | undefined;
    thread_ts: string | undefined;
  }[] = [];
  /** Added to every answer, to model a slow Slack. */
  latencyMs = 0;
  /** A random extra of up to this much on top of `latencyMs` (a Slack answering in 20-50 ms: 20 + 30). */
  latencyJitterMs = 0;
  /** The most requests to each Web API method in flight at once (to check a client's concurrency). */
  readonly peakInFlight = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();

  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    await fake.listen();
    return fake;
  }

  /** The base URL to put in SLACK_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response URL, as Slack puts in slash command and interaction payloads. */
  responseUrl(id = 'T0TEAM0001/1/abc'): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  addChannel(...ids: string[]): this {
    for (const id of ids) this.channels.add(id);
    return this;
  }

  /** Adds the channel (if new) and sets what conversations.info says of it. */
  setChannel(id: string, info: { name?: string; is_archived?: boolean; is_member?: boolean }): this {
    this.channels.add(id);
    this.channelInfo.set(id, { ...this.channelInfo.get(id), ...info });
    return this;
  }

  addUser(user: FakeUser): this {
    this.users.set(user.id, user);
    return this;
  }

  addUsergroup(id: string, members: string[]): this {
    this.usergroups.set(id, members);
    return this;
  }

  /** The next `times` calls to `method` get HTTP 429 with this Retry-After (seconds). */
  rateLimit(method: string, times: number, retryAfter = 1): void {
    this.rateLimits.set(method, { times, retryAfter });
  }

  /** The next call to `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /**
   * Every call to `method` (or to any Web API method, `'*'`) for the next `ms` of wall time answers with
   * `fault`: HTTP 429 `ratelimited` with Retry-After, or HTTP 500 with an HTML page as Slack's edge
   * sends. The call is recorded (its `response.status` says so) and nothing is posted.
   */
  failFor(method: string, ms: number, fault: Fault): void {
    this.faultWindows.push({ method, until: Date.now() + ms, fault });
  }

  /** Ends every fault window now. */
  clearFaults(): void {
    this.faultWindows.length = 0;
  }

  /**
   * Paces `method` like Slack: a token bucket of `perSecond` with a small burst; a call beyond it
   * answers 429 with Retry-After 1 (and is recorded). Every call takes a token, as at Slack, whatever
   * it answers. `perSecond` 0 stops pacing.
   */
  paceMethod(method: string, perSecond: number, burst = Math.max(1, Math.ceil(perSecond / 4))): void {
    if (perSecond <= 0) {
      this.pacing.delete(method);
      return;
    }
    this.pacing.set(method, { perSecond, burst, tokens: burst, refilledAt: Date.now() });
  }

  /** The DM channel Slack uses for the app and `user` (what conversations.open returns). */
  dmChannelOf(user: string): string {
    return `D${user.slice(1)}`;
  }

  /**
   * The messages chat.postMessage delivered to a channel, or to a user's DM (give the `U…` or the
   * `D…`), oldest first, thread replies included: to count what was lost or sent twice.
   */
  postedTo(channelOrUser: string): StoredMessage[] {
    const channel = /^[UW][A-Z0-9]+$/.test(channelOrUser) ? this.dmChannelOf(channelOrUser) : channelOrUser;
    return [...(this.conversations.get(channel) ?? [])];
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Waits until a call to `method` matching `predicate` has been recorded (Bolt acks before it works). */
  async waitFor(
    method: string,
    predicate: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<RecordedCall> {
    const find = () => this.calls.find((call) => call.method === method && predicate(call));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const counts = new Map<string, number>();
        for (const call of this.calls) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
        const seen = [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ') || 'none';
        throw new Error(
          `fake Slack: no matching ${method} call within ${timeoutMs} ms (calls seen: ${seen})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 100));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Resolves when no call arrives for `quietMs`: to assert that something did NOT happen. */
  async settle(quietMs = 300): Promise<void> {
    let count = -1;
    while (count !== this.calls.length) {
      count = this.calls.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private record(call: Omit<RecordedCall, 'at'>): void {
    this.calls.push({ ...call, at: Date.now() });
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/api\//, '');
    const inFlight = (this.inFlight.get(key) ?? 0) + 1;
    this.inFlight.set(key, inFlight);
    this.peakInFlight.set(key, Math.max(this.peakInFlight.get(key) ?? 0, inFlight));
    try {
      await this.handleRequest(req, res);
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    }
  }

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const raw = body.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const latency = this.latencyMs + (this.latencyJitterMs > 0 ? Math.random() * this.latencyJitterMs : 0);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    if (url.pathname.startsWith('/respond/')) {
      const args = parseBody(raw, req.headers['content-type']);
      const problems = checkMessage(args);
      const response = problems.length
        ? { ok: false, error: 'invalid_blocks', errors: problems }
        : { ok: true };
      const responseUrlId = decodeURIComponent(url.pathname.slice('/respond/'.length));
      this.record({ method: 'response_url', args, token: undefined, response, responseUrlId });
      res.writeHead(problems.length ? 400 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(response));
      return;
    }

    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      const bytes = uploadedBytes(body, req.headers['content-type']);
      const content = bytes.toString('utf8');
      this.uploads.set(fileId, content);
      this.uploadBytes.set(fileId, bytes);
      this.record({
        method: 'file_upload',
        args: { file_id: fileId, content },
        token: undefined,
        response: { ok: true },
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK - 1');
      return;
    }

    const method = url.pathname.replace(/^\/api\//, '');
    const args = { ...Object.fromEntries(url.searchParams), ...parseBody(raw, req.headers['content-type']) };
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? (args.token as string | undefined);

    const fault = this.faultFor(method);
    if (fault?.status === 500) {
      this.record({ method, args, token, response: { ok: false, error: 'http_500', status: 500 } });
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(
        '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>',
      );
      return;
    }
    const retryAfter = fault?.status === 429 ? fault.retryAfter : this.paced(method) ? undefined : 1;
    if (retryAfter !== undefined) {
      const response = { ok: false, error: 'ratelimited' };
      this.record({ method, args, token, response: { ...response, status: 429 } });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
      res.end(JSON.stringify(response));
      return;
    }

    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      const response = { ok: false, error: 'ratelimited' };
      this.record({ method, args, token, response: { ...response, status: 429 } });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfter) });
      res.end(JSON.stringify(response));
      return;
    }

    const response = this.answer(method, args, token);
    this.record({ method, args, token, response });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(response));
  }

  private faultFor(method: string): Fault | undefined {
    const now = Date.now();
    for (let i = this.faultWindows.length - 1; i >= 0; i -= 1) {
      const window = this.faultWindows[i];
      if (window && window.until <= now) this.faultWindows.splice(i, 1);
    }
    return this.faultWindows.find((window) => window.method === method || window.method === '*')?.fault;
  }

  /** Takes a token from `method`'s bucket; false when the call is over the pace. */
  private paced(method: string): boolean {
    const bucket = this.pacing.get(method);
    if (!bucket) return true;
    const now = Date.now();
    bucket.tokens = Math.min(
      bucket.burst,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * bucket.perSecond,
    );
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** A conversation that conversations.history may read: a known channel or a DM of a known user. */
  private readableConversation(channel: unknown): string | undefined {
    if (typeof channel !== 'string') return undefined;
    if (this.channels.has(channel) || this.openedDms.has(channel) || this.conversations.has(channel))
      return channel;
    if (/^D[A-Z0-9]+$/.test(channel)) {
      const user = this.users.get(`U${channel.slice(1)}`) ?? this.users.get(`W${channel.slice(1)}`);
      if (user && user.deleted !== true) return channel;
    }
    return undefined;
  }

  /** A message as conversations.history/replies show it: the bot's, with metadata only when asked. */
  private shown(message: StoredMessage, withMetadata: boolean): Record<string, unknown> {
    const replies = message.thread_ts
      ? []
      : (this.conversations.get(message.channel) ?? []).filter((reply) => reply.thread_ts === message.ts);
    return {
      type: 'message',
      user: FAKE_BOT_USER,
      bot_id: 'B0TOUCHBOT',
      text: message.text,
      blocks: message.blocks,
      ts: message.ts,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
      ...(replies.length ? { thread_ts: message.ts, reply_count: replies.length } : {}),
      ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
    };
  }

  /** One page of `messages` (already in the order Slack gives), with Slack's cursor pagination. */
  private page(messages: StoredMessage[], args: Record<string, unknown>) {
    const limit = Math.min(Math.max(Number(args.limit) || 100, 1), 999);
    const offset =
      typeof args.cursor === 'string' && args.cursor !== ''
        ? Number(
            Buffer.from(args.cursor, 'base64')
              .toString()
              .replace(/^offset:/, ''),
          ) || 0
        : 0;
    const slice = messages.slice(offset, offset + limit);
    const hasMore = offset + limit < messages.length;
    return {
      ok: true,
      messages: slice.map((message) => this.shown(message, isTrue(args.include_all_metadata))),
      has_more: hasMore,
      response_metadata: {
        next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '',
      },
    };
  }

  private answer(method: string, args: Record<string, unknown>, token: string | undefined) {
    if (token === undefined) return { ok: false, error: 'not_authed' };
    // Socket Mode: app-level tokens open connections and nothing else; without a socket server attached,
    // an app token is refused.
    if (method === 'apps.connections.open') {
      if (!token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
      return this.socketMode
        ? { ok: true, url: this.socketMode.connectionUrl() }
        : { ok: false, error: 'invalid_auth' };
    }
    if (!this.validTokens.has(token)) return { ok: false, error: 'invalid_auth' };
    const queued = this.failures.get(method);
    if (queued?.length) return { ok: false, error: queued.shift() };
    const handler = this.handlers[method];
    return handler ? handler(args) : { ok: false, error: 'unknown_method' };
  }

  /**
   * Slack's `ts`: seconds since the epoch with microseconds, on Slack's clock (wall time, as the outbox's
   * `oldest` filter relies on), unique within a conversation.
   */
  private nextTs(): string {
    this.tsMicros = Math.max(this.tsMicros + 1, Date.now() * 1000);
    return `${Math.floor(this.tsMicros / 1e6)}.${String(this.tsMicros % 1e6).padStart(6, '0')}`;
  }

  /** A user ID as a channel means the app's DM with that user (Slack opens it). */
  private resolveChannel(channel: unknown): string | undefined {
    if (typeof channel !== 'string') return undefined;
    if (this.channels.has(channel)) return channel;
    if (/^D[A-Z0-9]+$/.test(channel)) return channel;
    if (/^[UW][A-Z0-9]+$/.test(channel) && this.users.get(channel)?.deleted !== true)
      return `D${channel.slice(1)}`;
    return undefined;
  }

  private blocksProblem(args: Record<string, unknown>) {
    const problems = checkMessage(args);
    return problems.length ? { ok: false, error: 'invalid_blocks', errors: problems } : undefined;
  }

  private viewProblem(view: unknown) {
    const problems = checkView(view);
    return problems.length
      ? { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } }
      : undefined;
  }

  private storeView(view: Record<string, unknown>, id?: string) {
    const viewId = id ?? `V0FAKE${String(++this.viewCounter).padStart(4, '0')}`;
    const stored = { ...view, id: viewId, hash: `${Date.now()}.${this.viewCounter}` };
    this.views.set(viewId, stored);
    if (typeof view.external_id === 'string') this.views.set(`external:${view.external_id}`, stored);
    return stored;
  }

  private readonly handlers: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: 'https://touchpoint-test.slack.com/',
      team: 'Touchpoint Test',
      user: 'touchpoint',
      team_id: FAKE_TEAM,
      user_id: FAKE_BOT_USER,
      bot_id: 'B0TOUCHBOT',
    }),
    'chat.postMessage': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const problem = this.blocksProblem(args);
      if (problem) return problem;
      const threadTs =
        typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
      const ts = this.nextTs();
      const message: StoredMessage = { ...args, ts, channel, thread_ts: threadTs };
      if (!threadTs) delete message.thread_ts;
      this.messages.set(`${channel}/${ts}`, message);
      const conversation = this.conversations.get(channel) ?? [];
      conversation.push(message);
      this.conversations.set(channel, conversation);
      return {
        ok: true,
        channel,
        ts,
        message: {
          text: args.text,
          blocks: args.blocks,
          ts,
          metadata: message.metadata,
          thread_ts: threadTs,
        },
      };
    },
    'chat.postEphemeral': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel || /^D/.test(channel)) return { ok: false, error: 'channel_not_found' };
      if (typeof args.user !== 'string') return { ok: false, error: 'user_not_found' };
      return this.blocksProblem(args) ?? { ok: true, message_ts: this.nextTs() };
    },
    'chat.update': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const key = `${channel}/${String(args.ts)}`;
      const existing = this.messages.get(key);
      if (!existing) return { ok: false, error: 'message_not_found' };
      const problem = this.blocksProblem(args);
      if (problem) return problem;
      // Kept in place (the same object) so the conversation's list sees the edit.
      Object.assign(existing, args, { channel, ts: existing.ts });
      return { ok: true, channel, ts: args.ts, text: args.text };
    },
    'conversations.open': (args) => {
      const users = String(args.users ?? '').split(',');
      const user = users[0];
      if (!user || this.resolveChannel(user) === undefined) return { ok: false, error: 'user_not_found' };
      const channel = this.dmChannelOf(user);
      this.openedDms.add(channel);
      return { ok: true, channel: { id: channel } };
    },
    // Slack wants a conversation ID here: a user ID is not one (channel_not_found), unlike chat.postMessage.
    'conversations.history': (args) => {
      const channel = this.readableConversation(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      // oldest and latest are exclusive unless `inclusive`; ts strings of equal shape compare as numbers.
      const inclusive = isTrue(args.inclusive);
      const oldest = args.oldest === undefined || args.oldest === '' ? undefined : Number(args.oldest);
      const latest = args.latest === undefined || args.latest === '' ? undefined : Number(args.latest);
      const topLevel = (this.conversations.get(channel) ?? [])
        .filter((message) => !message.thread_ts)
        .filter((message) => {
          const ts = Number(message.ts);
          if (oldest !== undefined && (inclusive ? ts < oldest : ts <= oldest)) return false;
          if (latest !== undefined && (inclusive ? ts > latest : ts >= latest)) return false;
          return true;
        })
        .reverse();
      return this.page(topLevel, args);
    },
    'conversations.replies': (args) => {
      const channel = this.readableConversation(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const parent = this.messages.get(`${channel}/${String(args.ts)}`);
      if (!parent) return { ok: false, error: 'thread_not_found' };
      const root = parent.thread_ts ? this.messages.get(`${channel}/${parent.thread_ts}`) : parent;
      if (!root) return { ok: false, error: 'thread_not_found' };
      const thread = [
        root,
        ...(this.conversations.get(channel) ?? []).filter((message) => message.thread_ts === root.ts),
      ];
      return this.page(thread, args);
    },
    'views.open': (args) => {
      if (typeof args.trigger_id !== 'string' || args.trigger_id === '')
        return { ok: false, error: 'invalid_trigger_id' };
      const view = args.view as Record<string, unknown>;
      return this.viewProblem(view) ?? { ok: true, view: this.storeView(view) };
    },
    'views.push': (args) => {
      if (typeof args.trigger_id !== 'string' || args.trigger_id === '')
        return { ok: false, error: 'invalid_trigger_id' };
      const view = args.view as Record<string, unknown>;
      return this.viewProblem(view) ?? { ok: true, view: this.storeView(view) };
    },
    'views.update': (args) => {
      const key = typeof args.view_id === 'string' ? args.view_id : `external:${String(args.external_id)}`;
      const existing = this.views.get(key);
      if (!existing) return { ok: false, error: 'not_found' };
      const view = args.view as Record<string, unknown>;
      return this.viewProblem(view) ?? { ok: true, view: this.storeView(view, String(existing.id)) };
    },
    'views.publish': (args) => {
      if (typeof args.user_id !== 'string' || !this.resolveChannel(args.user_id))
        return { ok: false, error: 'user_not_found' };
      const view = args.view as Record<string, unknown>;
      if (view?.type !== 'home') return { ok: false, error: 'invalid_arguments' };
      return this.viewProblem(view) ?? { ok: true, view: this.storeView(view) };
    },
    'chat.getPermalink': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      return {
        ok: true,
        channel,
        permalink: `https://touchpoint-test.slack.com/archives/${channel}/p${String(args.message_ts).replace('.', '')}`,
      };
    },
    'files.getUploadURLExternal': (args) => {
      if (typeof args.filename !== 'string' || !Number(args.length))
        return { ok: false, error: 'invalid_arguments' };
      const fileId = `F0FAKE${String(++this.fileCounter).padStart(4, '0')}`;
      return { ok: true, file_id: fileId, upload_url: `http://127.0.0.1:${this.port}/upload/${fileId}` };
    },
    'files.completeUploadExternal': (args) => {
      const files = (typeof args.files === 'string' ? JSON.parse(args.files) : args.files) as {
        id: string;
        title?: string;
      }[];
      // Unlike chat.postMessage, a user ID is no conversation here: Slack answers invalid_arguments
      // ("input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]"); open the DM first.
      if (typeof args.channel_id === 'string' && !/^[CGDZ][A-Z0-9]+$/.test(args.channel_id))
        return {
          ok: false,
          error: 'invalid_arguments',
          response_metadata: {
            messages: [
              '[ERROR] input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]',
            ],
          },
        };
      const channel = this.resolveChannel(args.channel_id);
      if (args.channel_id !== undefined && !channel) return { ok: false, error: 'channel_not_found' };
      for (const file of files) {
        const content = this.uploads.get(file.id);
        if (content === undefined) return { ok: false, error: 'file_not_found' };
        this.sharedFiles.push({
          id: file.id,
          title: file.title,
          channel: channel ?? '',
          content,
          bytes: this.uploadBytes.get(file.id) ?? Buffer.from(content),
          comment: args.initial_comment as string | undefined,
          thread_ts: typeof args.thread_ts === 'string' ? args.thread_ts : undefined,
        });
      }
      return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title })) };
    },
    // For a bot, a private channel it is not in does not exist either (channel_not_found).
    'conversations.info': (args) => {
      const id = String(args.channel);
      if (!this.channels.has(id)) return { ok: false, error: 'channel_not_found' };
      const info = this.channelInfo.get(id) ?? {};
      return {
        ok: true,
        channel: {
          id,
          name: info.name ?? id.toLowerCase(),
          is_channel: true,
          is_private: id.startsWith('G'),
          is_archived: info.is_archived ?? false,
          is_member: info.is_member ?? true,
        },
      };
    },
    'usergroups.list': (args) => ({
      ok: true,
      usergroups: [...this.usergroups].map(([id, users]) => ({
        id,
        team_id: FAKE_TEAM,
        is_usergroup: true,
        name: id,
        handle: id.toLowerCase(),
        date_delete: 0,
        user_count: users.length,
        ...(isTrue(args.include_users) ? { users } : {}),
      })),
    }),
    'usergroups.users.list': (args) => {
      const members = this.usergroups.get(String(args.usergroup));
      return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
    },
    'users.info': (args) => {
      const user = this.users.get(String(args.user));
      if (!user) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: {
          id: user.id,
          name: user.id.toLowerCase(),
          real_name: user.real_name ?? user.id,
          deleted: user.deleted ?? false,
          is_bot: user.is_bot ?? false,
          tz: user.tz ?? 'UTC',
          tz_offset: 0,
        },
      };
    },
  };
}

/** The file bytes of an upload, whether sent raw or as the one part of a multipart form (bytes kept as sent). */
function uploadedBytes(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return body;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const first = body.indexOf(marker);
  if (first === -1) return Buffer.alloc(0);
  const headersEnd = body.indexOf('\r\n\r\n', first + marker.length);
  if (headersEnd === -1) return Buffer.alloc(0);
  const start = headersEnd + 4;
  const next = body.indexOf(marker, start);
  let end = next === -1 ? body.length : next;
  // The part ends with the CRLF before the next boundary.
  if (end - 2 >= start && body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
  return body.subarray(start, end);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of JSON_ARGUMENTS) {
    const value = args[key];
    if (typeof value === 'string' && /^[[{]/.test(value.trim())) args[key] = JSON.parse(value);
  }
  return args;
}
