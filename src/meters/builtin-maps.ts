// The four built-in register maps of spec P2, shipped as JSON next to the code (tsc copies
// imported JSON into dist/). Each is validated like a user's map, so a typo fails the tests.
import pm5320 from './maps/pm5320-iem3x5x-powertag.json' with { type: 'json' };
import nsxLegacy from './maps/nsx-legacy.json' with { type: 'json' };
import nsx from './maps/nsx.json' with { type: 'json' };
import mtz from './maps/mtz.json' with { type: 'json' };
import { formatMapError, validateRegisterMap, type RegisterMap } from './register-map.js';

export const BUILTIN_MAP_IDS = ['pm5320-iem3x5x-powertag', 'nsx-legacy', 'nsx', 'mtz'] as const;
export type BuiltinMapId = (typeof BUILTIN_MAP_IDS)[number];

function checked(input: unknown, file: string): RegisterMap {
  const result = validateRegisterMap(input, file);
  if (!result.ok) throw new Error(`built-in register map is invalid: ${result.errors.map(formatMapError).join('; ')}`);
  return result.map;
}

const BUILTIN: readonly RegisterMap[] = [
  checked(pm5320, 'maps/pm5320-iem3x5x-powertag.json'),
  checked(nsxLegacy, 'maps/nsx-legacy.json'),
  checked(nsx, 'maps/nsx.json'),
  checked(mtz, 'maps/mtz.json'),
];

export function builtinMaps(): Map<string, RegisterMap> {
  return new Map(BUILTIN.map((m) => [m.id, m]));
}
