import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_MAP_IDS, builtinMaps } from './builtin-maps.js';
import { loadRegisterMaps } from './map-folder.js';
import { planReads } from './read-meter.js';
import { protocolAddress, validateRegisterMap } from './register-map.js';

const goodMap = {
  id: 'my-meter',
  source: 'my meter manual, page 12',
  addressing: 'address',
  wordOrder: 'little',
  quantities: {
    currentL1A: { register: 10, type: 'int32', scale: 0.001 },
    currentL2A: { register: 12, type: 'int32', scale: 0.001 },
    currentL3A: { register: 14, type: 'int32', scale: 0.001 },
  },
};

describe('built-in register maps (P2)', () => {
  it('has the four maps of the spec table, each with a source', () => {
    const maps = builtinMaps();
    expect([...maps.keys()].sort()).toEqual([...BUILTIN_MAP_IDS].sort());
    for (const map of maps.values()) expect(map.source.length).toBeGreaterThan(20);
  });

  it('uses the register numbers of the spec table, sent as number - 1', () => {
    const table: Record<string, number[]> = {
      'pm5320-iem3x5x-powertag': [3000, 3002, 3004, 3060, 3204],
      'nsx-legacy': [12016, 12017, 12018, 12041, 12050],
      nsx: [1016, 1017, 1018, 1037, 2000],
      mtz: [32028, 32030, 32032, 32078, 32096],
    };
    for (const [id, registers] of Object.entries(table)) {
      const map = builtinMaps().get(id)!;
      const q = map.quantities;
      expect([q.currentL1A, q.currentL2A, q.currentL3A, q.powerW!, q.energyWh!].map((s) => s.register)).toEqual(registers);
      expect(protocolAddress(map, q.currentL1A)).toBe(registers[0] - 1);
    }
  });

  it('reads the three currents in one request', () => {
    const blocks = planReads(builtinMaps().get('pm5320-iem3x5x-powertag')!);
    expect(blocks.map((b) => [b.address, b.count])).toEqual([[2999, 6], [3059, 2], [3203, 4]]);
    expect(planReads(builtinMaps().get('nsx')!).map((b) => [b.address, b.count])).toEqual([[1015, 3], [1036, 1], [1999, 2]]);
  });
});

describe('validateRegisterMap', () => {
  it('accepts a good map', () => {
    expect(validateRegisterMap(goodMap, 'my.json').ok).toBe(true);
  });

  it('names the file and the field of each error', () => {
    const bad = { ...goodMap, quantities: { ...goodMap.quantities, currentL2A: { register: 12, type: 'int24' } } };
    const result = validateRegisterMap(bad, 'maps/my.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ file: 'maps/my.json', path: '/quantities/currentL2A/type', message: expect.stringMatching(/must be one of int16/) });
  });

  it('reports a missing source, a missing current and unknown fields', () => {
    const { source: _s, ...noSource } = goodMap;
    const bad = { ...noSource, colour: 'red', quantities: { currentL1A: goodMap.quantities.currentL1A, currentL2A: goodMap.quantities.currentL2A } };
    const result = validateRegisterMap(bad, 'x.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.errors.map((e) => `${e.path} ${e.message}`);
    expect(paths).toEqual(expect.arrayContaining(['/source is required', '/quantities/currentL3A is required', '/colour is not a known field']));
  });

  it('refuses register 0 when numbers are 1-based, and a zero scale', () => {
    const bad = { ...goodMap, addressing: 'register-number', quantities: { ...goodMap.quantities, currentL1A: { register: 0, type: 'int16', scale: 0 } } };
    const result = validateRegisterMap(bad, 'x.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(['/quantities/currentL1A/register', '/quantities/currentL1A/scale']);
  });
});

describe('loadRegisterMaps (a folder of user maps)', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('adds good maps and reports bad files by name', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fuseguard-maps-'));
    await writeFile(join(dir, 'good.json'), JSON.stringify(goodMap));
    await writeFile(join(dir, 'broken.json'), '{ "id": ');
    await writeFile(join(dir, 'clash.json'), JSON.stringify({ ...goodMap, id: 'mtz' }));
    await writeFile(join(dir, 'bad-type.json'), JSON.stringify({ ...goodMap, id: 'other', wordOrder: 'middle' }));
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const { maps, errors } = await loadRegisterMaps(dir);
    expect(maps.get('my-meter')?.source).toBe('my meter manual, page 12');
    expect(maps.has('other')).toBe(false);
    expect(maps.get('mtz')?.quantities.currentL1A.register).toBe(32028); // the built-in stays
    expect(errors.map((e) => [e.file.replace(dir, ''), e.path])).toEqual([
      ['/bad-type.json', '/wordOrder'],
      ['/broken.json', '/'],
      ['/clash.json', '/id'],
    ]);
    expect(errors[1].message).toMatch(/not valid JSON/);
  });

  it('reports a folder that cannot be read', async () => {
    const { maps, errors } = await loadRegisterMaps('/nonexistent/fuseguard-maps');
    expect(maps.size).toBe(4);
    expect(errors[0]).toMatchObject({ file: '/nonexistent/fuseguard-maps', message: expect.stringMatching(/cannot read/) });
  });
});
