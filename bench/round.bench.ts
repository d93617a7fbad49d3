// A control-loop round on a quiet site (issue 15): N provisioned one-connector stations in 50
// zones, each holding its failsafe and an idle live profile, nothing changing. Times the three
// parts of a round (SiteState.snapshot, allocate, Dispatcher.apply) in the same process, for 1,000
// and 10,000 connectors, and prints the ratio: what a round costs as the site grows. Then the same
// with a measurement from every connector between two rounds (MeterValues through the site events,
// as the storm bench's steady phase sends them: every input is new at each round), the round the
// storm's p99 waits for. Stations are stand-ins that accept every command at once (no network):
// the storm bench has the real ones.
// Run: npm run bench round
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { liveEndAt } from '../src/control/charging-profiles.js';
import { Dispatcher } from '../src/control/dispatcher.js';
import { HeldProfiles } from '../src/control/held-profiles.js';
import { connectorKey, SiteState, type ConnectorRuntime } from '../src/control/site-state.js';
import type { StationProvisioner } from '../src/control/station-provisioner.js';
import { allocate } from '../src/domain/index.js';
import type { CommandSender } from '../src/ocpp/command-sender.js';
import type { EventLog } from '../src/services/event-log.js';
import { SiteEvents } from '../src/services/site-events.js';
import type { Store } from '../src/store/store.js';

const LIVE_DURATION_S = 60;
const ZONES = 50;

interface Figures { snapshotMs: number; allocateMs: number; applyMs: number; eventsMs: number }

/** `metered`: every connector reports a measurement between two rounds. */
function measure(count: number, rounds: number, metered: boolean): Promise<Figures> {
  const now = () => Date.now();
  // The snapshot reads no store: only load() does.
  const state = new SiteState(undefined as unknown as Store, now);
  state.zones = [{ name: 'ROOT', parent: null, maxCurrentA: count * 10, mode: 'static' }];
  for (let z = 0; z < ZONES; z++) state.zones.push({ name: `Z${z}`, parent: 'ROOT', maxCurrentA: Math.ceil((count / ZONES) * 12), mode: 'static' });
  const held = new HeldProfiles(now);
  held.onChange = (r) => state.touch(r);
  for (let i = 0; i < count; i++) {
    const stationId = `STORM-${String(i).padStart(5, '0')}`;
    const runtime: ConnectorRuntime = {
      key: connectorKey(stationId, 1), stationId, connectorId: 1, zone: `Z${i % ZONES}`, wiring: 'L1L2L3', kind: 'AC', maxCurrentA: 32, stationVip: false, session: null, measured: null,
    };
    state.connectors.set(runtime.key, runtime);
    state.connectedStations.add(stationId);
    held.answered(runtime, 'failsafe', held.sent(runtime, 'failsafe', { limitA: 6, validToAt: null }), 'accepted');
    held.answered(runtime, 'live', held.sent(runtime, 'live', { limitA: 0, validToAt: liveEndAt(now(), LIVE_DURATION_S), numberPhases: 3 }), 'accepted');
  }
  const provisioner = { isReady: (runtime: ConnectorRuntime) => held.failsafeHeld(runtime), capabilities: () => ({ rateUnit: 'A' }) } as unknown as StationProvisioner;
  state.control = (runtime) => {
    const view = held.view(runtime, LIVE_DURATION_S);
    return { heldA: view.countedA('now'), provisioned: true, untilAt: view.untilAt };
  };
  const commands = { send: () => Promise.resolve({ ok: true, response: { status: 'Accepted' } }) } as unknown as CommandSender;
  const log = { error() {}, warn() {}, info() {} } as unknown as EventLog;
  const dispatcher = new Dispatcher(commands, state, provisioner, held, log, now, {
    liveProfileDurationS: () => LIVE_DURATION_S, commandTimeoutMs: 30_000, uncontrolledRetryMs: 30_000, answered: () => undefined,
  });
  const events = new SiteEvents();
  state.attach(events, () => undefined);
  const runtimes = [...state.connectors.values()];
  return (async () => {
    const figures: Figures = { snapshotMs: 0, allocateMs: 0, applyMs: 0, eventsMs: 0 };
    const warmup = 10;
    for (let r = 0; r < rounds + warmup; r++) {
      const tEvents = performance.now();
      if (metered) {
        const at = now();
        for (const runtime of runtimes) {
          events.emit('meter.values', { stationId: runtime.stationId, connectorId: 1, transactionId: null, at, measurement: { currentsA: [0, 0, 0], powerW: 0, energyWh: r } });
        }
      }
      const t0 = performance.now();
      const snapshot = state.snapshot();
      const t1 = performance.now();
      const result = allocate(snapshot, now());
      state.allocatorState = result.state;
      const t2 = performance.now();
      dispatcher.apply(result);
      const t3 = performance.now();
      if (r >= warmup) {
        figures.eventsMs += (t0 - tEvents) / rounds;
        figures.snapshotMs += (t1 - t0) / rounds;
        figures.allocateMs += (t2 - t1) / rounds;
        figures.applyMs += (t3 - t2) / rounds;
      }
      await dispatcher.settled();
    }
    return figures;
  })();
}

const sizes: [number, number][] = [[1000, 300], [10_000, 100]];
const only = Number(process.argv[2]);
if (only > 0) {
  process.stdout.write(JSON.stringify(await measure(only, sizes.find(([count]) => count === only)?.[1] ?? 100, process.argv[3] === 'metered')));
} else {
  // One process per size and case, as in bench/allocate.bench.ts: the larger site inherits nothing.
  for (const metered of [false, true]) {
    console.log(metered
      ? 'the same, with a measurement from every connector between two rounds (their events timed apart)'
      : 'a control-loop round on a quiet site: N provisioned connectors in 50 zones, mean per round (issue 15)');
    const results = new Map<number, Figures>();
    for (const [count] of sizes) {
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(count), metered ? 'metered' : 'quiet'], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`benchmark of ${count} connectors failed: ${child.stderr}`);
      const f = JSON.parse(child.stdout) as Figures;
      results.set(count, f);
      console.log(`  ${String(count).padStart(6)} connectors: ${metered ? `${count} measurements ${f.eventsMs.toFixed(2)} ms, ` : ''}snapshot ${f.snapshotMs.toFixed(2)} ms, allocate ${f.allocateMs.toFixed(2)} ms, dispatch ${f.applyMs.toFixed(2)} ms, round ${(f.snapshotMs + f.allocateMs + f.applyMs).toFixed(2)} ms`);
    }
    const total = (f: Figures | undefined) => (f ? f.snapshotMs + f.allocateMs + f.applyMs : NaN);
    console.log(`  ratio 10k/1k: ${(total(results.get(10_000)) / total(results.get(1000))).toFixed(1)} (linear would be 10: allocate() reads the whole site; the snapshot and the dispatch cost what changed)`);
  }
}
