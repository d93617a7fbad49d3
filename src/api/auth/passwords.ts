// Password hashes with scrypt (S2): salted, slow, and self-describing so the cost can grow later.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^15, r = 8: 32 MiB and a few tens of ms per hash on a small box.
const COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem must exceed 128 · N · r, or scrypt refuses.
  const params: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, params, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * The costs a stored hash may ask for: a hash from a crafted backup must not make one login take
 * gigabytes or minutes (issue 14, row 15). Up to 2^17 × 16: 256 MiB; ours is 2^15 × 8.
 */
export function acceptableCost(N: number, r: number, p: number): boolean {
  return Number.isInteger(N) && N >= 1 << 10 && N <= 1 << 17 && (N & (N - 1)) === 0
    && Number.isInteger(r) && r >= 1 && r <= 16 && Number.isInteger(p) && p >= 1 && p <= 4;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !key || !acceptableCost(Number(n), Number(r), Number(p))) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** As verifyPassword, and as slow when there is no user: timing does not tell which logins exist. */
export async function verifyUserPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (stored) return verifyPassword(password, stored);
  await derive(password, randomBytes(16), COST);
  return false;
}
