// The station view shows, per connector, what its station holds against what Fuseguard wants
// (D8, issue 13), over a real browser and a real Fuseguard: a simulated station that takes its
// profiles (provisioned), one that refuses them (uncontrolled: no failsafe held, flagged), one
// connected that never boots (not booted), and the first again once it drops off (offline), in
// English and French and at 768 px. The figures on the page are checked against
// GET /api/stations/{id} read at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimStation } from '../../src/sim/index.js';
import type { SiteFile } from '../../src/site/site-schema.js';
import { startApiHarness, USER, type ApiHarness } from '../helpers/api-client.js';
import { connectRaw, waitFor, type RawStation } from '../helpers/harness.js';
import { launchBrowser, logIn, openPage, screenshot } from './browser.js';

interface Control { state: string; heldA: number | null; wantedA: number | null; failsafeHeldA: number | null; failsafeWantedA: number | null }

const site = (): SiteFile => ({
  zones: [{ name: 'Garage', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all' }],
  stations: [
    { id: 'C1', zone: 'Garage', name: 'Bay 1', connectors: [{ id: 1, maxCurrentA: 32 }] },
    { id: 'C2', zone: 'Garage', name: 'Bay 2', connectors: [{ id: 1, maxCurrentA: 16 }] },
    { id: 'NB', zone: 'Garage', name: 'Bay 3', connectors: [{ id: 1, maxCurrentA: 16 }] },
  ],
});

const amps = (value: number, locale = 'en-GB') => `${value.toLocaleString(locale, { maximumFractionDigits: 1 })} A`;

/** The two lines the page should show for this control, in English. */
function expectedLines(c: Control): { live: string; failsafe: string } {
  return {
    live: `live: holds ${c.heldA == null ? 'not tracked' : amps(c.heldA)} / wants ${c.wantedA == null ? 'none' : amps(c.wantedA)}`,
    failsafe: `failsafe: holds ${c.failsafeHeldA == null ? 'none known' : amps(c.failsafeHeldA)} / wants ${c.failsafeWantedA == null ? 'none (DC)' : amps(c.failsafeWantedA)}`,
  };
}

describe('station view: held vs. wanted per connector (D8, issue 13)', () => {
  let h: ApiHarness;
  let browser: Browser;
  let raw: RawStation | undefined;
  const sims = new Map<string, SimStation>();

  const control = async (id: string): Promise<Control | null | undefined> => {
    const r = await h.user.get<{ connectors: { connectorId: number; control?: Control | null }[] }>(`/api/stations/${id}`);
    expect(r.status).toBe(200);
    return r.body.connectors.find((c) => c.connectorId === 1)?.control;
  };
  /** Waits until the API reports this state for connector 1; says so plainly when the field is missing. */
  const controlIn = async (id: string, state: string): Promise<Control> => {
    let last: Control | null | undefined;
    await waitFor(async () => (last = await control(id))?.state === state, `${id}/1 in state ${state} (last: ${JSON.stringify(last)})`, 15_000);
    return last as Control;
  };

  beforeAll(async () => {
    h = await startApiHarness(site(), { control: { liveProfileDurationS: 60, debounceMs: 20 } });
    for (const id of ['C1', 'C2']) {
      const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 200, reconnectDelayMs: 100, maxReconnectDelayMs: 300, autoReconnect: false });
      sim.refuseChargingProfiles = id === 'C2';
      sims.set(id, sim);
      expect(await sim.start()).toBe('Accepted');
    }
    raw = await connectRaw(h.app.ocppUrl, 'NB');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await raw?.close({ force: true }).catch(() => undefined);
    await Promise.all([...sims.values()].map((s) => s.stop()));
    await h?.cleanup();
  });

  const stationPage = async (id: string, options: { width?: number; locale?: string } = {}): Promise<Page> => {
    const page = await openPage(browser, h.baseUrl, options);
    await logIn(page, USER.login, USER.password);
    await page.getByTestId('site-tree').waitFor();
    await page.goto(`/#/stations/${id}`);
    await page.getByTestId('station-view').waitFor();
    return page;
  };
  /** The page's two lines match the API's figures (read again on each poll: allocations move). */
  const linesMatch = async (page: Page, id: string): Promise<void> => {
    const cell = page.getByTestId('station-control-1');
    await expect.poll(async () => {
      const c = await control(id);
      if (!c) return 'no control in the API';
      const want = expectedLines(c);
      const [live, failsafe] = await Promise.all([cell.getByTestId('station-control-1-live').textContent(), cell.getByTestId('station-control-1-failsafe').textContent()]);
      return live?.startsWith(want.live) && failsafe?.startsWith(want.failsafe) ? 'match' : `${live} | ${failsafe} vs ${want.live} | ${want.failsafe}`;
    }, { timeout: 5000 }).toBe('match');
  };

  it('shows a provisioned connector holding its failsafe and its live setpoint, not flagged', async () => {
    await waitFor(() => sims.get('C1')!.profiles.list().some((p) => p.profile.chargingProfileId === 2001), 'a live profile on C1', 15_000);
    await controlIn('C1', 'provisioned');
    await waitFor(async () => { const c = await control('C1'); return c != null && c.heldA === c.wantedA && c.failsafeHeldA === c.failsafeWantedA; }, 'C1 in step', 15_000);
    const c = (await control('C1'))!;
    expect(c.failsafeWantedA).toBe(6); // D1: 3 × 6 A of minimums fit in 40 A, so each failsafe is its minimum
    expect(c.wantedA).not.toBeNull();
    const page = await stationPage('C1');
    const cell = page.getByTestId('station-control-1');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('provisioned');
    expect(await cell.getByTestId('station-control-1-state').textContent()).toBe('provisioned');
    await linesMatch(page, 'C1');
    expect(await cell.getByTestId('station-control-1-failsafe').textContent()).toBe('failsafe: holds 6 A / wants 6 A');
    expect(await cell.locator('.control-flag').count()).toBe(0);
    await cell.scrollIntoViewIfNeeded();
    await screenshot(page, 'station-control');
    // The meaning of the state: on hover (title) and one click away.
    const state = cell.getByTestId('station-control-1-state');
    expect(await state.getAttribute('title')).toBe('Holds its failsafe profile and takes live setpoints.');
    await state.click();
    expect(await page.getByTestId('station-control-1-explain').textContent()).toBe('Holds its failsafe profile and takes live setpoints.');
  });

  it('flags a station that refuses its profiles: uncontrolled, no failsafe held', async () => {
    const c = await controlIn('C2', 'uncontrolled');
    expect(c.failsafeHeldA).toBeNull();
    expect(c.failsafeWantedA).toBe(6);
    const page = await stationPage('C2');
    const cell = page.getByTestId('station-control-1');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('uncontrolled');
    expect(await cell.getByTestId('station-control-1-state').textContent()).toBe('uncontrolled');
    expect(await cell.getByTestId('station-control-1-state').getAttribute('title')).toBe('Refuses charging profiles: counted at its maximum.');
    await linesMatch(page, 'C2');
    expect(await cell.getByTestId('station-control-1-failsafe-flag').textContent()).toBe('differs');
    expect(await cell.getAttribute('class')).toContain('control-gap');
  });

  it('shows a station connected without a boot as not booted', async () => {
    await controlIn('NB', 'not-booted');
    const page = await stationPage('NB');
    const cell = page.getByTestId('station-control-1');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('not-booted');
    expect(await cell.getByTestId('station-control-1-state').textContent()).toBe('not booted');
    await linesMatch(page, 'NB');
  });

  it('speaks French', async () => {
    const c = await controlIn('C1', 'provisioned');
    const page = await stationPage('C1', { locale: 'fr-FR' });
    const cell = page.getByTestId('station-control-1');
    await expect.poll(() => cell.getByTestId('station-control-1-state').textContent()).toBe('repli en place');
    expect(await page.getByTestId('station-connectors').textContent()).toContain('Contrôle (appliqué / voulu)');
    expect(await cell.getByTestId('station-control-1-failsafe').textContent()).toBe('repli : appliqué 6 A / voulu 6 A');
    expect(await cell.getByTestId('station-control-1-live').textContent()).toMatch(/^consigne : appliquée .+ A \/ voulue .+ A/);
    expect(c.heldA).not.toBeNull();
  });

  it('is readable at 768 px: each connector a block, the control lines in view', async () => {
    const page = await stationPage('C2', { width: 768 });
    const cell = page.getByTestId('station-control-1');
    await cell.getByTestId('station-control-1-failsafe-flag').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const wrap = await page.evaluate<number>("(() => { const w = document.querySelector('[data-testid=station-connectors] .table-wrap'); return w.scrollWidth - w.clientWidth; })()");
    expect(wrap).toBeLessThanOrEqual(0);
    await cell.scrollIntoViewIfNeeded();
    const box = await cell.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(768);
    await screenshot(page, 'station-control-768');
  });

  it('warns about a station without a password on its page and in the station list, in English and French (issue 14)', async () => {
    const page = await stationPage('NB');
    expect(await page.getByTestId('station-warning-passwordless').textContent()).toContain('anyone who can reach Fuseguard\'s OCPP port can connect as this station');
    await screenshot(page, 'station-warning');
    await page.goto('/#/');
    const badge = page.getByTestId('station-warning-NB-passwordless');
    expect(await badge.textContent()).toBe('no password');
    expect(await badge.getAttribute('title')).toContain('Set a password');
    await screenshot(page, 'station-list-warning');
    const fr = await stationPage('C2', { locale: 'fr-FR' });
    expect(await fr.getByTestId('station-warning-passwordless').textContent()).toContain('Pas de mot de passe');
    // With a password, the warning goes.
    expect((await h.admin.patch('/api/stations/NB', { password: 'new-secret-nb' })).status).toBe(200);
    const after = await stationPage('NB');
    await after.getByTestId('station-control-1').waitFor();
    expect(await after.getByTestId('station-warning-passwordless').count()).toBe(0);
  });

  it('shows a station that dropped off as offline, still counted at what it holds, live', async () => {
    const page = await stationPage('C1');
    const cell = page.getByTestId('station-control-1');
    await expect.poll(() => cell.getAttribute('data-state')).toBe('provisioned');
    await sims.get('C1')!.stop();
    const c = await controlIn('C1', 'offline');
    expect(c.heldA).not.toBeNull(); // its live profile runs until it expires (60 s here)
    await expect.poll(() => cell.getAttribute('data-state'), { timeout: 3000 }).toBe('offline');
    expect(await cell.getByTestId('station-control-1-state').textContent()).toBe('offline');
    expect(await cell.getByTestId('station-control-1-state').getAttribute('title')).toBe(
      'Not connected. Counted at what it holds: its live profile until that expires, then its failsafe.',
    );
    await linesMatch(page, 'C1');
  });
});
