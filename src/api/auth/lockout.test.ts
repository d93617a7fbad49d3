import { describe, expect, it } from 'vitest';
import { Lockout } from './lockout.js';

describe('login lockout (S2)', () => {
  it('locks a key after N attempts that were not right, for M ms, and a success clears its login', () => {
    let now = 0;
    const lockout = new Lockout(() => ({ attempts: 3, durationMs: 60_000 }), () => now);
    const login = ['login:alice', 'ip:10.0.0.1'];
    expect(lockout.attempt(login)).toBe(true);
    expect(lockout.attempt(login)).toBe(true);
    expect(lockout.lockedUntil(login)).toBeNull();
    expect(lockout.attempt(login)).toBe(true); // the right password, counted first like any attempt
    lockout.succeed('login:alice', ['ip:10.0.0.1']); // its login starts afresh; the address keeps its 2 wrong
    expect(lockout.attempt(login)).toBe(true); // the third goes on, and locks the address
    expect(lockout.lockedUntil(['login:alice'])).toBeNull();
    expect(lockout.lockedUntil(login)).toBe(60_000);
    expect(lockout.attempt(login)).toBe(false);
    // Per login and per address: the same address with another login is locked too, another address is not.
    expect(lockout.lockedUntil(['login:bob', 'ip:10.0.0.1'])).toBe(60_000);
    expect(lockout.lockedUntil(['login:bob', 'ip:10.0.0.2'])).toBeNull();
    now = 60_001;
    expect(lockout.lockedUntil(login)).toBeNull();
    expect(lockout.attempt(login)).toBe(true); // a served lockout starts the count afresh
    expect(lockout.lockedUntil(login)).toBeNull();
  });

  it('counts attempts before they are checked: of parallel attempts only N get through (issue 14, row 3)', () => {
    const lockout = new Lockout(() => ({ attempts: 5, durationMs: 60_000 }), () => 0);
    const passed = Array.from({ length: 40 }, () => lockout.attempt(['login:alice', 'ip:10.0.0.9'])).filter(Boolean).length;
    expect(passed).toBe(5);
  });

  it("one login's success does not clear a spray across other logins from its address (issue 14, row 11)", () => {
    const lockout = new Lockout(() => ({ attempts: 5, durationMs: 60_000 }), () => 0);
    for (const name of ['a', 'b', 'c', 'd']) lockout.attempt([`login:${name}`, 'ip:10.0.0.9']);
    lockout.attempt(['login:mine', 'ip:10.0.0.9']);
    lockout.succeed('login:mine', ['ip:10.0.0.9']);
    expect(lockout.attempt(['login:e', 'ip:10.0.0.9'])).toBe(true);
    expect(lockout.lockedUntil(['login:f', 'ip:10.0.0.9'])).toBe(60_000);
  });

  it('takes back an attempt that was never checked (the hash gate refused it, issue 14, row 3b)', () => {
    const lockout = new Lockout(() => ({ attempts: 2, durationMs: 60_000 }), () => 0);
    const keys = ['login:alice', 'ip:10.0.0.1'];
    expect(lockout.attempt(keys)).toBe(true);
    expect(lockout.attempt(keys)).toBe(true); // reaches the limit: locked
    expect(lockout.lockedUntil(keys)).toBe(60_000);
    lockout.withdraw(keys); // ...but it was refused before its check
    expect(lockout.lockedUntil(keys)).toBeNull();
    expect(lockout.attempt(keys)).toBe(true);
    expect(lockout.attempt(keys)).toBe(false);
  });
});
