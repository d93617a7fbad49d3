// Issue 16, item 7, from a review: what must hold when things happen at once or go wrong midway.
// A cancel or another file queued while the pump reads the queue never sends the old one; a file
// name outside Latin-1 still makes a valid download header; the URL key is never short.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateHeaderValue } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore, tempDir } from '../../test/helpers/temp-dir.js';
import { attachment } from '../api/routes/firmware.js';
import type { Store } from '../store/store.js';
import { FirmwareFiles } from './firmware-files.js';

const file = (id: string) => ({ id, name: `${id}.bin`, version: null, size_bytes: 1, sha256: 'x', uploaded_at: 1, uploaded_by: null });

describe('firmware rollouts: races and bad inputs (O4, X5)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });
  const store = async (): Promise<Store> => {
    const temp = await openTempStore();
    cleanups.push(temp.close);
    await temp.store.firmware.addFile(file('fw-a'));
    await temp.store.firmware.addFile(file('fw-b'));
    return temp.store;
  };

  it('claims a queued update only while it is still the one queued: not after a cancel, not after another file was queued', async () => {
    const s = await store();
    await s.firmware.queue('CP-1', 'fw-a', 10);
    expect(await s.firmware.deleteQueued('CP-1')).toBe(true); // cancelled
    expect(await s.firmware.claimQueued('CP-1', 'fw-a', 11)).toBe(false);
    await s.firmware.queue('CP-1', 'fw-a', 12);
    await s.firmware.queue('CP-1', 'fw-b', 13); // another file queued in its place
    expect(await s.firmware.claimQueued('CP-1', 'fw-a', 14)).toBe(false);
    expect(await s.firmware.claimQueued('CP-1', 'fw-b', 15)).toBe(true);
    expect(await s.firmware.getRollout('CP-1')).toMatchObject({ firmware_id: 'fw-b', status: 'sent', sent_at: 15 });
    expect(await s.firmware.deleteQueued('CP-1')).toBe(false); // sent: no longer cancelled
    expect(await s.firmware.claimQueued('CP-1', 'fw-b', 16)).toBe(false); // and never sent twice
  });

  it('gives any file name a download header Node accepts, with the name kept (RFC 6266, 8187)', () => {
    for (const name of ['fw—v2.bin', 'прошивка.bin', 'a"b\\c.bin', 'plain-1.0.bin']) {
      const header = attachment(name);
      expect(() => validateHeaderValue('content-disposition', header)).not.toThrow();
      expect(decodeURIComponent(/filename\*=UTF-8''(.*)$/.exec(header)?.[1] ?? '')).toBe(name);
    }
  });

  it('makes the URL key again when the stored one is empty or short (a crash while it was written)', async () => {
    for (const stored of ['', 'abcd', 'not hex at all']) {
      const dir = tempDir();
      cleanups.push(() => dir.cleanup());
      mkdirSync(join(dir.path, 'firmware'), { recursive: true });
      writeFileSync(join(dir.path, 'firmware', 'url-secret'), stored);
      const key = await new FirmwareFiles(dir.path).urlSecret();
      expect(key.length).toBe(32);
      expect(await new FirmwareFiles(dir.path).urlSecret()).toEqual(key); // kept once whole
    }
  });
});
