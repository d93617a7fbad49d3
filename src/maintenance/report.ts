// The maintenance report (X2): one self-contained HTML file (inline CSS, no script, no external
// resource) that a site owner can mail to support. Every value is escaped.

export interface ReportData {
  generatedAt: number;
  version: string;
  startedAt: number;
  node: string;
  platform: string;
  hostname: string;
  resources: {
    rssBytes: number;
    heapUsedBytes: number;
    systemMemoryTotalBytes: number;
    systemMemoryFreeBytes: number;
    loadAverage: readonly number[];
    cpuCount: number;
    cpuUserMs: number;
    cpuSystemMs: number;
    dataDir: string;
    databaseBytes: number;
    diskTotalBytes: number | null;
    diskFreeBytes: number | null;
  };
  configuration: [string, string][];
  zones: { name: string; parent: string | null; maxCurrentA: number; mode: string; meter: string | null }[];
  stations: { id: string; zone: string | null; admission: string; connected: boolean; status: string | null; errorCode: string | null; model: string; firmware: string | null; controlIssue: string | null; lastSeenAt: number | null; connectors: string }[];
  meters: { name: string; model: string; status: string; reason: string | null; lost: boolean; currentsA: string; since: number }[];
  control: { rounds: number; averageRoundMs: number | null; lastRoundAt: number | null } | null;
  errors: { at: number; level: string; stationId: string | null; action: string | null; message: string }[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const time = (at: number | null) => (at === null ? '–' : new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
const bytes = (n: number | null) => {
  if (n === null) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
};
const duration = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h ${Math.floor((s % 3600) / 60)}m ${s % 60}s`;
};

function table(headers: string[], rows: unknown[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const pairs = (rows: [string, unknown][]) => `<table class="pairs"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}thead th{background:#f2f2f2}
table.pairs th{background:#f8f8f8;font-weight:normal;color:#555}.empty{color:#777;font-style:italic}td{font-variant-numeric:tabular-nums}`;

export function renderReport(d: ReportData): string {
  const r = d.resources;
  const sections = [
    `<h1>Fuseguard maintenance report</h1>`,
    pairs([['generated', time(d.generatedAt)], ['version', d.version], ['started', time(d.startedAt)], ['uptime', duration(d.generatedAt - d.startedAt)],
      ['Node.js', d.node], ['platform', d.platform], ['host name', d.hostname]]),
    `<h2>Resources</h2>`,
    pairs([['process memory (RSS)', bytes(r.rssBytes)], ['JavaScript heap used', bytes(r.heapUsedBytes)],
      ['system memory', `${bytes(r.systemMemoryFreeBytes)} free of ${bytes(r.systemMemoryTotalBytes)}`],
      ['CPU', `${r.cpuCount} cores; load ${r.loadAverage.map((l) => l.toFixed(2)).join(' / ')}; process CPU time ${(r.cpuUserMs / 1000).toFixed(1)} s user, ${(r.cpuSystemMs / 1000).toFixed(1)} s system`],
      ['data folder', r.dataDir], ['database size', bytes(r.databaseBytes)],
      ['disk of the data folder', r.diskTotalBytes === null ? 'unknown' : `${bytes(r.diskFreeBytes)} free of ${bytes(r.diskTotalBytes)}`]]),
    `<h2>Configuration</h2>`, pairs(d.configuration),
    `<h2>Control loop</h2>`,
    d.control ? pairs([['rounds', d.control.rounds], ['average round', d.control.averageRoundMs === null ? '–' : `${d.control.averageRoundMs.toFixed(2)} ms`], ['last round', time(d.control.lastRoundAt)]]) : `<p class="empty">load management is off</p>`,
    `<h2>Zones (${d.zones.length})</h2>`,
    table(['zone', 'parent', 'limit (A)', 'mode', 'meter'], d.zones.map((z) => [z.name, z.parent ?? '–', z.maxCurrentA, z.mode, z.meter ?? '–']), 'no zone'),
    `<h2>Stations (${d.stations.length})</h2>`,
    table(['station', 'zone', 'admission', 'connection', 'status', 'error', 'connectors', 'model', 'firmware', 'control', 'last change'],
      d.stations.map((s) => [s.id, s.zone ?? '–', s.admission, s.connected ? 'connected' : 'offline', s.status ?? '–', s.errorCode ?? '–', s.connectors, s.model || '–', s.firmware ?? '–', s.controlIssue ?? 'ok', time(s.lastSeenAt)]), 'no station'),
    `<h2>Meters (${d.meters.length})</h2>`,
    table(['meter', 'model', 'status', 'reason', 'lost', 'currents L1/L2/L3 (A)', 'since'],
      d.meters.map((m) => [m.name, m.model, m.status, m.reason ?? '–', m.lost ? 'yes' : 'no', m.currentsA, time(m.since)]), 'no meter'),
    `<h2>Recent warnings and errors (${d.errors.length})</h2>`,
    table(['time', 'level', 'station', 'action', 'message'], d.errors.map((e) => [time(e.at), e.level, e.stationId ?? '–', e.action ?? '–', e.message]), 'none'),
  ];
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Fuseguard maintenance report ${escapeHtml(time(d.generatedAt))}</title>\n<style>${CSS}</style></head>\n<body>\n${sections.join('\n')}\n</body></html>\n`;
}
