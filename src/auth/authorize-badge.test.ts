import { describe, expect, it } from 'vitest';
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
});
