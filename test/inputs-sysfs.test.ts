// Digital inputs on sysfs GPIO, with a temp folder standing in for /sys/class/gpio. The files
// behave like plain files, not like the kernel's: this checks our side (export, direction,
// polling, activeLow, errors), not a kernel.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DigitalInputs, type InputChange } from '../src/inputs/index.js';
import { tempDir } from './helpers/temp-dir.js';

async function waitFor(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Replaces a file in one step, so a poll never reads it half written (the kernel's never are). */
function put(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

describe('digital input from sysfs GPIO (temp folder as /sys/class/gpio)', () => {
  let dir: ReturnType<typeof tempDir>;
  let inputs: DigitalInputs | null = null;
  beforeEach(() => { dir = tempDir('fuseguard-sysfs-'); });
  afterEach(async () => {
    await inputs?.stop();
    inputs = null;
    dir.cleanup();
  });

  it('makes the line an input, polls its value, and fails safe on a bad reading', async () => {
    const gpio = join(dir.path, 'gpio17');
    mkdirSync(gpio);
    writeFileSync(join(gpio, 'direction'), 'out\n');
    put(join(gpio, 'value'), '0\n');
    inputs = new DigitalInputs([
      { id: 'di1', enabled: true, pct: 50, source: { kind: 'gpio-sysfs', gpio: 17, basePath: dir.path, pollIntervalMs: 20, retryMs: 50 } },
    ]);
    const changes: InputChange[] = [];
    inputs.on('change', (e) => changes.push(e));
    const state = () => inputs!.state('di1')!;
    expect(state().high).toBe(true); // not started: no signal yet
    await inputs.start();
    await waitFor('connected', () => state().source.status === 'connected');
    expect(state()).toMatchObject({ high: false, signal: false, cause: 'signal' });
    expect(readFileSync(join(gpio, 'direction'), 'utf8')).toBe('in');

    put(join(gpio, 'value'), '1\n');
    await waitFor('high', () => state().high);
    put(join(gpio, 'value'), '0\n');
    await waitFor('low', () => !state().high);

    put(join(gpio, 'value'), 'garbage');
    await waitFor('error', () => state().source.status === 'error');
    expect(state()).toMatchObject({ high: true, cause: 'fail-safe', signal: null });
    expect(state().source.reason).toContain('expected 0 or 1');

    put(join(gpio, 'value'), '0');
    await waitFor('recovered', () => state().source.status === 'connected' && !state().high);
    expect(changes.map((c) => [c.high, c.cause])).toEqual([
      [false, 'signal'], [true, 'signal'], [false, 'signal'], [true, 'fail-safe'], [false, 'signal'],
    ]);
  });

  it('exports a missing line, inverts an active-low one, and unexports it on stop', async () => {
    // Plays the kernel's part: when "5" is written to export, the gpio5 folder appears.
    let exported = false;
    const kernel = setInterval(() => {
      const exportFile = join(dir.path, 'export');
      if (!exported && existsSync(exportFile) && readFileSync(exportFile, 'utf8') === '5') {
        exported = true;
        const staging = join(dir.path, 'staging');
        mkdirSync(staging);
        writeFileSync(join(staging, 'direction'), 'in');
        writeFileSync(join(staging, 'value'), '1');
        renameSync(staging, join(dir.path, 'gpio5'));
      }
    }, 5);
    try {
      inputs = new DigitalInputs([
        { id: 'di2', enabled: true, pct: 0, source: { kind: 'gpio-sysfs', gpio: 5, activeLow: true, basePath: dir.path, pollIntervalMs: 20 } },
      ]);
      const state = () => inputs!.state('di2')!;
      await inputs.start();
      await waitFor('connected', () => state().source.status === 'connected');
      expect(state()).toMatchObject({ high: false, signal: false }); // electrically high = inactive
      put(join(dir.path, 'gpio5', 'value'), '0');
      await waitFor('active', () => state().high);
      await inputs.stop();
      expect(readFileSync(join(dir.path, 'unexport'), 'utf8')).toBe('5');
      expect(state().source.status).toBe('stopped');
    } finally {
      clearInterval(kernel);
    }
  });

  it('reports a GPIO that cannot be exported', async () => {
    inputs = new DigitalInputs([
      { id: 'di3', enabled: true, pct: 10, failSafeHigh: false, source: { kind: 'gpio-sysfs', gpio: 9, basePath: join(dir.path, 'missing'), retryMs: 50 } },
    ]);
    await inputs.start();
    const state = () => inputs!.state('di3')!;
    await waitFor('error', () => state().source.status === 'error');
    expect(state().source.reason).toMatch(/cannot export GPIO 9/);
    expect(state()).toMatchObject({ high: false, cause: 'fail-safe' }); // failSafeHigh: false
  });
});
