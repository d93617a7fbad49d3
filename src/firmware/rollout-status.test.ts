import { describe, expect, it } from 'vitest';
import { afterBoot, afterFirmwareStatus, isStalled, roomForMore } from './rollout-status.js';
import { checkSignature, signedDownloadUrl } from './firmware-url.js';

describe('rollout status (issue 16, item 7)', () => {
  it('follows the station reports while an update is in progress, and ignores them otherwise', () => {
    expect(afterFirmwareStatus('sent', 'Downloading')).toEqual({ status: 'downloading' });
    expect(afterFirmwareStatus('installing', 'Installed')).toEqual({ status: 'installed' });
    expect(afterFirmwareStatus('downloading', 'DownloadFailed')?.status).toBe('failed');
    expect(afterFirmwareStatus('installing', 'InstallationFailed')?.status).toBe('failed');
    expect(afterFirmwareStatus('sent', 'Idle')).toBeNull();
    // A failure is final: a later report does not revive it, nor does a report before sending.
    expect(afterFirmwareStatus('failed', 'Installed')).toBeNull();
    expect(afterFirmwareStatus('queued', 'Downloading')).toBeNull();
  });

  it('is done when the station boots with the new version', () => {
    expect(afterBoot('installed', 'fw-2', 'fw-2')).toEqual({ status: 'done' });
    expect(afterBoot('installed', 'fw-1', null)).toEqual({ status: 'done' });
    expect(afterBoot('installed', 'fw-1', 'fw-2')?.status).toBe('failed');
    // A reboot while installing is not the end, unless it already runs the new version.
    expect(afterBoot('installing', 'fw-1', 'fw-2')).toBeNull();
    expect(afterBoot('installing', 'fw-2', 'fw-2')).toEqual({ status: 'done' });
    expect(afterBoot('done', 'fw-2', 'fw-2')).toBeNull();
  });

  it('bounds the updates at once and finds stalled ones', () => {
    expect(roomForMore(0, 5)).toBe(5);
    expect(roomForMore(5, 5)).toBe(0);
    expect(roomForMore(7, 5)).toBe(0);
    expect(isStalled('downloading', 0, 60_000, 60_000)).toBe(true);
    expect(isStalled('downloading', 1, 60_000, 60_000)).toBe(false);
    expect(isStalled('queued', 0, 1e9, 60_000)).toBe(false);
  });
});

describe('signed download URLs', () => {
  const secret = Buffer.alloc(32, 7);
  const target = { firmwareId: '0123456789abcdef', stationId: 'CP 1/ä', expiresS: 1_000 };

  it('holds for its station, file and expiry only, until it expires', () => {
    const url = new URL(signedDownloadUrl('http://10.0.0.2:8080/', secret, target));
    expect(url.pathname).toBe('/api/firmware/download/0123456789abcdef/CP%201%2F%C3%A4');
    const signature = url.searchParams.get('signature') ?? '';
    expect(checkSignature(secret, target, signature, 999_999)).toBeNull();
    expect(checkSignature(secret, target, signature, 1_000_000)).toBe('expired');
    expect(checkSignature(secret, { ...target, stationId: 'CP 2' }, signature, 0)).toBe('bad-signature');
    expect(checkSignature(secret, { ...target, expiresS: 2_000 }, signature, 0)).toBe('bad-signature');
    expect(checkSignature(Buffer.alloc(32, 8), target, signature, 0)).toBe('bad-signature');
    expect(checkSignature(secret, target, '', 0)).toBe('bad-signature');
  });

  it('keeps the path of a base URL (behind a reverse proxy)', () => {
    expect(new URL(signedDownloadUrl('https://proxy.example/fuseguard/', secret, target)).pathname).toBe('/fuseguard/api/firmware/download/0123456789abcdef/CP%201%2F%C3%A4');
  });
});
