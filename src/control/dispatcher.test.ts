// Which answers to live profiles call for a new round (issue 15): one that lowers what the
// connector may draw, a refusal, or one a round waited for; not the acceptance of a renewal, which
// on a large site would start a round of the whole site hundreds of times a second. The station is
// a stand-in answering each SetChargingProfile as told (the real exchange over OCPP is covered by
// test/control-loop.test.ts and the safety fuzzer); the dispatcher, held profiles and site state
// are the real ones.
import { describe, expect, it, vi } from 'vitest';
import { allocate } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { Store } from '../store/store.js';
import { liveEndAt } from './charging-profiles.js';
import { Dispatcher, RENEWALS_PER_ROUND, RENEWALS_PER_SECOND, RENEWALS_PER_TURN, type DispatcherOptions } from './dispatcher.js';
import { HeldProfiles } from './held-profiles.js';
import { connectorKey, SiteState, type ConnectorRuntime } from './site-state.js';
import type { StationProvisioner } from './station-provisioner.js';

const LIVE_S = 60;

function setUp(answer: () => 'Accepted' | 'Rejected', zoneMaxA = 63, opts: Partial<DispatcherOptions> = {}) {
  let clock = 1_000_000;
  const now = () => clock;
  const state = new SiteState(undefined as unknown as Store, now); // snapshot() reads no store
  state.zones = [{ name: 'Z', parent: null, maxCurrentA: zoneMaxA, mode: 'static' }];
  const held = new HeldProfiles(now);
  held.onChange = (r) => state.touch(r);
  const connector = (stationId: string, failsafeA = 6): ConnectorRuntime => {
    const runtime: ConnectorRuntime = { key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: 'Z', wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null };
    state.connectors.set(runtime.key, runtime);
    state.connectedStations.add(stationId);
    held.answered(runtime, 'failsafe', held.sent(runtime, 'failsafe', { limitA: failsafeA, validToAt: null }), 'accepted');
    return runtime;
  };
  const provisioner = { isReady: () => true, capabilities: () => ({ rateUnit: 'A' }) } as unknown as StationProvisioner;
  state.control = (r) => {
    const view = held.view(r, LIVE_S);
    return { heldA: view.countedA('now'), provisioned: true, untilAt: view.untilAt };
  };
  const sent: string[] = [];
  const commands = {
    send: (stationId: string, _action: string, request: { csChargingProfiles: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } } }) => {
      sent.push(`${stationId} ${request.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit}`);
      return Promise.resolve({ ok: true, response: { status: answer() } });
    },
  } as unknown as CommandSender;
  const log = { error() {}, warn() {}, info() {} } as unknown as EventLog;
  let rounds = 0;
  const dispatcher = new Dispatcher(commands, state, provisioner, held, log, now, { liveProfileDurationS: () => LIVE_S, commandTimeoutMs: 1000, uncontrolledRetryMs: 30_000, renewalsPerSecond: Infinity, answered: () => { rounds += 1; }, ...opts });
  const round = async (options?: { raises?: boolean }) => {
    const result = allocate(state.snapshot(), now());
    state.allocatorState = result.state;
    dispatcher.apply(result, options);
    await dispatcher.settled();
  };
  /** Waits while renewals continue batch after batch (each after a turn of the event loop). */
  const settleRenewals = async () => {
    for (let quiet = 0; quiet < 3;) {
      const before = sent.length;
      await new Promise((resolve) => setImmediate(resolve));
      await dispatcher.settled();
      quiet = sent.length === before ? quiet + 1 : 0;
    }
  };
  return { touch: (r: ConnectorRuntime) => state.touch(r), connector, held, now, round, settleRenewals, sent, rounds: () => rounds, advance: (ms: number) => { clock += ms; } };
}

