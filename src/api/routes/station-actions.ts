// Actions on a station (O4, O6, O8, W5): remote start and stop, soft and hard reset, unlock,
// availability, force stop, firmware update and diagnostics. Each command's outcome is recorded
// and answered; a station that is not connected gets 409 `station-offline`.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CommandAction, CommandResult } from '../../ocpp/command-sender.js';
import type { OcppActions } from '../../ocpp/types.generated.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { enumOf, errors } from '../schemas.js';
import { StationParams } from './stations.js';


export const CommandOutcome = Type.Object({
  commandId: Type.Number({ description: 'see GET /api/stations/{id}/commands' }),
  action: Type.String(),
  outcome: enumOf(['answered', 'error', 'timeout'] as const, 'answered: the station replied (see status); error: it refused the call; timeout: no reply'),
  accepted: Type.Boolean({ description: 'the station answered and did not refuse' }),
  status: Type.Optional(Type.String({ description: "the station's status, e.g. Accepted, Rejected, Unlocked, Scheduled" })),
  response: Type.Optional(Type.Unknown()),
  message: Type.Optional(Type.String()),
});
const ConnectorId = Type.Integer({ minimum: 1 });
const RemoteStartBody = Type.Object({
  connectorId: Type.Optional(ConnectorId), idTag: Type.String({ minLength: 1, maxLength: 20 }),
}, { additionalProperties: false });
const RemoteStopBody = Type.Object({
  connectorId: Type.Optional(ConnectorId), transactionId: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false, description: 'the ongoing session on connectorId, or transactionId' });
const ResetBody = Type.Object({ type: enumOf(['Soft', 'Hard'] as const, 'Soft = reboot, Hard = reset (O4)') }, { additionalProperties: false });
const UnlockBody = Type.Object({ connectorId: ConnectorId }, { additionalProperties: false });
const AvailabilityBody = Type.Object({
  connectorId: Type.Integer({ minimum: 0, description: '0 = the whole station' }), type: enumOf(['Operative', 'Inoperative'] as const, 'availability'),
}, { additionalProperties: false });
const ForceStopBody = Type.Object({ connectorId: ConnectorId }, { additionalProperties: false });
const Url = Type.String({ minLength: 1, maxLength: 2000, format: 'uri' });
const FirmwareBody = Type.Object({
  location: Url, retrieveAt: Type.Optional(Type.String({ format: 'date-time', description: '[now]' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })), retryIntervalS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
}, { additionalProperties: false });
const DiagnosticsBody = Type.Object({
  location: Url, startTime: Type.Optional(Type.String({ format: 'date-time' })), stopTime: Type.Optional(Type.String({ format: 'date-time' })),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })), retryIntervalS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
}, { additionalProperties: false });
const ForceStopResult = Type.Object({ transactionId: Type.Number(), meterStopWh: Type.Number(), energyWh: Type.Number() });

export interface SendOptions {
  auditAction: string;
  target: string;
  details?: unknown;
}

/** Sends a command to a connected station and turns its result into the answer; audited. */
export async function sendCommand<A extends CommandAction>(
  ctx: ApiContext, request: FastifyRequest, stationId: string, action: A, payload: OcppActions[A]['request'], auditAction: string,
): Promise<Static<typeof CommandOutcome>> {
  if (!ctx.stationServer.client(stationId)) throw conflict('station-offline', `station "${stationId}" is not connected; the command was not sent`, { stationId });
  const result: CommandResult<A> = await ctx.commands.send(stationId, action, payload);
  await audit(ctx, request, auditAction, stationId, { action, request: payload, commandId: result.commandId });
  if (!result.ok) return { commandId: result.commandId, action, outcome: result.outcome, accepted: false, message: result.message };
  const status = (result.response as { status?: unknown }).status;
  const refused = typeof status === 'string' && /^(Rejected|Failed|NotSupported|UnlockFailed)$/.test(status);
  return {
    commandId: result.commandId, action, outcome: 'answered', accepted: !refused, response: result.response,
    ...(typeof status === 'string' ? { status } : {}),
  };
}

