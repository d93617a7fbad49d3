// Time of use over real HTTP (M1, W8): periods, the zone × period matrix, the summary table,
// the M1 rules as 422 naming the field, and a period that applies at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { testSite, waitFor } from './helpers/harness.js';

const slot = (startHour: number, endHour: number) => ({ startHour, startMinute: 0, endHour, endMinute: 0 });
const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const periods = [
  { name: 'Peak', enabled: true, pct: 80, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], slots: [slot(8, 12), slot(17, 20)] },
  { name: 'Night', enabled: false, pct: 60, weekdays: ALL_DAYS, slots: [slot(22, 6)] },
];

describe('time of use API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    const site = testSite();
    site.zones?.push({ name: 'Hall', maxCurrentA: 80, mode: 'static' });
    h = await startApiHarness(site, { control: { debounceMs: 20 } });
  });
  afterAll(async () => { await h?.cleanup(); });

  it('starts off, stores periods and gives the summary table (M1: 80 A at 80 % → 64 A, at 60 % → 48 A)', async () => {
    const empty = await h.user.get('/api/tou');
    expect(empty.body).toMatchObject({ enabled: false, periods: [] });
    const r = await h.admin.put('/api/tou', { enabled: true, timeZone: 'Europe/Paris', periods });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ enabled: true, timeZone: 'Europe/Paris', periods, zonePeriods: {} });
    const summary = await h.user.get('/api/tou/summary');
    const hall = summary.body.zones.find((z: { zone: string }) => z.zone === 'Hall');
    expect(hall).toEqual({
      zone: 'Hall', nominalA: 80,
      periods: [{ period: 'Peak', pct: 80, enabled: true, currentA: 64 }, { period: 'Night', pct: 60, enabled: false, currentA: 48 }],
    });
    expect((await h.user.put('/api/tou', { enabled: false, timeZone: 'UTC', periods: [] })).status).toBe(403);
  });

  it('edits the zone × period matrix; the summary leaves out what does not apply', async () => {
    const r = await h.admin.put('/api/tou/matrix', { zonePeriods: { 'Row B': ['Peak'], Hall: [] } });
    expect(r.status).toBe(200);
    const matrix = await h.user.get('/api/tou/matrix');
    expect(matrix.body.periods).toEqual(['Peak', 'Night']);
    expect(matrix.body.zones).toEqual(expect.arrayContaining([
      { zone: 'Main', periods: ['Peak', 'Night'], allPeriods: true },
      { zone: 'Row B', periods: ['Peak'], allPeriods: false },
      { zone: 'Hall', periods: [], allPeriods: false },
    ]));
    const summary = await h.user.get('/api/tou/summary');
    const rowB = summary.body.zones.find((z: { zone: string }) => z.zone === 'Row B');
    expect(rowB.periods.map((p: { currentA: number | null }) => p.currentA)).toEqual([25.6, null]);
    // Periods sent without a matrix keep it; a removed period leaves it.
    await h.admin.put('/api/tou', { enabled: true, timeZone: 'Europe/Paris', periods: [periods[1]] });
    expect((await h.user.get('/api/tou')).body.zonePeriods).toEqual({ 'Row B': [], Hall: [] });
    await h.admin.put('/api/tou', { enabled: true, timeZone: 'Europe/Paris', periods, zonePeriods: {} });
  });

  it('refuses bad configurations naming the rule and field (400 shape, 422 rules) and changes nothing', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ ...periods[0], name: `P${i}` }));
    const tooMany = await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: six });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details[0].field).toBe('body.periods');
    const pct = await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: [{ ...periods[0], pct: 120 }] });
    expect(pct.body.details[0].field).toBe('body.periods.0.pct');
    const hour = await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: [{ ...periods[0], slots: [slot(8, 24)] }] });
    expect(hour.body.details[0].field).toBe('body.periods.0.slots.0.endHour');
    const days = await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: [{ ...periods[0], weekdays: [] }] });
    expect(days.body.details[0].field).toBe('body.periods.0.weekdays');
    const zone = await h.admin.put('/api/tou', { enabled: true, timeZone: 'Mars/Olympus', periods });
    expect(zone.status).toBe(422);
    expect(zone.body).toMatchObject({ error: 'time-zone', details: { field: 'body.timeZone' } });
    const dup = await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: [periods[0], periods[0]] });
    expect(dup.body).toMatchObject({ error: 'period-name', details: { field: 'body.periods.0.name' } });
    const slots = await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: [{ ...periods[0], slots: Array.from({ length: 21 }, (_, i) => slot(i, i + 1)) }] });
    expect(slots.body).toMatchObject({ error: 'too-many-slots', details: { field: 'body.periods' } });
    const unknownZone = await h.admin.put('/api/tou/matrix', { zonePeriods: { Nowhere: ['Peak'] } });
    expect(unknownZone.body).toMatchObject({ error: 'matrix-zone', details: { field: 'body.zonePeriods.Nowhere' } });
    const unknownPeriod = await h.admin.put('/api/tou/matrix', { zonePeriods: { Main: ['Lunch'] } });
    expect(unknownPeriod.body).toMatchObject({ error: 'matrix-period', details: { field: 'body.zonePeriods.Main' } });
    expect((await h.admin.put('/api/tou/matrix', { zonePeriods: {}, extra: 1 })).body.details[0].field).toBe('body.extra');
    expect((await h.user.get('/api/tou')).body).toMatchObject({ timeZone: 'Europe/Paris', periods, zonePeriods: {} });
  });

  it('a period active now lowers the zones at once; switching TOU off lifts it (M1)', async () => {
    const always = { name: 'Always', enabled: true, pct: 50, weekdays: ALL_DAYS, slots: [slot(0, 0)] };
    expect((await h.admin.put('/api/tou', { enabled: true, timeZone: 'UTC', periods: [always] })).status).toBe(200);
    const limitOf = async (zone: string) => (await h.user.get(`/api/zones/${encodeURIComponent(zone)}`)).body.live?.limitA[0];
    await waitFor(async () => (await limitOf('Hall')) === 40, 'Hall at 50 %');
    const hall = await h.user.get('/api/zones/Hall');
    expect(hall.body.live.limitSources[0]).toMatch(/Always/);
    await h.admin.put('/api/tou', { enabled: false, timeZone: 'UTC', periods: [always] });
    await waitFor(async () => (await limitOf('Hall')) === 80, 'Hall back at 80 A');
  });
});
