// Issue 16, item 8: the help in a real browser. Opened from the navigation in English and in
// French, a document read inside the app with its images, a link between documents followed, the
// admin pages' help links; a screenshot of the help for the documentation (docs/img/help.png).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

const DOCS_IMG = join(process.cwd(), 'docs', 'img');

async function openHelpFromNav(page: Page, name: string): Promise<void> {
  await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
  await page.locator('nav.side-nav').getByRole('link', { name }).click();
  await expect.poll(() => page.getByTestId('help-index').isVisible()).toBe(true);
  await expect.poll(() => page.getByTestId('help-doc-api-maintenance').isVisible()).toBe(true);
}

describe('help (issue 16, item 8)', () => {
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

  it('opens from the navigation in English: the index, a document with its images, a link to another document', async () => {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, USER.login, USER.password);
    await openHelpFromNav(page, 'Help');
    expect(await page.getByTestId('help-group-start').textContent()).toContain('Getting started');
    expect(await page.getByTestId('help-language-note').count()).toBe(0); // English documents, English UI
    await page.waitForTimeout(200); // fonts and layout settled
    copyFileSync(await screenshot(page, 'help'), join(DOCS_IMG, 'help.png'));

    await page.getByRole('link', { name: 'Getting started: installing and running Fuseguard' }).click();
    const article = page.getByTestId('help-article-getting-started');
    await expect.poll(() => article.isVisible()).toBe(true);
    expect(await article.locator('h2', { hasText: 'Quick start' }).count()).toBe(1);
    expect(await article.locator('h2', { hasText: 'Development' }).count()).toBe(0);
    const image = article.locator('img[src="/api/help/images/overview.png"]');
    await image.scrollIntoViewIfNeeded();
    await expect.poll(() => image.evaluate((el) => { const img = el as unknown as { complete: boolean; naturalWidth: number }; return img.complete && img.naturalWidth > 0; })).toBe(true);
    await screenshot(page, 'help-getting-started');

    await article.locator('a[href="#/help/security"]').first().click();
    await expect.poll(() => page.getByTestId('help-article-security').isVisible()).toBe(true);
    expect(await page.locator('.help-crumbs').textContent()).toContain('Security: what to do before opening the port');
    await page.locator('.help-crumbs').getByRole('link', { name: 'Help' }).click();
    await expect.poll(() => page.getByTestId('help-index').isVisible()).toBe(true);
  });

  it('is French where the UI is: index and navigation in French, saying the documents are in English', async () => {
    const page = await openPage(browser, h.baseUrl, { locale: 'fr-FR' });
    await logIn(page, USER.login, USER.password);
    await openHelpFromNav(page, 'Aide');
    expect(await page.getByTestId('help-group-site').textContent()).toContain('Configurer le site');
    expect(await page.getByTestId('help-language-note').textContent()).toContain('en anglais');
    await screenshot(page, 'help-fr');

    await page.getByRole('link', { name: "Compteurs d'énergie (Modbus)" }).click();
    await expect.poll(() => page.getByTestId('help-article-meters').isVisible()).toBe(true);
    expect(await page.getByTestId('help-language-note').textContent()).toContain("Ce document n'existe qu'en anglais");
    expect(await page.locator('.help-crumbs').textContent()).toContain("Aide › Compteurs d'énergie (Modbus)");
    expect(await page.getByTestId('help-article-meters').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('help-article-meters').locator('h1').textContent()).toBe('Power meters (Modbus)');
  });

  it('an admin page links to its help document, and a link to a heading scrolls to it', async () => {
    const page = await openPage(browser, h.baseUrl);
    await logIn(page, ADMIN.login, ADMIN.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto('/#/admin/meters');
    await page.locator('.page-title').getByRole('link', { name: 'Help' }).click();
    await expect.poll(() => page.getByTestId('help-article-meters').isVisible()).toBe(true);

    const heading = await page.getByTestId('help-article-meters').locator('h2').nth(1).getAttribute('id');
    await page.goto(`/#/help/meters?at=${heading!.replace(/^help-/, '')}`);
    await expect.poll(() => page.locator(`#${heading}`).evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(200);
  });
});
