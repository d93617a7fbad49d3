// Retention settings (issue 16, item 12): bad values are refused naming the setting, and the
// service prunes the command log, the audit log and the samples outside sessions to them.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../src/services/event-log.js';
import { Retention } from '../src/services/retention.js';
import { DEFAULT_SETTINGS } from '../src/site/settings.js';
import { validateSite } from '../src/site/validate-site.js';
import type { Store } from '../src/store/store.js';
import { openTempStore } from './helpers/temp-dir.js';

const DAY_MS = 86_400_000;

describe('retention settings in the site file', () => {
  it('refuses negative and non-integer values, naming the setting', () => {
    const result = validateSite({ settings: { commandsMaxAgeDays: -1, commandsMaxRows: 5e5, auditMaxAgeDays: 2.5, auditMaxRows: 10, samplesOutsideSessionsMaxAgeDays: 0 } });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toContainEqual({ path: '/settings/commandsMaxAgeDays', message: 'must be >= 1' });
    expect(errors).toContainEqual({ path: '/settings/auditMaxAgeDays', message: 'must be integer' });
    expect(errors).toContainEqual({ path: '/settings/auditMaxRows', message: 'must be >= 1000' });
    expect(errors).toContainEqual({ path: '/settings/samplesOutsideSessionsMaxAgeDays', message: 'must be >= 1' });
    expect(errors.map((e) => e.path)).not.toContain('/settings/commandsMaxRows');
  });

  it('has defaults within its own bounds', () => {
    const site = { settings: { commandsMaxAgeDays: 0, commandsMaxRows: 0, auditMaxAgeDays: 0, auditMaxRows: 0, samplesOutsideSessionsMaxAgeDays: 0 } };
    for (const key of Object.keys(site.settings) as (keyof typeof site.settings)[]) site.settings[key] = DEFAULT_SETTINGS[key];
    expect(validateSite(site).ok).toBe(true);
  });
});

describe('Retention', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTempStore());
  });
  afterEach(async () => { await close(); });

  it('prunes each table to the stored settings', async () => {
    const now = 100 * DAY_MS;
    await store.settings.set({ commandsMaxAgeDays: 10, auditMaxAgeDays: 30, samplesOutsideSessionsMaxAgeDays: 2 });
    for (let day = 0; day < 100; day++) {
      await store.commands.begin('CP-1', 'Heartbeat', {}, day * DAY_MS);
      await store.audit.record({ at: day * DAY_MS, actor: 'admin', action: 'settings.advanced', target: null, details: null });
    }
    const sample = (day: number, transactionId: number | null) => ({
      transaction_id: transactionId, station_id: 'CP-1', connector_id: 1, at: day * DAY_MS, measurand: 'Current.Import', phase: 'L1', value: 6, unit: 'A', context: null,
    });
    await store.transactions.addSamples(store.db, [sample(90, null), sample(97, null), sample(99, null), sample(90, 1)]);

    const retention = new Retention(store, new EventLog(pino({ level: 'silent' }), store, () => now), () => now, { chunkRows: 7, pause: async () => undefined });
    expect(await retention.trigger()).toEqual({ commands: 90, audit: 70, samplesOutsideSessions: 2 });
    const samples = await store.db.selectFrom('meter_samples').select(['at', 'transaction_id']).orderBy('at').execute();
    expect(samples.map((s) => [s.at / DAY_MS, s.transaction_id])).toEqual([[90, 1], [99, null]]);
    expect(await store.commands.listForStation('CP-1', 1_000)).toHaveLength(10);

    // A changed setting applies at the next run, without a reload.
    await store.settings.set({ auditMaxAgeDays: 10 });
    expect(await retention.trigger()).toEqual({ commands: 0, audit: 20, samplesOutsideSessions: 0 });
    await retention.stop();
    expect(await retention.trigger()).toBeNull(); // stopped: no more runs
  });
});
