import { createServer, type Server } from 'node:http';
import type { CustomRoute, SocketModeReceiver } from '@slack/bolt';

type SocketModeClient = SocketModeReceiver['client'];

/**
 * Whether the Socket Mode connection can take Slack's requests now, for `GET /readyz`. Ready means the
 * current socket is open and Slack said `hello` on it: `connecting` is emitted before every new socket (the
 * first and each reconnect) and `connected` on its hello. The open check is made at each question, as the
 * client itself does, so a socket that is closing (Slack asked for a refresh, the network dropped it) is not
 * ready, and a late `close` of an old socket cannot mark the new one down.
 */
export class SocketModeState {
  private client: SocketModeClient | undefined;
  private helloSeen = false;

  watch(client: SocketModeClient): void {
    this.client = client;
    client.on('connecting', () => {
      this.helloSeen = false;
    });
    client.on('connected', () => {
      this.helloSeen = true;
    });
  }

  /** Why Slack's requests cannot reach the app now, or undefined while the socket is connected. */
  notReady(): string | undefined {
    if (this.helloSeen && this.client?.websocket?.isActive() === true) return undefined;
    return 'Socket Mode not connected to Slack';
  }
}

/** Why an envelope must not reach the socket library and Bolt, and its id to ack it with; undefined: let it. */
function refuseEnvelope(
  data: string | ArrayBuffer,
  isRoutable: (body: unknown) => boolean,
): { reason: string; envelopeId?: string; body?: unknown } | undefined {
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return undefined; // the library logs and ignores what is not JSON
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    return { reason: 'a message that is not an object' };
  const { type, envelope_id: envelopeId, payload } = message as Record<string, unknown>;
  if (type === 'hello' || type === 'disconnect') return undefined;
  if (typeof envelopeId !== 'string' || envelopeId === '') return { reason: 'an envelope without an id' };
  if (type !== 'events_api' && type !== 'slash_commands' && type !== 'interactive')
    return { reason: 'an envelope of a type Touchpoint does not take', envelopeId };
  // The payload is what HTTP mode would be sent: the same check as the HTTP request guard.
  if (!isRoutable(payload))
    return { reason: 'not a Slack request Touchpoint takes', envelopeId, body: payload };
  return undefined;
}

/**
 * Checks each Socket Mode message before the socket library reads it, as the request guard does in HTTP
 * mode: the library throws on an `events_api` envelope without an event (an unhandled rejection, never
 * acked), and Bolt routes nothing for an interaction without a user or actions (never acked, so Slack sends
 * it again). Such an envelope is acked at once, empty, and logged safely; everything else goes on as before.
 * The library's own message handler is taken off the socket's `ws_message` and called from here: its ack
 * (`send`) is private in the types, so it is reached by name — the Socket Mode tests fail if a new version
 * renames either.
 */
export function guardEnvelopes(
  client: SocketModeClient,
  options: {
    isRoutable: (body: unknown) => boolean;
    onRefused: (reason: string, body: unknown) => void;
    onFailed: (error: unknown) => void;
  },
): void {
  const library = client as unknown as {
    onWebSocketMessage(data: string | ArrayBuffer, isBinary: boolean): Promise<void>;
    send(envelopeId: string, body: object): Promise<void>;
  };
  const handle = library.onWebSocketMessage.bind(client);
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: string | ArrayBuffer, isBinary: boolean) => {
    const refusal = isBinary ? undefined : refuseEnvelope(data, options.isRoutable);
    if (!refusal) {
      handle(data, isBinary).catch(options.onFailed);
      return;
    }
    options.onRefused(refusal.reason, refusal.body);
    if (refusal.envelopeId)
      library.send(refusal.envelopeId, {}).catch(() => {
        // The socket closed meanwhile: Slack sends the envelope again, and it is refused again.
      });
  });
}

/**
 * The HTTP server of Socket Mode, on PORT: the same routes as HTTP mode (health and metrics) but no
 * `/slack/events`, since Slack's requests come through the socket.
 *
 * Bolt's SocketModeReceiver can serve `customRoutes` on `installerOptions.port` itself, but not honestly
 * enough for a start and a stop that report what happened: its server is private (there is no way to read
 * the port PORT=0 got), it calls `listen()` without waiting for it or handling its error (a port in use is
 * an uncaught exception while the socket connects, not a failed start), and its stop does not wait for the
 * server to close. This one is a few lines: the start waits for `listen`, fails with EADDRINUSE like HTTP
 * mode, and returns the server so the port and the stop work as in HTTP mode.
 */
export function createRoutesServer(routes: CustomRoute[]): Server {
  const byPath = new Map<string, Map<string, CustomRoute['handler']>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Map<string, CustomRoute['handler']>();
    for (const method of [route.method].flat()) methods.set(method.toUpperCase(), route.handler);
    byPath.set(route.path, methods);
  }
  return createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const handler = byPath.get(pathname)?.get((req.method ?? 'GET').toUpperCase());
    if (handler) {
      handler(Object.assign(req, { params: {} }), res);
      return;
    }
    // As Bolt's receivers answer a path or method they do not serve.
    res.writeHead(404).end();
  });
}

/** Resolves once `server` listens on `port` (0: any free port); rejects with listen's error (EADDRINUSE). */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Resolves when `server` stopped accepting and its last connection ended (or at once if it never listened). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
