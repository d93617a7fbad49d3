// Issue 16, items 1 and 6, in a real browser: a user sets a station's VIP flag on its page, the
// one setting a user may change (S1, W5); the admin's zone tree shows a zone whose children can
// draw more than it (a warning, nothing refused); a dynamic zone on a reporting meter, and a
// reporting flag on the meter of a dynamic zone, are refused with the server's words at the
// field (Z7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SiteFile } from '../../src/site/site-schema.js';
import { ADMIN, startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

const site = (): SiteFile => ({
  meters: [
    { name: 'Board', protocol: 'tcp', host: '127.0.0.1', port: 1, model: 'nsx' },
    { name: 'Offices', protocol: 'tcp', host: '127.0.0.1', port: 1, model: 'nsx', reporting: true },
  ],
  zones: [
    // Main 40 A: Garage 32 A and V1 at 32 A below it.
    { name: 'Main', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all', children: [{ name: 'Garage', maxCurrentA: 32, mode: 'dynamic', meter: 'Board' }] },
    // A static zone may name a reporting meter: it drives nothing there.
    { name: 'Hall', maxCurrentA: 20, mode: 'static', meter: 'Offices' },
  ],
  stations: [{ id: 'V1', zone: 'Main', name: 'Bay 1', connectors: [{ id: 1, maxCurrentA: 32 }] }],
});

describe('issue 16: VIP by users, reporting meters and zone warnings in the UI (S1, W5, Z7)', () => {
  let h: ApiHarness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startApiHarness(site());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.cleanup();
  });

  async function loggedIn(login: { login: string; password: string }, path: string): Promise<Page> {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, login.login, login.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto(`/#${path}`);
    return page;
  }

  it('lets a user set a station\'s VIP flag from its page, and nothing else (S1, W5)', async () => {
    const page = await loggedIn(USER, '/stations/V1');
    await page.getByTestId('station-view').waitFor();
    expect(await page.getByTestId('station-edit').count()).toBe(0);
    const vip = page.getByTestId('station-vip');
    expect(await vip.isChecked()).toBe(false);
    await vip.click();
    await expect.poll(async () => (await h.user.get('/api/stations/V1')).body.vip).toBe(true);
    await expect.poll(() => vip.isChecked()).toBe(true);
    expect((await h.app.store.audit.list({ action: 'station.update' }))[0]).toMatchObject({ actor: USER.login, target: 'V1' });
    await screenshot(page, 'station-vip-user');
    await vip.click();
    await expect.poll(async () => (await h.user.get('/api/stations/V1')).body.vip).toBe(false);
  });

  it('shows a zone whose children can draw more than it, and refuses a dynamic zone on a reporting meter at the field (Z7)', async () => {
    const page = await loggedIn(ADMIN, '/admin/zones');
    await expect.poll(() => page.getByTestId('zone-warning-Main').textContent()).toContain('can draw up to 64 A on L1, above its 40 A');
    expect(await page.getByTestId('zone-warning-Garage').count()).toBe(0);
    await screenshot(page, 'admin-zone-warning');

    await page.getByTestId('zone-edit-Hall').click();
    await page.getByTestId('zone-mode').selectOption('dynamic');
    expect(await page.getByTestId('zone-meter').inputValue()).toBe('Offices');
    await page.getByTestId('zone-save').click();
    await expect.poll(() => page.getByTestId('zone-form').getByRole('alert').first().textContent())
      .toContain('dynamic zone "Hall" cannot be driven by meter "Offices": it is a reporting meter');
    expect((await h.admin.get('/api/zones/Hall')).body).toMatchObject({ mode: 'static', meter: 'Offices' });
  });

  it('refuses the reporting flag on the meter of a dynamic zone, naming the zone (Z7)', async () => {
    const page = await loggedIn(ADMIN, '/admin/meters');
    await page.getByTestId('meter-Board').getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('meter-reporting').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('meter "Board" drives dynamic zone "Garage"');
    expect((await h.admin.get('/api/meters/Board')).body.reporting).not.toBe(true);
  });
});
