import { describe, expect, it } from 'vitest';
import { Lockout } from './lockout.js';

describe('login lockout (S2)', () => {
  it('locks a key after N failures in a row for M ms, and a success clears it', () => {
    let now = 0;
    const lockout = new Lockout(() => ({ attempts: 3, durationMs: 60_000 }), () => now);
    const login = ['login:alice', 'ip:10.0.0.1'];
    lockout.fail(login);
    lockout.fail(login);
    expect(lockout.lockedUntil(login)).toBeNull();
    lockout.succeed(login);
    lockout.fail(login);
    lockout.fail(login);
    expect(lockout.lockedUntil(login)).toBeNull(); // the success reset the count
    lockout.fail(login);
    expect(lockout.lockedUntil(login)).toBe(60_000);
    // Per login and per address: the same address with another login is locked too, another address is not.
    expect(lockout.lockedUntil(['login:bob', 'ip:10.0.0.1'])).toBe(60_000);
    expect(lockout.lockedUntil(['login:bob', 'ip:10.0.0.2'])).toBeNull();
    now = 60_001;
    expect(lockout.lockedUntil(login)).toBeNull();
    lockout.fail(login); // a served lockout starts the count afresh
    expect(lockout.lockedUntil(login)).toBeNull();
  });
});
