// The relay to a CPO for operators (U1-U4): GET /api/relay/status. Per station: the upstream
// link's state and since when, queued transaction messages, the last error, the CPO's caps. No
// secrets. DELETE /api/relay/caps/:stationId clears a station's caps when the CPO does not.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { publicUrl, relayOf } from '../../relay/relay.js';
import { resolveSettings } from '../../site/settings.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { errors } from '../schemas.js';

const N = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const StationStatus = Type.Object({
  stationId: Type.String(),
  identity: Type.String({ description: 'the box identity towards the CPO (U1)' }),
  state: Type.String({ description: 'connecting, up, down, closed, or none (no link: the station is not connected)' }),
  since: N(Type.Number({ description: 'epoch ms of the last state change' })),
  queued: Type.Integer({ description: 'transaction messages waiting for the CPO (U2)' }),
  lastError: N(Type.String()),
  bootStatus: N(Type.String({ description: "the CPO's last BootNotification answer" })),
  timeOffsetMs: N(Type.Number({ description: 'CPO time minus Fuseguard time (U3)' })),
  cpoCaps: Type.Array(Type.Object({
    connectorId: Type.Integer({ description: '0: every connector of the station' }),
    capA: Type.Number({ description: 'per phase' }),
  }), { description: "caps from the CPO's charging profiles (U1), until it clears them" }),
});
const StationParams = Type.Object({ stationId: Type.String({ minLength: 1, maxLength: 64 }) });

const Status = Type.Object({
  enabled: Type.Boolean(),
  running: Type.Boolean({ description: 'the relay runs (enabled with a URL)' }),
  url: N(Type.String({ description: "the CPO's endpoint, without credentials" })),
  timeOffsetMs: N(Type.Number({ description: 'CPO time minus Fuseguard time (U3), measured at the last BootNotification or Heartbeat answer' })),
  clockCorrectionMs: Type.Number({ description: "how far Fuseguard's clock was moved from the system clock to follow the CPO's time (U3); 0 without the relay" }),
  stations: Type.Array(StationStatus),
});

export function relayRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/relay/status', {
      config: { access: 'user' },
      schema: {
        tags: ['relay'], summary: 'The relay to the CPO: per station, link up or down and queued messages (U1-U4)',
        response: { 200: Status, ...errors(401, 403) },
      },
    }, async () => {
      const upstream = resolveSettings(await ctx.store.settings.getAll()).upstream ?? {};
      const relay = relayOf(ctx.store);
      const stations: StationRow[] = relay
        ? await relay.status()
        : [...(await ctx.store.relayOutbox.queuedCounts())].map(([stationId, queued]) => unlinked(stationId, queued));
      const caps = await capsByStation(ctx);
      const listed = new Set(stations.map((s) => s.stationId));
      for (const stationId of caps.keys()) if (!listed.has(stationId)) stations.push(unlinked(stationId, 0));
      return {
        enabled: upstream.enabled === true, running: relay !== undefined, url: publicUrl(upstream.url),
        timeOffsetMs: relay?.timeOffsetMs() ?? null,
        clockCorrectionMs: relay?.clockCorrectionMs() ?? 0,
        stations: stations.map((s) => ({ ...s, since: s.since || null, cpoCaps: caps.get(s.stationId) ?? [] })),
      };
    });

    app.delete<{ Params: Static<typeof StationParams> }>('/relay/caps/:stationId', {
      config: { access: 'admin' },
      schema: {
        tags: ['relay'], summary: "Clears the CPO's caps on a station (U1), when the CPO will not clear them itself",
        params: StationParams, response: { 200: Type.Object({ cleared: Type.Boolean() }), ...errors(401, 403, 404) },
      },
    }, async (request) => {
      const { stationId } = request.params;
      const hasCaps = (await capsByStation(ctx)).has(stationId);
      if (!hasCaps && !(await ctx.store.stations.get(stationId))) throw notFound('station', stationId);
      const cleared = ctx.control ? await ctx.control.state.clearExternalCaps(stationId) : false;
      if (cleared) {
        await audit(ctx, request, 'relay.caps.clear', stationId);
        ctx.log.warn(`the CPO's caps cleared by ${request.identity?.login ?? 'an admin'}`, { stationId, action: 'relay' });
      }
      return { cleared };
    });
  };
}

type StationRow = Omit<Static<typeof StationStatus>, 'cpoCaps'>;

/** A station with no upstream link (the relay is off, or the station is not connected). */
const unlinked = (stationId: string, queued: number): StationRow => ({
  stationId, identity: stationId, state: 'none', since: null, queued, lastError: null, bootStatus: null, timeOffsetMs: null,
});

/** The CPO's caps per station, as stored (they are stored before they apply). */
async function capsByStation(ctx: ApiContext): Promise<Map<string, { connectorId: number; capA: number }[]>> {
  const byStation = new Map<string, { connectorId: number; capA: number }[]>();
  for (const cap of await ctx.store.cpoCaps.list()) {
    const list = byStation.get(cap.station_id) ?? [];
    list.push({ connectorId: cap.connector_id, capA: cap.cap_a });
    byStation.set(cap.station_id, list);
  }
  return byStation;
}
