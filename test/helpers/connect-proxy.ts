// A real HTTP CONNECT proxy for the relay tests (U4), built on node:http: its 'connect' event
// opens a TCP connection to the target and pipes both ways. It only tunnels to 127.0.0.1, can
// require Basic credentials (Proxy-Authorization), and records every CONNECT it is asked for.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyRequest {
  /** The CONNECT target, as asked ("127.0.0.1:1234"). */
  target: string;
  /** The Proxy-Authorization header as received, if any. */
  authorization: string | undefined;
  /** 200 when tunnelled, else the status the proxy answered. */
  status: number;
}

export class ConnectProxy {
  /** Every CONNECT request, in order. */
  readonly requests: ProxyRequest[] = [];
  /** Basic credentials the proxy asks for; null: no credentials needed. */
  credentials: { user: string; password: string } | null = null;
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket | Duplex>();

  /** CONNECT targets that were tunnelled. */
  get tunnels(): string[] {
    return this.requests.filter((r) => r.status === 200).map((r) => r.target);
  }

  /** CONNECT requests refused with this status (407, 403, 502). */
  refused(status: number): ProxyRequest[] {
    return this.requests.filter((r) => r.status === status);
  }

  /** The proxy URL, with credentials in it if given (percent-encoded, as a URL carries them). */
  url(credentials?: { user: string; password: string }): string {
    const auth = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@` : '';
    return `http://${auth}127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1; on the same port as before if it ran already (a proxy back up). */
  async start(): Promise<void> {
    const server = createServer((request, response) => {
      // Only tunnels here: a plain proxied request is refused.
      response.writeHead(405, { connection: 'close' }).end();
    });
    server.on('connection', (socket) => this.track(socket));
    server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => this.tunnel(request, client, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  /** Stops listening and cuts every tunnel: the proxy is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
  }

  private track(socket: Socket | Duplex): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private tunnel(request: IncomingMessage, client: Duplex, head: Buffer): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const target = request.url ?? '';
    const authorization = request.headers['proxy-authorization'];
    const refuse = (status: number, text: string, extra = ''): void => {
      this.requests.push({ target, authorization, status });
      client.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (this.credentials && authorization !== basic(this.credentials)) {
      refuse(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="fuseguard-test"\r\n');
      return;
    }
    const match = /^127\.0\.0\.1:(\d+)$/.exec(target);
    if (!match) {
      refuse(403, 'Forbidden'); // the tests talk to 127.0.0.1 only
      return;
    }
    const upstream = netConnect(Number(match[1]), '127.0.0.1');
    this.track(upstream);
    let connected = false;
    upstream.on('error', () => {
      if (connected) client.destroy();
      else refuse(502, 'Bad Gateway'); // the target does not answer
    });
    upstream.once('connect', () => {
      connected = true;
      this.requests.push({ target, authorization, status: 200 });
      client.on('error', () => upstream.destroy());
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
  }
}

export const basic = (credentials: { user: string; password: string }): string =>
  `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
