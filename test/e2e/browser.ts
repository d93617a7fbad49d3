// Debian's chromium through playwright-core, with the flags this closed machine needs, and
// screenshots saved as artefacts under test-results/screenshots (not committed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page at the given width (1280 laptop, 768 tablet), English unless told. */
export async function openPage(browser: Browser, baseUrl: string, options: { width?: number; locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 860 }, locale: options.locale ?? 'en-GB', baseURL: baseUrl, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Logs in through the login form. */
export async function logIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel(/login|identifiant/i).fill(login);
  await page.getByLabel(/password|mot de passe/i).fill(password);
  await page.getByTestId('login-submit').click();
}
