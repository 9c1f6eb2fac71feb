import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlack } from './fake-slack.js';
import { ids } from './payloads.js';

/**
 * A fake of Slack's Socket Mode side: a WebSocket server on a random loopback port. Attached to the fake
 * Web API, `apps.connections.open` hands out its URL with a fresh one-time ticket, as Slack does. It speaks
 * Slack's protocol as @slack/socket-mode reads it:
 * - on connect it says `hello` (the client is connected only from then on);
 * - it sends envelopes `{ envelope_id, type, payload, accepts_response_payload }` and records the app's
 *   acks `{ envelope_id, payload }` (the payload carries a command's or a view submission's response);
 * - `disconnect(reason)` sends `{ type: 'disconnect', reason }`: the client closes the socket and opens a
 *   new one through `apps.connections.open`;
 * - `goAway()` drops every connection without a close frame and refuses new ones, as when Slack's socket
 *   servers cannot be reached (the Web API still hands out URLs).
 */

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeConnection {
  /** 1 for the first connection, 2 for the next… */
  number: number;
  socket: WebSocket;
  /** The acks that came on this connection. */
  acks: SocketAck[];
  /** How it ended (the close code and reason the peer sent), undefined while it is open. */
  closed?: { code: number; reason: string };
}

export class FakeSocketMode {
  /** Every connection accepted, oldest first. */
  readonly connections: FakeConnection[] = [];
  /** Every ack the app sent, in order. */
  readonly acks: SocketAck[] = [];
  /** Messages from the app that are not acks (there should be none). */
  readonly unexpected: unknown[] = [];
  private server: WebSocketServer | undefined;
  private port = 0;
  private readonly tickets = new Set<string>();
  private readonly waiters = new Set<() => void>();

  /** Starts the server and attaches it to `slack`, whose `apps.connections.open` then hands out its URL. */
  static async start(slack: FakeSlack): Promise<FakeSocketMode> {
    const fake = new FakeSocketMode();
    await fake.listen();
    slack.socketMode = fake;
    return fake;
  }

  /** What apps.connections.open answers: this server's URL with a ticket valid for one connection. */
  connectionUrl(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${ids.appId}`;
  }

  /** The newest connection still open. */
  get current(): FakeConnection | undefined {
    return this.connections.filter((connection) => !connection.closed).at(-1);
  }

  /**
   * Sends an envelope on the newest open connection and resolves with the app's ack. Slack expects it
   * within 3 s (and would send the envelope again); the fake waits `timeoutMs`, then fails the test.
   */
  async send(type: EnvelopeType, payload: object | null, timeoutMs = 5_000): Promise<SocketAck> {
    const connection = this.current;
    if (!connection) throw new Error('fake Socket Mode: no open connection to send on');
    const envelopeId = randomUUID();
    const payloadType = (payload as { type?: unknown } | null)?.type;
    connection.socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        // Slack takes a response in the ack for commands, view submissions and option requests only.
        accepts_response_payload:
          type === 'slash_commands' ||
          (type === 'interactive' && ['view_submission', 'block_suggestion'].includes(String(payloadType))),
        ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
      }),
    );
    let ack: SocketAck | undefined;
    await this.waitUntil(
      () => {
        ack = this.acks.find((candidate) => candidate.envelope_id === envelopeId);
        return ack !== undefined;
      },
      `an ack of the ${type} envelope`,
      timeoutMs,
    );
    return ack as SocketAck;
  }

  /** Slack's notice that the connection will be closed: the client reconnects (a new apps.connections.open). */
  disconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    const connection = this.current;
    if (!connection) throw new Error('fake Socket Mode: no open connection to disconnect');
    connection.socket.send(
      JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } }),
    );
  }

  /** Resolves once `count` connections have been accepted (and said hello). */
  async waitForConnections(count: number, timeoutMs = 15_000): Promise<FakeConnection> {
    await this.waitUntil(() => this.connections.length >= count, `connection #${count}`, timeoutMs);
    return this.connections[count - 1] as FakeConnection;
  }

  /** Resolves once `connection` has ended. */
  async waitForClose(
    connection: FakeConnection,
    timeoutMs = 5_000,
  ): Promise<{ code: number; reason: string }> {
    await this.waitUntil(
      () => connection.closed !== undefined,
      `connection #${connection.number} to close`,
      timeoutMs,
    );
    return connection.closed as { code: number; reason: string };
  }

  /** Drops every connection without a close frame and refuses new ones: the socket side is gone. */
  async goAway(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.goAway();
  }

  /** Waits, without polling on a clock, until `done` holds after some message or connection change. */
  private async waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Socket Mode: still waiting for ${what} after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(wake);
      });
    }
  }

  private notify(): void {
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  private async listen(): Promise<void> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      // A URL is good for one connection, and only one that apps.connections.open handed out.
      verifyClient: ({ req }: { req: IncomingMessage }) => {
        const ticket = new URL(req.url ?? '/', 'ws://127.0.0.1').searchParams.get('ticket') ?? '';
        return this.tickets.delete(ticket);
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.port = (server.address() as AddressInfo).port;
    server.on('connection', (socket) => {
      const connection: FakeConnection = { number: this.connections.length + 1, socket, acks: [] };
      this.connections.push(connection);
      socket.on('message', (data, isBinary) => {
        const message = isBinary ? undefined : (JSON.parse(data.toString()) as Record<string, unknown>);
        if (typeof message?.envelope_id === 'string') {
          this.acks.push(message as unknown as SocketAck);
          connection.acks.push(message as unknown as SocketAck);
        } else {
          this.unexpected.push(message ?? data);
        }
        this.notify();
      });
      socket.on('close', (code, reason) => {
        connection.closed = { code, reason: reason.toString() };
        this.notify();
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: server.clients.size,
          debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18_060 },
          connection_info: { app_id: ids.appId },
        }),
      );
      this.notify();
    });
  }
}
