// Admin pages and badges over a real browser (W7, W8): badge import with the replace-all
// warning, a TOU period and its summary (M1), zone editor errors at the field (Z2), French.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN, startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

describe('admin pages and badges', () => {
  let h: ApiHarness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startApiHarness();
    browser = await launchBrowser();
    expect((await h.admin.post('/api/zones', { name: 'Main', parent: null, maxCurrentA: 80, mode: 'static' })).status).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.cleanup();
  });

  async function adminPage(path: string, width = 1280): Promise<Page> {
    const page = await openPage(browser, h.baseUrl, { width });
    await logIn(page, ADMIN.login, ADMIN.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto(`/#${path}`);
    return page;
  }

  it('imports badges from a CSV file after the replace-all warning (W7, B4)', async () => {
    expect((await h.user.post('/api/badges', { idTag: 'OLD-1', comment: 'to be replaced' })).status).toBe(201);
    const page = await openPage(browser, h.baseUrl, { width: 768 });
    await logIn(page, USER.login, USER.password);
    await expect.poll(() => page.getByTestId('station-counts').isVisible()).toBe(true);
    await page.goto('/#/badges');
    await expect.poll(() => page.getByTestId('badge-OLD-1').isVisible()).toBe(true);

    const csv = 'idTag,authorized,vip,comment\nAA11,true,false,"Dupont, J."\nBB22,false,true,Van\n';
    await page.getByTestId('badge-import-file').setInputFiles({ name: 'badges.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const warning = page.getByTestId('badge-import-warning');
    await expect.poll(() => warning.textContent()).toContain('replaces the whole list');
    // Nothing changes before the confirmation.
    expect((await h.user.get('/api/badges')).body.map((b: { idTag: string }) => b.idTag)).toEqual(['OLD-1']);
    await page.getByTestId('badge-import-confirm').click();

    await expect.poll(() => page.getByTestId('badge-AA11').isVisible()).toBe(true);
    expect(await page.getByTestId('badge-BB22').textContent()).toContain('VIP');
    expect(await page.getByTestId('badge-OLD-1').count()).toBe(0);
    const stored = (await h.user.get('/api/badges')).body as { idTag: string; comment: string; authorized: boolean }[];
    expect(stored.map((b) => [b.idTag, b.comment, b.authorized])).toEqual([['AA11', 'Dupont, J.', true], ['BB22', 'Van', false]]);
    await screenshot(page, 'badges-768');
  });

  it('adds a TOU period and shows its summary (M1)', async () => {
    const page = await adminPage('/admin/tou');
    await page.getByTestId('tou-add-period').click();
    await page.getByTestId('tou-name-0').fill('Peak');
    await page.getByTestId('tou-pct-0').fill('80');
    await page.getByTestId('tou-enabled').check();
    await page.getByTestId('tou-save').click();

    const summary = page.getByTestId('tou-summary');
    await expect.poll(() => summary.textContent()).toContain('Peak (80 %)');
    // 80 A at 80 % → 64 A (the spec's example).
    await expect.poll(() => summary.locator('tbody tr').first().textContent()).toMatch(/Main\s*80 A\s*64 A/);
    const tou = (await h.admin.get('/api/tou')).body as { enabled: boolean; periods: { name: string; pct: number }[] };
    expect(tou.enabled).toBe(true);
    expect(tou.periods.map((p) => [p.name, p.pct])).toEqual([['Peak', 80]]);
    const api = (await h.admin.get('/api/tou/summary')).body as { zones: { zone: string; periods: { currentA: number }[] }[] };
    expect(api.zones[0].periods[0].currentA).toBe(64);
    await screenshot(page, 'admin-tou');
  });

  it('shows a sub-zone above its parent at the field, and saves nothing (Z2)', async () => {
    const page = await adminPage('/admin/zones');
    await expect.poll(() => page.getByTestId('zone-row-Main').isVisible()).toBe(true);
    await page.getByTestId('zone-row-Main').getByRole('button', { name: 'Add a sub-zone' }).click();
    await page.getByTestId('zone-name').fill('Row A');
    await page.getByTestId('zone-max').fill('100');
    await page.getByTestId('zone-save').click();

    // The message sits in the maximum current's field, which is marked as in error.
    const field = page.locator('label.field', { has: page.getByTestId('zone-max') });
    await expect.poll(() => field.getByRole('alert').textContent()).toContain('may not exceed its parent');
    expect(await field.getAttribute('class')).toContain('field-error');
    const zones = (await h.admin.get('/api/zones')).body as { name: string }[];
    expect(zones.map((z) => z.name)).toEqual(['Main']);
    await screenshot(page, 'admin-zones-error');

    // Within the parent's maximum it is saved, and appears in the tree.
    await page.getByTestId('zone-max').fill('40');
    await page.getByTestId('zone-save').click();
    await expect.poll(() => page.getByTestId('zone-row-Row A').isVisible()).toBe(true);
    expect(((await h.admin.get('/api/zones')).body as { name: string; parent: string }[]).find((z) => z.name === 'Row A')?.parent).toBe('Main');
  });

  it('opens every admin section without a script error, at 768 px (W8)', async () => {
    const page = await adminPage('/admin', 768);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await expect.poll(() => page.getByTestId('admin-index').isVisible()).toBe(true);
    const sections = ['network', 'upstream', 'load-shedding', 'zones', 'meters', 'tou', 'inputs', 'advanced', 'users', 'tokens', 'pending', 'logs', 'report', 'backup', 'restart', 'factory-reset'];
    for (const section of sections) {
      await page.goto(`/#/admin/${section}`);
      await expect.poll(() => page.getByTestId(`admin-${section}`).locator('.card').first().isVisible()).toBe(true);
      await expect.poll(() => page.locator('.loading').count()).toBe(0);
      expect(await page.locator('.error-note').count(), section).toBe(0);
    }
    expect(errors).toEqual([]);
  });

  it('shows each user\'s last access, and deletes a user only with the admin\'s own password (S3)', async () => {
    expect((await h.admin.post('/api/users', { login: 'temp-worker', password: 'T3mp!worker', role: 'user', adminPassword: ADMIN.password })).status).toBe(201);
    const page = await adminPage('/admin/users');
    const row = page.getByTestId('user-temp-worker');
    await expect.poll(() => row.isVisible()).toBe(true);
    expect(await row.locator('td').nth(3).textContent()).toBe('never');
    expect(await page.getByTestId(`user-${USER.login}`).locator('td').nth(3).textContent()).not.toBe('never');
    await row.getByRole('button', { name: 'Delete' }).click();
    const confirmCard = page.locator('.card', { hasText: 'Delete the user temp-worker?' });
    const password = confirmCard.getByLabel('Your own password');
    await password.fill('Wr0ng!pass');
    await confirmCard.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => confirmCard.getByText('Your password is not right.').isVisible()).toBe(true);
    expect(await row.isVisible()).toBe(true);
    await password.fill(ADMIN.password);
    await confirmCard.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(((await h.admin.get('/api/users')).body as { login: string }[]).some((u) => u.login === 'temp-worker')).toBe(false);
  });

  it('switches an admin page to French (W1)', async () => {
    const page = await adminPage('/admin/load-shedding', 768);
    await expect.poll(() => page.getByText('Rotation period (min)').isVisible()).toBe(true);
    await page.getByTestId('language').selectOption('fr');
    await expect.poll(() => page.getByText('Période de rotation (min)').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Délestage' }).count()).toBeGreaterThan(0);
    await screenshot(page, 'admin-load-shedding-fr-768');
  });
});
