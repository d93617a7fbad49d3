// Commands to stations (O4) with a timeout and a recorded outcome (O6). One call in flight per
// connection, the rest wait their turn, as OCPP-J requires. The records are committed
// before the command goes and before its outcome is returned, without waiting for the disk's sync
// (store.record): a boot storm sends five commands per station (issue 15).
import type { EventLog } from '../services/event-log.js';
import type { Store } from '../store/store.js';
import type { OcppActions } from './types.generated.js';
import type { StationClient } from './rpc.js';
import type { StationServer } from './station-server.js';

export const COMMAND_ACTIONS = [
  'RemoteStartTransaction', 'RemoteStopTransaction', 'Reset', 'UnlockConnector', 'ChangeAvailability',
  'ChangeConfiguration', 'GetConfiguration', 'ClearCache', 'TriggerMessage', 'SetChargingProfile',
  'ClearChargingProfile', 'GetCompositeSchedule', 'SendLocalList', 'GetLocalListVersion', 'UpdateFirmware',
  'GetDiagnostics',
] as const satisfies readonly (keyof OcppActions)[];
export type CommandAction = (typeof COMMAND_ACTIONS)[number];

export type CommandResult<A extends CommandAction> =
  | { ok: true; commandId: number; response: OcppActions[A]['response'] }
  | {
      ok: false; commandId: number; outcome: 'timeout' | 'error'; message: string;
      /** Never left Fuseguard (station not connected, or not registered yet): surely not applied. */
      notSent?: true;
      /** The station answered with this CALLERROR code: it did not apply the request. */
      callError?: string;
    };

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
export const NOT_REGISTERED = 'station has not booted on this connection yet (no BootNotification accepted, no request sent): nothing is sent to it before';

export class CommandSender {
  /**
   * Commands by outcome since the start, and those waiting for theirs (the metrics, R3): counted
   * here, since the commands table is pruned (issue 16) and a counter must never go down.
   */
  readonly counts = { answered: 0, error: 0, timeout: 0, pending: 0 };
  /** Each connection's last call, settled or not: the next one starts after it. */
  private readonly lastCall = new WeakMap<StationClient, Promise<void>>();

  constructor(
    private readonly server: StationServer,
    private readonly store: Store,
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly defaultTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {}

  async send<A extends CommandAction>(
    stationId: string, action: A, request: OcppActions[A]['request'], options: { timeoutMs?: number } = {},
  ): Promise<CommandResult<A>> {
    this.counts.pending += 1;
    try {
      const result = await this.sendOnce(stationId, action, request, options);
      this.counts[result.ok ? 'answered' : result.outcome] += 1;
      return result;
    } finally {
      this.counts.pending -= 1;
    }
  }

  private async sendOnce<A extends CommandAction>(
    stationId: string, action: A, request: OcppActions[A]['request'], options: { timeoutMs?: number },
  ): Promise<CommandResult<A>> {
    const commandId = await this.store.record((db) => this.store.commands.begin(stationId, action, request, this.now(), db));
    const client = this.server.clientForCommands(stationId);
    if (!client) return this.fail(commandId, stationId, action, 'error', 'station is not connected', { notSent: true });
    // D8: a station may refuse or drop requests until its boot is accepted; nothing goes before.
    if (!this.server.isRegistered(stationId)) return this.fail(commandId, stationId, action, 'error', NOT_REGISTERED, { notSent: true });
    try {
      const response = await this.callInTurn(client, action, request, options.timeoutMs ?? this.defaultTimeoutMs) as OcppActions[A]['response'];
      await this.store.record((db) => this.store.commands.finish(commandId, 'answered', response, this.now(), db));
      return { ok: true, commandId, response };
    } catch (error) {
      if (error instanceof CallTimedOut) return this.fail(commandId, stationId, action, 'timeout', 'no answer before the timeout');
      const code = (error as { rpcErrorCode?: string }).rpcErrorCode;
      const message = error instanceof Error ? error.message : String(error);
      return this.fail(commandId, stationId, action, 'error', code ? `${code}: ${message}` : message, code ? { callError: String(code) } : {});
    }
  }

  /**
   * The call, once the connection's previous one is settled. The timeout is kept here: ocpp-rpc's
   * own makes two errors with stack traces for every call, answered or not (a TimeoutError, and an
   * AbortError when its timer is cancelled), a tenth of a boot storm's CPU (issue 15). Its `signal`
   * is looked at only once a call has started, never while it waits in ocpp-rpc's queue: calls go
   * one at a time from here (CommandSender is the only caller), so each starts when made.
   */
  private callInTurn(client: StationClient, action: CommandAction, request: unknown, timeoutMs: number): Promise<unknown> {
    const call = (this.lastCall.get(client) ?? Promise.resolve()).then(() => callWithTimeout(client, action, request, timeoutMs));
    this.lastCall.set(client, call.then(ignore, ignore));
    return call;
  }

  private async fail<A extends CommandAction>(
    commandId: number, stationId: string, action: A, outcome: 'timeout' | 'error', message: string,
    what: { notSent?: true; callError?: string } = {},
  ): Promise<CommandResult<A>> {
    await this.store.record((db) => this.store.commands.finish(commandId, outcome, { message }, this.now(), db));
    this.log.warn(`${action} ${outcome}: ${message}`, { stationId, action });
    return { ok: false, commandId, outcome, message, ...what };
  }
}

class CallTimedOut extends Error {}

const ignore = (): void => undefined;

async function callWithTimeout(client: StationClient, action: CommandAction, request: unknown, timeoutMs: number): Promise<unknown> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = Number.isFinite(timeoutMs) && timeoutMs > 0 ? setTimeout(() => { timedOut = true; abort.abort(); }, timeoutMs) : undefined;
  try {
    return await client.call(action, request, { callTimeoutMs: Infinity, signal: abort.signal });
  } catch (error) {
    throw timedOut ? new CallTimedOut(`${action}: no answer within ${timeoutMs} ms`) : error;
  } finally {
    clearTimeout(timer);
  }
}
