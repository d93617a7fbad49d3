import { describe, expect, it } from 'vitest';
import { BackupError, openBackup, sealBackup } from './backup-format.js';

const contents = { kind: 'test', rows: [{ a: 1, b: 'é' }] };

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackupError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('backup file format (X3)', () => {
  it('round-trips, with a fresh salt and iv each time', async () => {
    const a = await sealBackup(contents, 'correct horse');
    const b = await sealBackup(contents, 'correct horse');
    expect(a.subarray(0, 8).toString()).toBe('FGBACKUP');
    expect(a.equals(b)).toBe(false);
    expect(await openBackup(a, 'correct horse')).toEqual(contents);
  });

  it('tells a wrong passphrase apart from a flipped byte', async () => {
    const file = await sealBackup(contents, 'correct horse');
    expect((await refusal(openBackup(file, 'wrong horse!'))).code).toBe('wrong-passphrase');
    for (const at of [file.length - 1, 57, 9 + 2 /* p */, 30 /* iv */]) {
      const damaged = Buffer.from(file);
      damaged[at] ^= 0x01;
      const error = await refusal(openBackup(damaged, 'correct horse'));
      expect(['backup-damaged', 'wrong-passphrase'], `byte ${at}`).toContain(error.code);
    }
    const body = Buffer.from(file);
    body[body.length - 3] ^= 0x80;
    expect((await refusal(openBackup(body, 'correct horse'))).code).toBe('backup-damaged');
    const iv = Buffer.from(file);
    iv[30] ^= 0x80;
    expect((await refusal(openBackup(iv, 'correct horse'))).code).toBe('backup-damaged');
  });

  it('refuses what is not a backup, a truncated one and a short passphrase', async () => {
    expect((await refusal(openBackup(Buffer.from('hello world'), 'correct horse'))).code).toBe('not-a-backup');
    const file = await sealBackup(contents, 'correct horse');
    expect((await refusal(openBackup(file.subarray(0, file.length - 5), 'correct horse'))).code).toBe('backup-damaged');
    const future = Buffer.from(file);
    future[8] = 9;
    expect((await refusal(openBackup(future, 'correct horse'))).code).toBe('unsupported-backup-version');
    expect((await refusal(sealBackup(contents, 'short'))).code).toBe('weak-passphrase');
  });

  it('refuses key parameters that would take gigabytes to derive (issue 14, row 15)', async () => {
    const file = await sealBackup(contents, 'correct horse', { logN: 10, r: 8, p: 1 });
    for (const [at, value] of [[9, 20], [10, 32], [11, 16]] as const) {
      const crafted = Buffer.from(file);
      crafted[at] = value;
      expect((await refusal(openBackup(crafted, 'correct horse'))).code).toBe('backup-damaged');
    }
  });
});
