// A round costs what changed (issue 15): the snapshot makes again only the inputs of connectors
// touched since the last one or whose held bound moves with time, and the dispatcher looks only at
// connectors whose setpoint moved, that were touched, or whose step waits. The safety fuzzer and
// every test run check each round against one made from scratch (FUSEGUARD_VERIFY_SNAPSHOTS); these
// tests check the parts one by one, with the check off where they count the work.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allocate } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { Store } from '../store/store.js';
import { liveEndAt } from './charging-profiles.js';
import { Dispatcher, RENEWALS_PER_ROUND, RENEWALS_PER_TURN } from './dispatcher.js';
import { HeldProfiles } from './held-profiles.js';
import { connectorKey, IncrementalStateError, SiteState, type ConnectorRuntime } from './site-state.js';
import type { StationProvisioner } from './station-provisioner.js';

const LIVE_S = 60;
/** A few turns of the event loop: answers, and what they set off with setImmediate. */
/** Turns of the event loop enough for every renewal that can go to start (RENEWALS_PER_TURN a turn). */
const settle = async () => { for (let i = 0; i < 2 * RENEWALS_PER_ROUND / RENEWALS_PER_TURN + 5; i++) await new Promise((resolve) => setImmediate(resolve)); };

// The tests that make the check find a difference on purpose turn its second throw off (the one
// that fails a whole test run when a catch on the way swallows the first).
afterEach(() => { IncrementalStateError.rethrow = true; });

function setUp(count: number, verify = false, zoneMaxA = 1_000_000) {
  let clock = 1_000_000;
  const now = () => clock;
  const state = new SiteState(undefined as unknown as Store, now); // snapshot() reads no store
  state.verifySnapshots = verify;
  state.zones = [{ name: 'Z', parent: null, maxCurrentA: zoneMaxA, mode: 'static' }];
  const held = new HeldProfiles(now);
  held.onChange = (r) => state.touch(r);
  let controlCalls = 0;
  let readyCalls = 0;
  // As the control loop does: an offline connector is counted over all time, a ready one now.
  state.control = (r, connected) => {
    controlCalls += 1;
    const view = held.view(r, LIVE_S);
    return { heldA: view.countedA(connected ? 'now' : 'always'), provisioned: true, untilAt: view.untilAt };
  };
  const runtimes: ConnectorRuntime[] = [];
  for (let i = 0; i < count; i++) {
    const stationId = `CP-${i}`;
    const runtime: ConnectorRuntime = { key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: 'Z', wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null };
    state.connectors.set(runtime.key, runtime);
    state.connectedStations.add(stationId);
    held.answered(runtime, 'failsafe', held.sent(runtime, 'failsafe', { limitA: 6, validToAt: null }), 'accepted');
    runtimes.push(runtime);
  }
  const provisioner = { isReady: () => { readyCalls += 1; return true; }, capabilities: () => ({ rateUnit: 'A' }) } as unknown as StationProvisioner;
  const sent: string[] = [];
  const sentLimits: [stationId: string, limitA: number][] = [];
  // Stations that do not answer until released (as one whose command times out).
  const hung = new Set<string>();
  const unanswered: (() => void)[] = [];
  const commands = {
    send: (stationId: string, _action: string, request: { csChargingProfiles: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } } }) => {
      sent.push(stationId);
      sentLimits.push([stationId, request.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit]);
      const answer = { ok: true, response: { status: 'Accepted' } };
      return hung.has(stationId) ? new Promise((resolve) => unanswered.push(() => resolve(answer))) : Promise.resolve(answer);
    },
  } as unknown as CommandSender;
  const log = { error() {}, warn() {}, info() {} } as unknown as EventLog;
  const dispatcher = new Dispatcher(commands, state, provisioner, held, log, now, { liveProfileDurationS: () => LIVE_S, commandTimeoutMs: 1000, uncontrolledRetryMs: 30_000, renewalPatienceMs: 50, renewalsPerSecond: Infinity, looksPerStep: 1, answered: () => undefined });
  dispatcher.verify = verify;
  const round = async () => {
    const result = allocate(state.snapshot(), now());
    state.allocatorState = result.state;
    dispatcher.apply(result);
    await dispatcher.settled();
  };
  const heldInSnapshot = (key: string) => state.snapshot().connectors.find((c) => c.id === key)?.heldA;
  return {
    state, held, dispatcher, runtimes, round, heldInSnapshot, advance: (ms: number) => { clock += ms; }, now,
    work: () => ({ controlCalls, readyCalls }), sent, sentLimits, hung,
    /** A round that does not wait for the stations' answers. */
    apply: () => {
      const result = allocate(state.snapshot(), now());
      state.allocatorState = result.state;
      dispatcher.apply(result);
    },
    release: async () => { hung.clear(); unanswered.splice(0).forEach((answer) => answer()); await dispatcher.settled(); },
  };
}

