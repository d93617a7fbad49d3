import { describe, expect, it } from 'vitest';
import { isSocketType, profileMinimumA, proposeMinimumA, SOCKET_TYPES, socketMinimumA } from './socket-type.js';

describe('socket types and the minimum they propose (A3, issue 16 item 2)', () => {
  it('A3: a T2S or TE socket proposes 10 A; the others leave the site standard', () => {
    expect(socketMinimumA('TE')).toBe(10);
    expect(socketMinimumA('T2S')).toBe(10);
    for (const s of SOCKET_TYPES.filter((t) => t !== 'TE' && t !== 'T2S')) expect(socketMinimumA(s)).toBeNull();
    expect(socketMinimumA(null)).toBeNull();
  });

  it('A3: an EV/ZE City station proposes 14 A for its connectors', () => {
    expect(profileMinimumA('evze-city')).toBe(14);
  });

  it('A3: picking a type replaces the minimum with its proposal, and drops only a proposal of ours', () => {
    expect(proposeMinimumA(null, null, 'TE')).toBe(10);
    expect(proposeMinimumA(12, 'T2', 'T2S')).toBe(10);
    expect(proposeMinimumA(10, 'TE', 'T2')).toBeNull(); // the old proposal: back to the standard
    expect(proposeMinimumA(12, 'TE', 'T2')).toBe(12); // the installer's figure stays
    expect(proposeMinimumA(8, null, 'CCS')).toBe(8);
    expect(proposeMinimumA(10, 'TE', null)).toBeNull();
  });

  it('knows the closed list only', () => {
    expect(isSocketType('T2')).toBe(true);
    expect(isSocketType('Schuko')).toBe(false);
    expect(isSocketType(2)).toBe(false);
  });
});
