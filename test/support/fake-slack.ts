import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessage, checkView } from './block-kit.js';

/**
 * A fake Slack Web API on a random loopback port. The app reaches it through SLACK_API_URL. It records
 * every call, answers like Slack (`ok`, `ts`, `channel`, `view.id`), and rejects what Slack would reject:
 * Block Kit over the limits (`invalid_blocks`), unknown channels (`channel_not_found`), bad tokens
 * (`invalid_auth`); it returns 429 with Retry-After when told to. It also serves response URLs.
 */

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** What the fake answered. */
  response: Record<string, unknown>;
  at: number;
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

type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

// Slack encodes these arguments as JSON strings inside form bodies.
const JSON_ARGUMENTS = ['blocks', 'attachments', 'view', 'metadata', 'users', 'file_uploads', 'files'];

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly channels = new Set<string>();
  readonly users = new Map<string, FakeUser>();
  readonly usergroups = new Map<string, string[]>();
  validTokens = new Set([FAKE_BOT_TOKEN]);
  private server: Server | undefined;
  private port = 0;
  private tsCounter = 0;
  private viewCounter = 0;
  private readonly messages = new Map<string, Record<string, unknown>>();
  private readonly views = new Map<string, Record<string, unknown>>();
  private readonly rateLimits = new Map<string, { times: number; retryAfter: number }>();
  private readonly failures = new Map<string, string[]>();
  private readonly waiters = new Set<() => void>();
  private fileCounter = 0;
  /** Uploaded file contents by file ID (files upload v2). */
  readonly uploads = new Map<string, string>();
  /** Files shared by files.completeUploadExternal, with their content. */
  readonly sharedFiles: {
    id: string;
    title: string | undefined;
    channel: string;
    content: string;
    comment: string | undefined;
  }[] = [];
  /** Added to every answer, to model a slow Slack. */
  latencyMs = 0;
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
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));

    if (url.pathname.startsWith('/respond/')) {
      const args = parseBody(raw, req.headers['content-type']);
      const problems = checkMessage(args);
      const response = problems.length
        ? { ok: false, error: 'invalid_blocks', errors: problems }
        : { ok: true };
      this.record({ method: 'response_url', args, token: undefined, response });
      res.writeHead(problems.length ? 400 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(response));
      return;
    }

    if (url.pathname.startsWith('/upload/')) {
      const fileId = url.pathname.slice('/upload/'.length);
      const content = uploadedContent(raw, req.headers['content-type']);
      this.uploads.set(fileId, content);
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

  private answer(method: string, args: Record<string, unknown>, token: string | undefined) {
    if (token === undefined) return { ok: false, error: 'not_authed' };
    // Socket Mode: app-level tokens open connections and nothing else. No WebSocket server here.
    if (method === 'apps.connections.open') {
      return token.startsWith('xapp-')
        ? { ok: false, error: 'invalid_auth' }
        : { ok: false, error: 'not_allowed_token_type' };
    }
    if (!this.validTokens.has(token)) return { ok: false, error: 'invalid_auth' };
    const queued = this.failures.get(method);
    if (queued?.length) return { ok: false, error: queued.shift() };
    const handler = this.handlers[method];
    return handler ? handler(args) : { ok: false, error: 'unknown_method' };
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${1_700_000_000 + this.tsCounter}.${String(this.tsCounter).padStart(6, '0')}`;
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
      const ts = this.nextTs();
      const message = { ...args, ts, channel };
      this.messages.set(`${channel}/${ts}`, message);
      return { ok: true, channel, ts, message: { text: args.text, blocks: args.blocks, ts } };
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
      this.messages.set(key, { ...existing, ...args, channel });
      return { ok: true, channel, ts: args.ts, text: args.text };
    },
    'conversations.open': (args) => {
      const users = String(args.users ?? '').split(',');
      const user = users[0];
      if (!user || this.resolveChannel(user) === undefined) return { ok: false, error: 'user_not_found' };
      return { ok: true, channel: { id: `D${user.slice(1)}` } };
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
          comment: args.initial_comment as string | undefined,
        });
      }
      return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title })) };
    },
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

/** The file bytes of an upload, whether sent raw or as the one part of a multipart form. */
function uploadedContent(raw: string, contentType: string | undefined): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return raw;
  const marker = `--${boundary[1] ?? boundary[2]}`;
  const part = raw.split(marker)[1] ?? '';
  const start = part.indexOf('\r\n\r\n');
  return start === -1 ? '' : part.slice(start + 4).replace(/\r\n$/, '');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
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
