// The control loop against simulated stations over real WebSockets (issue 4: A2, A8, D1, D2, D5, O5).
import { afterEach, describe, expect, it } from 'vitest';
import { allocate } from '../src/domain/index.js';
import { SimStation } from '../src/sim/index.js';
import type { SiteFile } from '../src/site/site-schema.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const site = (): SiteFile => ({
  settings: { meterValueSampleIntervalS: 1 },
  zones: [{ name: 'Z', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' }],
  stations: ['S1', 'S2', 'S3'].map((id) => ({ id, zone: 'Z', connectors: [{ id: 1, maxCurrentA: 32 }] })),
});

describe('control loop', () => {
  let h: Harness;
  const sims: SimStation[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.stop()));
    await h?.cleanup();
  });

  const startSims = async (url: string) => {
    for (const id of ['S1', 'S2', 'S3']) {
      const sim = new SimStation({ id, url, tickIntervalMs: 100, reconnectDelayMs: 100, maxReconnectDelayMs: 300 });
      sims.push(sim);
      expect(await sim.start()).toBe('Accepted');
    }
  };
  const sumOfLimitsA = () => sims.reduce((sum, s) => sum + s.getLimitA(1), 0);
  const liveOn = (sim: SimStation) => sim.profiles.list().some((p) => p.profile.chargingProfileId === 2001);

  it('gives cars profiles that match allocate(), and never lets the limits sum above the zone in a transition (A2, A8)', async () => {
    h = await startHarness(site(), { control: { liveProfileDurationS: 60, debounceMs: 20 } });
    await startSims(h.app.ocppUrl);
    await waitFor(() => sims.every(liveOn), 'live profiles on every station');
    expect(sims.map((s) => s.getLimitA(1))).toEqual([0, 0, 0]); // idle connectors are held at 0 A

    let worstSumA = 0;
    for (const sim of sims) sim.on('limit', () => { worstSumA = Math.max(worstSumA, sumOfLimitsA()); });

    for (const [i, sim] of sims.entries()) {
      await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
      await sim.presentBadge(1, `CAR-${i}`);
      await waitFor(() => sim.getLimitA(1) > 0, `car ${i} charging`);
      await h.app.control?.settled();
    }
    await waitFor(() => Math.abs(sumOfLimitsA() - 32) < 0.5, 'the zone shared out');
    const expected = allocate(h.app.control!.state.snapshot(), Date.now());
    for (const sim of sims) {
      const setpoint = expected.setpoints.find((s) => s.connectorId === `${sim.id}/1`);
      expect(sim.getLimitA(1)).toBeCloseTo(setpoint?.currentA ?? -1, 1);
    }
    expect(sims.map((s) => s.getLimitA(1))).toEqual([10.6, 10.6, 10.6]);

    await sims[0].unplug(1);
    await waitFor(() => sims[1].getLimitA(1) === 16 && sims[2].getLimitA(1) === 16, 'the freed share handed out');
    expect(sims[0].getLimitA(1)).toBe(0);
    expect(worstSumA).toBeLessThanOrEqual(32);
  });

  it('spreads a round over turns of the event loop with the same profiles; a round whose configuration changed under it sends nothing, one whose limits moved only its reductions, and the next runs whole (issue 15)', async () => {
    h = await startHarness(site(), { control: { liveProfileDurationS: 60, debounceMs: 20, roundSliceMs: 0 } });
    await startSims(h.app.ocppUrl);
    const control = h.app.control!;
    for (const [i, sim] of sims.entries()) {
      await sim.plugIn(1, { batteryWh: 60_000, maxCurrentA: 32, phases: 3 });
      await sim.presentBadge(1, `CAR-${i}`);
    }
    await waitFor(() => sims.every((s) => s.getLimitA(1) === 10.6), 'the zone shared out');
    await control.settled();

    // What runs in the next turn after a snapshot: between the round's steps when it yields.
    const snapshotSteps = control.state.snapshotSteps.bind(control.state);
    const snapshot = () => { // not through the stand-in below
      const steps = snapshotSteps();
      for (;;) { const next = steps.next(); if (next.done) return next.value; }
    };
    const roundsSeen: { atSnapshot: number; nextTurn: number }[] = [];
    let changeConfigurationOnce = false;
    let pokeOnce = false;
    control.state.snapshotSteps = () => {
      const seen = { atSnapshot: control.stats.rounds, nextTurn: -1 };
      roundsSeen.push(seen);
      setImmediate(() => {
        seen.nextTurn = control.stats.rounds;
        if (changeConfigurationOnce) { changeConfigurationOnce = false; control.state.configVersion += 1; }
        if (pokeOnce) { pokeOnce = false; control.poke(); }
      });
      return snapshotSteps();
    };
    let applied = 0;
    control.onRound(() => { applied += 1; });

    control.poke();
    await waitFor(() => applied === 1, 'a round applied');
    await control.settled();
    expect(roundsSeen[0].nextTurn).toBe(roundsSeen[0].atSnapshot); // other work ran before the round ended
    const expected = allocate(snapshot(), Date.now());
    expect(control.lastResult?.setpoints.map((s) => s.currentA)).toEqual(expected.setpoints.map((s) => s.currentA));

    roundsSeen.length = 0;
    applied = 0;
    changeConfigurationOnce = true;
    control.poke();
    await waitFor(() => applied === 1, 'a round applied after the change');
    await control.settled();
    // The first round saw the change mid-way: dropped (never applied); the next ran whole.
    expect(roundsSeen).toHaveLength(2);
    expect(roundsSeen[1].nextTurn).toBe(roundsSeen[1].atSnapshot + 1);
    expect(applied).toBe(1);
    expect(sims.map((s) => s.getLimitA(1))).toEqual([10.6, 10.6, 10.6]);

    // A limit that moves mid-round (a meter reading, a digital input, a cap: poke) lets out only
    // what the round lowers; the next round, whole, does the rest.
    const applies: boolean[] = [];
    const applySteps = control.dispatcher.applySteps.bind(control.dispatcher);
    control.dispatcher.applySteps = function* (result, options) {
      const went = yield* applySteps(result, options);
      applies.push(options?.raises?.() ?? true); // as it was when the steps went
      return went;
    };
    roundsSeen.length = 0;
    applied = 0;
    pokeOnce = true;
    await sims[0].unplug(1);
    await waitFor(() => sims[1].getLimitA(1) === 16 && sims[2].getLimitA(1) === 16, 'the freed share handed out');
    await control.settled();
    expect(applies.slice(0, 2)).toEqual([false, true]);
    expect(roundsSeen[1].nextTurn).toBe(roundsSeen[1].atSnapshot + 1);
    expect(sims[0].getLimitA(1)).toBe(0);
  });

  it('installs the D1 failsafe below the live profile, and stations fall back to it when Fuseguard is gone (D5)', async () => {
    h = await startHarness(site(), { control: { liveProfileDurationS: 3, debounceMs: 20 } });
    await startSims(h.app.ocppUrl);
    await waitFor(() => sims.every(liveOn), 'live profiles on every station');
    for (const sim of sims) {
      const failsafe = sim.profiles.list().find((p) => p.profile.chargingProfileId === 1001);
      expect(failsafe?.profile).toMatchObject({ stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile' });
      expect(failsafe?.profile.chargingSchedule.chargingSchedulePeriod[0].limit).toBe(6); // 3 x 6 A <= 32 A (D1)
    }
    await sims[0].plugIn(1);
    await sims[0].presentBadge(1, 'CAR');
    await waitFor(() => sims[0].getLimitA(1) === 32, 'the only car gets the zone');
    // Renewal keeps the 3 s live profile alive while Fuseguard runs.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(sims[0].getLimitA(1)).toBe(32);

    await h.app.close(); // Fuseguard goes away without a word
    await waitFor(() => sims[0].getLimitA(1) === 6, 'the failsafe current once the live profile runs out', 8_000);
    expect(sims[1].getLimitA(1)).toBe(6);
  });

  it('counts a station that drops at what it holds until its live profile ends, then at its failsafe; re-applies when it comes back (D2, D8, O5)', async () => {
    h = await startHarness(site(), { control: { liveProfileDurationS: 4, debounceMs: 20 } });
    await startSims(h.app.ocppUrl);
    for (const sim of sims.slice(0, 2)) {
      await sim.plugIn(1);
      await sim.presentBadge(1, 'CAR');
    }
    await waitFor(() => sims[0].getLimitA(1) === 16 && sims[1].getLimitA(1) === 16, 'two cars share 32 A');
    let worstSumA = 0;
    for (const sim of sims) sim.on('limit', () => { worstSumA = Math.max(worstSumA, sumOfLimitsA()); });
    await sims[1].goOffline();
    // D8: the offline station goes on applying its live 16 A until it expires on its own clock;
    // only then (failsafe 6 A) may the other use 32 - 6 = 26 A.
    await waitFor(() => sims[1].getLimitA(1) === 6, 'the offline station falls back to its failsafe', 10_000);
    await waitFor(() => sims[0].getLimitA(1) === 26, 'the connected car gets the rest');
    expect(worstSumA).toBeLessThanOrEqual(32);
    await sims[1].goOnline();
    await waitFor(() => sims[0].getLimitA(1) === 16 && sims[1].getLimitA(1) === 16, 'shared again after the return');
    expect(worstSumA).toBeLessThanOrEqual(32);
  });

  it('flags a station that cannot hold the profile scheme, where an operator sees it (D5)', async () => {
    h = await startHarness(site(), { control: { liveProfileDurationS: 60, debounceMs: 20 } });
    const sim = new SimStation({ id: 'S1', url: h.app.ocppUrl, tickIntervalMs: 100, config: { ChargeProfileMaxStackLevel: '0' } });
    sims.push(sim);
    await sim.start();
    await waitFor(async () => (await h.app.store.stations.get('S1'))?.control_issue != null, 'the station flagged');
    expect((await h.app.store.stations.get('S1'))?.control_issue).toMatch(/ChargeProfileMaxStackLevel 0/);
    expect(h.app.control?.state.uncontrolled.has('S1/1')).toBe(true);
    expect(sim.profiles.list()).toEqual([]);
  });

  it('counts a station that cannot hold the scheme at its full maximum, so the others stay safe (D5)', async () => {
    const twoStations: SiteFile = {
      settings: { meterValueSampleIntervalS: 1 },
      zones: [{ name: 'Z', maxCurrentA: 40, mode: 'static', authMode: 'lms-allow-all' }],
      stations: [
        { id: 'S1', zone: 'Z', connectors: [{ id: 1, maxCurrentA: 16 }] },
        { id: 'S2', zone: 'Z', connectors: [{ id: 1, maxCurrentA: 32 }] },
      ],
    };
    h = await startHarness(twoStations, { control: { liveProfileDurationS: 60, debounceMs: 20 } });
    const flagged = new SimStation({ id: 'S1', url: h.app.ocppUrl, tickIntervalMs: 100, config: { ChargeProfileMaxStackLevel: '0' } });
    const good = new SimStation({ id: 'S2', url: h.app.ocppUrl, tickIntervalMs: 100 });
    sims.push(flagged, good);
    await flagged.start();
    await good.start();
    await waitFor(async () => (await h.app.store.stations.get('S1'))?.control_issue != null, 'S1 flagged');
    await good.plugIn(1);
    await good.presentBadge(1, 'CAR');
    // 40 A less the 16 A that S1 may draw whatever it is told; without the flag S2 would get 32 A.
    await waitFor(() => good.getLimitA(1) === 24, 'S2 gets what S1 leaves');
    const setpoint = h.app.control?.lastResult?.setpoints.find((s) => s.connectorId === 'S1/1');
    expect(setpoint).toMatchObject({ currentA: 16, controllable: false, reason: { code: 'uncontrolled' } });
  });

  it('flags a connector that keeps refusing live profiles, counts it at its maximum, and trusts it again once it accepts (D5)', async () => {
    const twoStations: SiteFile = {
      settings: { meterValueSampleIntervalS: 1 },
      zones: [{ name: 'Z', maxCurrentA: 48, mode: 'static', authMode: 'lms-allow-all' }],
      stations: ['S1', 'S2'].map((id) => ({ id, zone: 'Z', connectors: [{ id: 1, maxCurrentA: 32 }] })),
    };
    h = await startHarness(twoStations, { control: { liveProfileDurationS: 60, debounceMs: 20, tickMs: 300, uncontrolledRetryMs: 500 } });
    for (const id of ['S1', 'S2']) {
      const sim = new SimStation({ id, url: h.app.ocppUrl, tickIntervalMs: 100 });
      sims.push(sim);
      await sim.start();
    }
    const [s1, s2] = sims;
    await waitFor(() => sims.every(liveOn), 'live profiles on both stations');
    await s2.plugIn(1);
    await s2.presentBadge(1, 'CAR-2');
    await waitFor(() => s2.getLimitA(1) === 32, 'the only car gets its maximum');

    s1.refuseChargingProfiles = true;
    await s1.plugIn(1);
    await s1.presentBadge(1, 'CAR-1');
    await waitFor(async () => (await h.app.store.stations.get('S1'))?.control_issue != null, 'S1 flagged after repeated refusals');
    expect((await h.app.store.stations.get('S1'))?.control_issue).toMatch(/refuses live profiles/);
    // S1 may draw 32 A whatever it is told: S2 keeps 48 - 32 = 16 A.
    await waitFor(() => s2.getLimitA(1) === 16, 'S2 reduced next to the uncontrolled station');

    s1.refuseChargingProfiles = false;
    await waitFor(async () => (await h.app.store.stations.get('S1'))?.control_issue === null, 'the flag lifted once S1 accepts');
    await waitFor(() => s1.getLimitA(1) === 24 && s2.getLimitA(1) === 24, 'the two cars share 48 A again');
  });
});
