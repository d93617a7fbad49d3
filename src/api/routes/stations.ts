// Stations (O2, W3, W5): list with live connector states and setpoints, one station, pending
// stations and their admission, configuration edits (live at once), removal, command outcomes.
// A user may set a station's VIP flag, as with badges (issue 16); its other fields are for admins.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AUTH_MODES, OFFLINE_AUTH_MODES } from '../../auth/auth-mode.js';
import { SOCKET_TYPES } from '../../domain/connector/socket-type.js';
import { hashStationPassword } from '../../security/station-password.js';
import { STATION_WARNING_CODES, stationWarnings } from '../../services/station-warnings.js';
import { BOX_IDENTITY_PATTERN, PHASE_WIRINGS } from '../../site/site-schema.js';
import { STATION_LOOKUP_PATTERN } from '../../site/station-id.js';
import type { ConnectorRow, StationRow, StationUpdate, TransactionRow } from '../../store/schema.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { enumOf, errors, OkSchema } from '../schemas.js';

// Null first: Fastify's Ajv coerces types, and would turn null into "" for a string tried first.
const N = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);

const SessionRef = Type.Object({ transactionId: Type.Number(), idTag: Type.String(), startAt: Type.Number(), energyWh: Type.Number({ description: 'so far' }) });
const SetpointView = Type.Object({
  currentA: Type.Number({ description: 'A per phase; 0 = suspended or idle' }),
  powerW: Type.Optional(Type.Number()),
  controllable: Type.Boolean(),
  reason: Type.Object({ code: Type.String() }, { additionalProperties: true, description: 'why this setpoint (A11): code and its figures' }),
  at: Type.Number({ description: 'time of the allocation' }),
});
const ControlView = Type.Object({
  state: enumOf(['offline', 'not-booted', 'not-provisioned', 'provisioned', 'uncontrolled'] as const,
    'D8: offline (counted at what it holds); not-booted (connected, nothing is sent before its boot is accepted); not-provisioned (failsafe not acknowledged: counted at its maximum); provisioned; uncontrolled (refuses profiles: counted at its maximum)'),
  heldA: N(Type.Number({ description: 'the most the station may let this connector draw now, from the charging profiles it acknowledged (D8); null for DC' })),
  wantedA: N(Type.Number({ description: 'the live setpoint Fuseguard wants it to hold (last allocation); null: none' })),
  failsafeHeldA: N(Type.Number({ description: 'the failsafe profile it surely holds; null: not known exactly (none, or an answer missing)' })),
  failsafeWantedA: N(Type.Number({ description: 'the failsafe the site calls for now (D1); null for DC' })),
}, { description: 'held vs wanted (D8); null while load management is off' });
const ConnectorView = Type.Object({
  connectorId: Type.Number(), phases: Type.String(), minCurrentA: N(Type.Number()), maxCurrentA: Type.Number(),
  type: Type.String(), maxPowerW: N(Type.Number()), socketType: N(Type.String({ description: 'T2, T2S, TE, ... (issue 16); null: not said' })), status: N(Type.String()), errorCode: N(Type.String()), statusAt: N(Type.Number()),
  session: N(SessionRef), setpoint: N(SetpointView), control: N(ControlView),
});
export const StationView = Type.Object({
  id: Type.String(), admission: Type.String(), name: N(Type.String()), zone: N(Type.String()), vip: Type.Boolean(),
  authMode: N(Type.String({ description: "null: the zone's mode" })),
  offlineAuthMode: N(Type.String({ description: "offline policy (B2); null: the zone's" })), boxIdentity: N(Type.String()),
  hasPassword: Type.Boolean({ description: 'the password itself is never shown' }),
  hasUpstreamPassword: Type.Boolean({ description: 'a password towards the CPO is set (U1); it is never shown' }),
  vendor: N(Type.String()), model: N(Type.String()), serialNumber: N(Type.String()), firmwareVersion: N(Type.String()),
  connected: Type.Boolean(), firstSeenAt: N(Type.Number()), lastBootAt: N(Type.Number()), lastConnectedAt: N(Type.Number()), lastDisconnectedAt: N(Type.Number()),
  disconnectReason: N(Type.String()), remoteAddress: N(Type.String()), status: N(Type.String()), errorCode: N(Type.String()),
  controlIssue: N(Type.String({ description: 'why Fuseguard cannot control it (D5); null: fine' })),
  warnings: Type.Array(Type.Object({
    code: enumOf(STATION_WARNING_CODES, 'passwordless: an admitted station without a password, which anyone who can reach the OCPP port can connect as; invalid-id: stored under an id outside the charge box id rule, it can no longer connect'),
    message: Type.String(),
  }), { description: 'what is unsafe about this station (issue 14); empty: nothing' }),
  connectors: Type.Array(ConnectorView),
});
const CommandView = Type.Object({
  id: Type.Number(), action: Type.String(), request: Type.Unknown(), outcome: enumOf(['pending', 'answered', 'error', 'timeout'] as const, 'O6'),
  response: Type.Unknown({ description: "the station's answer, or { message } of the error" }), sentAt: Type.Number(), doneAt: N(Type.Number()),
});
// The looser rule of older versions, so that a station stored under such an id can still be seen and removed.
export const StationParams = Type.Object({ id: Type.String({ pattern: STATION_LOOKUP_PATTERN, description: 'charge box identity' }) });
const AdmitBody = Type.Object({ zone: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const ConnectorEdit = Type.Object({
  connectorId: Type.Integer({ minimum: 1 }),
  phases: Type.Optional(enumOf(PHASE_WIRINGS, 'phase wiring (Z4)')),
  minCurrentA: Type.Optional(N(Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: "null: the site's minimum standard (A3)" }))),
  maxCurrentA: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
  type: Type.Optional(enumOf(['AC', 'DC'] as const, 'AC or DC')),
  maxPowerW: Type.Optional(N(Type.Number({ exclusiveMinimum: 0 }))),
  socketType: Type.Optional(N(enumOf(SOCKET_TYPES, 'socket type, shown in the CDR export (W10); T2S and TE call for a 10 A minCurrentA (A3); null: not said'))),
}, { additionalProperties: false });
const EditBody = Type.Object({
  name: Type.Optional(N(Type.String({ maxLength: 100 }))),
  zone: Type.Optional(Type.String({ minLength: 1 })),
  vip: Type.Optional(Type.Boolean()),
  authMode: Type.Optional(N(enumOf(AUTH_MODES, "authentication mode (B1); null: the zone's"))),
  offlineAuthMode: Type.Optional(N(enumOf(OFFLINE_AUTH_MODES, "offline policy (B2); null: the zone's"))),
  boxIdentity: Type.Optional(N(Type.String({ pattern: BOX_IDENTITY_PATTERN, description: 'identity towards the CPO (U1)' }))),
  password: Type.Optional(N(Type.String({ minLength: 8, maxLength: 64, description: 'HTTP Basic password; write-only; null removes it' }))),
  upstreamPassword: Type.Optional(N(Type.String({ minLength: 1, maxLength: 128, description: 'HTTP Basic password towards the CPO (U1); write-only; null removes it' }))),
  connectors: Type.Optional(Type.Array(ConnectorEdit, { description: 'connectors to change or add; others are kept' })),
}, { additionalProperties: false });
const CommandsQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '[50]' })) }, { additionalProperties: false });

