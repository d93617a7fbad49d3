// A typed station-side wrapper over ocpp-rpc's RPCClient (its own typings are loose). One link
// per station; it connects on demand and never reconnects by itself: the station decides when,
// because after a reconnect it must boot before anything else goes out.

import { EventEmitter } from 'node:events';
import ocppRpc from 'ocpp-rpc';
import type { ServerAction, ServerCalls, StationAction, StationCalls } from './ocpp-types.js';

const { RPCClient, TimeoutError } = ocppRpc;
type Client = InstanceType<typeof RPCClient>;
type ClientOptions = ConstructorParameters<typeof RPCClient>[0];

/** The WebSocket upgrade was refused with an HTTP status (401 bad password, 404 unknown, ...). */
export class HandshakeError extends Error {
  readonly code = 'HANDSHAKE_REFUSED';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HandshakeError';
  }
}

/** How an outgoing call failed: the central system answered a CALLERROR, timed out, or the link went down. */
export type CallFailure = 'callerror' | 'timeout' | 'link';

export function classifyCallError(err: unknown): CallFailure {
  if (err instanceof TimeoutError) return 'timeout';
  if (err && typeof err === 'object' && 'rpcErrorCode' in err) return 'callerror';
  return 'link';
}

export interface RpcLinkOptions {
  id: string;
  /** Base URL; the identity is appended as the last path segment. */
  url: string;
  password?: string;
  callTimeoutMs: number;
  pingIntervalMs: number;
}

export interface RpcLinkEvents {
  open: [];
  close: [{ code?: number; reason?: string }];
  call: [{ method: string; params: unknown }];
  /** Every raw frame received (for negative tests). */
  frame: [string];
}

export type ServerHandler<A extends ServerAction> = (
  params: ServerCalls[A]['req'],
) => ServerCalls[A]['conf'] | Promise<ServerCalls[A]['conf']>;

export class RpcLink extends EventEmitter<RpcLinkEvents> {
  private readonly client: Client;
  private open = false;

  constructor(private readonly options: RpcLinkOptions) {
    super();
    this.client = new RPCClient({
      identity: options.id,
      endpoint: options.url.replace(/\/+$/, ''),
      password: options.password ?? null,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
      callTimeoutMs: options.callTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
    } as unknown as ClientOptions);
    this.client.on('close', (ev: { code?: number; reason?: string }) => {
      if (!this.open) return;
      this.open = false;
      this.emit('close', ev ?? {});
    });
    this.client.on('message', (ev: { message: unknown; outbound: boolean }) => {
      if (!ev.outbound) this.emit('frame', String(ev.message));
    });
    this.client.on('call', (ev: { outbound: boolean; payload: unknown[] }) => {
      if (!ev.outbound) this.emit('call', { method: String(ev.payload[2]), params: ev.payload[3] });
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The password for the next connection (ChangeConfiguration AuthorizationKey). */
  setPassword(password: string | undefined): void {
    this.client.reconfigure({ password: password ?? null } as unknown as ClientOptions);
  }

  setPingInterval(pingIntervalMs: number): void {
    this.client.reconfigure({ pingIntervalMs } as unknown as ClientOptions);
  }

  /** Opens the WebSocket; a refused upgrade rejects with a HandshakeError carrying the HTTP status. */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') {
        throw new HandshakeError(code, `${this.options.id}: WebSocket upgrade refused with HTTP ${code}`);
      }
      throw err;
    }
    this.open = true;
    this.emit('open');
  }

  async call<A extends StationAction>(action: A, req: StationCalls[A]['req']): Promise<StationCalls[A]['conf']> {
    return (await this.client.call(action, req)) as StationCalls[A]['conf'];
  }

  handle<A extends ServerAction>(action: A, handler: ServerHandler<A>): void {
    this.client.handle(action, async ({ params }) => {
      return (await handler(params as ServerCalls[A]['req'])) as Record<string, unknown>;
    });
  }

  /** Sends a raw OCPP-J frame, bypassing validation (negative tests). */
  sendRaw(frame: string): void {
    this.client.sendRaw(frame);
  }

  /** Closes the link; `force` drops the socket like a network cut. */
  async close(force = false): Promise<void> {
    await this.client.close({ code: 1000, force, awaitPending: false });
    if (this.open) {
      this.open = false;
      this.emit('close', { code: force ? 1006 : 1000 });
    }
  }
}
