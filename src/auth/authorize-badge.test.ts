import { describe, expect, it } from 'vitest';
import { stationAuthKeys } from './auth-policy.js';
import { authorizeBadge } from './authorize-badge.js';

describe('authorizeBadge (B1, B3)', () => {
  it('lms-known-badges accepts an authorized badge, blocks an unauthorized one and rejects an unknown one', () => {
    expect(authorizeBadge('lms-known-badges', { authorized: true })).toEqual({ status: 'Accepted', unknown: false });
    expect(authorizeBadge('lms-known-badges', { authorized: false })).toEqual({ status: 'Blocked', unknown: false });
    expect(authorizeBadge('lms-known-badges', undefined)).toEqual({ status: 'Invalid', unknown: true });
  });

  it('lms-allow-all accepts every badge and still reports unknown ones as seen', () => {
    expect(authorizeBadge('lms-allow-all', undefined)).toEqual({ status: 'Accepted', unknown: true });
    expect(authorizeBadge('lms-allow-all', { authorized: false })).toEqual({ status: 'Accepted', unknown: false });
  });

  it('free and remote-only refuse badges and accept what Fuseguard started', () => {
    expect(authorizeBadge('free', { authorized: true })).toEqual({ status: 'Invalid', unknown: false });
    expect(authorizeBadge('free', undefined, { isFreeIdTag: true })).toEqual({ status: 'Accepted', unknown: false });
    expect(authorizeBadge('remote-only', undefined)).toEqual({ status: 'Invalid', unknown: true });
    expect(authorizeBadge('remote-only', undefined, { remoteStarted: true, start: true })).toEqual({ status: 'Accepted', unknown: false });
  });

  it('station-list answers Authorize from the list and accepts what the station started', () => {
    expect(authorizeBadge('station-list', undefined).status).toBe('Invalid');
    expect(authorizeBadge('station-list', undefined, { start: true }).status).toBe('Accepted');
  });

  it('cpo follows the CPO, else the offline policy (B2)', () => {
    expect(authorizeBadge('cpo', undefined, { upstream: { status: 'Blocked' } }).status).toBe('Blocked');
    expect(authorizeBadge('cpo', undefined, { upstream: 'unreachable', offline: 'allow-all' }).status).toBe('Accepted');
    expect(authorizeBadge('cpo', undefined, { upstream: 'unreachable', offline: 'reject', cached: true }).status).toBe('Invalid');
    expect(authorizeBadge('cpo', undefined, { upstream: 'unreachable', offline: 'reject-except-cached', cached: true }).status).toBe('Accepted');
    expect(authorizeBadge('cpo', undefined, { offline: 'reject-except-cached' }).status).toBe('Invalid');
  });

  it('sets no keys for the lms modes without an offline policy (as before B2)', () => {
    expect(stationAuthKeys({ mode: 'lms-known-badges', offline: null })).toEqual([]);
    expect(stationAuthKeys({ mode: 'lms-allow-all', offline: 'reject' })).toEqual([
      ['LocalAuthorizeOffline', 'false'], ['AllowOfflineTxForUnknownId', 'false'], ['AuthorizationCacheEnabled', 'false'],
    ]);
  });

  it('turns off what station-list turned on when a station leaves it, for every mode', () => {
    const off = [['LocalAuthListEnabled', 'false'], ['LocalPreAuthorize', 'false']];
    for (const mode of ['lms-known-badges', 'lms-allow-all', 'cpo'] as const) {
      expect(stationAuthKeys({ mode, offline: null }, { leavingStationList: true })).toEqual(off);
    }
    expect(stationAuthKeys({ mode: 'free', offline: null }, { leavingStationList: true })).toEqual([...off, ['AuthorizeRemoteTxRequests', 'false']]);
    expect(stationAuthKeys({ mode: 'station-list', offline: null }, { leavingStationList: true })).toEqual([['LocalAuthListEnabled', 'true'], ['LocalPreAuthorize', 'true']]);
  });
});
