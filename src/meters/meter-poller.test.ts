// The poller against the simulated meter over real sockets on 127.0.0.1.
import { afterEach, describe, expect, it } from 'vitest';
import { SimMeter } from '../sim/sim-meter.js';
import { BUILTIN_MAP_IDS, builtinMaps } from './builtin-maps.js';
import { withDefaults, type MeterConfig } from './meter-config.js';
import { MeterPoller, testConnection, type MeterState } from './meter-poller.js';
import type { MeterReading } from './read-meter.js';
import type { RegisterMap } from './register-map.js';

const maps = builtinMaps();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sim(options: Parameters<typeof SimMeter.start>[0]): Promise<SimMeter> {
  const meter = await SimMeter.start(options);
  cleanups.push(() => meter.stop());
  return meter;
}

function poller(meters: MeterConfig[], pollingMs = 40, extra: Partial<ConstructorParameters<typeof MeterPoller>[0]> = {}): MeterPoller {
  const p = new MeterPoller({ meters, maps: extra.maps ?? maps, pollingMs, ...extra });
  cleanups.push(() => p.stop());
  return p;
}

function tcpMeter(name: string, port: number, model: string, more: Partial<MeterConfig> = {}): MeterConfig {
  return withDefaults({ name, protocol: 'tcp', host: '127.0.0.1', port, model, ...more });
}

function nextReading(p: MeterPoller, name: string): Promise<MeterReading> {
  return new Promise((resolve) => {
    const on = (n: string, r: MeterReading) => {
      if (n !== name) return;
      p.off('reading', on);
      resolve(r);
    };
    p.on('reading', on);
  });
}

