import { describe, expect, it } from 'vitest';
import { activeDigitalInput } from '../domain/limits/digital-inputs.js';
import type { DigitalInputConfig } from './config.js';
import { DigitalInputs, DigitalInputsError, type InputChange } from './digital-inputs.js';

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

const manual: DigitalInputConfig = { id: 'api', enabled: true, pct: 30, source: { kind: 'manual' } };
// A source that never delivers a level in this test: nothing is started.
const mqtt: DigitalInputConfig = { id: 'ems', enabled: true, pct: 60, source: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1', topic: 't' } };

describe('DigitalInputs', () => {
  it('gives manual inputs their configured level and changes it with set()', () => {
    const c = clock();
    const inputs = new DigitalInputs([manual, { ...manual, id: 'b', source: { kind: 'manual', high: true } }], { now: c.now });
    const changes: InputChange[] = [];
    inputs.on('change', (e) => changes.push(e));
    expect(inputs.states()).toEqual([
      { id: 'api', enabled: true, high: false, pct: 30 },
      { id: 'b', enabled: true, high: true, pct: 30 },
    ]);
    c.advance(500);
    inputs.set('api', true);
    inputs.set('api', true); // no real change, no event
    expect(changes).toEqual([{ id: 'api', high: true, at: 1_500, cause: 'signal' }]);
    expect(inputs.state('api')).toMatchObject({ high: true, cause: 'signal', lastChangeAt: 1_500, source: { kind: 'manual', status: 'connected' } });
    expect(activeDigitalInput(inputs.states())).toEqual({ id: 'api', pct: 30 });
  });

  it('counts an input without signal as high (fail-safe), unless configured otherwise', () => {
    const inputs = new DigitalInputs([mqtt, { ...mqtt, id: 'soft', failSafeHigh: false, source: { ...mqtt.source, topic: 'u' } as DigitalInputConfig['source'] }]);
    expect(inputs.states().map((s) => s.high)).toEqual([true, false]);
    expect(inputs.state('ems')).toMatchObject({ high: true, cause: 'fail-safe', signal: null, source: { status: 'stopped' } });
  });

  it('overrides a non-manual input until release()', () => {
    const c = clock();
    const inputs = new DigitalInputs([mqtt], { now: c.now });
    const changes: InputChange[] = [];
    inputs.on('change', (e) => changes.push(e));
    inputs.set('ems', false);
    expect(inputs.state('ems')).toMatchObject({ high: false, cause: 'override', override: false });
    c.advance(10);
    inputs.release('ems');
    expect(inputs.state('ems')).toMatchObject({ high: true, cause: 'fail-safe', override: null });
    expect(changes).toEqual([
      { id: 'ems', high: false, at: 1_000, cause: 'override' },
      { id: 'ems', high: true, at: 1_010, cause: 'fail-safe' },
    ]);
  });

  it('refuses unknown ids and invalid configs with typed errors', () => {
    const inputs = new DigitalInputs([manual]);
    expect(() => inputs.set('nope', true)).toThrow(expect.objectContaining({ code: 'unknown-input' }));
    expect(inputs.state('nope')).toBeNull();
    let error: unknown;
    try {
      new DigitalInputs([manual, { ...manual, pct: 120 }]);
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DigitalInputsError);
    expect((error as DigitalInputsError).code).toBe('invalid-config');
    expect((error as DigitalInputsError).message).toContain('inputs[1].pct: must be a whole number 0–99');
  });

  it('start and stop are harmless for manual inputs', async () => {
    const inputs = new DigitalInputs([manual]);
    await inputs.start();
    inputs.set('api', true);
    await inputs.stop();
    expect(inputs.states()[0].high).toBe(true);
  });
});
