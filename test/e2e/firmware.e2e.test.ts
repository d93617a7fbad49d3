// Station firmware in the browser (issue 16, item 7): an admin uploads a file, updates two
// simulated stations, and sees each one's progress live until one is done and the other failed.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimStation } from '../../src/sim/index.js';
import { ADMIN, startApiHarness, type ApiHarness } from '../helpers/api-client.js';
import { waitFor } from '../helpers/harness.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

describe('station firmware page', () => {
  let h: ApiHarness;
  let browser: Browser;
  const sims: SimStation[] = [];
  beforeAll(async () => {
    h = await startApiHarness({
      zones: [{ name: 'Main', maxCurrentA: 63, mode: 'static' }],
      stations: [{ id: 'FW-OK', zone: 'Main', connectors: [{ id: 1 }] }, { id: 'FW-BAD', zone: 'Main', connectors: [{ id: 1 }] }],
    });
    for (const [id, failWith] of [['FW-OK', undefined], ['FW-BAD', 'InstallationFailed']] as const) {
      sims.push(new SimStation({
        id, url: h.app.ocppUrl, firmwareVersion: 'fw-1.0', tickIntervalMs: 50, rebootDelayMs: 200, reconnectDelayMs: 100,
        firmwareUpdate: { stepMs: 300, installsVersion: 'fw-2.0', ...(failWith ? { failWith } : {}) },
      }));
    }
    await Promise.all(sims.map((s) => s.start()));
    await waitFor(() => sims.every((s) => h.app.stationServer.isRegistered(s.id)), 'stations registered');
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(sims.map((s) => s.stop()));
    await h?.cleanup();
  });

  it('uploads a file, updates two stations and shows their progress', async () => {
    const page = await openPage(browser, h.baseUrl, { width: 1280 });
    await logIn(page, ADMIN.login, ADMIN.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto('/#/admin/firmware');
    await page.getByTestId('firmware-file').setInputFiles({ name: 'fw-2.0.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(50_000, 1) });
    await page.getByTestId('firmware-files').locator('input:not([type=file])').fill('fw-2.0');
    await page.getByTestId('firmware-upload').click();
    await expect.poll(() => page.getByTestId('firmware-files').textContent()).toContain('fw-2.0.bin');

    const files = (await h.admin.get<{ id: string }[]>('/api/firmware/files')).body;
    await page.getByTestId('firmware-pick').selectOption(files[0].id);
    await page.getByTestId('firmware-targets').selectOption(['FW-OK', 'FW-BAD']);
    await page.getByTestId('firmware-start').click();

    // The progress refreshes by itself until both have finished.
    await expect.poll(() => page.getByTestId('firmware-row-FW-OK').textContent(), { timeout: 20_000 }).toContain('Done');
    await expect.poll(() => page.getByTestId('firmware-row-FW-BAD').textContent(), { timeout: 20_000 }).toContain('Failed');
    expect(await page.getByTestId('firmware-row-FW-OK').textContent()).toContain('fw-2.0');
    expect(await page.getByTestId('firmware-row-FW-BAD').textContent()).toContain('InstallationFailed');
    // The page with its progress table, for docs/firmware.md.
    await page.getByTestId('firmware-row-FW-BAD').scrollIntoViewIfNeeded();
    copyFileSync(await screenshot(page, 'firmware-1280'), join(process.cwd(), 'docs', 'img', 'firmware.png'));
  }, 60_000);
});
