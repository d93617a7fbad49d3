// The OCPP 1.6J station endpoint (O1, O2): ws(s)://HOST:PORT/ocpp/{chargeBoxId}, subprotocol
// ocpp1.6, every message validated both ways. It admits connections, dispatches each message
// to its handler and tracks which stations are connected.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EventLog } from '../services/event-log.js';
import { LogRateLimiter, suppressedNote } from '../services/log-rate-limiter.js';
import { MeterValueError } from '../services/meter-samples.js';
import type { StationService } from '../services/station-service.js';
import { isStationId, STATION_ID_RULE } from '../site/station-id.js';
import { STATION_HANDLERS, UNSUPPORTED_ACTIONS } from './handlers/index.js';
import type { Connection, Handler, HandlerDeps, StationAction } from './handlers/handler.js';
import { createOcpp16Validator } from './ocpp16-validator.js';
import { callError, RPCServer, type Handshake, type RpcServer, type StationClient } from './rpc.js';

export const OCPP_PATH = '/ocpp';
export const DEFAULT_MAX_FRAME_BYTES = 128 * 1024;
const SUBPROTOCOL = 'ocpp1.6';

/** A connected station as the rest of Fuseguard sees it: requests to it go through CommandSender. */
export type ConnectedStation = Omit<StationClient, 'call'>;


export interface StationServerOptions {
  /** WebSocket ping interval; a station that misses a pong is disconnected (offline). */
  pingIntervalMs?: number;
  /** The largest message a station may send; a larger one closes its connection with 1009 [128 KiB]. */
  maxFrameBytes?: number;
  /** Behind one reverse proxy: a station's address (password backoff, logs) is the last of X-Forwarded-For, the one the proxy appended. */
  trustProxy?: boolean;
}

/**
 * Watches the stations' calls and connections (the relay to a CPO, U1-U2). `handled` is awaited
 * after Fuseguard's own handler and before the answer goes to the station; if it fails, the
 * station gets an InternalError and sends again.
 */
export interface StationCallObserver {
  connected(stationId: string, admitted: boolean): void;
  disconnected(stationId: string): void;
  handled(stationId: string, action: StationAction, request: unknown, response: unknown, admitted: boolean): Promise<void>;
}

export class StationServer {
  private readonly rpc: RpcServer;
  private readonly connections = new Map<string, StationClient>();
  /** The state of each live connection (admitted, registered), by station id. */
  private readonly states = new Map<string, Connection>();
  private observer: StationCallObserver | null = null;
  /** Refusals are logged once a minute per station or client address, with a count (issue 14). */
  private readonly refusalLog = new LogRateLimiter();
  private readonly trustProxy: boolean;

  constructor(private readonly deps: HandlerDeps & { stations: StationService; log: EventLog }, options: StationServerOptions = {}) {
    this.trustProxy = options.trustProxy === true;
    this.rpc = new RPCServer({
      protocols: [SUBPROTOCOL],
      strictMode: true,
      strictModeValidators: [createOcpp16Validator()],
      pingIntervalMs: options.pingIntervalMs ?? 60_000,
      // Commands have their own timeout (CommandSender); ocpp-rpc's is never used.
      callTimeoutMs: Infinity,
      respondWithDetailedErrors: false,
      // Without it, ws buffers up to 100 MiB per message, from anyone who may upgrade (issue 14, row 5).
      wssOptions: { maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES },
    });
    this.rpc.auth((accept, reject, handshake) => {
      void this.authenticate(handshake).then(
        (admission) => accept(admission, SUBPROTOCOL),
        (error: unknown) => reject(error instanceof AdmissionRefused ? error.httpStatus : 500, error instanceof Error ? error.message : 'error'),
      );
    });
    this.rpc.on('client', (client: unknown) => void this.onClient(client as StationClient));
  }

  /** Hands a WebSocket upgrade request on the OCPP path to the RPC server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // ocpp-rpc decodes the identity outside its own error handling: a malformed escape ("/ocpp/%")
    // would reject a promise nobody awaits, and end the process (issue 14).
    const identity = upgradeIdentity(request.url);
    if (identity === null || !isStationId(identity)) {
      // Before ocpp-rpc and the store: no row, no lookup, one log line a minute per address.
      const why = identity === null ? 'the charge box id in the URL is not valid percent-encoding' : `the charge box id ${STATION_ID_RULE}`;
      this.logRefusal(400, why, null, this.clientAddress(request.headers, request.socket.remoteAddress));
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.rpc.handleUpgrade(request, socket as Parameters<RpcServer['handleUpgrade']>[1], head).catch((error: unknown) => {
      this.deps.log.error(`upgrade failed: ${error instanceof Error ? error.message : String(error)}`, { action: 'admission' });
      socket.destroy();
    });
  }

  /** The live connection of a station, if it is connected; commands go through CommandSender only. */
  client(stationId: string): ConnectedStation | undefined {
    return this.connections.get(stationId);
  }

