import { describe, expect, it } from 'vitest';
import { formatInputConfigError, validateInputConfigs } from './validate-config.js';

const mqtt = { kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'site/di1' };

function messages(value: unknown): string[] {
  const result = validateInputConfigs(value);
  return result.ok ? [] : result.errors.map(formatInputConfigError);
}

describe('validateInputConfigs', () => {
  it('accepts one input of each kind', () => {
    const result = validateInputConfigs([
      { id: 'ripple', enabled: true, pct: 40, source: { kind: 'gpio-chardev', chip: 'gpiochip0', line: 17, activeLow: true, bias: 'pull-up' } },
      { id: 'old-board', enabled: false, pct: 0, failSafeHigh: false, source: { kind: 'gpio-sysfs', gpio: 529, pollIntervalMs: 200 } },
      { id: 'ems', enabled: true, pct: 70, source: { ...mqtt, highPayloads: ['REDUCE'], lowPayloads: ['NORMAL'] } },
    ]);
    expect(result.ok).toBe(true);
    expect(validateInputConfigs([{ id: 'api', enabled: true, pct: 10, source: { kind: 'manual', high: true } }]).ok).toBe(true);
    expect(validateInputConfigs([]).ok).toBe(true);
  });

  it('names the field of every error', () => {
    expect(messages([
      { id: 'a', enabled: true, pct: 50, source: { kind: 'manual' } },
      { id: 'b', enabled: true, pct: 50, source: { kind: 'mqtt', url: 'mqtt://x' } },
    ])).toEqual(['inputs[1].source.topic: is required']);
    expect(messages([{ id: 'a', enabled: 'yes', pct: 100, source: { kind: 'gpio', line: 1 } }])).toEqual([
      'inputs[0].enabled: must be true or false',
      'inputs[0].pct: must be a whole number 0–99',
      'inputs[0].source.kind: must be one of gpio-chardev, gpio-sysfs, mqtt, manual',
    ]);
    expect(messages([{ id: 'a', enabled: true, pct: 5, source: { kind: 'gpio-chardev', chip: '-x', line: -1, activelow: true } }])).toEqual([
      'inputs[0].source.activelow: is not a known field',
      'inputs[0].source.chip: must be a chip name, number or /dev path, e.g. gpiochip0',
      'inputs[0].source.line: must be a whole number 0–1023',
    ]);
    expect(messages({})).toEqual(['inputs: must be a list of digital inputs']);
    expect(messages([{ enabled: true, pct: 1 }])).toEqual(['inputs[0].id: is required', 'inputs[0].source: is required']);
  });

  it('gives the JSON Pointer too, for the site file', () => {
    const result = validateInputConfigs([{ id: 'a', enabled: true, pct: 1, source: { kind: 'mqtt', url: 'http://x', topic: 't' } }], ['site', 'inputs']);
    expect(result).toEqual({ ok: false, errors: [{ field: 'site.inputs[0].source.url', pointer: '/site/inputs/0/source/url', message: 'must be a URL like mqtt://127.0.0.1:1883 (mqtt, mqtts, ws or wss)' }] });
  });

  it('checks MQTT topics and payloads', () => {
    expect(messages([{ id: 'a', enabled: true, pct: 1, source: { ...mqtt, topic: 'site/+/di' } }])).toEqual(['inputs[0].source.topic: must be one topic, without the wildcards + or #']);
    expect(messages([{ id: 'a', enabled: true, pct: 1, source: { ...mqtt, lowPayloads: ['0', 'ON'] } }])).toEqual(['inputs[0].source.lowPayloads: "ON" cannot mean both high and low']);
    expect(messages([{ id: 'a', enabled: true, pct: 1, source: { ...mqtt, highPayloads: [] } }])).toEqual(['inputs[0].source.highPayloads: must be a non-empty list of non-empty payload strings without surrounding spaces']);
  });

  it('applies the domain rules: at most 3 inputs, unique ids', () => {
    const input = (id: string) => ({ id, enabled: true, pct: 10, source: { kind: 'manual' } });
    expect(messages([input('a'), input('b'), input('c'), input('d')])).toEqual(['inputs: at most 3 digital inputs, got 4']);
    expect(messages([input('a'), input('b'), input('a')])).toEqual(['inputs[2].id: digital input "a" is defined twice']);
  });

  it('refuses one GPIO line for two inputs', () => {
    const gpio = (id: string) => ({ id, enabled: true, pct: 10, source: { kind: 'gpio-chardev', chip: 'gpiochip0', line: 4 } });
    expect(messages([gpio('a'), gpio('b')])).toEqual(['inputs[1].source.line: is already used by input "a"']);
  });
});
