// The shell over a real browser: login, roles, the top bar, a page a user may not open (S1, W2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { pino } from 'pino';
import { startFuseguard } from '../../src/app/fuseguard.js';
import { ADMIN, startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { launchBrowser, logIn, openPage } from './browser.js';

describe('web shell', () => {
  let h: ApiHarness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startApiHarness();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.cleanup();
  });

  it('refuses a wrong password, and logs an admin in to the top bar', async () => {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, ADMIN.login, 'wrong');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong login or password');
    await logIn(page, ADMIN.login, ADMIN.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(1);
  });

  it('a user does not see the admin pages, and cannot open them by URL (S1)', async () => {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, USER.login, USER.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await page.goto('/#/admin/users');
    await expect.poll(() => page.getByTestId('forbidden').isVisible()).toBe(true);
  });

  it('shows a lost connection to the server, and recovers by itself without a reload (W6)', async () => {
    const own = await startApiHarness();
    const port = own.app.port;
    let restarted: Awaited<ReturnType<typeof startFuseguard>> | undefined;
    try {
      const page = await openPage(browser, own.baseUrl);
      await logIn(page, USER.login, USER.password);
      await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
      expect(await page.getByTestId('connection-lost').count()).toBe(0);
      await own.app.close(); // Fuseguard goes away (an update, a crash)
      await expect.poll(() => page.getByTestId('connection-lost').isVisible(), { timeout: 15_000 }).toBe(true);
      restarted = await startFuseguard({ dataDir: own.dataDir, port, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
      await expect.poll(() => page.getByTestId('connection-lost').count(), { timeout: 20_000 }).toBe(0);
      // Still logged in, same page (it may re-render while its data comes again).
      await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    } finally {
      await restarted?.close();
      await own.cleanup();
    }
  });
});
