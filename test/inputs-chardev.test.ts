// Digital inputs on the GPIO character device, through gpiomon/gpioget. This machine has no GPIO
// chip, so STAND-IN scripts named gpiomon and gpioget are put first on PATH. They are not the
// libgpiod tools: they print the recorded output formats of libgpiod v1 (Debian bookworm, 1.6.3)
// and v2, and record the arguments they were given. What is tested is our side: the command
// lines, parsing, activeLow, restart after the tool dies, resync, and cleanup of processes.
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DigitalInputs, type GpioChardevSource, type InputChange, type InputsLogger } from '../src/inputs/index.js';
import { tempDir } from './helpers/temp-dir.js';

const GPIOMON = `#!/bin/sh
# STAND-IN for libgpiod's gpiomon (test/inputs-chardev.test.ts), not the real tool.
d="$FAKE_GPIOD_DIR"
if [ "$1" = "--version" ]; then cat "$d/version"; exit 0; fi
echo "$*" >> "$d/gpiomon-args"
: > "$d/events.$$"
echo $$ >> "$d/gpiomon-pids"
echo $$ > "$d/gpiomon.pid"
exec tail -n +1 -f "$d/events.$$"
`;
const GPIOGET = `#!/bin/sh
# STAND-IN for libgpiod's gpioget (test/inputs-chardev.test.ts), not the real tool.
d="$FAKE_GPIOD_DIR"
echo "$*" >> "$d/gpioget-args"
if [ -f "$d/hang" ]; then exec sleep 30; fi
cat "$d/level"
`;

const FORMATS = {
  v1: {
    version: 'gpiomon (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\n',
    level: (high: boolean) => (high ? '1\n' : '0\n'),
    edge: (rising: boolean, offset: number) => `event: ${rising ? ' RISING' : 'FALLING'} EDGE offset: ${offset} timestamp: [1700000000.${String(Date.now() % 1e9).padStart(9, '0')}]\n`,
    gpiomonArgs: '-b gpiochip0 17',
    gpiogetArgs: 'gpiochip0 17',
  },
  v2: {
    version: 'gpiomon (libgpiod) v2.1.3\nCopyright (C) 2017-2023 Bartosz Golaszewski\n',
    level: (high: boolean) => `"17"=${high ? 'active' : 'inactive'}\n`,
    edge: (rising: boolean, offset: number) => `5813.432151089\t${rising ? 'rising' : 'falling'}\tgpiochip0 ${offset}\n`,
    gpiomonArgs: '-c gpiochip0 17',
    gpiogetArgs: '-c gpiochip0 17',
  },
};

async function waitFor(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

let dir: ReturnType<typeof tempDir>;
let fake: string;
const savedPath = process.env.PATH;
beforeAll(() => {
  dir = tempDir('fuseguard-gpiod-');
  const bin = join(dir.path, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'gpiomon'), GPIOMON);
  writeFileSync(join(bin, 'gpioget'), GPIOGET);
  chmodSync(join(bin, 'gpiomon'), 0o755);
  chmodSync(join(bin, 'gpioget'), 0o755);
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
  dir.cleanup();
});

