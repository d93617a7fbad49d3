import { describe, expect, it } from 'vitest';
import { validateMeterConfig, validateMeterConfigs } from './meter-config.js';

const models = new Set(['pm5320-iem3x5x-powertag', 'mtz']);

describe('validateMeterConfig (P1)', () => {
  it('fills the defaults of a TCP meter: port 502, unit 255, not reporting', () => {
    const result = validateMeterConfig({ name: 'Building', protocol: 'tcp', host: '10.0.0.20', model: 'mtz' }, models);
    expect(result).toEqual({ ok: true, config: { name: 'Building', protocol: 'tcp', host: '10.0.0.20', port: 502, unitId: 255, model: 'mtz', reporting: false } });
  });

  it('fills the serial defaults of an RTU meter', () => {
    const result = validateMeterConfig({ name: 'PV', protocol: 'rtu', device: '/dev/ttyUSB0', unitId: 3, model: 'mtz', reporting: true }, models);
    expect(result.ok && result.config).toMatchObject({ baudRate: 9600, parity: 'none', stopBits: 1, unitId: 3, reporting: true });
  });

  it('names the field of each error', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'M', protocol: 'tcp', model: 'mtz' }, '/host', /needs the host/],
      [{ name: 'M', protocol: 'rtu', model: 'mtz' }, '/device', /serial device/],
      [{ name: 'M', protocol: 'rtu', device: '/dev/x', host: 'h', model: 'mtz' }, '/host', /not host/],
      [{ name: 'M', protocol: 'tcp', host: 'h', baudRate: 9600, model: 'mtz' }, '/baudRate', /not baudRate/],
      [{ name: 'M', protocol: 'udp', host: 'h', model: 'mtz' }, '/protocol', /one of tcp, rtu, rtu-over-tcp/],
      [{ name: 'M', protocol: 'tcp', host: 'h', unitId: 0, model: 'mtz' }, '/unitId', />= 1/],
      [{ name: 'M', protocol: 'tcp', host: 'h', unitId: 256, model: 'mtz' }, '/unitId', /<= 255/],
      [{ name: 'M', protocol: 'tcp', host: 'h', port: 70000, model: 'mtz' }, '/port', /<= 65535/],
      [{ name: 'M', protocol: 'rtu', device: '/dev/x', stopBits: 3, model: 'mtz' }, '/stopBits', /one of 1, 2/],
      [{ name: 'M', protocol: 'tcp', host: 'h', model: 'pm9999' }, '/model', /unknown register map "pm9999"/],
      [{ protocol: 'tcp', host: 'h', model: 'mtz' }, '/name', /required/],
      [{ name: 'M', protocol: 'tcp', host: 'h', model: 'mtz', colour: 1 }, '/colour', /not a known field/],
    ];
    for (const [input, path, message] of cases) {
      const result = validateMeterConfig(input, models);
      expect(result.ok, JSON.stringify(input)).toBe(false);
      if (!result.ok) expect(result.errors).toContainEqual({ path, message: expect.stringMatching(message) });
    }
  });
});

describe('validateMeterConfigs', () => {
  it('checks each meter and that names are unique, with paths by index', () => {
    const a = { name: 'A', protocol: 'tcp', host: 'h', model: 'mtz' };
    expect(validateMeterConfigs([a], models)).toMatchObject({ ok: true, configs: [{ name: 'A', port: 502 }] });
    const result = validateMeterConfigs([a, { ...a, host: undefined }, { ...a }], models);
    expect(result).toEqual({ ok: false, errors: [
      { path: '/1/host', message: 'a tcp meter needs the host' },
      { path: '/2/name', message: 'meter name "A" is used more than once' },
    ] });
  });
});
