// The relay to a CPO for operators (U1-U4): GET /api/relay/status. Per station: the upstream
// link's state and since when, queued transaction messages, the last error. No secrets.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { publicUrl, relayOf } from '../../relay/relay.js';
import { resolveSettings } from '../../site/settings.js';
import type { ApiContext } from '../context.js';
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
});
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
      const stations = relay
        ? await relay.status()
        : [...(await ctx.store.relayOutbox.queuedCounts())].map(([stationId, queued]) => ({
          stationId, identity: stationId, state: 'none', since: null, queued, lastError: null, bootStatus: null, timeOffsetMs: null,
        }));
      return {
        enabled: upstream.enabled === true, running: relay !== undefined, url: publicUrl(upstream.url),
        timeOffsetMs: relay?.timeOffsetMs() ?? null,
        clockCorrectionMs: relay?.clockCorrectionMs() ?? 0,
        stations: stations.map((s) => ({ ...s, since: s.since || null })),
      };
    });
  };
}
