// A tiny OCPP 1.6J central system (ocpp-rpc RPCServer, strict mode) for the simulator's own
// tests: it records every call, numbers transactions, and can refuse passwords or hold answers.
// It listens on 127.0.0.1 only. Not the real server (that is src/ocpp/).

import type { Server } from 'node:http';
import ocppRpc from 'ocpp-rpc';
import type { ServerAction, ServerCalls, StationAction, StationCalls } from './ocpp-types.js';

const { RPCServer } = ocppRpc;
type Rpc = InstanceType<typeof RPCServer>;
interface ServerClient {
  identity: string;
  handle(method: string, handler: (call: { params: unknown }) => Promise<unknown>): void;
  call(method: string, params: unknown): Promise<unknown>;
  close(options?: { force?: boolean }): Promise<unknown>;
  once(event: 'close', fn: () => void): void;
}

export interface ReceivedCall {
  identity: string;
  action: StationAction;
  params: Record<string, unknown>;
}

export type Responder<A extends StationAction> = (
  params: StationCalls[A]['req'],
  identity: string,
) => StationCalls[A]['conf'] | Promise<StationCalls[A]['conf']>;

export interface FakeCentralSystemOptions {
  /** 0 = any free port. */
  port?: number;
  /** identity → password; stations listed here must send it (HTTP Basic), others may not connect with one. */
  passwords?: Record<string, string>;
  bootStatus?: 'Accepted' | 'Pending' | 'Rejected';
  heartbeatIntervalS?: number;
  firstTransactionId?: number;
}

export class FakeCentralSystem {
  readonly received: ReceivedCall[] = [];
  readonly clients = new Map<string, ServerClient>();
  bootStatus: 'Accepted' | 'Pending' | 'Rejected';
  heartbeatIntervalS: number;
  private nextTransactionId: number;
  private readonly responders = new Map<StationAction, Responder<StationAction>>();
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(
    private readonly rpc: Rpc,
    private readonly http: Server,
    readonly port: number,
    options: FakeCentralSystemOptions,
  ) {
    this.bootStatus = options.bootStatus ?? 'Accepted';
    this.heartbeatIntervalS = options.heartbeatIntervalS ?? 300;
    this.nextTransactionId = options.firstTransactionId ?? 1;
  }

  /** Base URL to give stations (they append their identity). */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  static async start(options: FakeCentralSystemOptions = {}): Promise<FakeCentralSystem> {
    const rpc = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    const passwords = options.passwords ?? {};
    rpc.auth((accept, reject, handshake) => {
      const expected = passwords[handshake.identity];
      const given = handshake.password?.toString('utf8');
      if (expected !== undefined && given !== expected) reject(401, 'Unauthorized');
      else accept();
    });
    const http = await rpc.listen(options.port ?? 0, '127.0.0.1');
    const address = http.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const cs = new FakeCentralSystem(rpc, http, port, options);
    rpc.on('client', (client: ServerClient) => cs.attach(client));
    return cs;
  }

  /** Replaces the default answer to one action. */
  respond<A extends StationAction>(action: A, responder: Responder<A>): void {
    this.responders.set(action, responder as unknown as Responder<StationAction>);
  }

  /** Sends a command to a connected station. */
  async call<A extends ServerAction>(identity: string, action: A, req: ServerCalls[A]['req']): Promise<ServerCalls[A]['conf']> {
    const client = this.clients.get(identity);
    if (!client) throw new Error(`${identity} is not connected`);
    return (await client.call(action, req)) as ServerCalls[A]['conf'];
  }

  /** The calls of one action (and station), in the order they arrived. */
  calls<A extends StationAction>(action: A, identity?: string): Array<StationCalls[A]['req']> {
    return this.received
      .filter((r) => r.action === action && (identity === undefined || r.identity === identity))
      .map((r) => r.params as StationCalls[A]['req']);
  }

  /** Resolves once `check` holds (re-checked after every call received), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { check, resolve: () => {} };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('FakeCentralSystem.waitFor timed out'));
      }, timeoutMs);
      waiter.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  /** Stops listening and drops every station, like a killed process. */
  async close(): Promise<void> {
    await this.rpc.close({ force: true });
    await new Promise<void>((resolve) => (this.http.listening ? this.http.close(() => resolve()) : resolve()));
  }

  private attach(client: ServerClient): void {
    this.clients.set(client.identity, client);
    client.once('close', () => {
      if (this.clients.get(client.identity) === client) this.clients.delete(client.identity);
      this.notify();
    });
    const actions: StationAction[] = [
      'BootNotification',
      'Heartbeat',
      'Authorize',
      'StartTransaction',
      'StopTransaction',
      'MeterValues',
      'StatusNotification',
      'DiagnosticsStatusNotification',
      'FirmwareStatusNotification',
      'DataTransfer',
    ];
    for (const action of actions) {
      client.handle(action, async ({ params }) => {
        this.received.push({ identity: client.identity, action, params: params as Record<string, unknown> });
        this.notify();
        const custom = this.responders.get(action);
        return custom ? custom(params as never, client.identity) : this.defaultAnswer(action);
      });
    }
    this.notify();
  }

  private defaultAnswer(action: StationAction): unknown {
    const now = new Date().toISOString();
    switch (action) {
      case 'BootNotification':
        return { status: this.bootStatus, currentTime: now, interval: this.heartbeatIntervalS };
      case 'Heartbeat':
        return { currentTime: now };
      case 'Authorize':
        return { idTagInfo: { status: 'Accepted' } };
      case 'StartTransaction':
        return { idTagInfo: { status: 'Accepted' }, transactionId: this.nextTransactionId++ };
      case 'StopTransaction':
        return { idTagInfo: { status: 'Accepted' } };
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      default:
        return {};
    }
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
