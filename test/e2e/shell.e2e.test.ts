// The shell over a real browser: login, roles, the top bar, a page a user may not open (S1, W2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
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
});
