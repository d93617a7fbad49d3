// The URL a station downloads a firmware file from (issue 16, item 7): for one station and one file,
// until an expiry, signed with HMAC-SHA-256 under a secret of this Fuseguard's. The download route
// is public (stations have no API credentials), so the signature is the only key: a leaked URL
// serves one file, to whoever holds it, until it expires.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 128 bits of the HMAC: ample against forgery, and a short URL (some stations keep 255 characters). */
const SIGNATURE_HEX_CHARS = 32;

export const FIRMWARE_DOWNLOAD_PATH = '/api/firmware/download';

export interface SignedTarget {
  firmwareId: string;
  stationId: string;
  /** Epoch seconds. */
  expiresS: number;
}

export function signatureOf(secret: Buffer, target: SignedTarget): string {
  return createHmac('sha256', secret)
    .update(`${target.firmwareId}\n${target.stationId}\n${target.expiresS}`)
    .digest('hex')
    .slice(0, SIGNATURE_HEX_CHARS);
}

/** `baseUrl`: how the station reaches Fuseguard over HTTP(S), e.g. http://192.168.1.10:8080. */
export function signedDownloadUrl(baseUrl: string, secret: Buffer, target: SignedTarget): string {
  const path = `${FIRMWARE_DOWNLOAD_PATH}/${encodeURIComponent(target.firmwareId)}/${encodeURIComponent(target.stationId)}`;
  return `${baseUrl.replace(/\/+$/, '')}${path}?expires=${target.expiresS}&signature=${signatureOf(secret, target)}`;
}

/** Why a download request is refused, or null when its signature holds and it has not expired. */
export function checkSignature(secret: Buffer, target: SignedTarget, signature: string, nowMs: number): 'expired' | 'bad-signature' | null {
  const expected = Buffer.from(signatureOf(secret, target));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
  if (nowMs >= target.expiresS * 1000) return 'expired';
  return null;
}
