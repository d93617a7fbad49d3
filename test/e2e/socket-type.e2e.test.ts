// Issue 16, item 2, in a real browser: the station editor's socket type proposes the minimum that
// goes with it (TE: 10 A), gives back the site's standard when the next type has none, keeps a
// figure the installer typed, and the EV/ZE City profile proposes 14 A to every connector (A3, W5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { SiteFile } from '../../src/site/site-schema.js';
import { ADMIN, startApiHarness, type ApiHarness } from '../helpers/api-client.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

const site = (): SiteFile => ({
  zones: [{ name: 'Main', maxCurrentA: 63, mode: 'static', authMode: 'lms-allow-all' }],
  stations: [{ id: 'S1', zone: 'Main', name: 'Street 1', connectors: [{ id: 1, maxCurrentA: 32 }, { id: 2, maxCurrentA: 32, phases: 'L1' }] }],
});

describe('issue 16: socket type and the minimum it proposes in the station editor (A3, W5, W10)', () => {
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

  it('A3: a TE socket proposes 10 A, another type gives the standard back, EV/ZE City proposes 14 A; saved through the API', async () => {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, ADMIN.login, ADMIN.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto('/#/stations/S1');
    const min1 = page.getByTestId('edit-min-1');
    await min1.waitFor();
    expect(await min1.inputValue()).toBe('');

    await page.getByTestId('edit-socket-1').selectOption('TE');
    expect(await min1.inputValue()).toBe('10');
    await page.getByTestId('edit-socket-1').selectOption('T2');
    expect(await min1.inputValue()).toBe('');
    await min1.fill('12');
    await page.getByTestId('edit-socket-1').selectOption('CCS');
    expect(await min1.inputValue()).toBe('12');

    await page.getByTestId('edit-profile').selectOption('evze-city');
    expect(await min1.inputValue()).toBe('14');
    expect(await page.getByTestId('edit-min-2').inputValue()).toBe('14');
    await page.getByTestId('edit-socket-2').selectOption('T2S');
    expect(await page.getByTestId('edit-min-2').inputValue()).toBe('10');
    await page.getByTestId('edit-socket-1').selectOption('T2');
    await screenshot(page, 'station-socket-type');
    await page.getByTestId('edit-save').click();
    await expect.poll(async () => (await h.admin.get('/api/stations/S1')).body.connectors).toMatchObject([
      { connectorId: 1, socketType: 'T2', minCurrentA: 14 },
      { connectorId: 2, socketType: 'T2S', minCurrentA: 10 },
    ]);
  });
});