  /**
   * For CommandSender alone: its calls must be the only ones on a connection, each starting at once
   * inside ocpp-rpc, or a command's timeout could be missed (see CommandSender.callInTurn).
   */
  clientForCommands(stationId: string): StationClient | undefined {
    return this.connections.get(stationId);
  }

  /** Sets (or, with null, removes) the one observer of station calls. */
  observe(observer: StationCallObserver | null): void {
    this.observer = observer;
  }

  /** Removes `observer`, if it is still the one (another may have taken its place). */
  unobserve(observer: StationCallObserver): void {
    if (this.observer === observer) this.observer = null;
  }

  /**
   * D8: whether the station takes requests on its current connection (boot answered Accepted, or a
   * request sent after reconnecting). Nothing is sent to it before.
   */
  isRegistered(stationId: string): boolean {
    return this.states.get(stationId)?.registered === true;
  }

  /**
   * Connects a station through an in-process client instead of a WebSocket (the site safety
   * fuzzer's station models run on a simulated clock): the same admission (O2) and handlers.
   * Resolves false when the admission refuses it.
   */
  async attachClient(client: StationClient & { handshake: Handshake }): Promise<boolean> {
    try {
      Object.assign(client.session, await this.authenticate(client.handshake));
    } catch {
      return false;
    }
    await this.onClient(client);
    return true;
  }

  /** What a live connection was admitted under (O2): admitted now, and with which password hash. */
  admittedUnder(stationId: string): { admitted: boolean; passwordHash: string | null } | undefined {
    const connection = this.states.get(stationId);
    return connection ? { admitted: connection.admitted, passwordHash: connection.passwordHash ?? null } : undefined;
  }

  connectedIds(): string[] {
    return [...this.connections.keys()];
  }

  async close(): Promise<void> {
    await this.rpc.close({ code: 1001, reason: 'server shutting down', awaitPending: false, force: true });
  }

  private async authenticate(handshake: Handshake): Promise<{ admitted: boolean; passwordHash: string | null }> {
    const { identity, endpoint, protocols, password } = handshake;
    if (endpoint !== OCPP_PATH) throw new AdmissionRefused(404, `OCPP endpoint is ${OCPP_PATH}/{chargeBoxId}`);
    if (!protocols.has(SUBPROTOCOL)) throw new AdmissionRefused(400, `subprotocol ${SUBPROTOCOL} required`);
    const remoteAddress = this.clientAddress(handshake.headers ?? {}, handshake.remoteAddress);
    const admission = await this.deps.stations.admit(identity, password, remoteAddress);
    if (!admission.accepted) {
      this.logRefusal(admission.httpStatus, admission.reason, isStationId(identity) ? identity : null, remoteAddress);
      throw new AdmissionRefused(admission.httpStatus, admission.reason);
    }
    return { admitted: admission.admitted, passwordHash: admission.passwordHash };
  }