describe('Dispatcher: answers that call for a round', () => {
  it('a renewal while nothing waits for room does not call for one', async () => {
    const t = setUp(() => 'Accepted');
    t.connector('CP');
    await t.round();
    expect(t.sent).toEqual(['CP 0']); // idle: held at 0 A, down from its failsafe's 6 A
    const afterFirst = t.rounds(); // lower now: the allocation may give others more
    expect(afterFirst).toBe(1);
    t.advance(liveEndAt(1_000_000, LIVE_S) - 1_000_000 - 5_000); // in the last quarter of its life: due
    await t.round();
    expect(t.sent).toEqual(['CP 0', 'CP 0']); // renewed
    expect(t.rounds()).toBe(afterFirst);
  });

  it('a refusal calls for one (tried again)', async () => {
    const t = setUp(() => 'Rejected');
    t.connector('CP');
    await t.round();
    expect(t.sent).toEqual(['CP 0']);
    expect(t.rounds()).toBe(1);
  });

  it('a reduction calls for one: the room it frees goes to the others', async () => {
    const t = setUp(() => 'Accepted', 40);
    const a = t.connector('A');
    t.held.answered(a, 'live', t.held.sent(a, 'live', { limitA: 32, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    const b = t.connector('B'); // held at 0 A while idle; now a car charges
    t.held.answered(b, 'live', t.held.sent(b, 'live', { limitA: 0, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    b.session = { transactionId: 1, startedAt: t.now() - 60_000, meterStartWh: 0, energyWh: 0, vip: false };
    await t.round();
    // A goes down at once; B gets what A's 32 A leave until that is answered, then the rest.
    expect(t.sent).toEqual(['A 0', 'B 8']);
    expect(t.rounds()).toBe(1); // A's answer; B's raise, accepted, frees nothing
    await t.round();
    expect(t.sent).toEqual(['A 0', 'B 8', 'B 32']);
  });

  it('without raises (a limit moved while the round was made, issue 15) only what surely lowers goes; the next round raises', async () => {
    const t = setUp(() => 'Accepted', 40);
    const a = t.connector('A');
    t.held.answered(a, 'live', t.held.sent(a, 'live', { limitA: 32, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    const b = t.connector('B');
    t.held.answered(b, 'live', t.held.sent(b, 'live', { limitA: 0, validToAt: liveEndAt(t.now(), LIVE_S), numberPhases: 3 }), 'accepted');
    b.session = { transactionId: 1, startedAt: t.now() - 60_000, meterStartWh: 0, energyWh: 0, vip: false };
    await t.round({ raises: false });
    expect(t.sent).toEqual(['A 0']);
    await t.round();
    expect(t.sent).toEqual(['A 0', 'B 32']);
  });

  it('renewals go RENEWALS_PER_TURN a turn, the rest as the answers come, without a round (issue 15)', async () => {
    const t = setUp(() => 'Accepted', 100_000);
    const count = RENEWALS_PER_ROUND * 2 + 10;
    for (let i = 0; i < count; i++) t.connector(`CP-${i}`);
    await t.round();
    expect(t.sent.length).toBe(count); // every one held at 0 A
    const roundsBefore = t.rounds();
    t.advance(liveEndAt(1_000_000, LIVE_S) - 1_000_000 - 20_000); // due: in the last half of their life
    const renewals = async () => { const before = t.sent.length; await t.round(); return t.sent.length - before; };
    // The first RENEWALS_PER_TURN go with the round; the rest follow, a turn of the event loop
    // each, in batches of RENEWALS_PER_ROUND as the answers come (incremental-round.test.ts
    // holds a batch back), without a new round.
    const sentBefore = t.sent.length;
    await t.round();
    expect(t.sent.length - sentBefore).toBe(RENEWALS_PER_TURN);
    await t.settleRenewals();
    expect(t.sent.length - sentBefore).toBe(count);
    expect(t.rounds()).toBe(roundsBefore);
    expect(await renewals()).toBe(0);
  });

  it('a wave of renewals keeps its pace: RENEWALS_PER_SECOND, or faster to end within a third of the half-life (issue 15)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); // the pauses between turns, by hand
    try {
      for (const { liveS, perSecond } of [{ liveS: LIVE_S, perSecond: RENEWALS_PER_SECOND }, { liveS: 2, perSecond: (2 * RENEWALS_PER_ROUND + 10) * 3 }]) {
        // 510 due: at 60 s they take 0.51 s at RENEWALS_PER_SECOND; at 2 s, a third of the 1 s half-life.
        const t = setUp(() => 'Accepted', 100_000, { renewalsPerSecond: undefined, liveProfileDurationS: () => liveS });
        const count = RENEWALS_PER_ROUND * 2 + 10;
        for (let i = 0; i < count; i++) t.connector(`CP-${i}`);
        await t.round();
        t.advance(liveEndAt(1_000_000, liveS) - 1_000_000 - (liveS * 1000) / 3); // due: in the last half of their life
        const sentBefore = t.sent.length;
        await t.round();
        expect(t.sent.length - sentBefore).toBe(RENEWALS_PER_TURN);
        await t.settleRenewals(); // turns of the event loop alone send no more: the pause is a timer
        expect(t.sent.length - sentBefore).toBe(RENEWALS_PER_TURN);
        const pauseMs = (RENEWALS_PER_TURN * 1000) / perSecond;
        vi.advanceTimersByTime(Math.floor(pauseMs) - 1);
        await t.settleRenewals();
        expect(t.sent.length - sentBefore, `${liveS} s: before the pause of ${pauseMs} ms`).toBe(RENEWALS_PER_TURN);
        vi.advanceTimersByTime(1);
        await t.settleRenewals();
        expect(t.sent.length - sentBefore, `${liveS} s: after it`).toBe(2 * RENEWALS_PER_TURN);
        // All of them, batch after batch, within count / perSecond.
        for (let ms = 0; ms < (count * 1000) / perSecond && t.sent.length - sentBefore < count; ms += pauseMs / 5) {
          vi.advanceTimersByTime(pauseMs / 5);
          await t.settleRenewals();
        }
        expect(t.sent.length - sentBefore, `${liveS} s: all within ${(count * 1000) / perSecond} ms`).toBe(count);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it('a round during a wave that looks at a connector still in the queue does not start the wave again at full speed (issue 15)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = setUp(() => 'Accepted', 100_000, { renewalsPerSecond: undefined });
      const count = RENEWALS_PER_ROUND * 2 + 10;
      const runtimes = Array.from({ length: count }, (_, i) => t.connector(`CP-${i}`));
      await t.round();
      t.advance(liveEndAt(1_000_000, LIVE_S) - 1_000_000 - (LIVE_S * 1000) / 3);
      const sentBefore = t.sent.length;
      await t.round();
      expect(t.sent.length - sentBefore).toBe(RENEWALS_PER_TURN); // the first turn; the next after 25 ms
      // Rounds within the pause, each looking at one connector still waiting in the queue (an
      // event, a setpoint that moved): as on a busy site during a wave.
      for (let i = 0; i < 10; i++) {
        t.touch(runtimes[count - 1 - i]);
        await t.round();
      }
      expect(t.sent.length - sentBefore, 'sent within the first pause (25 ms at RENEWALS_PER_SECOND)').toBe(RENEWALS_PER_TURN);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a live profile that falls due while a wave goes on joins the end of the wave, at its pace (issue 15, D5)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const t = setUp(() => 'Accepted', 100_000, { renewalsPerSecond: undefined });
      const count = RENEWALS_PER_ROUND + 10;
      for (let i = 0; i < count; i++) t.connector(`CP-${i}`);
      await t.round();
      const endAt = liveEndAt(t.now(), LIVE_S);
      // LATE holds a live profile that ends a second after the others (its station's clock was behind).
      const late = t.connector('LATE');
      t.held.answered(late, 'live', t.held.sent(late, 'live', { limitA: 0, validToAt: endAt + 1_000, numberPhases: 3 }), 'accepted');
      t.advance(endAt - (LIVE_S * 1000) / 2 - t.now() + 1); // the others due, LATE not yet
      await t.round();
      const wave = t.sent.length;
      t.advance(1_000); // LATE due too, while the wave goes on
      t.touch(late);
      await t.round(); // (every test run checks that each due profile is on its way or queued)
      expect(t.sent.length, 'the wave keeps its pace: nothing more in the same pause').toBe(wave);
      for (let ms = 0; ms < 2_000 && !t.sent.includes('LATE 0'); ms += 5) {
        vi.advanceTimersByTime(5);
        await t.settleRenewals();
      }
      expect(t.sent.filter((s) => s === 'LATE 0')).toHaveLength(1);
      expect(t.sent.at(-1)).toBe('LATE 0'); // after every one due before it
      expect(t.sent.length - wave + RENEWALS_PER_TURN).toBe(count + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a connector waiting for a raise that does not fit has its live profile renewed meanwhile', async () => {
    const t = setUp(() => 'Accepted', 40);
    const endAt = liveEndAt(t.now(), LIVE_S);
    // A: idle at 0 A, failsafe 30 A. B: a car at 10 A. Both profiles end at endAt.
    const a = t.connector('A', 30);
    t.held.answered(a, 'live', t.held.sent(a, 'live', { limitA: 0, validToAt: endAt, numberPhases: 3 }), 'accepted');
    const b = t.connector('B');
    t.held.answered(b, 'live', t.held.sent(b, 'live', { limitA: 10, validToAt: endAt, numberPhases: 3 }), 'accepted');
    b.session = { transactionId: 1, startedAt: t.now() - 60_000, meterStartWh: 0, energyWh: 0, vip: false };
    t.advance(endAt - t.now() - 20_000); // both due for renewal
    await t.round();
    // B's raise to 32 A does not fit while A may fall to its 30 A failsafe before B's new profile
    // ends; both are renewed as they are, and B's raise goes once A's renewal is in.
    expect(t.sent).toEqual(['A 0', 'B 10']);
    await t.round();
    expect(t.sent).toEqual(['A 0', 'B 10', 'B 32']);
  });
});
