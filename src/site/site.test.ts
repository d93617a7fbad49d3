import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../test/helpers/temp-dir.js';
import type { Store } from '../store/store.js';
import { applySite, SiteApplyError } from './apply-site.js';
import { exportSite } from './export-site.js';
import { loadSiteFile } from './load-site-file.js';
import { resolveSettings } from './settings.js';
import { siteJsonSchema, type SiteFile } from './site-schema.js';
import { siteFileWarnings } from './site-warnings.js';
import { STATION_ID_RULE } from './station-id.js';
import { validateSite } from './validate-site.js';

const example = (): SiteFile => JSON.parse(readFileSync(new URL('../../examples/site.json', import.meta.url), 'utf8')) as SiteFile;

describe('site file validation (R4, Z1-Z3)', () => {
  it('accepts the example site', () => {
    expect(validateSite(example())).toMatchObject({ ok: true });
  });

  it('names the path of every bad field', () => {
    const site = example() as unknown as { zones: { children: Record<string, unknown>[] }[]; stations: Record<string, unknown>[]; settings: Record<string, unknown> };
    site.settings.sheddingPriority = 'random';
    site.zones[0].children[0].colour = 'red';
    site.stations[0].id = 'CP 001';
    (site.stations[1].connectors as Record<string, unknown>[])[0].phases = 'L4';
    const result = validateSite(site);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      { path: '/settings/sheddingPriority', message: 'must be one of energy, duration' },
      { path: '/zones/0/children/0/colour', message: 'is not a known field' },
      { path: '/stations/0/id', message: STATION_ID_RULE },
      { path: '/stations/1/connectors/0/phases', message: 'must be one of L1L2L3, L2L3L1, L3L1L2, L1, L2, L3' },
    ]);
  });

  it('refuses a station id over 48 characters and a badge over 20', () => {
    const site = example();
    site.stations![0].id = 'X'.repeat(49);
    site.badges![0].idTag = 'B'.repeat(21);
    const result = validateSite(site);
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(['/stations/0/id', '/badges/0/idTag']);
  });

  it('checks the zone tree and references with the domain rules', () => {
    const site = example();
    site.zones![0].children![1].maxCurrentA = 80;
    site.stations![2].zone = 'Row C';
    site.stations![1].connectors[1].minCurrentA = 20;
    site.badges!.push({ idTag: '04A1B2C3' });
    const result = validateSite(site);
    expect(!result.ok && result.errors).toEqual([
      { path: '/zones/0/children/1', message: 'zone "Row B": maxCurrentA 80 A exceeds its parent "Main" (63 A) (rule child-within-parent)' },
      { path: '/stations/1/connectors/1/minCurrentA', message: "20 A is above the connector's maxCurrentA (16 A)" },
      { path: '/stations/2/zone', message: 'zone "Row C" is not defined in this file' },
      { path: '/badges/3/idTag', message: 'badge "04A1B2C3" is listed more than once' },
    ]);
  });

  it('refuses an unknown socket type, naming the station, the connector and the allowed values (A3, W10, issue 16)', () => {
    const site = example() as unknown as { stations: { connectors: Record<string, unknown>[] }[] };
    site.stations[1].connectors[1].socketType = 'Schuko';
    const result = validateSite(site);
    expect(!result.ok && result.errors).toEqual([{
      path: '/stations/1/connectors/1/socketType',
      message: 'station "CP-002" connector 2: socket type "Schuko" is not one of T2, T2S, TE, T3, domestic, T1, CCS, CHAdeMO',
    }]);
  });

  it('refuses a reporting meter as the meter of a dynamic zone, naming the zone and the meter (Z7)', () => {
    const site = example();
    site.meters = [{ name: 'Offices', protocol: 'tcp', host: '10.0.0.9', model: 'pm5320-iem3x5x-powertag', reporting: true }];
    site.zones![0].children![1] = { ...site.zones![0].children![1], mode: 'dynamic', meter: 'Offices' };
    const result = validateSite(site);
    expect(!result.ok && result.errors).toEqual([
      { path: '/zones/0/children/1', message: expect.stringMatching(/dynamic zone "Row B" cannot be driven by meter "Offices": it is a reporting meter.*\(rule meter-not-reporting\)$/) },
    ]);
    site.meters[0].reporting = false;
    expect(validateSite(site).ok).toBe(true);
  });

  it('warns, without refusing, when the children of a zone can draw more than it (issue 16, Z4)', () => {
    // Main 63 A: Row A and Row B 32 A each. Row A 32 A: 32 A + 16 A + 16 A on L1. Row B: 50 kW DC = 72.5 A.
    const warnings = siteFileWarnings(example());
    expect(warnings.map((w) => w.path)).toEqual(['/zones/0', '/zones/0/children/0', '/zones/0/children/1']);
    expect(warnings[0].message).toMatch(/zone "Main": .*64 A on L1, above its own 63 A/);
    expect(warnings[1].message).toMatch(/zone "Row A": .*64 A on L1, above its own 32 A/);
    expect(warnings[2].message).toMatch(/zone "Row B": .*72\.5 A on L1/);
    expect(validateSite(example()).ok).toBe(true);
  });

  it('warns, without refusing, when a T2S or TE socket is below the 10 A it calls for (A3, issue 16)', () => {
    const site = example();
    site.stations![1].connectors[1].minCurrentA = undefined; // TE, single-phase: the standard's 6 A
    site.stations![1].connectors[0].socketType = 'T2S'; // three-phase, no minCurrentA
    const warnings = siteFileWarnings(site).filter((w) => w.path.startsWith('/stations'));
    expect(warnings).toEqual([
      { path: '/stations/1/connectors/0/minCurrentA', message: 'station "CP-002" connector 1: a T2S socket calls for a minCurrentA of 10 A; its minimum is 6 A' },
      { path: '/stations/1/connectors/1/minCurrentA', message: 'station "CP-002" connector 2: a TE socket calls for a minCurrentA of 10 A; its minimum is 6 A' },
    ]);
    // Under EV/ZE the three-phase standard (14 A) is above it already.
    site.settings = { ...site.settings, minimumStandard: 'EVZE' };
    expect(siteFileWarnings(site).filter((w) => w.path.startsWith('/stations')).map((w) => w.path)).toEqual(['/stations/1/connectors/1/minCurrentA']);
    expect(validateSite(site).ok).toBe(true);
  });

  it('keeps schemas/site.schema.json in step with the code (run npm run gen:site-schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../schemas/site.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(siteJsonSchema());
  });
});

