// Issue 14, row 1: one anonymous request must not end the server. ocpp-rpc decodes the charge box
// id outside its own error handling; a malformed escape in the URL got an unhandled rejection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeIdentity } from '../src/ocpp/station-server.js';
import { startHarness, testSite, type Harness } from './helpers/harness.js';
import { upgradeStatus } from './helpers/net.js';

describe('hostile WebSocket upgrades (issue 14, row 1)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(testSite(), { control: false }); });
  afterAll(async () => { await h?.cleanup(); });

  it('answers 400 to a charge box id that is not valid percent-encoding, and goes on serving', async () => {
    for (const path of ['/ocpp/%', '/ocpp/%E0%A4%A', '/ocpp/CP-001%']) {
      expect(await upgradeStatus(h.app.port, path)).toBe('HTTP/1.1 400 Bad Request');
    }
    const health = await fetch(`http://127.0.0.1:${h.app.port}/healthz`);
    expect(health.status).toBe(200);
  });

  it('decodes the identity as ocpp-rpc does', () => {
    expect(upgradeIdentity('/ocpp/CP%20001')).toBe('CP 001');
    expect(upgradeIdentity('/ocpp/%')).toBeNull();
    expect(upgradeIdentity('/ocpp/%E0%A4%A')).toBeNull();
  });
});
