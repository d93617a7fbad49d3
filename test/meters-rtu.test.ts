// Modbus RTU over a serial line: a socat pseudo-terminal pair stands in for the RS-485 cable,
// with pymodbus as the meter on the far end. The same map and values are read over TCP too,
// and both readings must agree.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinMaps, MeterPoller, testConnection, withDefaults, type MeterReading } from '../src/meters/index.js';
import { registerImage, startPtyPair, startPymodbus } from './fixtures/modbus-peers.js';

const maps = builtinMaps();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('meters over Modbus RTU (socat pty pair, pymodbus serial server)', () => {
  it('reads the same map over RTU (8N1: a pty takes no parity) as over TCP, and is lost when the line goes quiet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuseguard-rtu-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const line = await startPtyPair(dir);
    cleanups.push(() => line.stop());

    const map = maps.get('pm5320-iem3x5x-powertag')!;
    const image = registerImage(map, { currentL1A: 63.5, currentL2A: 12.25, currentL3A: 0.5, powerW: 17_250, energyWh: 98_765_432 });
    const serialPeer = await startPymodbus(image, 'serial', [line.a, '19200', 'N', '1']);
    cleanups.push(() => serialPeer.stop());
    const tcpPeer = await startPymodbus(image, 'tcp');
    cleanups.push(() => tcpPeer.stop());

    const rtu = withDefaults({ name: 'Serial', protocol: 'rtu', device: line.b, baudRate: 19200, parity: 'none', stopBits: 1, unitId: 1, model: map.id });
    const tcp = withDefaults({ name: 'Tcp', protocol: 'tcp', host: '127.0.0.1', port: Number(tcpPeer.where), model: map.id });
    const poller = new MeterPoller({ meters: [rtu, tcp], maps, pollingMs: 100, timeoutMs: 300 });
    cleanups.push(() => poller.stop());
    const readings = new Map<string, MeterReading>();
    const both = new Promise<void>((resolve) => poller.on('reading', (name, r) => {
      readings.set(name, r);
      if (readings.size === 2) resolve();
    }));
    poller.start();
    await both;
    const { at: _a, ...overRtu } = readings.get('Serial')!;
    const { at: _b, ...overTcp } = readings.get('Tcp')!;
    expect(overRtu).toEqual({ currentsA: [63.5, 12.25, 0.5], powerW: 17_250, energyWh: 98_765_432 });
    expect(overRtu).toEqual(overTcp);

    // The meter on the line stops answering: error, then lost after 3 periods, and retried.
    await serialPeer.stop();
    const deadline = Date.now() + 5000;
    const quiet = () => { const st = poller.state('Serial')!; return st.lost && st.status === 'error'; };
    while (!quiet() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(poller.state('Serial')).toMatchObject({ status: 'error', lost: true, reason: expect.stringMatching(/meter "Serial": registers 3000-3005 .*no answer/) });
    expect(poller.state('Tcp')).toMatchObject({ status: 'connected', lost: false });
  });

  it('names the device when the serial port cannot be opened', async () => {
    const result = await testConnection(
      withDefaults({ name: 'Nowhere', protocol: 'rtu', device: '/dev/fuseguard-no-such-tty', model: 'nsx' }), maps, { timeoutMs: 300 });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/meter "Nowhere": cannot connect to \/dev\/fuseguard-no-such-tty unit 255/) });
  });
});
