// The renewal queue and stations whose clock moved (issue 15, U3, D5): a station given another
// time gets its live profiles again, stamped on its new clock, once, whatever rounds or reloads
// come between the turns of the queue; those moved go first.
import { describe, expect, it, vi } from 'vitest';
import { allocate } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { Store } from '../store/store.js';
import { liveEndAt } from './charging-profiles.js';
import { Dispatcher } from './dispatcher.js';
import { HeldProfiles } from './held-profiles.js';
import { connectorKey, SiteState, type ConnectorRuntime } from './site-state.js';
import type { StationProvisioner } from './station-provisioner.js';

const LIVE_S = 60;
const turn = () => new Promise((resolve) => setImmediate(resolve));

function setUp(opts: { renewalsPerBatch?: number; renewalsPerTurn?: number } = {}) {
  let clock = 1_000_000;
  const now = () => clock;
  /** Per station: its clock's offset from Fuseguard's (U3). */
  const offset = new Map<string, number>();
  const stationNow = (id: string) => clock + (offset.get(id) ?? 0);
  const state = new SiteState(undefined as unknown as Store, now);
  state.zones = [{ name: 'Z', parent: null, maxCurrentA: 1000, mode: 'static' }];
  const held = new HeldProfiles(stationNow);
  held.onChange = (r) => state.touch(r);
  const connector = (stationId: string): ConnectorRuntime => {
    const runtime: ConnectorRuntime = { key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: 'Z', wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null };
    state.connectors.set(runtime.key, runtime);
    state.connectedStations.add(stationId);
    held.answered(runtime, 'failsafe', held.sent(runtime, 'failsafe', { limitA: 0, validToAt: null }), 'accepted');
    return runtime;
  };
  const provisioner = { isReady: () => true, capabilities: () => ({ rateUnit: 'A' }) } as unknown as StationProvisioner;
  state.control = (r) => {
    const view = held.view(r, LIVE_S);
    return { heldA: view.countedA('now'), provisioned: true, untilAt: view.untilAt - (stationNow(r.stationId) - now()) };
  };
  const sent: string[] = [];
  const commands = {
    send: (stationId: string) => { sent.push(stationId); return Promise.resolve({ ok: true, response: { status: 'Accepted' } }); },
  } as unknown as CommandSender;
  const log = { error() {}, warn() {}, info() {} } as unknown as EventLog;
  const dispatcher = new Dispatcher(commands, state, provisioner, held, log, now, {
    liveProfileDurationS: () => LIVE_S, commandTimeoutMs: 1000, uncontrolledRetryMs: 30_000, stationNow, answered: () => {}, renewalsPerSecond: Infinity, ...opts,
  });
  dispatcher.verify = false;
  const apply = () => {
    const result = allocate(state.snapshot(), now());
    state.allocatorState = result.state;
    dispatcher.apply(result);
  };
  const settle = async () => { for (let i = 0; i < 200; i++) { await turn(); await dispatcher.settled(); } };
  return { connector, held, now, stationNow, offset, apply, settle, sent, dispatcher, state, advance: (ms: number) => { clock += ms; } };
}

describe('renewals of stations whose clock moved (U3, issue 15)', () => {
  it('U3: a station whose clock moved keeps its live profile on the old clock when a round lands between two turns of the queue', async () => {
    const t = setUp({ renewalsPerTurn: 2 }); // batch: the default 250
    ['A', 'B', 'C', 'D'].forEach((id) => t.connector(id));
    const s = t.connector('S');
    t.apply(); await t.settle(); // every connector held at 0 A, all ending at the same grid end
    const end = liveEndAt(1_000_000, LIVE_S);
    // A..D due by time; S's station clock was moved back an hour (U3): what S holds now runs for
    // an hour more on its own clock; 'clockMoved' -> renewStation(S): it must go again now.
    t.advance(end - 1_000_000 - 20_000);
    t.offset.set('S', -3_600_000);
    t.dispatcher.renewStation('S');
    const before = t.sent.length;
    t.apply(); // walk: queue A, B, C, D, S (S as moved); turn 1 sends A, B
    expect(t.sent.slice(before)).toEqual(['A', 'B']);
    t.apply(); // another round before the next turn (e.g. another station's clockMoved, any event)
    await t.settle();
    for (let i = 0; i < 5; i++) { t.apply(); await t.settle(); } // more rounds: nothing brings S back
    const sentAfter = t.sent.slice(before);
    expect(sentAfter).toContain('C');
    expect(sentAfter).toContain('D');
    // S's profile ends on the grid of its new clock; left on the old one it would run an hour past
    // it (D5: its live setpoint for ~1 h if Fuseguard went away; a restarted one assumes <= LIVE_S).
    expect(t.held.validLive(s)?.validToAt).toBe(liveEndAt(t.stationNow('S'), LIVE_S));
    expect(sentAfter).toContain('S');
  });

  it('U3: same, when the site is reloaded (configVersion) between two turns', async () => {
    const t = setUp({ renewalsPerTurn: 2 });
    ['A', 'B', 'C', 'D'].forEach((id) => t.connector(id));
    t.connector('S');
    t.apply(); await t.settle();
    const end = liveEndAt(1_000_000, LIVE_S);
    t.advance(end - 1_000_000 - 20_000);
    t.offset.set('S', -3_600_000);
    t.dispatcher.renewStation('S');
    const before = t.sent.length;
    t.apply();
    expect(t.sent.slice(before)).toEqual(['A', 'B']);
    t.state.configVersion += 1; // a reload or a discovered connector (connectorFor) meanwhile
    await t.settle();
    for (let i = 0; i < 5; i++) { t.apply(); await t.settle(); }
    expect(t.sent.slice(before)).toContain('S');
  });

  it('U3: a station whose clock moved is renewed once, not once by the queue and again by the next round', async () => {
    const t = setUp({ renewalsPerBatch: 3, renewalsPerTurn: 2 }); // the fuzzer's settings
    const ids = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    ids.forEach((id) => t.connector(id));
    t.apply(); await t.settle();
    t.advance(5_000); // nothing due by time
    for (const id of ids) { t.offset.set(id, -3_600_000); t.dispatcher.renewStation(id); }
    const before = t.sent.length;
    t.apply(); await t.settle(); // the queue: every station once
    expect([...t.sent.slice(before)].sort()).toEqual(ids);
    t.advance(2_000);
    t.apply(); await t.settle(); // a later round (the tick)
    const counts = Object.fromEntries(ids.map((id) => [id, t.sent.slice(before).filter((x) => x === id).length]));
    expect(counts).toEqual(Object.fromEntries(ids.map((id) => [id, 1])));
  });
});

