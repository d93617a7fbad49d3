// An OCPP-J link without a WebSocket, for the site safety fuzzer (issue 13, D8): one side is the
// `StationClient` Fuseguard's StationServer takes (attachClient), the other a station model. Runs
// on whatever clock setTimeout is (the fuzzer fakes it), so the whole exchange is deterministic.
//
// Like OCPP-J over one TCP connection:
// - each direction carries its messages in order (FIFO), each `latencyMs` after it was sent;
// - each side has at most one CALL in flight to the other; the next waits for the answer or the
//   timeout (the timeout starts when the CALL goes out, as in ocpp-rpc);
// - a CALL that gets no answer within `callTimeoutMs` (none when not finite) fails with ocpp-rpc's
//   TimeoutError, and one whose `signal` aborts with an AbortError (Fuseguard's CommandSender keeps
//   its own timeout that way);
// - closing fails the calls in flight and emits 'close' with { code, reason } once.
import { TimeoutError, type Handshake, type StationClient } from '../../../src/ocpp/rpc.js';

type Handler = (ctx: { params: unknown; method: string; messageId: string; signal: AbortSignal }) => Promise<unknown>;

/** What a station model does with a CALL from Fuseguard: an answer, a CALLERROR (throw), or `DROP` (no answer ever). */
export const DROP = Symbol('drop');
export type StationAnswer = unknown;
export type StationRequestHandler = (method: string, params: unknown) => Promise<StationAnswer | typeof DROP> | StationAnswer | typeof DROP;

export class LinkClosedError extends Error {
  constructor(readonly code: number, readonly reason: string) {
    super(`connection closed (${code}${reason ? `: ${reason}` : ''})`);
  }
}

/** Messages of one direction, delivered in order, each `latencyMs` after it was sent. */
class Wire {
  private lastAt = -Infinity;
  constructor(private readonly latencyMs: number, private readonly alive: () => boolean) {}

  send(deliver: () => void): void {
    const at = Math.max(Date.now() + this.latencyMs, this.lastAt);
    this.lastAt = at;
    setTimeout(() => { if (this.alive()) deliver(); }, at - Date.now());
  }
}