describe('incremental snapshot (issue 15)', () => {
  it('counts an offline connector at its failsafe once its live profile has ended, with nothing else happening (D8)', () => {
    const t = setUp(1);
    const [cp] = t.runtimes;
    const endAt = liveEndAt(t.now(), LIVE_S);
    t.held.answered(cp, 'live', t.held.sent(cp, 'live', { limitA: 16, validToAt: endAt, numberPhases: 3 }), 'accepted');
    t.state.connectedStations.delete(cp.stationId);
    t.state.touchStation(cp.stationId);
    expect(t.heldInSnapshot(cp.key)).toBe(16); // until its live profile ends, it may draw 16 A
    t.advance(endAt - t.now() - 1);
    expect(t.heldInSnapshot(cp.key)).toBe(16);
    t.advance(1);
    expect(t.heldInSnapshot(cp.key)).toBe(6); // then its failsafe
  });

  it('reads a connector again when what its station holds changes', () => {
    const t = setUp(2);
    const [a, b] = t.runtimes;
    for (const r of t.runtimes) t.held.answered(r, 'live', t.held.sent(r, 'live', { limitA: 0, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    expect(t.heldInSnapshot(a.key)).toBe(0);
    t.held.sent(a, 'live', { limitA: 20, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }); // unanswered: it may hold it
    expect(t.heldInSnapshot(a.key)).toBe(20);
    expect(t.heldInSnapshot(b.key)).toBe(0);
  });

  it('makes again only the inputs of connectors touched since the last snapshot', () => {
    const t = setUp(1_000);
    t.state.snapshot();
    const before = t.work().controlCalls;
    t.state.snapshot();
    expect(t.work().controlCalls - before).toBe(0); // nothing changed
    t.state.touch(t.runtimes[10]);
    t.state.touch(t.runtimes[20]);
    t.state.snapshot();
    expect(t.work().controlCalls - before).toBe(2);
  });

  it('checks itself against a snapshot made from scratch when asked (tests): a change nobody told is found', () => {
    const t = setUp(3, true);
    IncrementalStateError.rethrow = false;
    t.state.snapshot();
    t.state.connectedStations.delete(t.runtimes[1].stationId); // not told: no touch
    expect(() => t.state.snapshot()).toThrow(/incremental snapshot out of date for CP-1\/1/);
  });
});

describe('incremental dispatch (issue 15)', () => {
  it('looks only at connectors whose setpoint moved or that were touched, not at the whole site', async () => {
    const t = setUp(1_000);
    await t.round(); // every connector held at 0 A
    await t.round(); // their answers touched them: looked at once more
    const before = t.work().readyCalls;
    await t.round();
    expect(t.work().readyCalls - before).toBe(0);
    t.runtimes[5].session = { transactionId: 1, startedAt: t.now(), meterStartWh: 0, energyWh: 0, vip: false };
    t.state.touch(t.runtimes[5]);
    await t.round();
    // The car's connector, raised (looked at, then started), and nobody else.
    expect(t.work().readyCalls - before).toBeGreaterThan(0);
    expect(t.work().readyCalls - before).toBeLessThan(5);
  });

  it('finds zone sums that are out of date when asked to check itself (tests)', async () => {
    const t = setUp(3, true);
    await t.round();
    await t.round();
    // What a station may hold changes and nobody is told: the snapshot's own check is off, the
    // dispatcher's finds that its zone sums no longer match a count of the whole site.
    t.state.verifySnapshots = false;
    IncrementalStateError.rethrow = false;
    t.held.onChange = () => undefined;
    t.held.sent(t.runtimes[0], 'live', { limitA: 20, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 });
    await expect(t.round()).rejects.toThrow(/incremental dispatch (left out CP-0\/1|: zone Z)/);
  });

  it('reads again the connectors whose held bound moved between the snapshot and the dispatch of a round spread over turns (D8)', async () => {
    const t = setUp(2, true);
    await t.round(); // both held at 0 A up to the end of this grid's second half-life
    await t.round();
    // From the grid's half-way boundary on, a new live profile would run past that end: each is
    // counted at its 6 A failsafe from then (the 'live-end' span), not at 0 A.
    const halfWayAt = liveEndAt(t.now(), LIVE_S) - LIVE_S * 500;
    t.advance(halfWayAt - t.now() - 1_500); // before the second they are read again at
    const result = allocate(t.state.snapshot(), t.now());
    t.advance(3_000); // the round's turns: the boundary passed meanwhile, nobody told
    IncrementalStateError.rethrow = false;
    expect(() => t.dispatcher.apply(result)).not.toThrow();
    await t.dispatcher.settled();
  });

  it('renews in time the live profile of a connector back from offline, though the others were renewed while it was away (D5)', async () => {
    const t = setUp(2);
    const [a, x] = t.runtimes;
    await t.round(); // both held at 0 A, to the end of this half-life's grid
    const endAt = liveEndAt(t.now(), LIVE_S);
    t.advance(endAt - LIVE_S * 500 - t.now() + 1_000); // past the half of their life: due
    t.state.connectedStations.delete(x.stationId);
    t.state.touch(x);
    await t.round(); // A renewed; X offline: not
    expect(t.sent.filter((id) => id === x.stationId)).toHaveLength(1);
    t.advance(2_000);
    t.state.connectedStations.add(x.stationId);
    t.state.touch(x);
    await t.round(); // X back, its 0 A still valid: nothing to change, but due for renewal
    expect(t.sent.filter((id) => id === x.stationId)).toHaveLength(2);
    expect(t.sent.filter((id) => id === a.stationId)).toHaveLength(2);
  });

  it('renewals left for later go on after a short patience when a station does not answer, not after its timeout (issue 15)', async () => {
    const count = RENEWALS_PER_ROUND + 10;
    const t = setUp(count);
    await t.round(); // every connector held at 0 A
    t.hung.add(t.runtimes[0].stationId); // from now on it does not answer
    t.advance(liveEndAt(1_000_000, LIVE_S) - 1_000_000 - 20_000); // all due
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // the patience's timer, by hand
    try {
      const before = t.sent.length;
      t.apply(); // the first batch, the silent station's renewal in it
      // Started a few at a time, one turn of the event loop each: not 250 sends in one stall.
      expect(t.sent.length - before).toBe(RENEWALS_PER_TURN);
      await settle();
      const firstBatch = t.sent.slice(before);
      expect(firstBatch).toHaveLength(RENEWALS_PER_ROUND);
      expect(firstBatch).toContain(t.runtimes[0].stationId);
      expect(t.sent.length - before).toBe(RENEWALS_PER_ROUND); // every other answer is in: the rest still wait for the silent one
      t.apply(); // a round meanwhile neither walks the site again nor starts the next batch early
      await settle();
      expect(t.sent.length - before).toBe(RENEWALS_PER_ROUND);
      vi.advanceTimersByTime(50); // the patience (50 ms here), not the station's 30 s timeout
      await settle();
      expect(t.sent.length - before).toBe(count); // the rest went; the silent one's renewal still in flight, not sent twice
      expect(t.sent.slice(before).filter((id) => id === t.runtimes[0].stationId)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
    await t.release();
  });
  it('a renewal left for later goes as the connector is when its turn comes, not as it was at the walk (issue 15, D5)', async () => {
    const count = RENEWALS_PER_ROUND + 10;
    const t = setUp(count);
    await t.round(); // every connector held at 0 A
    t.hung.add(t.runtimes[0].stationId); // holds the first batch until the patience
    t.advance(liveEndAt(1_000_000, LIVE_S) - 1_000_000 - 20_000); // all due
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const before = t.sent.length;
      t.apply();
      await settle();
      expect(t.sent.length - before).toBe(RENEWALS_PER_ROUND);
      // Meanwhile another profile reached the last two (a round's): one is no longer due at all;
      // the other's limit changed. The queue was made before either.
      const [other, stale] = t.runtimes.slice(-2);
      t.held.answered(stale, 'live', t.held.sent(stale, 'live', { limitA: 0, validToAt: t.now() + LIVE_S * 1000, numberPhases: 3 }), 'accepted');
      t.held.answered(other, 'live', t.held.sent(other, 'live', { limitA: 7, validToAt: t.now() + 1_000, numberPhases: 3 }), 'accepted');
      vi.advanceTimersByTime(50);
      await settle();
      const rest = t.sentLimits.slice(before + RENEWALS_PER_ROUND);
      expect(rest.map(([id]) => id)).not.toContain(stale.stationId);
      expect(rest.find(([id]) => id === other.stationId)).toEqual([other.stationId, 7]);
      expect(rest).toHaveLength(count - RENEWALS_PER_ROUND - 1);
    } finally {
      vi.useRealTimers();
    }
    await t.release();
  });
});

/** Steps a generator to its end. */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

describe('a round in steps, others running between two (issue 15)', () => {
  it('D8: a dispatch that let others run looks again at what moved meanwhile before anything goes: no raise on a zone sum out of date', () => {
    const t = setUp(2, true, 40);
    const [a, b] = t.runtimes;
    const endAt = liveEndAt(t.now(), LIVE_S);
    for (const [r, limitA] of [[a, 20], [b, 10]] as const) {
      t.held.answered(r, 'live', t.held.sent(r, 'live', { limitA, validToAt: endAt, numberPhases: 3 }), 'accepted');
      r.session = { transactionId: 1, startedAt: t.now() - 60_000, meterStartWh: 0, energyWh: 0, vip: false };
    }
    t.state.inputsPerStep = 1;
    const snapshot = drain(t.state.snapshotSteps());
    const result = allocate(snapshot, t.now());
    expect(result.setpoints.map((s) => s.currentA)).toEqual([20, 20]); // B: a raise that fits next to A at 20 A
    const steps = t.dispatcher.applySteps(result);
    steps.next(); // a pause before each connector (looksPerStep 1)
    steps.next(); // A looked at, counted at 20 A
    // Meanwhile A's station was sent 30 A (it may hold it): B's raise no longer fits.
    t.held.sent(a, 'live', { limitA: 30, validToAt: endAt, numberPhases: 3 });
    expect(drain(steps)).toBe(true);
    expect(t.sentLimits).toEqual([['CP-0', 20]]); // A back to its share; B stays at 10 A until that is in
  });

  it('a dispatch whose site changed while others ran sends nothing; the next one looks at every connector', () => {
    const t = setUp(3, true);
    const result = allocate(t.state.snapshot(), t.now());
    const configVersion = t.state.configVersion;
    const steps = t.dispatcher.applySteps(result, { valid: () => configVersion === t.state.configVersion });
    steps.next();
    steps.next();
    t.state.configVersion += 1;
    expect(drain(steps)).toBe(false);
    expect(t.sent).toEqual([]);
    const before = t.work().readyCalls;
    t.dispatcher.apply(result);
    expect(t.work().readyCalls - before).toBeGreaterThanOrEqual(3); // every one looked at again
    expect(t.sent).toHaveLength(3); // each held at 0 A now
  });

  it('a snapshot that let others run reads again, next time, an input touched meanwhile', () => {
    const t = setUp(3, true); // each snapshot checked against one from scratch, but for what waits for the next
    const [a] = t.runtimes;
    t.state.inputsPerStep = 1;
    t.state.snapshot();
    for (const r of t.runtimes) t.held.answered(r, 'live', t.held.sent(r, 'live', { limitA: 0, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    const steps = t.state.snapshotSteps();
    steps.next();
    steps.next(); // A's input made again
    t.held.sent(a, 'live', { limitA: 12, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }); // then it may hold 12 A
    const snapshot = drain(steps);
    expect(snapshot.connectors.map((c) => c.heldA)).toEqual([0, 0, 0]); // as it was read
    expect(t.heldInSnapshot(a.key)).toBe(12); // the next one reads it again
  });

  it('a touch that comes with the runtime object of before a reload, while a snapshot lets others run, is read again next time (fuzz seed 180226)', () => {
    const t = setUp(2, true);
    const [a, b] = t.runtimes;
    t.state.inputsPerStep = 1;
    t.state.snapshot();
    // A reload made new runtime objects; a send that started before it still holds A's old one.
    const reloaded: ConnectorRuntime = { ...a, inputSlot: undefined, heldEntry: undefined };
    t.state.connectors.set(a.key, reloaded);
    (t.state as unknown as { layoutStale: boolean }).layoutStale = true; // as load() marks it
    t.state.snapshot(); // every input made again, from the new objects
    const steps = t.state.snapshotSteps();
    t.state.touch(reloaded);
    t.state.touch(b);
    steps.next();
    steps.next(); // A's input made again, a pause before B's
    // Then its answer: a live profile of 0 A is in, recorded on the old object.
    t.held.answered(a, 'live', t.held.sent(a, 'live', { limitA: 0, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    expect(() => drain(steps)).not.toThrow(); // the check counts it as one the next snapshot reads
    expect(t.heldInSnapshot(a.key)).toBe(0); // and the next one does
  });

  it('D8: a connector looked at before an instant the pause crosses (a boundary of the live profiles\' grid) is looked at again before anything goes', async () => {
    const t = setUp(2, false, 30); // (with verify on, verifyVisit finds it too)
    const [a, b] = t.runtimes;
    // A: idle, held at 0 A by its live profile, over a failsafe of 20 A. B: idle at 0 A too.
    t.held.answered(a, 'failsafe', t.held.sent(a, 'failsafe', { limitA: 20, validToAt: null }), 'accepted');
    const endAt = liveEndAt(t.now(), LIVE_S); // 1_050_000; both fall due for renewal at 1_020_000 (grid)
    for (const [r, limitA] of [[a, 0], [b, 0]] as const) t.held.answered(r, 'live', t.held.sent(r, 'live', { limitA, validToAt: endAt, numberPhases: 3 }), 'accepted');
    t.apply(); // room made, everyone looked at (no car: both held at 0 A)
    await t.dispatcher.settled();
    t.sentLimits.length = 0;
    const boundary = endAt - (LIVE_S * 1000) / 2;
    t.advance(boundary - 500 - t.now()); // half a second before the boundary
    b.session = { transactionId: 1, startedAt: t.now() - 60_000, meterStartWh: 0, energyWh: 0, vip: false }; // a car at B
    t.state.touchInput(b);
    const result = allocate(drain(t.state.snapshotSteps()), t.now());
    t.state.allocatorState = result.state;
    expect(result.setpoints.find((s) => s.connectorId === b.key)?.currentA).toBe(30);
    const steps = t.dispatcher.applySteps(result);
    steps.next(); // pause before the first look
    steps.next(); // A looked at (before the boundary: counted at 0 A up to the live-end)
    t.advance(501); // the pause crosses the grid boundary
    expect(drain(steps)).toBe(true);
    // What A may draw now, over the span a raise of B is sent for (its live profile ends at endAt,
    // then its 20 A failsafe): 20 A. B's raise fits only if 20 + B <= 30.
    const aBound = t.held.view(a, LIVE_S).countedA('live-end');
    const bSent = t.sentLimits.filter(([s]) => s === b.stationId).map(([, l]) => l);
    for (const limit of bSent) expect(aBound + limit, `B sent ${limit} A next to A at ${aBound} A`).toBeLessThanOrEqual(30);
  });

  it('U3/D8: a clock step back while a snapshot is paused does not push the wake of held bounds into the future', () => {
    let clock = 1_000_000; // Fuseguard's
    let stationClock = 1_000_000; // the stations', until they take the new time
    const now = () => clock;
    const state = new SiteState(undefined as unknown as Store, now);
    state.zones = [{ name: 'Z', parent: null, maxCurrentA: 1000, mode: 'static' }];
    state.verifySnapshots = false; // (it would find the same)
    const held = new HeldProfiles(() => stationClock);
    held.onChange = (r) => state.touch(r);
    // As ControlLoop.state.control does.
    state.control = (r, connected) => {
      const view = held.view(r, LIVE_S);
      return { heldA: view.countedA(connected ? 'now' : 'always'), provisioned: true, untilAt: view.untilAt - (stationClock - clock) };
    };
    const runtimes: ConnectorRuntime[] = [];
    for (let i = 0; i < 3; i++) {
      const stationId = `CP-${i}`;
      const r: ConnectorRuntime = { key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: 'Z', wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null };
      state.connectors.set(r.key, r);
      state.connectedStations.add(stationId);
      held.answered(r, 'failsafe', held.sent(r, 'failsafe', { limitA: 20, validToAt: null }), 'accepted');
      // Held at 0 A by a live profile that ends in 10 s (its renewal did not get through).
      held.answered(r, 'live', held.sent(r, 'live', { limitA: 0, validToAt: stationClock + 10_000, numberPhases: 3 }), 'accepted');
      runtimes.push(r);
    }
    state.snapshot(); // layout made
    state.inputsPerStep = 1;
    for (const r of runtimes) state.touch(r);
    const steps = state.snapshotSteps();
    steps.next(); // paused
    clock -= 60_000; // the reference clock steps back by a minute (ControlLoop.shiftTimes)
    state.shiftTimes(-60_000);
    drain(steps); // the round is dropped (clockSteps), but its snapshot remade every input
    clock += 15_000; // 15 s later: every live profile has ended on the stations' clocks
    stationClock += 15_000;
    const heldA = state.snapshot().connectors.map((c) => c.heldA);
    expect(runtimes.map((r) => held.view(r, LIVE_S).countedA('now'))).toEqual([20, 20, 20]); // what they may draw
    expect(heldA, 'the allocation still counts the live profile that ended').toEqual([20, 20, 20]);
  });

  it('D8: a station clock that moves by under a second during the pause (no clockMoved, no touch) is covered: looked at again a second early, as the snapshot\'s wake-ups', () => {
    let clock = 1_000_000;
    const offset = new Map<string, number>();
    const now = () => clock;
    const stationNow = (id: string) => clock + (offset.get(id) ?? 0);
    const state = new SiteState(undefined as unknown as Store, now);
    state.verifySnapshots = false;
    state.zones = [{ name: 'Z', parent: null, maxCurrentA: 30, mode: 'static' }];
    const held = new HeldProfiles(stationNow);
    held.onChange = (r) => state.touch(r);
    state.control = (r, connected) => { const v = held.view(r, LIVE_S); return { heldA: v.countedA(connected ? 'now' : 'always'), provisioned: true, untilAt: v.untilAt - (stationNow(r.stationId) - clock) }; };
    const mk = (stationId: string): ConnectorRuntime => {
      const r: ConnectorRuntime = { key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: 'Z', wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null };
      state.connectors.set(r.key, r); state.connectedStations.add(stationId); return r;
    };
    const a = mk('A'); const b = mk('B');
    held.answered(a, 'failsafe', held.sent(a, 'failsafe', { limitA: 20, validToAt: null }), 'accepted');
    held.answered(b, 'failsafe', held.sent(b, 'failsafe', { limitA: 0, validToAt: null }), 'accepted');
    const endAt = liveEndAt(clock, LIVE_S);
    for (const r of [a, b]) held.answered(r, 'live', held.sent(r, 'live', { limitA: 0, validToAt: endAt, numberPhases: 3 }), 'accepted');
    const sent: [string, number][] = [];
    const commands = { send: (id: string, _x: string, req: { csChargingProfiles: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } } }) => { sent.push([id, req.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit]); return Promise.resolve({ ok: true, response: { status: 'Accepted' } }); } } as unknown as CommandSender;
    const provisioner = { isReady: () => true, capabilities: () => ({ rateUnit: 'A' }) } as unknown as StationProvisioner;
    const log = { error() {}, warn() {}, info() {} } as unknown as EventLog;
    const d = new Dispatcher(commands, state, provisioner, held, log, now, { liveProfileDurationS: () => LIVE_S, commandTimeoutMs: 1000, uncontrolledRetryMs: 30_000, renewalsPerSecond: Infinity, looksPerStep: 1, answered: () => undefined, stationNow });
    d.verify = false;
    const r0 = allocate(state.snapshot(), clock); state.allocatorState = r0.state; d.apply(r0);
    sent.length = 0;
    const boundary = endAt - (LIVE_S * 1000) / 2;
    clock = boundary - 500;
    b.session = { transactionId: 1, startedAt: clock - 60_000, meterStartWh: 0, energyWh: 0, vip: false };
    state.touchInput(b);
    state.inputsPerStep = 1;
    const result = allocate(drain(state.snapshotSteps()), clock);
    state.allocatorState = result.state;
    expect(result.setpoints.find((s) => s.connectorId === b.key)?.currentA).toBe(30);
    const steps = d.applySteps(result);
    steps.next(); steps.next(); // A looked at, counted at 0 A until the live-end (the boundary 500 ms away)
    clock += 200; // the pause: 200 ms
    offset.set('A', 400); // meanwhile A's station took a time 400 ms ahead (movedMs < 1 s: reported as 0)
    expect(drain(steps)).toBe(true);
    const aBound = held.view(a, LIVE_S).countedA('live-end');
    for (const [id, limit] of sent.filter(([id]) => id === 'B')) expect(aBound + limit, `${id} sent ${limit} A next to A at ${aBound} A`).toBeLessThanOrEqual(30);
  });
});