describe('renewals of stations whose clock moved, default batch sizes', () => {
  it('U3: a clock step on 300 stations: each renewed once (default batch of 250)', async () => {
    const t = setUp();
    const ids = Array.from({ length: 300 }, (_, i) => `CP-${i}`);
    ids.forEach((id) => t.connector(id));
    t.apply(); await t.settle();
    t.advance(5_000);
    for (const id of ids) { t.offset.set(id, -3_600_000); t.dispatcher.renewStation(id); }
    const before = t.sent.length;
    t.apply(); await t.settle();
    expect(t.sent.length - before).toBe(300);
    t.advance(2_000);
    t.apply(); await t.settle(); // the next tick
    expect(t.sent.length - before).toBe(300); // each once: the 50 past the first batch are not sent again
  });

  it('D5: every live profile is renewed before it ends when a large wave falls due behind a small one (stations whose clock is ahead): the pace rises (issue 15)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // At 1,000 a second the large wave would take 1.1 s of the 1 s half-life.
      const LIVE = 2;
      const MAIN = 1_100;
      const EARLY = 100;
      const AHEAD = 50;

      let clock = 1_000_000;
      const now = () => clock;
      const state = new SiteState(undefined as unknown as Store, now);
      state.zones = [{ name: 'Z', parent: null, maxCurrentA: 1e9, mode: 'static' }];
      const stationNow = (id: string) => (id.startsWith('EARLY') ? clock + AHEAD : clock); // U3: EARLY's clocks are ahead (not given the time since a step back)
      const held = new HeldProfiles(stationNow);
      held.onChange = (r) => state.touch(r);
      state.control = (r) => { const v = held.view(r, LIVE); return { heldA: v.countedA('now'), provisioned: true, untilAt: v.untilAt - (stationNow(r.stationId) - clock) }; };
      const provisioner = { isReady: () => true, capabilities: () => ({ rateUnit: 'A' }) } as unknown as StationProvisioner;
      const sentAt = new Map<string, number>();
      const commands = { send: (stationId: string) => { if (!sentAt.has(stationId)) sentAt.set(stationId, clock); return Promise.resolve({ ok: true, response: { status: 'Accepted' } }); } } as unknown as CommandSender;
      const log = { error() {}, warn() {}, info() {} } as unknown as EventLog;
      const d = new Dispatcher(commands, state, provisioner, held, log, now, { liveProfileDurationS: () => LIVE, commandTimeoutMs: 1000, uncontrolledRetryMs: 30_000, answered: () => undefined, stationNow });
      const rs: ConnectorRuntime[] = [];
      for (let i = 0; i < EARLY + MAIN; i++) {
        const stationId = i < EARLY ? `EARLY-${i}` : `CP-${i}`;
        const r: ConnectorRuntime = { key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: 'Z', wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null };
        state.connectors.set(r.key, r); state.connectedStations.add(stationId);
        held.answered(r, 'failsafe', held.sent(r, 'failsafe', { limitA: 6, validToAt: null }), 'accepted');
        rs.push(r);
      }
      const endAt = liveEndAt(clock, LIVE);
      // Every one holds a live profile ending at endAt; EARLY's 50 ms sooner (a station clock ahead).
      for (const r of rs) held.answered(r, 'live', held.sent(r, 'live', { limitA: 0, validToAt: endAt, /* on each station's clock */ numberPhases: 3 }), 'accepted');
      const round = () => { const res = allocate(state.snapshot(), clock); state.allocatorState = res.state; d.apply(res); };
      round(); // nothing due yet
      sentAt.clear();
      const half = (LIVE * 1000) / 2;
      const step = async (ms: number) => { clock += ms; vi.advanceTimersByTime(ms); for (let k = 0; k < 5; k++) await new Promise((r) => setImmediate(r)); };
      clock = endAt - half - AHEAD + 1; // EARLY due: a small wave starts at RENEWALS_PER_SECOND
      round();
      for (let k = 0; k < AHEAD; k++) await step(1); // the others fall due while it goes on
      round(); // a round (any event) appends them to the going wave
      while (clock < endAt + half) await step(1);
      const late = rs.filter((r) => (sentAt.get(r.stationId) ?? Infinity) >= endAt - (r.stationId.startsWith('EARLY') ? AHEAD : 0));
      expect(late.length, `renewed at or after their live profile ended (${endAt}): ${late.length} of ${MAIN + EARLY}; last sent at +${Math.max(...sentAt.values()) - (endAt - half)} ms after due`).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
