// The dashboard views over a real browser with simulated stations (W3, W4, W5, W6, W10):
// a station's status change within 1 s, a car's setpoint and its reason in the zone view, the
// session export read back, and screenshots of the global and the zone view.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimStation } from '../../src/sim/index.js';
import type { SiteFile } from '../../src/site/site-schema.js';
import { ADMIN, startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { waitFor } from '../helpers/harness.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

const site = (): SiteFile => ({
  settings: { meterValueSampleIntervalS: 1 },
  zones: [{
    name: 'Garage', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all',
    children: [{ name: 'Row A', maxCurrentA: 20, mode: 'static' }],
  }],
  stations: [
    { id: 'E1', zone: 'Row A', name: 'Bay 1', connectors: [{ id: 1, maxCurrentA: 32 }] },
    { id: 'E2', zone: 'Garage', connectors: [{ id: 1, maxCurrentA: 16 }] },
  ],
});

describe('dashboard views', () => {
  let h: ApiHarness;
  let browser: Browser;
  const sims: SimStation[] = [];
  beforeAll(async () => {
    h = await startApiHarness(site(), { control: { liveProfileDurationS: 60, debounceMs: 20 } });
    for (const id of ['E1', 'E2']) {
      const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 200, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
      sims.push(sim);
      expect(await sim.start()).toBe('Accepted');
    }
    // Provisioned: the live profile is on every station before cars come.
    await waitFor(() => sims.every((sim) => sim.profiles.list().some((p) => p.profile.chargingProfileId === 2001)), 'live profiles on the stations', 15_000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(sims.map((s) => s.stop()));
    await h?.cleanup();
  });

  const signedIn = async (login = ADMIN.login, password = ADMIN.password, width = 1280): Promise<Page> => {
    const page = await openPage(browser, h.baseUrl, { width });
    await logIn(page, login, password);
    await page.getByTestId('site-tree').waitFor();
    return page;
  };

  it("shows a simulated station's status change within 1 s, without a reload (W6)", async () => {
    const page = await signedIn(USER.login, USER.password);
    const state = page.getByTestId('station-state-E2');
    await expect.poll(() => state.textContent()).toBe('available');
    const started = Date.now();
    await sims[1].statusNotification(1, 'Faulted', 'GroundFailure');
    await state.filter({ hasText: 'faulted' }).waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await sims[1].statusNotification(1, 'Available');
    await state.filter({ hasText: 'available' }).waitFor({ timeout: 1000 });
  });

  it("shows a charging car's setpoint and the reason behind it in the zone view (W4, A11)", async () => {
    await sims[0].plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    await sims[0].presentBadge(1, 'CAR-1');
    await waitFor(() => sims[0].getLimitA(1) > 0, 'the car charging', 15_000);
    const page = await signedIn();
    await page.goto('/#/zones/Row%20A');
    const setpoint = page.getByTestId('zone-setpoint-E1-1');
    await expect.poll(() => setpoint.locator('button').textContent(), { timeout: 5000 }).toBe('20 A');
    await setpoint.locator('button').click();
    expect(await page.getByTestId('zone-setpoint-E1-1-reason').textContent()).toBe(
      'zone Row A is full on L1: limit 20 A (zone maximum), 0 A held for what other stations may draw (offline, not provisioned, not answering, uncontrolled)',
    );
    await expect.poll(() => page.getByTestId('fleet-charging').textContent()).toContain('1');
    expect(await page.getByTestId('phase-L1').textContent()).toContain('limit 20 A · allocated 20 A');
    await page.locator('.chart-box canvas').waitFor();
    await screenshot(page, 'zone-view');
  });

  it('exports the sessions of a chosen period as CSV (W10)', async () => {
    const page = await signedIn();
    await expect.poll(() => page.getByTestId('sessions').textContent()).toContain('CAR-1');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-sessions').click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
    expect(csv[0].startsWith('transaction,station,connector,idTag,chargeType,start,end,energyKWh')).toBe(true);
    const row = csv.slice(1).find((line) => line.includes(',E1,'));
    expect(row?.split(',').slice(1, 5)).toEqual(['E1', '1', 'CAR-1', 'AC']);
    expect(download.suggestedFilename()).toMatch(/^sessions-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    await screenshot(page, 'global-view');
  });

  it('is usable at 768 px: the tree and the sessions fit the width', async () => {
    const page = await signedIn(ADMIN.login, ADMIN.password, 768);
    await expect.poll(() => page.getByTestId('tree-station-E1').isVisible()).toBe(true);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.goto('/#/stations/E1');
    await page.getByTestId('station-view').waitFor();
    expect(await page.getByTestId('station-setpoint-1').textContent()).toContain('20 A');
  });
});