async function until(p: MeterPoller, name: string, test: (s: MeterState) => boolean, timeoutMs = 3000): Promise<MeterState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = p.state(name)!;
    if (test(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out; state is ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('MeterPoller against the simulated meter', () => {
  it.each(BUILTIN_MAP_IDS)('reads currents, power and energy through map %s', async (id) => {
    const map = maps.get(id)!;
    const integerCurrents = map.quantities.currentL1A.type.includes('int');
    const currents: [number, number, number] = integerCurrents ? [12, 20, 7] : [12.5, 20.25, 7.125];
    const meter = await sim({ map: id, currentsA: currents, energyWh: 4_589_625_000 });
    const p = poller([tcpMeter('Building', meter.port, id)]);
    const reading = nextReading(p, 'Building');
    p.start();
    const r = await reading;
    expect(r.currentsA).toEqual(currents);
    // Power and energy to within the map's resolution (kW registers are whole kW).
    const powerStep = map.quantities.powerW!.scale ?? 1;
    expect(Math.abs(r.powerW! - meter.powerW())).toBeLessThanOrEqual(powerStep / 2 + 0.01);
    const energyStep = map.quantities.energyWh!.scale ?? 1;
    expect(Math.abs(r.energyWh! - 4_589_625_000)).toBeLessThanOrEqual(energyStep + 10);
    expect(p.state('Building')).toMatchObject({ status: 'connected', reason: null, lost: false, model: id });
  });

  it('honours word order, input registers, protocol addresses and scale of a user map', async () => {
    const custom: RegisterMap = {
      id: 'custom-le', source: 'test', addressing: 'address', function: 'input', wordOrder: 'little',
      quantities: {
        currentL1A: { register: 100, type: 'int32', scale: 0.001 },
        currentL2A: { register: 102, type: 'int32', scale: 0.001 },
        currentL3A: { register: 104, type: 'int32', scale: 0.001 },
        powerW: { register: 200, type: 'float32', wordOrder: 'big', function: 'holding' },
      },
    };
    const meter = await sim({ map: custom, currentsA: [1.234, 70_000.5, 3] });
    const p = poller([tcpMeter('Custom', meter.port, 'custom-le')], 40, { maps: new Map([['custom-le', custom]]) });
    const reading = nextReading(p, 'Custom');
    p.start();
    const r = await reading;
    expect(r.currentsA[0]).toBeCloseTo(1.234, 6);
    expect(r.currentsA[1]).toBeCloseTo(70_000.5, 6); // needs both words, in the right order
    expect(r.powerW).toBeCloseTo(meter.powerW(), 0);
    expect(r.energyWh).toBeNull();
  });

  it('reads raw RTU frames through a transparent gateway (rtu-over-tcp, connectTelnet)', async () => {
    const meter = await sim({ map: 'mtz', framing: 'rtu', unitId: 7, currentsA: [31.5, 2, 4] });
    const p = poller([withDefaults({ name: 'Gw', protocol: 'rtu-over-tcp', host: '127.0.0.1', port: meter.port, unitId: 7, model: 'mtz' })]);
    const reading = nextReading(p, 'Gw');
    p.start();
    expect((await reading).currentsA).toEqual([31.5, 2, 4]);
  });

  it('uses the injected clock for readings', async () => {
    const meter = await sim({ currentsA: [1, 2, 3] });
    const p = poller([tcpMeter('M', meter.port, 'pm5320-iem3x5x-powertag')], 40, { now: () => 1_700_000_000_000 });
    const reading = nextReading(p, 'M');
    p.start();
    expect((await reading).at).toBe(1_700_000_000_000);
  });

  it('is lost after 3 silent periods, and recovers when the meter answers again (P3, D4)', async () => {
    const meter = await sim({ currentsA: [5, 5, 5] });
    const p = poller([tcpMeter('M', meter.port, 'pm5320-iem3x5x-powertag')], 50, { timeoutMs: 40 });
    const states: MeterState[] = [];
    p.on('state', (s) => states.push(s));
    p.start();
    await until(p, 'M', (s) => s.status === 'connected' && !s.lost);
    meter.setFailure('silent');
    const silentAt = Date.now();
    const lost = await until(p, 'M', (s) => s.lost);
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(100); // not before ~3 periods
    expect(lost.status).toBe('error');
    expect(lost.reason).toMatch(/meter "M": registers 3000-3005 .*no answer/);
    meter.setFailure('none');
    await until(p, 'M', (s) => s.status === 'connected' && !s.lost);
    // Lost shows in the state read above; whether a 'state' event carried it depends on when the
    // polls ran (a busy machine): the events show the error and the recovery.
    expect(states.map((s) => [s.status, s.lost])).toEqual(expect.arrayContaining([['connected', false], ['error', expect.any(Boolean)]]));
    expect(states.map((s) => [s.status, s.lost]).at(-1)).toEqual(['connected', false]);
  });

  it('goes not-connected when the meter goes away, and reconnects when it comes back', async () => {
    const meter = await sim({ currentsA: [5, 5, 5] });
    const p = poller([tcpMeter('M', meter.port, 'pm5320-iem3x5x-powertag')], 40);
    p.start();
    await until(p, 'M', (s) => s.status === 'connected');
    await meter.goDown();
    const down = await until(p, 'M', (s) => s.status === 'not-connected' && s.lost);
    expect(down.reason).toMatch(/meter "M"/);
    expect(down.lastReading?.currentsA).toEqual([5, 5, 5]); // the last reading stays visible
    meter.setCurrentsA([9, 9, 9]);
    await meter.comeBack();
    const back = await until(p, 'M', (s) => s.status === 'connected' && !s.lost);
    expect(back.lastReading?.currentsA).toEqual([9, 9, 9]);
  });

  it('reports Modbus exceptions, NaN and short replies as errors naming meter and register', async () => {
    const meter = await sim({ currentsA: [5, 5, 5] });
    const p = poller([tcpMeter('Main', meter.port, 'pm5320-iem3x5x-powertag')], 40);
    p.start();
    await until(p, 'Main', (s) => s.status === 'connected');

    meter.setFailure('exception', 2);
    let s = await until(p, 'Main', (x) => x.status === 'error');
    expect(s.reason).toMatch(/meter "Main": registers 3000-3005 \(currentL1A, currentL2A, currentL3A; holding address 2999.*exception 2/);

    meter.setFailure('short');
    s = await until(p, 'Main', (x) => x.status === 'error' && !/exception/.test(x.reason ?? ''));
    expect(s.reason).toMatch(/meter "Main": registers 3000-3005.*(length|expected 6 registers)/i);

    meter.setFailure('none');
    meter.setRawWords('currentL2A', [0xffc0, 0x0000]);
    s = await until(p, 'Main', (x) => x.status === 'error' && /not a number/.test(x.reason ?? ''));
    expect(s.reason).toBe('meter "Main": register 3002 (currentL2A, float32) is not a number (NaN)');

    meter.setRawWords('currentL2A', null);
    await until(p, 'Main', (x) => x.status === 'connected');
  });

  it('reports a wrong framing as an error, never as a reading', async () => {
    const meter = await sim({ framing: 'rtu', currentsA: [5, 5, 5] });
    const p = poller([tcpMeter('M', meter.port, 'pm5320-iem3x5x-powertag')], 40, { timeoutMs: 60 });
    let readings = 0;
    p.on('reading', () => readings++);
    p.start();
    await until(p, 'M', (s) => s.status === 'error' && s.lost, 2000);
    expect(readings).toBe(0);
  });

  it('polls meters independently: a dead one does not hold up a live one', async () => {
    const live = await sim({ currentsA: [1, 1, 1] });
    const dead = await sim({ currentsA: [1, 1, 1] });
    dead.setFailure('silent');
    const p = poller([tcpMeter('Live', live.port, 'pm5320-iem3x5x-powertag'), tcpMeter('Dead', dead.port, 'pm5320-iem3x5x-powertag', { reporting: true })], 40, { timeoutMs: 500 });
    p.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(live.requests).toBeGreaterThanOrEqual(4);
    const [l, d] = p.states();
    expect(l).toMatchObject({ name: 'Live', status: 'connected', lost: false, reporting: false });
    expect(d).toMatchObject({ name: 'Dead', lost: true, reporting: true });
    expect(dead.requests).toBeLessThanOrEqual(2); // no request stacking while one is pending
  });

  it('stops: no more requests and no more events', async () => {
    const meter = await sim({ currentsA: [1, 1, 1] });
    const p = poller([tcpMeter('M', meter.port, 'pm5320-iem3x5x-powertag')], 20);
    p.start();
    await until(p, 'M', (s) => s.status === 'connected');
    await p.stop();
    const count = meter.requests;
    let events = 0;
    p.on('state', () => events++);
    p.on('reading', () => events++);
    await new Promise((r) => setTimeout(r, 100));
    expect(meter.requests).toBe(count);
    expect(events).toBe(0);
  });

  it('puts a meter with an unknown map in error without polling it', () => {
    const p = poller([tcpMeter('M', 1, 'nope')]);
    expect(p.state('M')).toMatchObject({ status: 'error', reason: 'meter "M": unknown register map "nope"', lost: true });
  });
});

describe('testConnection', () => {
  it('gives one reading, or the reason', async () => {
    const meter = await sim({ map: 'nsx', currentsA: [10, 11, 12] });
    const ok = await testConnection(tcpMeter('T', meter.port, 'nsx'), maps);
    expect(ok).toMatchObject({ ok: true, reading: { currentsA: [10, 11, 12] } });
    await meter.goDown();
    const refused = await testConnection(tcpMeter('T', meter.port, 'nsx'), maps, { timeoutMs: 200 });
    expect(refused).toEqual({ ok: false, reason: expect.stringMatching(/meter "T": cannot connect to 127\.0\.0\.1:\d+ unit 255/) });
  });
});
