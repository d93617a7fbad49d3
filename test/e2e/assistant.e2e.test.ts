// The main acceptance test of the dashboard (issue 6, W9): from factory state, through the
// commissioning assistant in a real browser, to a simulated car charging with its setpoint shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimStation } from '../../src/sim/index.js';
import { startHarness, waitFor, type Harness } from '../helpers/harness.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

const NEW_ADMIN = { login: 'chief', password: 'Ch1ef!pass' };
const BADGE = 'CAR-0042';

describe('commissioning assistant (W9)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let sim: SimStation;
  beforeAll(async () => {
    // No site file: factory state, with the factory login admin / ADMIN only.
    h = await startHarness(undefined, { control: { debounceMs: 20 } });
    browser = await launchBrowser();
    sim = new SimStation({ id: 'CP-NEW-1', url: h.app.ocppUrl, connectors: [{}], tickIntervalMs: 100, reconnectDelayMs: 100, maxReconnectDelayMs: 300, rebootDelayMs: 100 });
    // Not configured: it connects and waits as pending (O2).
    expect(await sim.start()).toBe('Pending');
  });
  afterAll(async () => {
    await sim?.stop();
    await browser?.close();
    await h?.cleanup();
  });

  const step = (id: string) => page.getByTestId(`step-${id}`);
  const shown = async (id: string) => { await expect.poll(() => step(id).isVisible(), { timeout: 10_000 }).toBe(true); };
  const next = async (from: string, to: string) => { await step(from).getByTestId('step-next').click(); await shown(to); };
  const skip = async (from: string, to: string) => { await step(from).getByTestId('step-skip').click(); await shown(to); };

  it('takes a factory Fuseguard to a charging car: credentials, zone tree, pending station admitted, badge', async () => {
    page = await openPage(browser, `http://127.0.0.1:${h.app.port}`);
    await logIn(page, 'admin', 'ADMIN');

    // The factory login sees only the assistant; French on its first step.
    await shown('welcome');
    expect(await page.getByTestId('station-counts').count()).toBe(0);
    await screenshot(page, 'assistant-start');
    await page.getByTestId('assistant-language-fr').click();
    await expect.poll(() => step('welcome').textContent()).toContain('Bienvenue dans Fuseguard');
    expect(await page.getByTestId('assistant-steps').textContent()).toContain('Délestage');
    await page.getByTestId('assistant-language-en').click();
    await expect.poll(() => step('welcome').textContent()).toContain('Welcome to Fuseguard');
    await next('welcome', 'admin');

    // The new credentials (S2): the policy is shown, a weak password is refused at its field.
    expect(await page.getByTestId('password-policy').textContent()).toContain('at least 8 characters');
    await page.getByTestId('admin-login').fill(NEW_ADMIN.login);
    await page.getByTestId('admin-password').fill('weak');
    await page.getByTestId('admin-confirm').fill('weak');
    await step('admin').getByTestId('step-next').click();
    await expect.poll(() => step('admin').locator('.field-error').textContent()).toMatch(/upper-case|8 characters/);
    await page.getByTestId('admin-password').fill(NEW_ADMIN.password);
    await page.getByTestId('admin-confirm').fill(NEW_ADMIN.password);
    // Restore is offered right after; the top bar is back (the session went on, the factory login is gone).
    await next('admin', 'restore');
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await skip('restore', 'user');
    await skip('user', 'network');
    expect(await page.getByTestId('network-restart').textContent()).toContain('restart');
    await skip('network', 'meters');
    await skip('meters', 'zones');

    // The zone tree: a top zone and a sub-zone; a sub-zone above its parent is refused at its field.
    await page.getByTestId('zone-name').fill('Main');
    await page.getByTestId('zone-max').fill('63');
    await page.getByTestId('zone-add').click();
    await expect.poll(() => page.getByTestId('zone-Main').isVisible()).toBe(true);
    await page.getByTestId('zone-name').fill('Row A');
    await page.getByTestId('zone-parent').selectOption('Main');
    await page.getByTestId('zone-max').fill('80');
    await page.getByTestId('zone-add').click();
    await expect.poll(() => step('zones').locator('.field-error').textContent()).toContain('may not exceed');
    await page.getByTestId('zone-max').fill('32');
    await page.getByTestId('zone-add').click();
    await expect.poll(() => page.getByTestId('zone-Row A').isVisible()).toBe(true);
    await screenshot(page, 'assistant-zones');
    await next('zones', 'upstream');
    await skip('upstream', 'auth');
    await page.getByTestId('auth-Main').selectOption('lms-known-badges');
    await next('auth', 'stations');

    // The station that connected before is pending: admitted into the sub-zone.
    await expect.poll(() => page.getByTestId('pending-CP-NEW-1').isVisible()).toBe(true);
    await page.getByTestId('admit-zone-CP-NEW-1').selectOption('Row A');
    await page.getByTestId('admit-CP-NEW-1').click();
    await expect.poll(() => page.getByTestId('admitted-CP-NEW-1').textContent()).toContain('Row A');
    expect(await page.getByTestId('pending-CP-NEW-1').count()).toBe(0);
    await next('stations', 'shedding');
    await skip('shedding', 'badges');

    // A badge.
    await page.getByTestId('badge-idtag').fill(BADGE);
    await page.getByTestId('badge-comment').fill('Fleet car');
    await page.getByTestId('badge-add').click();
    await expect.poll(() => page.getByTestId(`badge-${BADGE}`).isVisible()).toBe(true);
    await next('badges', 'summary');
    await expect.poll(() => page.getByTestId('summary-counts').textContent()).toContain('2 zone(s), 1 station(s), 0 meter(s), 1 badge(s)');

    // The station is accepted at its next boot; the car plugs in, presents the badge and charges.
    await waitFor(() => sim.bootStatus === 'Accepted', 'the admitted station accepted at its next boot', 40_000);
    await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
    const badge = await sim.presentBadge(1, BADGE);
    expect(badge.authorizeStatus).toBe('Accepted');
    await waitFor(() => sim.getLimitA(1) > 0, 'the car charging', 10_000);
    // Its setpoint shows in the browser, without a reload: the sub-zone's 32 A.
    await expect.poll(() => page.getByTestId('setpoint-CP-NEW-1-1').textContent(), { timeout: 10_000 }).toBe('32 A');
    await screenshot(page, 'assistant-summary');

    // The new admin logs in with the new credentials; the factory one is gone.
    await page.getByTestId('step-next').click();
    await expect.poll(() => page.url()).not.toContain('assistant');
  }, 120_000);

  it('the top bar opens the assistant again for an admin', async () => {
    const again = await openPage(browser, `http://127.0.0.1:${h.app.port}`);
    await logIn(again, 'admin', 'ADMIN');
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('Wrong login or password');
    await logIn(again, NEW_ADMIN.login, NEW_ADMIN.password);
    await expect.poll(() => again.getByTestId('open-assistant').isVisible()).toBe(true);
    await again.getByTestId('open-assistant').click();
    await expect.poll(() => again.getByTestId('step-welcome').isVisible()).toBe(true);
    await again.getByTestId('goto-summary').click();
    await expect.poll(() => again.getByTestId('setpoint-CP-NEW-1-1').textContent()).toBe('32 A');
  });
});
