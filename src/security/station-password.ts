// Station passwords (OCPP security profile 1/2: HTTP Basic with the AuthorizationKey).
// They are long random keys, not human passwords, so a salted SHA-256 is enough; a slow hash
// would make the whole car park reconnecting at once (after an outage) take minutes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SCHEME = 'sha256';

export function hashStationPassword(password: string, salt = randomBytes(16)): string {
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest();
  return `${SCHEME}$${salt.toString('base64')}$${digest.toString('base64')}`;
}

export function verifyStationPassword(password: string | Buffer, stored: string): boolean {
  const [scheme, saltB64, digestB64] = stored.split('$');
  if (scheme !== SCHEME || !saltB64 || !digestB64) return false;
  const expected = Buffer.from(digestB64, 'base64');
  const actual = createHash('sha256').update(Buffer.from(saltB64, 'base64')).update(password).digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function isStationPasswordHash(value: string): boolean {
  return /^sha256\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/.test(value);
}