  /**
   * The station's address: the socket's, or behind the one trusted reverse proxy the address that
   * proxy appended, the last of X-Forwarded-For (the entries before it are the client's to write),
   * as Fastify counts browsers (src/app/fuseguard.ts trusts only the peer).
   */
  private clientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined): string | null {
    const forwarded = this.trustProxy ? headers['x-forwarded-for'] : undefined;
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
    return last || socketAddress || null;
  }

  /**
   * One line a minute per known station (wrong passwords: keyed by its id) or per client address
   * (anything else: ids are the caller's to invent), with the count of lines left out.
   */
  private logRefusal(httpStatus: number, reason: string, stationId: string | null, remoteAddress: string | null): void {
    const perStation = stationId !== null && (httpStatus === 401 || httpStatus === 429);
    const key = perStation ? `${httpStatus}|station|${stationId}` : `${httpStatus}|address|${remoteAddress ?? ''}`;
    const suppressed = this.refusalLog.take(key, Date.now());
    if (suppressed === null) return;
    this.deps.log.warn(`connection refused (${httpStatus}): ${reason}${suppressedNote(suppressed)}`, {
      ...(stationId !== null ? { stationId } : {}), action: 'admission', remoteAddress,
    });
  }

  private async onClient(client: StationClient): Promise<void> {
    const stationId = client.identity;
    const previous = this.connections.get(stationId);
    this.connections.set(stationId, client);
    if (previous) void previous.close({ code: 1000, reason: 'replaced by a new connection' });
    const session = client.session as { admitted?: boolean; passwordHash?: string | null };
    const connection: Connection = { stationId, admitted: session.admitted === true, passwordHash: session.passwordHash ?? null, registered: false };
    this.states.set(stationId, connection);
    let recorded: () => void = () => undefined;
    const connectionRecorded = new Promise<void>((resolve) => { recorded = resolve; });

    // One function per connection for every action, shared ones for the unsupported: a handler
    // per action and connection was a dozen closures per station (issue 15, memory).
    const onCall = ({ method, params }: { method?: string; params: unknown }) =>
      this.dispatch(connection, method as StationAction, STATION_HANDLERS[method as StationAction] as Handler<StationAction>, params, connectionRecorded);
    for (const action of Object.keys(STATION_HANDLERS)) client.handle(action, onCall);
    for (const action of UNSUPPORTED_ACTIONS) client.handle(action, UNSUPPORTED_HANDLERS[action]);
    client.on('strictValidationFailure', ((event: { method: string; outbound: boolean; error: Error }) => {
      this.deps.log.warn(`invalid ${event.outbound ? 'outgoing' : 'incoming'} ${event.method}: ${event.error.message}`, { stationId, action: event.method });
    }) as never);
    client.on('badMessage', ((event: { error: Error }) => {
      this.deps.log.warn(`bad message: ${event.error.message}`, { stationId, action: 'badMessage' });
    }) as never);
    client.once('close', (({ code, reason }: { code: number; reason: string }) => {
      if (this.connections.get(stationId) !== client) return; // replaced by a newer connection
      this.connections.delete(stationId);
      this.states.delete(stationId);
      this.observer?.disconnected(stationId);
      this.deps.stations.disconnected(stationId, describeClose(code, reason)).catch((error: unknown) => {
        this.deps.log.logger.error({ err: error, stationId }, 'could not record the disconnection');
      });
    }) as never);

    await this.deps.stations.connected(stationId, client.handshake.remoteAddress ?? null, { admitted: connection.admitted, passwordHash: connection.passwordHash ?? null }).catch((error: unknown) => {
      this.deps.log.logger.error({ err: error, stationId }, 'could not record the connection');
    });
    recorded();
    if (this.connections.get(stationId) === client) this.observer?.connected(stationId, connection.admitted);
  }

  private async dispatch(
    connection: Connection, action: StationAction, handler: Handler<StationAction>, params: unknown, connectionRecorded: Promise<void>,
  ): Promise<unknown> {
    this.deps.stations.seen(connection.stationId);
    if (!connection.admitted && action !== 'BootNotification') {
      throw callError('SecurityError', `station ${connection.stationId} is pending: it is not admitted into a zone yet`);
    }
    try {
      const response = await handler(this.deps, connection, params as never);
      if (this.observer) await this.observer.handled(connection.stationId, action, params, response, connection.admitted);
      this.noteRegistration(connection, action, response, connectionRecorded);
      return response;
    } catch (error) {
      if (error instanceof MeterValueError) throw callError('PropertyConstraintViolation', error.message);
      if (error instanceof Error && 'rpcErrorCode' in error) throw error;
      this.deps.log.error(`${action} failed: ${error instanceof Error ? error.message : String(error)}`, { stationId: connection.stationId, action });
      throw callError('InternalError', `${action} could not be processed`);
    }
  }

  /**
   * D8: a boot answered Accepted, or the first request of a connection that did not boot, makes
   * the station registered. Announced on the next turn of the event loop, once the answer has gone
   * out (ocpp-rpc sends it in the microtasks that follow the handler), so that a strict station
   * never gets a request before its BootNotification.conf; and after the connection is recorded.
   */
  private noteRegistration(connection: Connection, action: StationAction, response: unknown, connectionRecorded: Promise<void>): void {
    const booted = action === 'BootNotification';
    if (!connection.admitted) return;
    if (booted ? (response as { status?: string }).status !== 'Accepted' : connection.registered) return;
    connection.registered = true;
    setImmediate(() => {
      void connectionRecorded.then(() => {
        if (this.states.get(connection.stationId) === connection) this.deps.stations.registered(connection.stationId, booted);
      });
    });
  }
}

/** What a station gets for an action only a central system sends: one function per action, for every connection. */
const UNSUPPORTED_HANDLERS = Object.fromEntries(UNSUPPORTED_ACTIONS.map((action) => [action, async () => {
  throw callError('NotSupported', `${action} is sent by a central system, not by a charge point`);
}])) as Record<StationAction, () => Promise<never>>;

/** The charge box id of an upgrade URL as ocpp-rpc decodes it (its last path segment); null if it cannot be. */
export function upgradeIdentity(url: string | undefined): string | null {
  try {
    return decodeURIComponent(new URL(`http://localhost${url ?? '/'}`).pathname.split('/').pop() ?? '');
  } catch {
    return null;
  }
}

class AdmissionRefused extends Error {
  constructor(readonly httpStatus: number, message: string) {
    super(message);
  }
}

function describeClose(code: number, reason: string): string {
  if (code === 1006) return 'connection lost (socket dropped or no answer to pings)';
  return `closed with code ${code}${reason ? `: ${reason}` : ''}`;
}