describe('applying a site file (R4)', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTempStore());
  });
  afterEach(() => close());

  const dump = async () => ({
    settings: resolveSettings(await store.settings.getAll()),
    zones: await store.zones.list(),
    stations: await store.stations.list(),
    connectors: await store.stations.listConnectors(),
    badges: await store.badges.list(),
  });

  it('stores zones with inherited auth, stations, connectors and badges', async () => {
    await applySite(store, example(), 1_000);
    const zones = await store.zones.list();
    expect(zones.map((z) => [z.name, z.parent, z.auth_mode])).toEqual([
      ['Main', null, 'lms-known-badges'], ['Row A', 'Main', null], ['Row B', 'Main', 'lms-allow-all'],
    ]);
    const cp2 = (await store.stations.listConnectors('CP-002')).map((c) => [c.connector_id, c.phases, c.max_current_a, c.min_current_a, c.socket_type]);
    expect(cp2).toEqual([[1, 'L2L3L1', 16, null, 'T2'], [2, 'L1', 16, 10, 'TE']]);
    expect((await store.stations.get('CP-001'))?.password_hash).toMatch(/^sha256\$/);
    expect((await store.badges.get('04BLOCKED'))?.authorized).toBe(0);
  });

  it('is idempotent: the same file again changes nothing and keeps history', async () => {
    await applySite(store, example(), 1_000);
    const tx = await store.commit((db) => store.transactions.start(db, { stationId: 'CP-001', connectorId: 1, idTag: '04A1B2C3', authStatus: 'Accepted', reservationId: null, meterStartWh: 0, startAt: 5_000 }, 5_000));
    await store.badges.touch('04A1B2C3', 6_000);
    const before = await dump();
    await applySite(store, example(), 9_000);
    expect(await dump()).toEqual(before);
    expect((await store.transactions.get(tx.id))?.id_tag).toBe('04A1B2C3');
    expect((await store.badges.get('04A1B2C3'))?.registered_at).toBe(1_000);
  });

  it('round-trips through export: exported, validated and applied again, nothing changes', async () => {
    await applySite(store, example(), 1_000);
    const exported = await exportSite(store);
    const validation = validateSite(JSON.parse(JSON.stringify(exported)));
    expect(validation.ok).toBe(true);
    expect(exported.stations?.find((st) => st.id === 'CP-003')?.connectors[0].socketType).toBe('CCS');
    const before = await dump();
    await applySite(store, exported, 2_000);
    expect(await dump()).toEqual(before);
  });

  it('refuses a file that breaks the tree formed with stored zones, and changes nothing', async () => {
    await applySite(store, example(), 1_000);
    const before = await dump();
    const shrink: SiteFile = { zones: [{ name: 'Main', maxCurrentA: 20, mode: 'static' }], badges: [{ idTag: 'NEW' }] };
    await expect(applySite(store, shrink, 2_000)).rejects.toThrow(SiteApplyError);
    await expect(applySite(store, shrink, 2_000)).rejects.toThrow(/stored zone "Row A".*exceeds its parent "Main" \(20 A\)/);
    expect(await dump()).toEqual(before);
  });

  it('refuses a file whose reporting meter would drive a stored dynamic zone, naming both (Z7), and changes nothing', async () => {
    const meter = { name: 'Board', protocol: 'tcp' as const, host: '10.0.0.9', model: 'pm5320-iem3x5x-powertag' };
    await applySite(store, { meters: [meter], zones: [{ name: 'Garage', maxCurrentA: 40, mode: 'dynamic', meter: 'Board' }] }, 1_000);
    const before = { ...(await dump()), meters: (await store.settings.getAll()).meters };
    const file: SiteFile = { meters: [{ ...meter, reporting: true }] };
    await expect(applySite(store, file, 2_000)).rejects.toThrow(/stored zone "Garage".*dynamic zone "Garage" cannot be driven by meter "Board".*rule meter-not-reporting/);
    expect({ ...(await dump()), meters: (await store.settings.getAll()).meters }).toEqual(before);
  });

  it('returns the warnings of the site as stored after the file, the stored zones named as such (issue 16)', async () => {
    const first = await applySite(store, example(), 1_000);
    expect(first.warnings.map((w) => w.path)).toEqual(['/zones/0', '/zones/0/children/0', '/zones/0/children/1']);
    const second = await applySite(store, { zones: [{ name: 'Main', maxCurrentA: 100, mode: 'static' }] }, 2_000);
    expect(second.warnings.map((w) => w.path).sort()).toEqual(['(stored zone "Row A")', '(stored zone "Row B")']);
    expect(second.warnings[0].message).toMatch(/can draw up to/);
  });

  it('loadSiteFile reports unreadable JSON with the file name', () => {
    expect(() => loadSiteFile('/nonexistent/site.json')).toThrow(/site\.json is not readable JSON/);
  });
});
