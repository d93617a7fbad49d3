// Live events (W6) as Server-Sent Events: station, connector, session, meter and allocation
// changes, each `event: <type>` with JSON `data`. Frequent ones (meter values, meter readings,
// allocation rounds) are throttled per key, keeping the latest; a comment line every 15 s keeps
// proxies from closing the stream. Every listener is removed when the client goes, and the stream
// ends (`event: end`) once its session or token would no longer be let in.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AllocationResult, SetpointReason } from '../../domain/index.js';
import type { MeterPoller } from '../../meters/index.js';
import type { MeterReading } from '../../meters/read-meter.js';
import type { MeterState } from '../../meters/meter-poller.js';
import type { SiteEventMap } from '../../services/site-events.js';
import { identityEnded } from '../auth/identity-check.js';
import type { ApiContext } from '../context.js';
import { errors } from '../schemas.js';

export const EVENT_TYPES = ['station', 'connector', 'session', 'meter', 'allocation'] as const;
export type LiveEventType = (typeof EVENT_TYPES)[number];
export const HEARTBEAT_MS = 15_000;
/** At most one event per key (a connector's meter values, a meter, the allocation) this often. */
export const THROTTLE_MS = 1_000;
const ALLOCATION_THROTTLE_MS = 500;
/**
 * How often a stream checks that its caller would still be let in (session not expired or ended,
 * user not deleted, token not revoked, same role): then it ends with an `end` event.
 */
export const IDENTITY_CHECK_MS = 2_000;
/** A client this far behind is dropped; it reconnects and starts afresh. */
const MAX_BUFFERED_BYTES = 1 << 20;

const EventsQuery = Type.Object({
  types: Type.Optional(Type.String({ pattern: `^(${EVENT_TYPES.join('|')})(,(${EVENT_TYPES.join('|')}))*$`, description: `only these types, comma-separated: ${EVENT_TYPES.join(', ')}` })),
  maxDurationS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: 'close the stream after this long (for scripts)' })),
}, { additionalProperties: false });

/** Keeps the latest value per key and passes at most one per `intervalMs`, the last one included. */
class Throttle<T> {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, T>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly intervalMs: number, private readonly emit: (value: T) => void) {}

  push(key: string, value: T): void {
    const now = performance.now();
    const wait = (this.last.get(key) ?? -Infinity) + this.intervalMs - now;
    if (wait <= 0 && !this.timers.has(key)) {
      this.last.set(key, now);
      this.emit(value);
      return;
    }
    this.pending.set(key, value);
    if (this.timers.has(key)) return;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const latest = this.pending.get(key);
      this.pending.delete(key);
      this.last.set(key, performance.now());
      if (latest !== undefined) this.emit(latest);
    }, Math.max(0, wait)));
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.pending.clear();
  }
}

/** A setpoint reason in a few fields: the code and what bound it. */
function compactReason(reason: SetpointReason): Record<string, unknown> {
  switch (reason.code) {
    case 'zone-limit': return { code: reason.code, zone: reason.zone, phase: reason.phase, limitA: reason.limitA };
    case 'connector-max': return { code: reason.code, maxA: reason.maxA };
    case 'demand': return { code: reason.code, capA: reason.capA, measuredA: reason.measuredA };
    case 'external-cap': return { code: reason.code, source: reason.source, capA: reason.capA };
    case 'suspended': return { code: reason.code, cause: reason.cause, zone: reason.zone, phase: reason.phase, ...(reason.nextTurnAt !== undefined ? { nextTurnAt: reason.nextTurnAt } : {}) };
    case 'station-offline': return { code: reason.code, assumption: reason.assumption };
    case 'config-error': return { code: reason.code, message: reason.message };
    default: return { code: reason.code };
  }
}

const round1 = (values: readonly number[]) => values.map((v) => Math.round(v * 10) / 10);

export function compactAllocation(result: AllocationResult): Record<string, unknown> {
  return {
    at: result.at,
    setpoints: result.setpoints.map((s) => ({
      connector: s.connectorId, zone: s.zone, currentA: Math.round(s.currentA * 10) / 10, phases: s.phases,
      ...(s.powerW !== undefined ? { powerW: Math.round(s.powerW) } : {}), controllable: s.controllable, reason: compactReason(s.reason),
    })),
    zones: result.zones.map((z) => ({
      zone: z.zone, limitA: round1(z.limitA), allocatedA: round1(z.allocatedA), measuredA: round1(z.evMeasuredA), reservedA: round1(z.reservedA), meterLost: z.meterLost,
    })),
  };
}

