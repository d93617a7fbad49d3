// D8 over a restart of Fuseguard: a station that does not come back is counted at what it may
// hold: its maximum while a live profile sent before the restart may still run, its stored
// failsafe after; one never provisioned, at its maximum.
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startFuseguard, type Fuseguard } from '../src/app/fuseguard.js';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { waitFor } from './helpers/harness.js';
import { tempDir } from './helpers/temp-dir.js';

const site: SiteFile = {
  settings: { meterValueSampleIntervalS: 1 },
  zones: [{ name: 'Z', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all' }],
  stations: ['S1', 'S2', 'S3'].map((id) => ({ id, zone: 'Z', connectors: [{ id: 1, maxCurrentA: 32, minCurrentA: 6 }] })),
};

describe('held limits over a restart (D8)', () => {
  const dir = tempDir();
  let app: Fuseguard | undefined;
  const sims: SimStation[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
    await app?.close();
    dir.cleanup();
  });
  const start = async (liveProfileDurationS: number) => {
    const siteFile = join(dir.path, 'site.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(siteFile, JSON.stringify(site));
    return startFuseguard({
      dataDir: join(dir.path, 'data'), port: 0, host: '127.0.0.1', siteFile, logger: pino({ level: 'silent' }),
      control: { liveProfileDurationS, debounceMs: 20 },
    });
  };
  const setpoint = (id: string) => app?.control?.lastResult?.setpoints.find((s) => s.connectorId === id);

  it('counts a provisioned station that stays away at its maximum until its last live profile has surely run out, then at its stored failsafe', async () => {
    app = await start(60);
    const s1 = new SimStation({ id: 'S1', url: app.ocppUrl, tickIntervalMs: 100 });
    sims.push(s1);
    await s1.start();
    await waitFor(() => s1.profiles.list().some((p) => p.profile.chargingProfileId === 1001), 'S1 holds its failsafe');
    await waitFor(async () => (await app?.store.stations.listConnectors('S1'))?.[0]?.failsafe_held_a === 6, 'the failsafe stored');
    await s1.stop();
    await app.close();

    app = await start(2); // live profiles of 2 s from now on: the one S1 may hold ends within 2 s of the start
    await app.control?.settled();
    expect(setpoint('S1/1')).toMatchObject({ currentA: 32, reason: { code: 'station-offline', assumption: 'held' } });
    expect(setpoint('S2/1')?.currentA).toBe(32); // never provisioned: may hold anything
    await waitFor(async () => { await app?.control?.settled(); return setpoint('S1/1')?.currentA === 6; }, 'S1 counted at its stored failsafe');
    expect(setpoint('S2/1')?.currentA).toBe(32);
  });
});
