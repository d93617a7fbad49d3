import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/store/store.js';

/** A fresh folder under the system temp dir, removed by the returned cleanup. */
export function tempDir(prefix = 'fuseguard-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A store in a fresh temp folder; `close` closes it and removes the folder. */
export async function openTempStore(): Promise<{ store: Store; close: () => Promise<void> }> {
  const dir = tempDir();
  const store = await Store.open(dir.path);
  return { store, close: async () => { await store.close(); dir.cleanup(); } };
}
