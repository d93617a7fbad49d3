// The backup file (X3): one file, encrypted and authenticated with AES-256-GCM under a key
// derived from a passphrase by scrypt. Layout (all of the header is authenticated as AAD):
//
//   magic "FGBACKUP" (8) | version (1) | log2 N (1) | r (1) | p (1) | salt (16) | iv (12)
//   | key check (16) | tag (16) | ciphertext (gzip of the JSON contents)
//
// The key check (first 16 bytes of SHA-256 over a second derived key) tells a wrong passphrase
// from a damaged or tampered file, so each gets its own message; it reveals nothing about the key.
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

export const BACKUP_MAGIC = Buffer.from('FGBACKUP', 'ascii');
export const BACKUP_FORMAT_VERSION = 1;
const HEADER_BYTES = 8 + 1 + 3 + 16 + 12 + 16;
const TAG_BYTES = 16;
/** N = 2^15, r = 8, p = 1: 32 MiB and well under a second on a small box. */
const DEFAULT_COST = { logN: 15, r: 8, p: 1 };
export const MIN_PASSPHRASE_LENGTH = 8;

export type BackupErrorCode = 'not-a-backup' | 'unsupported-backup-version' | 'wrong-passphrase' | 'backup-damaged' | 'weak-passphrase';

export class BackupError extends Error {
  constructor(readonly code: BackupErrorCode, message: string) {
    super(message);
  }
}

function deriveKeys(passphrase: string, salt: Buffer, cost: { logN: number; r: number; p: number }): Promise<{ key: Buffer; check: Buffer }> {
  const N = 2 ** cost.logN;
  // maxmem must exceed 128 · N · r, or scrypt refuses.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 64, options, (error, derived) => {
      if (error) return reject(error);
      resolve({ key: derived.subarray(0, 32), check: createHash('sha256').update(derived.subarray(32)).digest().subarray(0, 16) });
    });
  });
}

export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) throw new BackupError('weak-passphrase', `the backup passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters`);
}

/** Encrypts `contents` (any JSON value) into a backup file. */
export async function sealBackup(contents: unknown, passphrase: string, cost = DEFAULT_COST): Promise<Buffer> {
  checkPassphrase(passphrase);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const { key, check } = await deriveKeys(passphrase, salt, cost);
  const header = Buffer.concat([BACKUP_MAGIC, Buffer.from([BACKUP_FORMAT_VERSION, cost.logN, cost.r, cost.p]), salt, iv, check]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header);
  const ciphertext = Buffer.concat([cipher.update(gzipSync(Buffer.from(JSON.stringify(contents), 'utf8'))), cipher.final()]);
  return Buffer.concat([header, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts and checks a backup file; refuses a wrong passphrase or any changed byte. */
export async function openBackup(file: Buffer, passphrase: string): Promise<unknown> {
  if (file.length < HEADER_BYTES + TAG_BYTES || !file.subarray(0, 8).equals(BACKUP_MAGIC)) {
    throw new BackupError('not-a-backup', 'this is not a Fuseguard backup file');
  }
  const version = file[8];
  if (version !== BACKUP_FORMAT_VERSION) throw new BackupError('unsupported-backup-version', `backup format version ${version} is not supported (this Fuseguard reads version ${BACKUP_FORMAT_VERSION})`);
  const cost = { logN: file[9], r: file[10], p: file[11] };
  // Bounded so that a crafted file cannot ask for gigabytes or minutes (issue 14, row 15): at most 256 MiB.
  if (cost.logN < 10 || cost.logN > 17 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) throw new BackupError('backup-damaged', 'the backup file is damaged or was altered: its key parameters are out of range');
  const header = file.subarray(0, HEADER_BYTES);
  const salt = file.subarray(12, 28);
  const iv = file.subarray(28, 40);
  const storedCheck = file.subarray(40, 56);
  const tag = file.subarray(HEADER_BYTES, HEADER_BYTES + TAG_BYTES);
  const { key, check } = await deriveKeys(passphrase, salt, cost);
  if (!timingSafeEqual(check, storedCheck)) throw new BackupError('wrong-passphrase', 'the passphrase is wrong for this backup file (or its header is damaged); nothing was changed');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(file.subarray(HEADER_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new BackupError('backup-damaged', 'the backup file is damaged or was altered (authentication failed); nothing was changed');
  }
  try {
    return JSON.parse(gunzipSync(plain).toString('utf8')) as unknown;
  } catch {
    throw new BackupError('backup-damaged', 'the backup file decrypts but its contents cannot be read');
  }
}