type Setpoint = NonNullable<NonNullable<ApiContext['control']>['lastResult']>['setpoints'][number];

/** The failsafes the site calls for now (D1), computed once per request. */
export type FailsafesOnce = () => ReturnType<NonNullable<ApiContext['control']>['failsafes']>;
export const failsafesOnce = (ctx: ApiContext): FailsafesOnce => {
  let cached: ReturnType<FailsafesOnce> | undefined;
  return () => (cached ??= ctx.control?.failsafes() ?? {});
};

export function stationView(
  ctx: ApiContext, s: StationRow, connectors: readonly ConnectorRow[], ongoing: readonly TransactionRow[], failsafes: FailsafesOnce = failsafesOnce(ctx),
) {
  const result = ctx.control?.lastResult ?? null;
  const setpoints = new Map<string, Setpoint>((result?.setpoints ?? []).map((p) => [p.connectorId, p]));
  return {
    id: s.id, admission: s.admission, name: s.name, zone: s.zone, vip: s.vip === 1, authMode: s.auth_mode, offlineAuthMode: s.offline_auth_mode, boxIdentity: s.box_identity,
    hasPassword: s.password_hash !== null && s.password_hash !== '',
    hasUpstreamPassword: s.upstream_password !== null && s.upstream_password !== '',
    vendor: s.vendor, model: s.model, serialNumber: s.serial_number, firmwareVersion: s.firmware_version,
    connected: ctx.stationServer.client(s.id) !== undefined, firstSeenAt: s.first_seen_at, lastBootAt: s.last_boot_at,
    lastConnectedAt: s.last_connected_at, lastDisconnectedAt: s.last_disconnected_at, disconnectReason: s.disconnect_reason,
    remoteAddress: s.remote_address, status: s.status, errorCode: s.error_code, controlIssue: s.control_issue, warnings: stationWarnings(s),
    connectors: connectors.filter((c) => c.station_id === s.id).map((c) => {
      const tx = ongoing.find((t) => t.station_id === s.id && t.connector_id === c.connector_id);
      const sp = setpoints.get(`${s.id}/${c.connector_id}`);
      return {
        connectorId: c.connector_id, phases: c.phases, minCurrentA: c.min_current_a, maxCurrentA: c.max_current_a, type: c.type,
        maxPowerW: c.max_power_w, socketType: c.socket_type, status: c.status, errorCode: c.error_code, statusAt: c.status_at,
        session: tx ? { transactionId: tx.id, idTag: tx.id_tag, startAt: tx.start_at, energyWh: Math.max(0, (tx.last_meter_wh ?? tx.meter_start_wh) - tx.meter_start_wh) } : null,
        setpoint: sp && result ? { currentA: sp.currentA, ...(sp.powerW !== undefined ? { powerW: sp.powerW } : {}), controllable: sp.controllable, reason: sp.reason, at: result.at } : null,
        control: controlView(ctx, `${s.id}/${c.connector_id}`, sp, failsafes),
      };
    }),
  };
}

