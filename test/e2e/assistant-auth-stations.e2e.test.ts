// Issue 16, item 5, in a real browser: the assistant's authentication step sets each zone's
// offline policy (B2) next to its mode (B1), and its stations step sets a station's VIP flag (A4),
// box identity (U1) and each connector's phase wiring (Z4), as the station page does (W5, W9).
// Checked through the API, and on the simulated station, which gets the policy's keys (O5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimStation } from '../../src/sim/index.js';
import type { SiteFile } from '../../src/site/site-schema.js';
import { ADMIN, startApiHarness, type ApiHarness } from '../helpers/api-client.js';
import { waitFor } from '../helpers/harness.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

const site = (): SiteFile => ({
  zones: [{ name: 'Main', maxCurrentA: 63, mode: 'static', authMode: 'lms-known-badges', children: [{ name: 'Row A', maxCurrentA: 32, mode: 'static' }] }],
  stations: [{ id: 'CP-A', zone: 'Row A', connectors: [{ id: 1 }, { id: 2 }] }],
});

describe('assistant: offline policy per zone, and VIP, box identity and wiring per station (issue 16, W9)', () => {
  let h: ApiHarness;
  let browser: Browser;
  let page: Page;
  let sim: SimStation;
  beforeAll(async () => {
    h = await startApiHarness(site());
    browser = await launchBrowser();
    sim = new SimStation({ id: 'CP-A', url: h.app.ocppUrl, serialNumber: 'SN-4711', connectors: [{}, {}], tickIntervalMs: 100, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
    expect(await sim.start()).toBe('Accepted');
  });
  afterAll(async () => {
    await sim?.stop();
    await browser?.close();
    await h?.cleanup();
  });

  const step = (id: string) => page.getByTestId(`step-${id}`);
  const shown = async (id: string) => { await expect.poll(() => step(id).isVisible(), { timeout: 10_000 }).toBe(true); };

  it('sets the offline policy of a top zone and of a sub-zone in the authentication step', async () => {
    page = await openPage(browser, h.baseUrl);
    await logIn(page, ADMIN.login, ADMIN.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto('/#/assistant');
    await page.getByTestId('goto-auth').click();
    await shown('auth');

    // No more "for now, the station's own configuration": the policy is offered, with the zones page's words.
    expect(await step('auth').textContent()).not.toContain('for now');
    expect(await page.getByTestId('auth-offline-hint').textContent()).toContain('when they cannot reach Fuseguard');
    const main = page.getByTestId('auth-offline-Main');
    const rowA = page.getByTestId('auth-offline-Row A');
    expect(await main.inputValue()).toBe('');
    expect(await main.locator('option').allTextContents()).toEqual(["default (the stations' own)", 'Accept every badge', 'Refuse every badge', 'Only badges accepted before']);
    expect(await rowA.locator('option').first().textContent()).toBe('as its parent zone');
    await main.selectOption('reject-except-cached');
    await rowA.selectOption('reject');
    await step('auth').getByTestId('step-next').click();
    await shown('stations');

    const zone = async (name: string) => (await h.admin.get(`/api/zones/${encodeURIComponent(name)}`)).body;
    // The mode of each zone is kept as it was.
    expect(await zone('Main')).toMatchObject({ authMode: 'lms-known-badges', offlineAuthMode: 'reject-except-cached' });
    expect(await zone('Row A')).toMatchObject({ authMode: null, offlineAuthMode: 'reject' });
    // The connected station in Row A gets the keys of `reject` at once (O5).
    await waitFor(() => !sim.config.bool('LocalAuthorizeOffline') && !sim.config.bool('AllowOfflineTxForUnknownId') && !sim.config.bool('AuthorizationCacheEnabled'),
      'the offline keys of reject on CP-A', 10_000);

    // Back in the step, the choices show what is stored.
    await step('stations').getByTestId('step-back').click();
    await shown('auth');
    await expect.poll(() => page.getByTestId('auth-offline-Row A').inputValue()).toBe('reject');
    expect(await page.getByTestId('auth-offline-Main').inputValue()).toBe('reject-except-cached');
    await step('auth').getByTestId('step-next').click();
    await shown('stations');
  }, 60_000);

  it('sets VIP, box identity and the phase wiring of each connector in the stations step', async () => {
    const settings = page.getByTestId('station-settings-CP-A');
    await expect.poll(() => settings.isVisible()).toBe(true);
    // The serial number it booted with, next to its box identity, as on its page.
    await expect.poll(() => page.getByTestId('station-serial-CP-A').textContent()).toBe('SN-4711');
    const box = page.getByTestId('station-box-identity-CP-A');
    expect(await box.inputValue()).toBe('');
    expect(await page.getByTestId('station-wiring-CP-A-1').inputValue()).toBe('L1L2L3');

    // A box identity with a space is refused, at its field; nothing is stored.
    await box.fill('BOX 7');
    await page.getByTestId('station-save-CP-A').click();
    await expect.poll(() => settings.getByRole('alert').first().isVisible()).toBe(true);
    expect((await h.admin.get('/api/stations/CP-A')).body.boxIdentity).toBeNull();

    await page.getByTestId('station-vip-CP-A').check();
    await box.fill('CPO-BOX-7');
    await page.getByTestId('station-wiring-CP-A-1').selectOption('L3L1L2');
    await page.getByTestId('station-wiring-CP-A-2').selectOption('L2');
    await page.getByTestId('station-save-CP-A').click();
    await expect.poll(() => page.getByTestId('station-saved-CP-A').isVisible()).toBe(true);
    await screenshot(page, 'assistant-stations-settings');

    const station = (await h.admin.get('/api/stations/CP-A')).body;
    expect(station).toMatchObject({ vip: true, boxIdentity: 'CPO-BOX-7' });
    expect(station.connectors.map((c: { connectorId: number; phases: string }) => [c.connectorId, c.phases])).toEqual([[1, 'L3L1L2'], [2, 'L2']]);
    // Its zone and offline policy are untouched.
    expect(station).toMatchObject({ zone: 'Row A', offlineAuthMode: null });

    // The form shows what is stored after the next poll; VIP off again is saved alone.
    await expect.poll(() => page.getByTestId('station-wiring-CP-A-2').inputValue()).toBe('L2');
    expect(await box.inputValue()).toBe('CPO-BOX-7');
    await page.getByTestId('station-vip-CP-A').uncheck();
    await page.getByTestId('station-save-CP-A').click();
    await expect.poll(async () => (await h.admin.get('/api/stations/CP-A')).body.vip).toBe(false);
    expect((await h.admin.get('/api/stations/CP-A')).body.boxIdentity).toBe('CPO-BOX-7');
  }, 60_000);
});
