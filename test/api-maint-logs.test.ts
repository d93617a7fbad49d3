// X1, S4, X2, R3 over real HTTP: logs with filters, the audit log, the report, the metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';
import { SimStation } from '../src/sim/index.js';

describe('logs, audit, report and metrics', () => {
  let h: ApiHarness;
  let station: SimStation;
  beforeAll(async () => {
    h = await startApiHarness(testSite());
    station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, meterValueIntervalS: 1, tickIntervalMs: 200 });
    expect(await station.start()).toBe('Accepted');
    await station.plugIn(1);
    await station.presentBadge(1, 'WALK-IN');
    h.app.log.error('meter <Grid> lost: timeout & "retry"', { action: 'meter' });
    h.app.log.warn('CP-001 slow answer', { stationId: 'CP-001', action: 'Heartbeat' });
    await waitFor(async () => (await h.app.store.logs.list({ level: 'error' })).length > 0, 'the error line stored');
  });
  afterAll(async () => {
    await station?.stop();
    await h?.cleanup();
  });

  it('lists logs newest first, filtered by level, station, action, text and time, paged', async () => {
    const all = (await h.admin.get('/api/logs')).body.entries;
    expect(all.length).toBeGreaterThan(3);
    expect(all.map((e: { id: number }) => e.id)).toEqual([...all.map((e: { id: number }) => e.id)].sort((a, b) => b - a));
    expect(all[0]).toMatchObject({ id: expect.any(Number), at: expect.any(Number), time: expect.stringMatching(/Z$/), level: expect.any(String) });

    const errors = (await h.admin.get('/api/logs?level=error')).body.entries;
    expect(errors.map((e: { message: string }) => e.message)).toContain('meter <Grid> lost: timeout & "retry"');
    expect(errors.every((e: { level: string }) => e.level === 'error')).toBe(true);
    const warnUp = (await h.admin.get('/api/logs?minLevel=warn')).body.entries;
    expect(new Set(warnUp.map((e: { level: string }) => e.level))).toEqual(new Set(['warn', 'error']));
    expect((await h.admin.get('/api/logs?station=CP-001&action=Heartbeat')).body.entries).toMatchObject([{ message: 'CP-001 slow answer', stationId: 'CP-001' }]);
    expect((await h.admin.get('/api/logs?text=GRID%3E%20LOST')).body.entries).toHaveLength(1);
    expect((await h.admin.get('/api/logs?text=%25')).body.entries).toHaveLength(0); // % is a character, not a wildcard
    const cp003 = (await h.admin.get('/api/logs?station=CP-003')).body.entries;
    expect(cp003.length).toBeGreaterThan(0);

    const newest = all[0].at as number;
    expect((await h.admin.get(`/api/logs?since=${newest + 1}`)).body.entries).toEqual([]);
    expect((await h.admin.get(`/api/logs?until=${new Date(all[all.length - 1].at).toISOString()}`)).body.entries).toEqual([]);
    expect((await h.admin.get('/api/logs?since=yesterday')).body).toMatchObject({ error: 'invalid-request', message: expect.stringContaining('querystring.since') });
    expect((await h.admin.get('/api/logs?level=loud')).status).toBe(400);

    const page1 = (await h.admin.get('/api/logs?limit=2')).body;
    expect(page1.entries).toHaveLength(2);
    const page2 = (await h.admin.get(`/api/logs?limit=2&before=${page1.nextBefore}`)).body;
    expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);
    expect((await h.user.get('/api/logs')).status).toBe(403);
  });

  it('keeps the audit log filterable by actor, action and time', async () => {
    const entries = (await h.admin.get('/api/audit')).body.entries;
    expect(entries.find((e: { action: string }) => e.action === 'user.create')).toMatchObject({ actor: 'root', target: 'operator', details: { role: 'user' } });
    const creates = (await h.admin.get('/api/audit?action=user.create&actor=root')).body.entries;
    expect(creates.length).toBeGreaterThan(0);
    expect(creates.every((e: { action: string }) => e.action === 'user.create')).toBe(true);
    expect((await h.admin.get('/api/audit?actor=nobody')).body.entries).toEqual([]);
    expect((await h.admin.get(`/api/audit?since=${Date.now() + 60_000}`)).body.entries).toEqual([]);
  });

  it('serves the maintenance report as one self-contained HTML file', async () => {
    const response = await h.admin.get('/api/maintenance/report');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="fuseguard-report-.*\.html"/);
    const html = response.text;
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    for (const part of ['Fuseguard maintenance report', 'uptime', 'Resources', 'database size', 'Configuration', 'CP-001', 'CP-003', 'Row A', 'Meters', 'connected']) expect(html).toContain(part);
    expect(html).toContain('meter &lt;Grid&gt; lost: timeout &amp; &quot;retry&quot;');
    expect(html).not.toContain('<Grid>');
  });

  it('exposes Prometheus metrics to a user API token', async () => {
    const created = await h.admin.post('/api/tokens', { name: 'prometheus', role: 'user' });
    const scraper = h.client();
    scraper.token = created.body.token;
    await h.app.control?.settled();
    await waitFor(async () => (await scraper.get('/metrics')).text.includes('fuseguard_zone_allocated_amperes{zone="Row B",phase="L1"}'), 'zone metrics');
    const response = await scraper.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = response.text;
    const value = (series: string) => Number(text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1));
    expect(value('fuseguard_stations_connected')).toBe(1);
    expect(value('fuseguard_sessions_active')).toBe(1);
    expect(value('fuseguard_zone_limit_amperes{zone="Main",phase="L1"}')).toBe(63);
    // D8: CP-001 and CP-002 never connected since the start: each connector may draw its 32 A, so
    // Row A holds 96 A on L1 and the car of Row B waits (Main is full): reserved, not allocated.
    expect(value('fuseguard_zone_reserved_amperes{zone="Row A",phase="L1"}')).toBe(96);
    expect(value('fuseguard_zone_allocated_amperes{zone="Row B",phase="L1"}')).toBe(0);
    expect(value('fuseguard_setpoints_suspended')).toBe(1);
    expect(value('fuseguard_setpoints_not_answering')).toBe(0);
    expect(text).toContain('fuseguard_zone_measured_amperes{zone="Row B",phase="L1"}');
    expect(value('fuseguard_control_round_duration_seconds_count')).toBeGreaterThan(0);
    expect(value('fuseguard_control_failsafe_computations_total')).toBeGreaterThan(0);
    expect(text).toContain('fuseguard_commands_total{outcome="timeout"} 0');
    expect(text).toContain('fuseguard_command_failures_total');
    expect(value('fuseguard_commands_pending')).toBeGreaterThanOrEqual(0);
    // Counted since the start, not from the commands table, which retention prunes (issue 16).
    const answered = value('fuseguard_commands_total{outcome="answered"}');
    expect(answered).toBeGreaterThan(0);
    await h.app.store.db.deleteFrom('commands').execute();
    const after = (await scraper.get('/metrics')).text;
    expect(Number(after.split('\n').find((l) => l.startsWith('fuseguard_commands_total{outcome="answered"} '))?.split(' ')[1])).toBeGreaterThanOrEqual(answered);
    expect(text).toMatch(/# TYPE fuseguard_control_round_duration_seconds summary/);
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [-+\w.]+)$/);
    expect((await h.anonymous.get('/metrics')).status).toBe(401);
    expect((await h.anonymous.get('/healthz')).body).toMatchObject({ status: 'ok' });
  });
});
