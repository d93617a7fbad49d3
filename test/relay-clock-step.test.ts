// U3 with D5: when Fuseguard's clock steps to follow the CPO's, every station is asked for a
// Heartbeat (and takes the new time from its answer), and then its live profiles go again stamped
// on its new clock, so that they stay valid at the station and still run out when they should. A
// station that refuses the trigger keeps profiles on its old clock until its own next Heartbeat.
// Measurements keep their age. Two links measuring at once move the clock once, not twice.
// Real sockets; the stations are bare OCPP clients that set their clock from the answers.
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SiteFile } from '../src/site/site-schema.js';
import { FAST_RELAY, FakeCpo } from './helpers/fake-cpo.js';
import { connectRaw, startHarness, waitFor, type Harness } from './helpers/harness.js';

const HOUR_MS = 3_600_000;
const LIVE_S = 60;

const site = (cpoUrl: string): SiteFile => ({
  settings: { meterValueSampleIntervalS: 10, upstream: { enabled: true, url: cpoUrl, transactionMessageAttempts: 5, webSocketPingIntervalS: 5 } },
  zones: [{ name: 'Z', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all' }],
  stations: [
    { id: 'S1', zone: 'Z', boxIdentity: 'CPO-S1', connectors: [{ id: 1, maxCurrentA: 32 }] },
    { id: 'S2', zone: 'Z', boxIdentity: 'CPO-S2', connectors: [{ id: 1, maxCurrentA: 32 }] },
  ],
});

interface Received { action: string; params: Record<string, unknown>; at: number }

/** A station that records what it is asked, answers Heartbeat triggers, and keeps the time it is given. */
async function clockedStation(h: Harness, id: string, options: { refusesTrigger?: boolean } = {}) {
  const raw = await connectRaw(h.app.ocppUrl, id);
  const received: Received[] = [];
  let skewMs = 0;
  const call = async (action: string, params: unknown) => {
    const answer = await raw.call(action, params) as { currentTime?: string };
    if (answer.currentTime) skewMs = Date.parse(answer.currentTime) - Date.now();
    return answer;
  };
  raw.handle(async ({ method, params }) => {
    received.push({ action: method ?? '', params: params as Record<string, unknown>, at: Date.now() });
    if (method === 'GetConfiguration') return { configurationKey: [], unknownKey: [] };
    if (method === 'TriggerMessage' && options.refusesTrigger) return { status: 'Rejected' };
    if (method === 'TriggerMessage' && (params as { requestedMessage: string }).requestedMessage === 'Heartbeat') {
      setImmediate(() => void call('Heartbeat', {}).catch(() => undefined));
    }
    return { status: 'Accepted' };
  });
  await call('BootNotification', { chargePointVendor: 'Test', chargePointModel: 'T1' });
  await call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
  return {
    raw, received, call,
    skewMs: () => skewMs,
    liveProfiles: (after = 0) => received.filter((r) => r.at >= after && r.action === 'SetChargingProfile'
      && (r.params.csChargingProfiles as { chargingProfileId: number }).chargingProfileId === 2001)
      .map((r) => r.params.csChargingProfiles as { validFrom: string; validTo: string }),
  };
}

describe("relay: Fuseguard's clock steps to the CPO's (U3, D5)", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('stations take the new time, live profiles go again on it, measurements keep their age; two links step once', async () => {
    const cpo = new FakeCpo();
    await cpo.start();
    cleanups.push(() => cpo.stop());
    const h: Harness = await startHarness(site(cpo.url), { relay: FAST_RELAY, control: { liveProfileDurationS: LIVE_S, debounceMs: 20 } });
    cleanups.push(() => h.cleanup());
    const stations = [await clockedStation(h, 'S1'), await clockedStation(h, 'S2', { refusesTrigger: true })];
    cleanups.push(() => Promise.all(stations.map((s) => s.raw.close({ force: true }))).then(() => undefined));
    await waitFor(() => stations.every((s) => s.liveProfiles().length > 0), 'live profiles sent');
    await waitFor(() => cpo.clients.has('CPO-S1') && cpo.clients.has('CPO-S2'), 'both linked upstream');
    // A measurement from S1, 3 s old by the time the clock steps.
    await stations[0].call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '5', measurand: 'Current.Import', phase: 'L1', unit: 'A' }] }] });
    const measured = () => h.app.control?.state.connectors.get('S1/1')?.measured?.at ?? NaN;
    await waitFor(() => Number.isFinite(measured()), 'the measurement is in');
    const measuredAt = measured();
    expect(h.app.relay?.clockCorrectionMs()).toBe(0);

    // The CPO is an hour ahead, and slow to answer: both Heartbeats are in flight together.
    cpo.currentTime = () => new Date(Date.now() + HOUR_MS).toISOString();
    cpo.responders.set('Heartbeat', async () => {
      await sleep(300);
      return { currentTime: cpo.currentTime() };
    });
    const stepAt = Date.now();
    await Promise.all(['CPO-S1', 'CPO-S2'].map((identity) => cpo.call(identity, 'TriggerMessage', { requestedMessage: 'Heartbeat' })));
    await waitFor(() => (h.app.relay?.clockCorrectionMs() ?? 0) !== 0, 'the clock stepped');
    await waitFor(() => cpo.of('Heartbeat').length >= 2, 'both Heartbeats reached the CPO');
    await sleep(700); // both answers are in
    expect(Math.abs((h.app.relay?.clockCorrectionMs() ?? 0) - HOUR_MS)).toBeLessThan(1_000);
    const correction = h.app.relay?.clockCorrectionMs() ?? 0;
    expect(measured() - measuredAt).toBe(correction); // same age on the new clock: still fresh

    // Fuseguard asked each station for a Heartbeat. S1's answer set its clock; then its live
    // profile went again, on its new clock.
    const [s1, s2] = stations;
    await waitFor(() => Math.abs(s1.skewMs() - HOUR_MS) < 2_000, 'S1 took the new time');
    await waitFor(() => s1.liveProfiles(stepAt).some((p) => Date.parse(p.validFrom) > stepAt + HOUR_MS - 2_000), 'S1: live profile on its new clock');
    const trigger = s1.received.findLast((r) => r.action === 'TriggerMessage');
    const renewed = s1.received.findLast((r) => r.action === 'SetChargingProfile');
    expect(trigger && renewed && trigger.at <= renewed.at).toBe(true);
    // S2 refused: its clock is still the old one, and so are the profiles it gets (valid to it).
    await waitFor(() => s2.received.some((r) => r.action === 'TriggerMessage' && r.at >= stepAt), 'S2 asked too');
    await sleep(300);
    expect(Math.abs(s2.skewMs())).toBeLessThan(1_000);
    for (const p of s2.liveProfiles()) expect(Date.parse(p.validFrom)).toBeLessThan(Date.now() + 2_000);
    // Its own next Heartbeat brings the new time, and its profiles follow.
    const s2Beat = Date.now();
    await s2.call('Heartbeat', {});
    expect(Math.abs(s2.skewMs() - HOUR_MS)).toBeLessThan(2_000);
    await waitFor(() => s2.liveProfiles(s2Beat).some((p) => Date.parse(p.validFrom) > s2Beat + HOUR_MS - 2_000), 'S2: live profile on its new clock');

    // The CPO's clock is fixed: back by an hour. The profiles must not outlive Fuseguard by an hour.
    cpo.currentTime = () => new Date().toISOString();
    const backAt = Date.now();
    await cpo.call('CPO-S1', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    await waitFor(() => Math.abs(h.app.relay?.clockCorrectionMs() ?? HOUR_MS) < 1_000, 'the clock stepped back');
    await waitFor(() => Math.abs(s1.skewMs()) < 2_000, 'S1 took the time back');
    await waitFor(() => s1.liveProfiles(backAt).some((p) => Date.parse(p.validTo) <= Date.now() + LIVE_S * 1_000), 'S1: live profile ends within its duration again');
    expect(Math.abs(measured() - measuredAt)).toBeLessThan(1_000);
  });
});
