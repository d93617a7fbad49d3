// Remote supervision in the UI (issue 7 §5, U1-U4) and the offline policy in the forms (B2), over a
// real browser: with a station connected and relayed to a fake CPO, the station view shows the
// link up and the overview its badge; once the CPO stops, both show it down. The station edit
// form and the zone form save the offline policy, and "inherited" is null.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimStation } from '../../src/sim/index.js';
import { ADMIN, startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { FAST_RELAY, FakeCpo, relaySite } from '../helpers/fake-cpo.js';
import { waitFor } from '../helpers/harness.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

describe('relay status and offline policy in the UI', () => {
  let h: ApiHarness;
  let cpo: FakeCpo;
  let browser: Browser;
  let station: SimStation;
  beforeAll(async () => {
    cpo = new FakeCpo();
    await cpo.start();
    h = await startApiHarness(relaySite(cpo.url), { relay: FAST_RELAY });
    station = new SimStation({ id: 'CP-003', url: h.app.ocppUrl, tickIntervalMs: 200, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
    expect(await station.start()).toBe('Accepted');
    await waitFor(() => cpo.clients.has('CPO-0003'), 'link up', 10_000);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    await h?.cleanup();
    await cpo?.stop();
  });

  const signedIn = async (login: string, password: string): Promise<Page> => {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, login, password);
    await page.getByTestId('site-tree').waitFor();
    return page;
  };

  it('shows the link up, then down once the CPO stops, in the station view and the overview', async () => {
    const page = await signedIn(USER.login, USER.password);
    const badge = page.getByTestId('relay-badge-CP-003');
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 10_000 }).toBe('up');
    expect(await badge.textContent()).toBe('CPO up');

    await page.goto('/#/stations/CP-003');
    const card = page.getByTestId('station-relay');
    await card.waitFor();
    const state = page.getByTestId('relay-state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 10_000 }).toBe('up');
    expect(await state.textContent()).toBe('up');
    expect(await page.getByTestId('relay-identity').textContent()).toBe('CPO-0003');
    expect(await page.getByTestId('relay-queued').textContent()).toBe('0');
    expect(await page.getByTestId('relay-since').textContent()).toMatch(/^since /);
    await screenshot(page, 'relay-station-up');

    await cpo.stop();
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 10_000 }).not.toBe('up');
    await expect.poll(() => state.textContent(), { timeout: 10_000 }).toMatch(/^(down|connecting)$/);
    await expect.poll(() => page.getByTestId('relay-last-error').textContent(), { timeout: 10_000 }).not.toBe('—');
    await screenshot(page, 'relay-station-down');

    await page.goto('/#/');
    await expect.poll(() => page.getByTestId('relay-badge-CP-003').getAttribute('data-state'), { timeout: 10_000 }).not.toBe('up');
    // The other stations are not connected: no link.
    expect(await page.getByTestId('relay-badge-CP-001').textContent()).toBe('CPO no link');
  });

  it('saves the offline policy of a station and of a zone, "inherited" being null (B2)', async () => {
    const page = await signedIn(ADMIN.login, ADMIN.password);
    await page.goto('/#/stations/CP-003');
    const select = page.getByTestId('edit-offline-auth-mode');
    expect(await select.inputValue()).toBe('');
    await select.selectOption('reject');
    await page.getByTestId('edit-save').click();
    await expect.poll(async () => ((await h.admin.get('/api/stations/CP-003')).body as { offlineAuthMode: unknown }).offlineAuthMode).toBe('reject');
    await page.reload();
    expect(await page.getByTestId('edit-offline-auth-mode').inputValue()).toBe('reject');
    await page.getByTestId('edit-offline-auth-mode').selectOption('');
    await page.getByTestId('edit-save').click();
    await expect.poll(async () => ((await h.admin.get('/api/stations/CP-003')).body as { offlineAuthMode: unknown }).offlineAuthMode).toBeNull();

    await page.goto('/#/admin/zones');
    await page.getByTestId('zone-edit-Row B').click();
    await page.getByTestId('zone-offline-auth-mode').selectOption('reject-except-cached');
    await page.getByTestId('zone-save').click();
    const zone = async () => ((await h.admin.get('/api/zones')).body as { name: string; offlineAuthMode: unknown }[]).find((z) => z.name === 'Row B')?.offlineAuthMode;
    await expect.poll(zone).toBe('reject-except-cached');
    await page.getByTestId('zone-edit-Row B').click();
    expect(await page.getByTestId('zone-offline-auth-mode').inputValue()).toBe('reject-except-cached');
    await page.getByTestId('zone-offline-auth-mode').selectOption('');
    await page.getByTestId('zone-save').click();
    await expect.poll(zone).toBeNull();
  });

  it('sets the password towards the CPO, write-only: the view only says it is set (U1)', async () => {
    const page = await signedIn(ADMIN.login, ADMIN.password);
    await page.goto('/#/stations/CP-003');
    const shown = page.getByTestId('upstream-password');
    expect(await shown.textContent()).toBe('none');
    await page.getByTestId('edit-upstream-password').fill('cpo-given-key');
    await page.getByTestId('edit-save').click();
    await expect.poll(async () => (await h.app.store.stations.get('CP-003'))?.upstream_password).toBe('cpo-given-key');
    await expect.poll(() => shown.textContent()).toBe('set');
    expect(await page.getByTestId('edit-upstream-password').inputValue()).toBe('');
    expect(await page.content()).not.toContain('cpo-given-key');
  });
});
