// Prometheus metrics (R3) at GET /metrics, in the text exposition format 0.0.4. Access 'user':
// Prometheus scrapes with an API token (authorization: { credentials: fg_... }).
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { VERSION } from '../../app/version.js';
import { PHASES } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { errors } from '../schemas.js';

type Labels = Record<string, string | number>;

const escapeLabel = (value: string | number) => String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Labels) => {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
};
const number = (v: number) => (Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

/** Builds the exposition text, one HELP and TYPE per metric family. */
export class MetricsText {
  private readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter' | 'summary', help: string, samples: [Labels, number][] | number): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of typeof samples === 'number' ? [[{}, samples] as [Labels, number]] : samples) this.lines.push(`${name}${labelText(labels)} ${number(value)}`);
    return this;
  }

  /** Extra series of the last family (a summary's _sum and _count). */
  series(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${labelText(labels)} ${number(value)}`);
    return this;
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function metricsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', {
      config: { access: 'user' },
      schema: {
        tags: ['health'], summary: 'Prometheus metrics (R3)', description: 'Text exposition format 0.0.4; scrape with an API token of role user.',
        produces: ['text/plain'], response: { 200: Type.String(), ...errors(401, 403) },
      },
    }, async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send(await collect(ctx)));
  };
}

async function collect(ctx: ApiContext): Promise<string> {
  const m = new MetricsText();
  const [stations, connectors, openSessions] = await Promise.all([
    ctx.store.stations.list(), ctx.store.stations.listConnectors(), ctx.store.transactions.countOpen(),
  ]);
  const connected = ctx.stationServer.connectedIds();
  m.family('fuseguard_info', 'gauge', 'Fuseguard version', [[{ version: VERSION }, 1]]);
  m.family('fuseguard_uptime_seconds', 'gauge', 'Seconds since Fuseguard started', (ctx.now() - ctx.startedAt) / 1000);
  m.family('fuseguard_stations_connected', 'gauge', 'Stations connected now', connected.length);
  const byAdmission = new Map<string, number>([['admitted', 0], ['pending', 0]]);
  for (const s of stations) byAdmission.set(s.admission, (byAdmission.get(s.admission) ?? 0) + 1);
  m.family('fuseguard_stations', 'gauge', 'Known stations by admission', [...byAdmission].map(([admission, n]) => [{ admission }, n]));
  const byStatus = new Map<string, number>();
  for (const c of connectors) byStatus.set(c.status ?? 'Unknown', (byStatus.get(c.status ?? 'Unknown') ?? 0) + 1);
  m.family('fuseguard_connectors', 'gauge', 'Connectors by last reported status', [...byStatus].map(([status, n]) => [{ status }, n]));
  m.family('fuseguard_sessions_active', 'gauge', 'Charging sessions not stopped yet', openSessions);

  const result = ctx.control?.lastResult;
  if (result) {
    const zones = result.zones;
    const perPhase = (pick: (z: (typeof zones)[number]) => readonly number[]): [Labels, number][] =>
      zones.flatMap((z) => PHASES.map((phase, i): [Labels, number] => [{ zone: z.zone, phase }, pick(z)[i]]));
    m.family('fuseguard_zone_limit_amperes', 'gauge', 'Effective limit per zone and phase', perPhase((z) => z.limitA));
    m.family('fuseguard_zone_allocated_amperes', 'gauge', 'Current allocated to controllable connectors per zone and phase', perPhase((z) => z.allocatedA));
    m.family('fuseguard_zone_reserved_amperes', 'gauge', 'Current held for offline and uncontrolled stations per zone and phase', perPhase((z) => z.reservedA));
    m.family('fuseguard_zone_measured_amperes', 'gauge', 'Current measured by the vehicles charging in the zone, per phase', perPhase((z) => z.evMeasuredA));
    m.family('fuseguard_zone_meter_lost', 'gauge', '1 when the zone meter is lost and the zone runs on its fallback', result.zones.map((z) => [{ zone: z.zone }, z.meterLost ? 1 : 0]));
    m.family('fuseguard_setpoints_suspended', 'gauge', 'Connectors suspended by the allocator (A5, A8)', result.setpoints.filter((s) => s.reason.code === 'suspended').length);
    m.family('fuseguard_setpoints_not_answering', 'gauge', 'Connectors whose station left a live profile unanswered past the patience: counted at what they may draw (D8)', result.setpoints.filter((s) => s.reason.code === 'not-answering').length);
  }
  const meters = ctx.meters().states();
  m.family('fuseguard_meter_current_amperes', 'gauge', 'Last reading of each meter per phase', meters.filter((s) => s.lastReading).flatMap((s) => PHASES.map((phase, i): [Labels, number] => [{ meter: s.name, phase }, s.lastReading?.currentsA[i] ?? 0])));
  m.family('fuseguard_meter_lost', 'gauge', '1 when the meter gave no valid reading for 3 periods', meters.map((s) => [{ meter: s.name }, s.lost ? 1 : 0]));

  if (ctx.control) {
    const stats = ctx.control.stats;
    m.family('fuseguard_control_round_duration_seconds', 'summary', 'Control loop rounds (allocation plus dispatch)', [])
      .series('fuseguard_control_round_duration_seconds_sum', {}, stats.roundMs / 1000)
      .series('fuseguard_control_round_duration_seconds_count', {}, stats.rounds);
    m.family('fuseguard_control_allocate_seconds_total', 'counter', 'Time spent in allocate()', stats.allocateMs / 1000);
    m.family('fuseguard_control_failsafe_computations_total', 'counter', "Computations of every connector's failsafe (once per configuration change)", stats.failsafeRuns);
  }
  const commands = ctx.commands.counts;
  m.family('fuseguard_commands_total', 'counter', 'Commands sent to stations since the start, by outcome (answered, error, timeout)',
    (['answered', 'error', 'timeout'] as const).map((outcome) => [{ outcome }, commands[outcome]]));
  m.family('fuseguard_command_failures_total', 'counter', 'Commands that failed or timed out since the start', commands.error + commands.timeout);
  m.family('fuseguard_commands_pending', 'gauge', 'Commands sent and not answered yet', commands.pending);

  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  m.family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes', memory.rss);
  m.family('process_cpu_seconds_total', 'counter', 'User and system CPU time in seconds', (cpu.user + cpu.system) / 1e6);
  m.family('process_start_time_seconds', 'gauge', 'Start time of the process since the epoch, in seconds', Math.round((Date.now() - process.uptime() * 1000) / 1000));
  return m.toString();
}
