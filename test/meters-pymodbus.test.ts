// The poller against an independent Modbus implementation: pymodbus, run as a separate process
// (Debian python3-pymodbus). Over TCP for every built-in map, and raw RTU on a TCP socket.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_MAP_IDS, builtinMaps, MeterPoller, testConnection, withDefaults, type MeterConfig, type MeterReading } from '../src/meters/index.js';
import { freePort } from './helpers/net.js';
import { PYTHON, registerImage, startPymodbus, type Peer, type RegisterImage } from './fixtures/modbus-peers.js';

const maps = builtinMaps();
const peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.stop();
});

async function peer(image: RegisterImage, mode: 'tcp' | 'rtu-over-tcp', args: string[] = []): Promise<Peer> {
  const p = await startPymodbus(image, mode, args);
  peers.push(p);
  return p;
}

async function readOnce(config: MeterConfig): Promise<MeterReading> {
  const result = await testConnection(config, maps, { timeoutMs: 2000 });
  if (!result.ok) throw new Error(result.reason);
  return result.reading;
}

const tcp = (port: string | number, model: string): MeterConfig =>
  withDefaults({ name: 'Building', protocol: 'tcp', host: '127.0.0.1', port: Number(port), model });

describe('meters against pymodbus (an independent Modbus server)', () => {
  it('has pymodbus under /usr/bin/python3 (CI installs python3-pymodbus)', () => {
    expect(() => execFileSync(PYTHON, ['-c', 'import pymodbus.server, serial'], { stdio: 'pipe' })).not.toThrow();
  });

  it('decodes words written by hand for pm5320-iem3x5x-powertag (float32 A, float32 kW, INT64 Wh)', async () => {
    const image: RegisterImage = {
      holding: {
        2999: [0x4148, 0x0000, 0x41a2, 0x0000, 0x40e4, 0x0000], // 12.5, 20.25, 7.125 A
        3059: [0x4108, 0x0000], // 8.5 kW
        3203: [0, 0, 0x0046, 0x0839], // 4 589 625 Wh
      },
      input: {},
    };
    const p = await peer(image, 'tcp');
    expect(await readOnce(tcp(p.where, 'pm5320-iem3x5x-powertag'))).toMatchObject({
      currentsA: [12.5, 20.25, 7.125], powerW: 8500, energyWh: 4_589_625,
    });
  });

  it('decodes words written by hand for nsx (INT16U A, INT16 kW, INT32 kWh)', async () => {
    const image: RegisterImage = {
      holding: { 1015: [100, 200, 300], 1036: [0xfffb], 1999: [0x0046, 0x0839] },
      input: {},
    };
    const p = await peer(image, 'tcp');
    expect(await readOnce(tcp(p.where, 'nsx'))).toMatchObject({
      currentsA: [100, 200, 300], powerW: -5000, energyWh: 4_589_625_000,
    });
  });

  it.each(BUILTIN_MAP_IDS)('round-trips %s through the poller', async (id) => {
    const map = maps.get(id)!;
    const ints = map.quantities.currentL1A.type.includes('int');
    const values = { currentL1A: ints ? 31 : 31.5, currentL2A: 2, currentL3A: ints ? 17 : 16.75, powerW: 12_000, energyWh: 7_000_000 };
    const p = await peer(registerImage(map, values), 'tcp');
    const poller = new MeterPoller({ meters: [tcp(p.where, id)], maps, pollingMs: 50 });
    try {
      const reading = new Promise<MeterReading>((resolve) => poller.once('reading', (_n, r) => resolve(r)));
      poller.start();
      const r = await reading;
      expect(r.currentsA).toEqual([values.currentL1A, 2, values.currentL3A]);
      expect(r.powerW).toBe(12_000);
      expect(r.energyWh).toBe(7_000_000);
      expect(poller.state('Building')).toMatchObject({ status: 'connected', lost: false });
    } finally {
      await poller.stop();
    }
  });

  it('reports an address pymodbus does not have as a Modbus exception naming the register', async () => {
    const p = await peer({ holding: { 0: [1] }, input: {} }, 'tcp');
    const result = await testConnection(tcp(p.where, 'mtz'), maps, { timeoutMs: 2000 });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/meter "Building": registers 32028-32033 .*exception 2/) });
  });

  it('reads raw RTU frames through a socket (rtu-over-tcp, a transparent gateway)', async () => {
    const map = maps.get('mtz')!;
    const port = await freePort();
    await peer(registerImage(map, { currentL1A: 40.5, currentL2A: 41, currentL3A: 42, powerW: 28_000, energyWh: 123_456 }), 'rtu-over-tcp', [String(port)]);
    const config = withDefaults({ name: 'Gw', protocol: 'rtu-over-tcp', host: '127.0.0.1', port, unitId: 1, model: 'mtz' });
    expect(await readOnce(config)).toMatchObject({ currentsA: [40.5, 41, 42], powerW: 28_000, energyWh: 123_456 });
  });
});
