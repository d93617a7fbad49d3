// Password hashes with scrypt (S2): salted, slow, and self-describing so the cost can grow later.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { HashGate } from './hash-gate.js';

// N = 2^15, r = 8: 32 MiB and a few tens of ms per hash on a small box.
const COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_BYTES = 32;

/**
 * Every password hash of this process goes through this gate (issue 14, row 3b): one per core
 * (at most 4, libuv's thread pool), 16 waiting, 8 per client address; beyond, 503/429 at once.
 */
export const HASH_GATE_LIMITS = { concurrency: Math.min(4, Math.max(1, availableParallelism())), maxWaiting: 16, maxPerKey: 8 };
export const hashGate = new HashGate(HASH_GATE_LIMITS);
/** The key of hashes that no client address asked for (user changes by a logged-in admin, the factory login). */
const OWN_KEY = 'fuseguard';

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }, key: string): Promise<Buffer> {
  // maxmem must exceed 128 · N · r, or scrypt refuses.
  const params: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return hashGate.run(key, () => new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, params, (error, derived) => (error ? reject(error) : resolve(derived)));
  }));
}

export async function hashPassword(password: string, key = OWN_KEY): Promise<string> {
  const salt = randomBytes(16);
  const derived = await derive(password, salt, COST, key);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${derived.toString('base64')}`;
}

/**
 * The costs a stored hash may ask for: a hash from a crafted backup must not make one login take
 * gigabytes or minutes (issue 14, row 15). Up to 2^17 × 16: 256 MiB; ours is 2^15 × 8.
 */
export function acceptableCost(N: number, r: number, p: number): boolean {
  return Number.isInteger(N) && N >= 1 << 10 && N <= 1 << 17 && (N & (N - 1)) === 0
    && Number.isInteger(r) && r >= 1 && r <= 16 && Number.isInteger(p) && p >= 1 && p <= 4;
}

/** `key`: who asks (a client address), for its share of the gate. HashGateBusy when refused. */
export async function verifyPassword(password: string, stored: string, key = OWN_KEY): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !hash || !acceptableCost(Number(n), Number(r), Number(p))) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) }, key);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * As verifyPassword, and as slow when there is no user: timing does not tell which logins exist.
 * Both go through the gate alike, so being refused does not tell either.
 */
export async function verifyUserPassword(password: string, stored: string | undefined, key = OWN_KEY): Promise<boolean> {
  if (stored) return verifyPassword(password, stored, key);
  await derive(password, randomBytes(16), COST, key);
  return false;
}