describe.each(Object.entries(FORMATS))('digital input on the GPIO character device, libgpiod %s output', (_name, format) => {
  let inputs: DigitalInputs | null = null;
  const read = (file: string) => (existsSync(join(fake, file)) ? readFileSync(join(fake, file), 'utf8') : '');
  const monitorPid = () => Number(read('gpiomon.pid').trim());
  // The stand-in writes its pid once its events file exists: edges can be fed from then on.
  const monitorReady = (other = 0) => waitFor('gpiomon to run', () => monitorPid() > 0 && monitorPid() !== other);
  const edge = (rising: boolean, offset = 17) => appendFileSync(join(fake, `events.${monitorPid()}`), format.edge(rising, offset));

  function setUp(source: Partial<GpioChardevSource>, electricalHigh: boolean, logger?: InputsLogger) {
    fake = join(dir.path, `run-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(fake);
    process.env.FAKE_GPIOD_DIR = fake;
    writeFileSync(join(fake, 'version'), format.version);
    writeFileSync(join(fake, 'level'), format.level(electricalHigh));
    inputs = new DigitalInputs([
      { id: 'ripple', enabled: true, pct: 40, source: { kind: 'gpio-chardev', chip: 'gpiochip0', line: 17, retryMs: 50, resyncIntervalMs: 0, ...source } },
    ], { logger });
    return { inputs, state: () => inputs!.state('ripple')! };
  }

  afterEach(async () => {
    await inputs?.stop();
    inputs = null;
    const pids = read('gpiomon-pids').split('\n').filter(Boolean).map(Number);
    expect(pids.filter(alive)).toEqual([]); // every gpiomon is gone after stop()
    rmSync(fake, { recursive: true, force: true });
  });

  it('reads the level, follows edges, restarts a gpiomon that dies, and fails safe meanwhile', async () => {
    const notes: string[] = [];
    const { inputs, state } = setUp({}, false, { info() {}, error() {}, warn: (_f, m) => notes.push(m) });
    const changes: InputChange[] = [];
    inputs.on('change', (e) => changes.push(e));
    await inputs.start();
    await waitFor('connected', () => state().source.status === 'connected');
    await monitorReady();
    expect(state()).toMatchObject({ high: false, signal: false, cause: 'signal' });
    expect(read('gpioget-args').trim()).toBe(format.gpiogetArgs);
    expect(read('gpiomon-args').trim()).toBe(format.gpiomonArgs);

    edge(true);
    await waitFor('high', () => state().high);
    edge(false, 18); // another line: not ours
    appendFileSync(join(fake, `events.${monitorPid()}`), 'some noise\n');
    await waitFor('the noise to be noted', () => notes.length > 0);
    expect(state().high).toBe(true);
    edge(false);
    await waitFor('low', () => !state().high);

    const first = monitorPid();
    process.kill(first, 'SIGTERM'); // the stand-in this test started through DigitalInputs
    await waitFor('error', () => state().source.status === 'error');
    expect(state()).toMatchObject({ high: true, cause: 'fail-safe' });
    expect(state().source.reason).toMatch(/gpiomon was killed by SIGTERM/);
    await waitFor('restarted', () => state().source.status === 'connected' && monitorPid() !== first);
    expect(state()).toMatchObject({ high: false, cause: 'signal' });
    expect(changes.map((c) => [c.high, c.cause])).toEqual([
      [false, 'signal'], [true, 'signal'], [false, 'signal'], [true, 'fail-safe'], [false, 'signal'],
    ]);
  });

  it('inverts an active-low line', async () => {
    const { inputs, state } = setUp({ activeLow: true }, true);
    await inputs.start();
    await waitFor('connected', () => state().source.status === 'connected');
    await monitorReady();
    expect(state().high).toBe(false); // pulled up, contact open
    edge(false);
    await waitFor('active', () => state().high);
  });

  it('re-reads the level periodically, so a missed edge does not last', async () => {
    const { inputs, state } = setUp({ resyncIntervalMs: 100 }, false);
    const statuses: string[] = [];
    inputs.on('health', (h) => statuses.push(h.status));
    await inputs.start();
    await waitFor('connected', () => state().source.status === 'connected');
    writeFileSync(join(fake, 'level'), format.level(true)); // changed without an edge
    await waitFor('resynced', () => state().high);
    expect(state().cause).toBe('signal');
    expect(statuses).toEqual(['connecting', 'connected']); // a planned restart is not an error
  });

  it('stops at once even while gpioget hangs', async () => {
    const { inputs, state } = setUp({}, false);
    writeFileSync(join(fake, 'hang'), '');
    await inputs.start();
    await waitFor('gpioget to be called', () => read('gpioget-args') !== '');
    const t0 = Date.now();
    await inputs.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(state()).toMatchObject({ high: true, cause: 'fail-safe', source: { status: 'stopped' } });
  });
});

describe('digital input on the GPIO character device without the tools', () => {
  it('says what to install, and fails safe', async () => {
    const inputs = new DigitalInputs(
      [{ id: 'di', enabled: true, pct: 10, source: { kind: 'gpio-chardev', chip: 'gpiochip0', line: 1, retryMs: 50 } }],
      { gpiodTools: { gpiomon: 'fuseguard-no-such-gpiomon', gpioget: 'fuseguard-no-such-gpioget' } },
    );
    try {
      await inputs.start();
      await waitFor('error', () => inputs.state('di')!.source.status === 'error');
      expect(inputs.state('di')).toMatchObject({ high: true, cause: 'fail-safe' });
      expect(inputs.state('di')!.source.reason).toBe('fuseguard-no-such-gpiomon not found: install the libgpiod tools (Debian package gpiod)');
    } finally {
      await inputs.stop();
    }
  });
});
