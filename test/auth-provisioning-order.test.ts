// A connecting station gets its failsafe profiles (D5, O5) before its authentication keys and
// badge list (B1, B2), against a simulated station over a real socket.
import { afterEach, expect, it } from 'vitest';
import { failsafeProfileId } from '../src/control/charging-profiles.js';
import { SimStation } from '../src/sim/index.js';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';

const AUTH_KEYS = ['LocalAuthListEnabled', 'LocalPreAuthorize', 'AuthorizeRemoteTxRequests', 'LocalAuthorizeOffline', 'AllowOfflineTxForUnknownId', 'AuthorizationCacheEnabled'];

let h: ApiHarness | undefined;
let sim: SimStation | undefined;
afterEach(async () => {
  await sim?.stop();
  await h?.cleanup();
});

it('a connecting station gets its failsafe profiles before its authentication keys and badge list', async () => {
  h = await startApiHarness({
    zones: [{ name: 'List', maxCurrentA: 32, mode: 'static', authMode: 'station-list', offlineAuthMode: 'reject' }],
    stations: [{ id: 'LIST-1', zone: 'List', connectors: [{ id: 1 }, { id: 2 }] }],
    badges: [{ idTag: 'GOOD', authorized: true }],
  }, { control: { debounceMs: 20 } });
  sim = new SimStation({ id: 'LIST-1', url: h.app.ocppUrl, tickIntervalMs: 100, connectors: [{}, {}] });
  const received: string[] = [];
  sim.on('call', ({ method, params }) => {
    const p = params as { key?: string; csChargingProfiles?: { chargingProfileId: number } };
    received.push(method === 'ChangeConfiguration' ? `ChangeConfiguration ${p.key}` : method === 'SetChargingProfile' ? `SetChargingProfile ${p.csChargingProfiles?.chargingProfileId}` : method);
  });
  expect(await sim.start()).toBe('Accepted');
  // The last of what the authentication provisioning sends.
  await expect.poll(() => received.includes('SendLocalList'), { timeout: 10_000 }).toBe(true);

  const isAuth = (call: string) => call === 'GetLocalListVersion' || call === 'SendLocalList' || AUTH_KEYS.some((k) => call === `ChangeConfiguration ${k}`);
  const firstAuth = received.findIndex(isAuth);
  const failsafes = [1, 2].map((c) => received.indexOf(`SetChargingProfile ${failsafeProfileId(c)}`));
  expect(firstAuth, received.join('\n')).toBeGreaterThan(0);
  for (const at of failsafes) {
    expect(at, received.join('\n')).toBeGreaterThanOrEqual(0);
    expect(at, received.join('\n')).toBeLessThan(firstAuth);
  }
  // And the metering keys of the same provisioning (O5) before the keys of the mode, too.
  expect(received.indexOf('ChangeConfiguration MeterValuesSampledData')).toBeLessThan(firstAuth);
});
