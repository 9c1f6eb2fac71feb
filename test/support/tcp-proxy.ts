import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy between the app and a server (PostgreSQL on 127.0.0.1:5432), which a test can cut and
 * restore: the database "goes down" for the app alone, and the machine's server is never stopped.
 *
 * `cut()` resets every open connection (the app's pooled connections see the server go away) and refuses
 * new ones (the port stops listening, as a stopped server's does); `restore()` listens again on the same
 * port. `hang()` is the other way a database goes away, a network that stops answering: bytes are
 * accepted and never forwarded, so queries wait instead of failing; `restore()` then resets those
 * connections.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private hanging = false;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target.host, target.port);
    await proxy.listen(0);
    return proxy;
  }

  /** The port the app should connect to. */
  get listeningPort(): number {
    return this.port;
  }

  get isCut(): boolean {
    return this.server === undefined;
  }

  /** `url` with its host and port pointed at the proxy. */
  proxiedUrl(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) reset(socket);
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  hang(): void {
    this.hanging = true;
    for (const socket of this.sockets) socket.unpipe();
  }

  async restore(): Promise<void> {
    if (this.hanging) {
      this.hanging = false;
      for (const socket of this.sockets) reset(socket);
      this.sockets.clear();
    }
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        this.sockets.delete(client);
        this.sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      // While hanging, a new connection is held open and nothing reaches the server.
      if (this.hanging) return;
      upstream.connect(this.targetPort, this.targetHost, () => {
        if (this.hanging) return;
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }
}

/** A TCP reset where the socket is connected (the peer sees ECONNRESET), else just closed. */
function reset(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