export function stationActionsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const known = async (id: string) => {
      const station = await ctx.store.stations.get(id);
      if (!station) throw notFound('station', id);
      return station;
    };
    const ongoingOn = async (stationId: string, connectorId: number) => {
      const [tx] = await ctx.store.transactions.list({ stationId, ongoing: true, limit: 100 }).then((all) => all.filter((t) => t.connector_id === connectorId));
      return tx;
    };
    const route = <S extends TObject>(
      path: string, access: 'user' | 'admin', summary: string, body: S,
      handle: (request: FastifyRequest<{ Params: Static<typeof StationParams>; Body: Static<S> }>) => Promise<unknown>,
      response: TSchema = CommandOutcome, description?: string,
    ) => {
      app.post<{ Params: Static<typeof StationParams>; Body: Static<S> }>(`/stations/:id/${path}`, {
        config: { access },
        schema: {
          tags: ['station actions'], summary, ...(description ? { description } : {}), params: StationParams, body,
          response: { 200: response, ...errors(400, 401, 403, 404, 409) },
        },
      }, async (request) => {
        await known(request.params.id);
        return handle(request);
      });
    };

    route('remote-start', 'user', 'RemoteStartTransaction: starts a charge for idTag (B1 remote-only, W5)', RemoteStartBody, async (request) => {
      // remote-only and free stations accept this idTag for the start it asks for (B1), also
      // after a restart of Fuseguard (stored before the request goes).
      const { id } = request.params;
      const { idTag } = request.body;
      await ctx.sessions.expectRemoteStart(id, idTag);
      // Refused, or surely not applied (not sent, a CALLERROR): no start comes. Unanswered: it may.
      const outcome = await sendCommand(ctx, request, id, 'RemoteStartTransaction',
        { idTag, ...(request.body.connectorId !== undefined ? { connectorId: request.body.connectorId } : {}) }, 'station.remote-start')
        .catch(async (error: unknown) => { await ctx.sessions.forgetRemoteStart(id, idTag); throw error; });
      if (!outcome.accepted && outcome.outcome !== 'timeout') await ctx.sessions.forgetRemoteStart(id, idTag);
      return outcome;
    });

    route('remote-stop', 'user', 'RemoteStopTransaction: stops the ongoing session of a connector (or a transaction)', RemoteStopBody, async (request) => {
      const { connectorId, transactionId } = request.body;
      let id = transactionId;
      if (id === undefined) {
        if (connectorId === undefined) throw badRequest('invalid-request', 'body.connectorId: give connectorId or transactionId', [{ field: 'body.connectorId', message: 'give connectorId or transactionId' }]);
        const tx = await ongoingOn(request.params.id, connectorId);
        if (!tx) throw conflict('no-session', `connector ${connectorId} of "${request.params.id}" has no ongoing session`, { field: 'body.connectorId' });
        id = tx.id;
      }
      return sendCommand(ctx, request, request.params.id, 'RemoteStopTransaction', { transactionId: id }, 'station.remote-stop');
    });

    route('reset', 'user', 'Reset: Soft reboots the station, Hard resets it', ResetBody, (request) =>
      sendCommand(ctx, request, request.params.id, 'Reset', { type: request.body.type }, 'station.reset'));

    route('unlock', 'user', 'UnlockConnector', UnlockBody, (request) =>
      sendCommand(ctx, request, request.params.id, 'UnlockConnector', { connectorId: request.body.connectorId }, 'station.unlock'));

    route('availability', 'user', 'ChangeAvailability of a connector, or of the station (connectorId 0)', AvailabilityBody, (request) =>
      sendCommand(ctx, request, request.params.id, 'ChangeAvailability', { connectorId: request.body.connectorId, type: request.body.type }, 'station.availability'));

    route('force-stop', 'user', 'Force stop (O8): closes the ongoing session of a connector at its last known reading, without the station',
      ForceStopBody, async (request) => {
        const tx = await ongoingOn(request.params.id, request.body.connectorId);
        if (!tx) throw conflict('no-session', `connector ${request.body.connectorId} of "${request.params.id}" has no ongoing session`, { field: 'body.connectorId' });
        return forceStop(ctx, request, tx.id);
      }, ForceStopResult, 'For a session the station will never stop (it vanished). Works whether the station is connected or not.');

    route('firmware', 'admin', 'UpdateFirmware from a URL', FirmwareBody, (request) =>
      sendCommand(ctx, request, request.params.id, 'UpdateFirmware', {
        location: request.body.location, retrieveDate: request.body.retrieveAt ?? new Date(ctx.now()).toISOString(),
        ...(request.body.retries !== undefined ? { retries: request.body.retries } : {}),
        ...(request.body.retryIntervalS !== undefined ? { retryInterval: request.body.retryIntervalS } : {}),
      }, 'station.firmware'));

    route('diagnostics', 'admin', 'GetDiagnostics: the station uploads its diagnostics to a URL', DiagnosticsBody, (request) =>
      sendCommand(ctx, request, request.params.id, 'GetDiagnostics', {
        location: request.body.location,
        ...(request.body.startTime !== undefined ? { startTime: request.body.startTime } : {}),
        ...(request.body.stopTime !== undefined ? { stopTime: request.body.stopTime } : {}),
        ...(request.body.retries !== undefined ? { retries: request.body.retries } : {}),
        ...(request.body.retryIntervalS !== undefined ? { retryInterval: request.body.retryIntervalS } : {}),
      }, 'station.diagnostics'));
  };
}

/** O8 through the session service; 409 when the session is not ongoing. */
export async function forceStop(ctx: ApiContext, request: FastifyRequest, transactionId: number): Promise<Static<typeof ForceStopResult>> {
  const login = request.identity?.login ?? 'api';
  if (!(await ctx.sessions.forceStop(transactionId, login))) throw conflict('not-ongoing', `session ${transactionId} is not ongoing`);
  const tx = await ctx.store.transactions.get(transactionId);
  await audit(ctx, request, 'session.force-stop', String(transactionId), { stationId: tx?.station_id });
  return { transactionId, meterStopWh: tx?.meter_stop_wh ?? 0, energyWh: tx?.energy_wh ?? 0 };
}