export function eventsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    // Open streams end when the server closes (shutdown, restart): they would hold it open.
    const open = new Set<() => void>();
    app.addHook('preClose', async () => { for (const close of [...open]) close(); });

    app.get<{ Querystring: Static<typeof EventsQuery> }>('/events', {
      config: { access: 'user' },
      schema: {
        tags: ['live'], summary: 'Live events as Server-Sent Events (W6)',
        description: `text/event-stream. Types: ${EVENT_TYPES.join(', ')}; each has a JSON data line. A ": heartbeat" comment every ${HEARTBEAT_MS / 1000} s. `
          + `Meter values, meter readings and allocation rounds are throttled (latest value kept). `
          + `The stream ends with an "end" event ({"reason": ...}) within ${IDENTITY_CHECK_MS / 1000} s of its session expiring or ending, its user being deleted, its token being revoked or its role changing.`,
        querystring: EventsQuery, produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errors(400, 401, 403) },
      },
    }, async (request, reply) => {
      const wanted = new Set((request.query.types ?? EVENT_TYPES.join(',')).split(',') as LiveEventType[]);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      // HEAD: the headers, and done. Node drops a HEAD answer's writes without sending its headers,
      // so a stream left open would answer nothing until it ended (found by the HTTP fuzzer).
      if (request.method === 'HEAD') return void res.end();
      res.write(`retry: 2000\n: Fuseguard live events (${[...wanted].join(', ')})\n\n`);
      let id = 0;
      const cleanups: (() => void)[] = [];
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        open.delete(close);
        for (const cleanup of cleanups.splice(0)) cleanup();
        if (!res.writableEnded) res.end();
      };
      const send = (type: LiveEventType, data: unknown) => {
        if (closed || !wanted.has(type)) return;
        if (res.writableLength > MAX_BUFFERED_BYTES) return close();
        res.write(`id: ${++id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const on = <K extends keyof SiteEventMap>(name: K, listener: (e: SiteEventMap[K]) => void) => {
        ctx.events.on(name, listener as never);
        cleanups.push(() => ctx.events.off(name, listener as never));
      };

      on('station.connected', (e) => send('station', { stationId: e.stationId, change: 'connected', at: e.at }));
      on('station.disconnected', (e) => send('station', { stationId: e.stationId, change: 'disconnected', reason: e.reason, at: e.at }));
      on('station.booted', (e) => send('station', { stationId: e.stationId, change: 'booted', admitted: e.admitted, at: e.at }));
      on('connector.status', (e) => {
        if (e.connectorId === 0) send('station', { stationId: e.stationId, change: 'status', status: e.status, errorCode: e.errorCode, at: e.at });
        else send('connector', { stationId: e.stationId, connectorId: e.connectorId, status: e.status, errorCode: e.errorCode, at: e.at });
      });
      on('transaction.started', (e) => send('session', { change: 'started', transactionId: e.transactionId, stationId: e.stationId, connectorId: e.connectorId, idTag: e.idTag, meterStartWh: e.meterStartWh, at: e.at }));
      on('transaction.stopped', (e) => send('session', { change: 'stopped', transactionId: e.transactionId, stationId: e.stationId, reason: e.reason, at: e.at }));
      const meterValues = new Throttle<SiteEventMap['meter.values']>(THROTTLE_MS, (e) => send('session', {
        change: 'meter-values', transactionId: e.transactionId, stationId: e.stationId, connectorId: e.connectorId, at: e.at, ...e.measurement,
      }));
      cleanups.push(() => meterValues.clear());
      on('meter.values', (e) => meterValues.push(`${e.stationId}/${e.connectorId}`, e));

      // Meters: the poller is replaced on reload, so the stream follows the current one.
      const readings = new Throttle<{ name: string; reading: MeterReading }>(THROTTLE_MS, ({ name, reading }) => send('meter', {
        name, change: 'reading', currentsA: reading.currentsA, powerW: reading.powerW, energyWh: reading.energyWh, at: reading.at,
      }));
      cleanups.push(() => readings.clear());
      const onReading = (name: string, reading: MeterReading) => readings.push(name, { name, reading });
      const onState = (s: MeterState) => send('meter', { name: s.name, change: 'state', status: s.status, reason: s.reason, lost: s.lost, at: s.since });
      let poller: MeterPoller | null = null;
      const follow = () => {
        const current = ctx.meters();
        if (current === poller) return;
        poller?.off('reading', onReading).off('state', onState);
        poller = current.on('reading', onReading).on('state', onState);
      };
      follow();
      const followTimer = setInterval(follow, 1_000);
      cleanups.push(() => { clearInterval(followTimer); poller?.off('reading', onReading).off('state', onState); });

      if (ctx.control) {
        let lastSent = '';
        const allocations = new Throttle<AllocationResult>(ALLOCATION_THROTTLE_MS, (result) => {
          const compact = compactAllocation(result);
          const fingerprint = JSON.stringify({ ...compact, at: 0 });
          if (fingerprint === lastSent) return; // the steady tick with nothing new
          lastSent = fingerprint;
          send('allocation', compact);
        });
        cleanups.push(ctx.control.onRound((result) => allocations.push('site', result)), () => allocations.clear());
      }

      const heartbeat = setInterval(() => { if (!closed) res.write(': heartbeat\n\n'); }, HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
      const identity = request.identity;
      if (identity) {
        let checking = false;
        const check = setInterval(() => {
          if (checking || closed) return;
          checking = true;
          identityEnded(identity, ctx).then((reason) => {
            if (!reason || closed) return;
            res.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
            close();
          }).catch(() => undefined).finally(() => { checking = false; });
        }, IDENTITY_CHECK_MS);
        cleanups.push(() => clearInterval(check));
      }
      if (request.query.maxDurationS) {
        const limit = setTimeout(close, request.query.maxDurationS * 1000);
        cleanups.push(() => clearTimeout(limit));
      }
      open.add(close);
      res.on('close', close);
      res.on('error', close);
    });
  };
}