/** D8: held vs wanted for one connector; null without load management or for a connector it does not manage. */
function controlView(ctx: ApiContext, key: string, setpoint: Setpoint | undefined, failsafes: FailsafesOnce) {
  const runtime = ctx.control?.state.connectors.get(key);
  if (!ctx.control || !runtime) return null;
  const control = ctx.control.connectorControl(runtime, failsafes());
  return { ...control, wantedA: setpoint?.controllable ? setpoint.currentA : null };
}

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export function stationsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const stations = ctx.store.stations;
    const admin = ctx.store.stationAdmin;
    const getStation = async (id: string): Promise<StationRow> => {
      const station = await stations.get(id);
      if (!station) throw notFound('station', id);
      return station;
    };
    const one = async (id: string) => stationView(ctx, await getStation(id), await stations.listConnectors(id), await ctx.store.transactions.list({ ongoing: true, stationId: id }));
    const checkZone = async (zone: string): Promise<void> => {
      if (!(await ctx.store.zones.get(zone))) throw unprocessable('unknown-zone', `zone "${zone}" does not exist`, { field: 'body.zone' });
    };

    app.get('/stations', {
      config: { access: 'user' },
      schema: { tags: ['stations'], summary: 'Admitted stations with their connectors, sessions and setpoints', response: { 200: Type.Array(StationView), ...errors(401, 403) } },
    }, async () => {
      const [rows, connectors, ongoing] = await Promise.all([stations.listAdmitted(), stations.listConnectors(), ctx.store.transactions.list({ ongoing: true, limit: 100_000 })]);
      const failsafes = failsafesOnce(ctx);
      return rows.map((s) => stationView(ctx, s, connectors, ongoing, failsafes));
    });

    app.get('/stations/pending', {
      config: { access: 'admin' },
      schema: { tags: ['stations'], summary: 'Unknown stations that connected and wait for admission (O2)', response: { 200: Type.Array(StationView), ...errors(401, 403) } },
    }, async () => {
      const [rows, connectors] = await Promise.all([stations.list(), stations.listConnectors()]);
      return rows.filter((s) => s.admission === 'pending').map((s) => stationView(ctx, s, connectors, []));
    });

    app.get<{ Params: Static<typeof StationParams> }>('/stations/:id', {
      config: { access: 'user' },
      schema: { tags: ['stations'], summary: 'One station (admitted or pending)', params: StationParams, response: { 200: StationView, ...errors(400, 401, 403, 404) } },
    }, async (request) => one(request.params.id));

    app.post<{ Params: Static<typeof StationParams>; Body: Static<typeof AdmitBody> }>('/stations/:id/admit', {
      config: { access: 'admin' },
      schema: {
        tags: ['stations'], summary: 'Admits a pending station into a zone (O2); it is accepted at its next boot',
        params: StationParams, body: AdmitBody, response: { 200: StationView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => {
      const station = await getStation(request.params.id);
      if (station.admission !== 'pending') throw conflict('already-admitted', `station "${station.id}" is admitted already`);
      await checkZone(request.body.zone);
      await stations.admit(station.id, request.body.zone);
      await audit(ctx, request, 'station.admit', station.id, { zone: request.body.zone });
      await ctx.reload();
      return one(station.id);
    });

    app.patch<{ Params: Static<typeof StationParams>; Body: Static<typeof EditBody> }>('/stations/:id', {
      config: { access: 'user', userFields: ['vip'] },
      schema: {
        tags: ['stations'], summary: "Edits a station's configuration (W5); used by the allocation at once",
        description: 'A user may send `vip` only (x-user-fields); any other field needs the admin role (403 `admin-fields`, nothing changed).',
        params: StationParams, body: EditBody, response: { 200: StationView, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (request) => {
      const station = await getStation(request.params.id);
      if (station.admission !== 'admitted') throw conflict('station-pending', `station "${station.id}" is pending: admit it first`);
      const body = request.body;
      if (body.zone !== undefined) await checkZone(body.zone);
      const existing = new Map((await stations.listConnectors(station.id)).map((c) => [c.connector_id, c]));
      const connectors = (body.connectors ?? []).map((edit, i) => {
        const old = existing.get(edit.connectorId);
        const merged = {
          station_id: station.id, connector_id: edit.connectorId,
          phases: edit.phases ?? old?.phases ?? 'L1L2L3',
          min_current_a: edit.minCurrentA !== undefined ? edit.minCurrentA : old?.min_current_a ?? null,
          max_current_a: edit.maxCurrentA ?? old?.max_current_a ?? 32,
          type: edit.type ?? old?.type ?? 'AC',
          max_power_w: edit.maxPowerW !== undefined ? edit.maxPowerW : old?.max_power_w ?? null,
          socket_type: edit.socketType !== undefined ? edit.socketType : old?.socket_type ?? null,
        };
        if (merged.min_current_a !== null && merged.min_current_a > merged.max_current_a) {
          throw unprocessable('min-above-max', `connector ${edit.connectorId}: minCurrentA ${merged.min_current_a} is above maxCurrentA ${merged.max_current_a}`, { field: `body.connectors.${i}.minCurrentA` });
        }
        return merged;
      });
      if (new Set(connectors.map((c) => c.connector_id)).size !== connectors.length) {
        throw unprocessable('duplicate-connector', 'a connector is listed twice', { field: 'body.connectors' });
      }
      const update: StationUpdate = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.zone !== undefined ? { zone: body.zone } : {}),
        ...(body.vip !== undefined ? { vip: body.vip ? 1 : 0 } : {}),
        ...(body.authMode !== undefined ? { auth_mode: body.authMode } : {}),
        ...(body.offlineAuthMode !== undefined ? { offline_auth_mode: body.offlineAuthMode } : {}),
        ...(body.boxIdentity !== undefined ? { box_identity: body.boxIdentity } : {}),
        ...(body.password !== undefined ? { password_hash: body.password === null ? null : hashStationPassword(body.password) } : {}),
        ...(body.upstreamPassword !== undefined ? { upstream_password: body.upstreamPassword } : {}),
      };
      await ctx.store.atomically(async (db) => {
        if (Object.keys(update).length > 0) await stations.update(station.id, update, db);
        for (const c of connectors) await stations.upsertConnector(c, db);
      });
      // A new password: the failures with the old one no longer hold the station back (issue 14).
      if (body.password !== undefined) ctx.stations.passwordChanged(station.id);
      const { password, upstreamPassword, ...shown } = body;
      const secret = (value: string | null) => (value === null ? 'removed' : 'changed');
      await audit(ctx, request, 'station.update', station.id, {
        ...shown, ...(password !== undefined ? { password: secret(password) } : {}), ...(upstreamPassword !== undefined ? { upstreamPassword: secret(upstreamPassword) } : {}),
      });
      await ctx.reload();
      return one(station.id);
    });

    app.delete<{ Params: Static<typeof StationParams> }>('/stations/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['stations'], summary: 'Removes a station (admitted or pending); its sessions stay in the history',
        description: 'A connected station is disconnected. With `unknownStations: pending` it comes back as pending if it connects again.',
        params: StationParams, response: { 200: OkSchema, ...errors(400, 401, 403, 404) },
      },
    }, async (request) => {
      const station = await getStation(request.params.id);
      await ctx.store.atomically((db) => admin.remove(station.id, db));
      await ctx.stationServer.client(station.id)?.close({ code: 1000, reason: 'station removed' });
      await audit(ctx, request, 'station.remove', station.id);
      await ctx.reload();
      return { ok: true as const };
    });

    app.get<{ Params: Static<typeof StationParams>; Querystring: Static<typeof CommandsQuery> }>('/stations/:id/commands', {
      config: { access: 'user' },
      schema: {
        tags: ['stations'], summary: 'The last commands sent to the station and their outcomes (O6), newest first',
        params: StationParams, querystring: CommandsQuery, response: { 200: Type.Array(CommandView), ...errors(400, 401, 403, 404) },
      },
    }, async (request) => {
      await getStation(request.params.id);
      return (await ctx.store.commands.listForStation(request.params.id, request.query.limit ?? 50)).map((c) => ({
        id: Number(c.id), action: c.action, request: parseJson(c.request), outcome: c.outcome, response: parseJson(c.response), sentAt: c.sent_at, doneAt: c.done_at,
      }));
    });
  };
}
