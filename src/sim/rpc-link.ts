// A typed station-side wrapper over ocpp-rpc's RPCClient (its own typings are loose). One link
// per station; it connects on demand and never reconnects by itself: the station decides when,
// because after a reconnect it must boot before anything else goes out.

import { EventEmitter } from 'node:events';
import ocppRpc from 'ocpp-rpc';
import type { ServerAction, ServerCalls, StationAction, StationCalls } from './ocpp-types.js';

const { RPCClient, TimeoutError, NOREPLY, createRPCError } = ocppRpc;
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

/**
 * What a station does with the central system's requests before its BootNotification is answered
 * Accepted on the current connection: answer them (lenient, the default), refuse them with a
 * CALLERROR SecurityError (a strict OCPP 1.6 station: "not registered"), or never answer.
 */
export type BeforeBootPolicy = 'answer' | 'refuse' | 'ignore';

export interface RpcLinkOptions {
  id: string;
  /** Base URL; the identity is appended as the last path segment. */
  url: string;
  password?: string;
  callTimeoutMs: number;
  pingIntervalMs: number;
  /** Requests before the boot is Accepted on this connection ['answer']. */
  beforeBoot?: BeforeBootPolicy;
  /** The station's clock, for the times in 'call' and 'registered' [Date.now]. */
  now?: () => number;
}

export interface RpcLinkEvents {
  open: [];
  close: [{ code?: number; reason?: string }];
  /** A request from the central system, before it is handled; `beforeBoot` = not registered yet. */
  call: [{ method: string; params: unknown; at: number; beforeBoot: boolean }];
  /** The BootNotification of this connection was answered Accepted (when the answer arrived). */
  registered: [{ at: number }];
  /** Every raw frame received (for negative tests). */
  frame: [string];
}

/** What a handler returns to leave a request unanswered (a station that drops it). */
export const NO_ANSWER: unique symbol = Symbol('no answer');

export type ServerHandler<A extends ServerAction> = (
  params: ServerCalls[A]['req'],
) => ServerCalls[A]['conf'] | typeof NO_ANSWER | Promise<ServerCalls[A]['conf'] | typeof NO_ANSWER>;

export class RpcLink extends EventEmitter<RpcLinkEvents> {
  private readonly client: Client;
  private open = false;
  /** The BootNotification of the current connection was answered Accepted. */
  private accepted = false;
  /** Message ids of BootNotifications sent on this connection and not answered yet. */
  private readonly bootCallIds = new Set<string>();

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
      this.resetRegistration();
      this.emit('close', ev ?? {});
    });
    this.client.on('message', (ev: { message: unknown; outbound: boolean }) => {
      if (!ev.outbound) this.emit('frame', String(ev.message));
    });
    // Registration is followed frame by frame, in the order frames arrive: a request that comes
    // right behind the boot answer (even in the same TCP segment) sees the station registered,
    // and one that comes before it does not, whatever the order of promise continuations.
    this.client.on('call', (ev: { outbound: boolean; payload: unknown[] }) => {
      if (ev.outbound) {
        if (ev.payload[2] === 'BootNotification') this.bootCallIds.add(String(ev.payload[1]));
        return;
      }
      this.emit('call', { method: String(ev.payload[2]), params: ev.payload[3], at: this.now(), beforeBoot: !this.accepted });
    });
    this.client.on('response', (ev: { outbound: boolean; payload: unknown[] }) => {
      const id = String(ev.payload[1]);
      if (ev.outbound || !this.bootCallIds.delete(id)) return;
      const result = ev.payload[0] === 3 ? (ev.payload[2] as { status?: unknown } | undefined) : undefined;
      this.accepted = result?.status === 'Accepted';
      if (this.accepted) this.emit('registered', { at: this.now() });
    });
  }

  /** The BootNotification of the current connection was answered Accepted. */
  get registered(): boolean {
    return this.accepted;
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
    this.resetRegistration();
    this.emit('open');
  }

  async call<A extends StationAction>(action: A, req: StationCalls[A]['req']): Promise<StationCalls[A]['conf']> {
    return (await this.client.call(action, req)) as StationCalls[A]['conf'];
  }

  /** Answers `action`; before the boot is Accepted, per `beforeBoot` (refused or never answered). */
  handle<A extends ServerAction>(action: A, handler: ServerHandler<A>): void {
    this.client.handle(action, async ({ params }) => {
      // Decided before any await: synchronously, as the frame is read (see the 'call' listener).
      const policy = this.accepted ? 'answer' : (this.options.beforeBoot ?? 'answer');
      if (policy === 'refuse') throw createRPCError('SecurityError', 'not registered: BootNotification not accepted yet', {});
      if (policy === 'ignore') return NOREPLY as unknown as Record<string, unknown>;
      const answer = await handler(params as ServerCalls[A]['req']);
      return (answer === NO_ANSWER ? NOREPLY : answer) as Record<string, unknown>;
    });
  }

  /** Sends a raw OCPP-J frame, bypassing validation (negative tests). */
  sendRaw(frame: string): void {
    this.client.sendRaw(frame);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private resetRegistration(): void {
    this.accepted = false;
    this.bootCallIds.clear();
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
