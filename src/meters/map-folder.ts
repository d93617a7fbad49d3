// User register maps: a folder of *.json files (given by config), added to the built-ins.
// A bad file is reported with its name and field, and left out; the good ones still load.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtinMaps } from './builtin-maps.js';
import { validateRegisterMap, type MapError, type RegisterMap } from './register-map.js';

export interface LoadedMaps {
  maps: Map<string, RegisterMap>;
  errors: MapError[];
}

/** Built-in maps plus the ones in `folder` (if given). A missing folder is an error, not silence. */
export async function loadRegisterMaps(folder?: string): Promise<LoadedMaps> {
  const maps = builtinMaps();
  const errors: MapError[] = [];
  if (folder === undefined) return { maps, errors };

  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    return { maps, errors: [{ file: folder, path: '/', message: `cannot read the map folder: ${(err as Error).message}` }] };
  }
  const fileOf = new Map<string, string>();
  for (const name of names) {
    const file = join(folder, name);
    let input: unknown;
    try {
      input = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      errors.push({ file, path: '/', message: `is not valid JSON: ${(err as Error).message}` });
      continue;
    }
    const result = validateRegisterMap(input, file);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const { id } = result.map;
    if (maps.has(id) && !fileOf.has(id)) {
      errors.push({ file, path: '/id', message: `"${id}" is a built-in map; give your map another id` });
    } else if (fileOf.has(id)) {
      errors.push({ file, path: '/id', message: `"${id}" is also defined in ${fileOf.get(id)}` });
    } else {
      maps.set(id, result.map);
      fileOf.set(id, file);
    }
  }
  return { maps, errors };
}