/** One call at a time, in order. */
class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();
  push<T>(run: () => Promise<T>): Promise<T> {
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export interface LinkOptions {
  identity: string;
  password?: string;
  latencyMs: number;
  /** The station's own timeout for its CALLs to Fuseguard. */
  stationCallTimeoutMs?: number;
  /** Fuseguard's CALLs as the station model answers them. */
  onRequest: StationRequestHandler;
  /** Fuseguard closed the connection (replaced, station removed, shutdown). */
  onServerClose?: (code: number, reason: string) => void;
}

let nextMessageId = 1;

export class InProcessLink {
  readonly client: StationClient & { handshake: Handshake };
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, Set<(event: never) => void>>();
  private readonly toStation: Wire;
  private readonly toCentral: Wire;
  private readonly centralCalls = new CallQueue();
  private readonly stationCalls = new CallQueue();
  /** Calls in flight, failed at once when the link closes. */
  private readonly inFlight = new Set<(error: Error) => void>();
  private open = true;
  closeInfo: { code: number; reason: string } | null = null;

  constructor(private readonly options: LinkOptions) {
    const alive = () => this.open;
    this.toStation = new Wire(options.latencyMs, alive);
    this.toCentral = new Wire(options.latencyMs, alive);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const link = this;
    const handshake = {
      identity: options.identity,
      endpoint: '/ocpp',
      protocols: new Set(['ocpp1.6']),
      password: options.password === undefined ? undefined : Buffer.from(options.password),
      remoteAddress: '192.0.2.1',
      headers: {},
      request: undefined,
      query: new URLSearchParams(),
    } as unknown as Handshake;
    this.client = {
      identity: options.identity,
      handshake,
      session: {},
      handle(method: string, handler: Handler) { link.handlers.set(method, handler); },
      call: (method, params, callOptions) => this.centralCall(method, params, callOptions?.callTimeoutMs ?? 30_000, callOptions?.signal),
      close: async (closeOptions) => {
        const code = closeOptions?.code ?? 1000;
        const reason = closeOptions?.reason ?? '';
        const wasOpen = this.open;
        this.shut(code, reason);
        if (wasOpen) this.options.onServerClose?.(code, reason);
        return { code, reason };
      },
      on(event: string, listener: (event: never) => void) { link.listen(event, listener, false); return link.client; },
      once(event: string, listener: (event: never) => void) { link.listen(event, listener, true); return link.client; },
    } as StationClient & { handshake: Handshake };
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The station side closes (network loss, reboot): 1006 unless told otherwise. */
  close(code = 1006, reason = ''): void {
    this.shut(code, reason);
  }

  /** A CALL from the station model to Fuseguard's handlers. */
  stationCall(method: string, params: unknown): Promise<unknown> {
    const timeoutMs = this.options.stationCallTimeoutMs ?? 30_000;
    return this.stationCalls.push(() => this.oneCall(timeoutMs, `${method}: no answer from the central system`, undefined, (answer, fail) => {
      this.toCentral.send(() => {
        const handler = this.handlers.get(method);
        const messageId = `s${nextMessageId++}`;
        const answered = handler
          ? handler({ params, method, messageId, signal: new AbortController().signal })
          : Promise.reject(Object.assign(new Error(`${method} not implemented`), { rpcErrorCode: 'NotImplemented' }));
        answered.then(
          (result) => this.toStation.send(() => answer(result)),
          (error: unknown) => this.toStation.send(() => fail(asError(error))),
        );
      });
    }));
  }

  private centralCall(method: string, params: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    return this.centralCalls.push(() => this.oneCall(timeoutMs, `${method}: no answer before ${timeoutMs} ms`, signal, (answer, fail) => {
      // Copied as JSON would be: the model never shares objects with Fuseguard.
      const sent = JSON.parse(JSON.stringify(params ?? {})) as unknown;
      this.toStation.send(() => {
        let answered: Promise<unknown>;
        try {
          answered = Promise.resolve(this.options.onRequest(method, sent));
        } catch (error) {
          answered = Promise.reject(error);
        }
        answered.then(
          (result) => {
            if (result === DROP) return;
            const copy = JSON.parse(JSON.stringify(result ?? {})) as unknown;
            this.toCentral.send(() => answer(copy));
          },
          (error: unknown) => this.toCentral.send(() => fail(asError(error))),
        );
      });
    }));
  }

  /**
   * One call on the link, settled once: by its answer, its timeout (none when not finite, as in
   * ocpp-rpc), its `signal` aborting, or the link closing.
   */
  private oneCall(timeoutMs: number, timeoutMessage: string, signal: AbortSignal | undefined, send: (answer: (result: unknown) => void, fail: (error: Error) => void) => void): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (!this.open) { reject(new LinkClosedError(this.closeInfo?.code ?? 1006, 'closed')); return; }
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.inFlight.delete(fail);
        fn();
      };
      const fail = (error: Error) => finish(() => reject(error));
      this.inFlight.add(fail);
      const timer = Number.isFinite(timeoutMs) && timeoutMs > 0 ? setTimeout(() => fail(new TimeoutError(timeoutMessage)), timeoutMs) : undefined;
      if (signal?.aborted) { fail(Object.assign(new Error('aborted'), { name: 'AbortError' })); return; }
      signal?.addEventListener('abort', () => fail(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
      send((result) => finish(() => resolve(result)), fail);
    });
  }

  private listen(event: string, listener: (event: never) => void, once: boolean): void {
    const wrapped = once
      ? (e: never) => { this.listeners.get(event)?.delete(wrapped); listener(e); }
      : listener;
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, set = new Set());
    set.add(wrapped);
  }

  private shut(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.closeInfo = { code, reason };
    for (const fail of [...this.inFlight]) fail(new LinkClosedError(code, reason));
    for (const listener of [...(this.listeners.get('close') ?? [])]) listener({ code, reason } as never);
  }
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
