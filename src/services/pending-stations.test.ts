import { describe, expect, it } from 'vitest';
import { planPending, type PendingSeen } from './pending-stations.js';

const DAY = 86_400_000;
const p = (id: string, seenAt: number, connected = false): PendingSeen => ({ id, seenAt, connected });

describe('planPending', () => {
  it('expires the ones not seen for the expiry and those with an id no station may use', () => {
    const plan = planPending([p('OLD', 0), p('OLD-BUT-HERE', 0, true), p('a/b', 9 * DAY), p('NEW', 9 * DAY)], { now: 10 * DAY, max: 10, expiryMs: 7 * DAY, adding: false });
    expect(plan).toEqual({ expired: ['OLD', 'a/b'], evicted: [], full: false });
  });

  it('makes room for a new one with the disconnected one seen longest ago', () => {
    const plan = planPending([p('A', 1, true), p('B', 2), p('C', 3)], { now: 10, max: 3, expiryMs: DAY, adding: true });
    expect(plan).toEqual({ expired: [], evicted: ['B'], full: false });
  });

  it('is full when every place is taken by a connected station', () => {
    const plan = planPending([p('A', 1, true), p('B', 2, true)], { now: 10, max: 2, expiryMs: DAY, adding: true });
    expect(plan).toEqual({ expired: [], evicted: [], full: true });
  });

  it('trims down to the cap when it was lowered', () => {
    const plan = planPending([p('A', 1), p('B', 2), p('C', 3)], { now: 10, max: 1, expiryMs: DAY, adding: false });
    expect(plan.evicted).toEqual(['A', 'B']);
  });
});
