// Gathers what the maintenance report (X2) shows from the running Fuseguard.
import { statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { cpus, freemem, hostname, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ApiContext } from '../api/context.js';
import { VERSION } from '../app/version.js';
import { resolveSettings } from '../site/settings.js';
import { DATABASE_FILE } from '../store/database.js';
import type { ReportData } from './report.js';

/** A URL without its user and password, if it has any. */
function redactUrl(url: string | undefined): string {
  if (!url) return '–';
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) { parsed.username = '***'; parsed.password = ''; }
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function gatherReport(ctx: ApiContext): Promise<ReportData> {
  const stored = await ctx.store.settings.getAll();
  const settings = resolveSettings(stored);
  const [zones, stations, connectors, users, tokens, badges] = await Promise.all([
    ctx.store.zones.list(), ctx.store.stations.list(), ctx.store.stations.listConnectors(), ctx.store.users.list(), ctx.store.users.listTokens(), ctx.store.badges.list(),
  ]);
  const errors = await ctx.store.logs.query({ minLevel: 'warn', limit: 100 });
  let disk: { total: number; free: number } | null = null;
  try {
    const s = await statfs(ctx.dataDir);
    disk = { total: s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch { /* unknown on this platform */ }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const connectorsOf = (id: string) => connectors.filter((c) => c.station_id === id).map((c) => `${c.connector_id}: ${c.status ?? '?'} (${c.type} ${c.max_current_a} A ${c.phases})`).join('; ');
  const network = settings.network;
  const upstream = settings.upstream;
  const live = new Set(ctx.stationServer.connectedIds());
  const stats = ctx.control?.stats;
  return {
    generatedAt: ctx.now(), version: VERSION, startedAt: ctx.startedAt, node: process.version, platform: `${process.platform} ${process.arch}`, hostname: hostname(),
    resources: {
      rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, systemMemoryTotalBytes: totalmem(), systemMemoryFreeBytes: freemem(), loadAverage: loadavg(), cpuCount: cpus().length,
      cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, dataDir: ctx.dataDir,
      databaseBytes: fileBytes(join(ctx.dataDir, DATABASE_FILE)) + fileBytes(join(ctx.dataDir, `${DATABASE_FILE}-wal`)),
      diskTotalBytes: disk?.total ?? null, diskFreeBytes: disk?.free ?? null,
    },
    configuration: [
      ['listening (stored, next start)', `${network.host ?? '0.0.0.0'}:${network.port ?? 'command line'}${network.tlsCertFile ? ', TLS' : ''}${network.trustProxy ? ', behind a proxy' : ''}`],
      ['served over TLS now', ctx.tls ? 'yes' : 'no'],
      ['remote supervision (relay)', upstream.enabled ? `on, ${redactUrl(upstream.url)}` : 'off'],
      ['unknown stations', settings.unknownStations],
      ['minimum current standard', settings.minimumStandard],
      ['shedding priority', settings.sheddingPriority],
      ['heartbeat interval', `${settings.heartbeatIntervalS} s`],
      ['meter polling period', `${settings.meterPollingMs} ms`],
      ['live profile duration', `${settings.liveProfileDurationS} s`],
      ['meters configured', String(Array.isArray(stored.meters) ? stored.meters.length : 0)],
      ['digital inputs configured', String(Array.isArray(stored.inputs) ? stored.inputs.length : 0)],
      ['time of use', stored.tou ? 'configured' : 'none'],
      ['badges', String(badges.length)],
      ['users', users.map((u) => `${u.login} (${u.role}${u.must_change ? ', factory login' : ''})`).join(', ') || 'none'],
      ['API tokens (active)', String(tokens.filter((t) => t.revoked_at === null).length)],
      ['login lockout', `${settings.loginLockoutAttempts} attempts, ${settings.loginLockoutS} s`],
      ['session idle timeout', `${settings.sessionIdleTimeoutS} s`],
    ],
    zones: zones.map((z) => ({ name: z.name, parent: z.parent, maxCurrentA: z.max_current_a, mode: z.mode, meter: z.meter })),
    stations: stations.map((s) => ({
      id: s.id, zone: s.zone, admission: s.admission, connected: live.has(s.id), status: s.status, errorCode: s.error_code,
      model: [s.vendor, s.model].filter(Boolean).join(' '), firmware: s.firmware_version, controlIssue: s.control_issue,
      lastSeenAt: s.connected ? s.last_connected_at : s.last_disconnected_at, connectors: connectorsOf(s.id),
    })),
    meters: ctx.meters().states().map((m) => ({
      name: m.name, model: m.model, status: m.status, reason: m.reason, lost: m.lost, since: m.since,
      currentsA: m.lastReading ? m.lastReading.currentsA.map((a) => a.toFixed(1)).join(' / ') : '–',
    })),
    control: stats ? { rounds: stats.rounds, averageRoundMs: stats.rounds > 0 ? stats.roundMs / stats.rounds : null, lastRoundAt: ctx.control?.lastResult?.at ?? null } : null,
    errors: errors.map((e) => ({ at: e.at, level: e.level, stationId: e.station_id, action: e.action, message: e.message })),
  };
}
