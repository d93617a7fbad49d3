// D8: the held limit, as a compliant station computes it, over what it may hold.
import { describe, expect, it } from 'vitest';
import {
  ANY, EMPTY_SLOT, heldLeastPhaseCount, heldLimitA, heldLimitOverA, heldLowerLimitA, heldPhaseCountOver, NONE, slotAnswered, slotExactly, slotExpired, slotMayHaveLost, slotSent, slotSurelyHolds, UNKNOWN, UNKNOWN_SLOT,
  type HeldKnowledge, type SlotKnowledge,
} from './held-limit.js';

const MAX = 32;
const exactly = (limitA: number, validToAt: number | null = null): SlotKnowledge => ({ known: [{ limitA, validToAt }], pending: [] });
const held = (failsafe: SlotKnowledge, live: SlotKnowledge): HeldKnowledge => ({ failsafe, live });

describe('held limit (D8)', () => {
  it('unknown (never provisioned, rebooted): its maximum', () => {
    expect(heldLimitA(UNKNOWN, MAX, 0)).toBe(32);
  });

  it('the live profile prevails while valid, whatever the failsafe; then the failsafe', () => {
    const k = held(exactly(6), exactly(0, 1000));
    expect(heldLimitA(k, MAX, 999)).toBe(0);
    expect(heldLimitA(k, MAX, 1000)).toBe(6); // validTo reached: expired
    expect(heldLimitA(held(exactly(6), exactly(20, 1000)), MAX, 500)).toBe(20);
  });

  it('no failsafe under an expired live profile: its maximum; a DC connector has none (D6)', () => {
    expect(heldLimitA(held(EMPTY_SLOT, exactly(10, 1000)), MAX, 2000)).toBe(32);
    expect(heldLimitA(held(EMPTY_SLOT, exactly(10, 1000)), MAX, 500)).toBe(10);
  });

  it('a raise counts from the moment it is sent; a reduction only once accepted', () => {
    let live = exactly(10, 10_000);
    live = slotSent(live, 1, { limitA: 20, validToAt: 20_000 });
    expect(heldLimitA(held(exactly(6), live), MAX, 0)).toBe(20);
    live = slotAnswered(live, 1, 'accepted');
    live = slotSent(live, 2, { limitA: 5, validToAt: 20_000 });
    expect(heldLimitA(held(exactly(6), live), MAX, 0)).toBe(20);
    expect(heldLimitA(held(exactly(6), slotAnswered(live, 2, 'unclear')), MAX, 0)).toBe(20);
    expect(heldLimitA(held(exactly(6), slotAnswered(live, 2, 'accepted')), MAX, 0)).toBe(5);
    expect(slotExactly(slotAnswered(live, 2, 'refused'))).toEqual({ limitA: 20, validToAt: 20_000 });
  });

  it('an accepted send replaces what was sent before it, not what was sent after', () => {
    let live = exactly(10, 10_000);
    live = slotSent(live, 1, { limitA: 30, validToAt: 10_000 });
    live = slotSent(live, 2, { limitA: 12, validToAt: 10_000 });
    live = slotSent(live, 3, { limitA: 25, validToAt: 10_000 });
    live = slotAnswered(live, 2, 'accepted');
    expect(live.known).toEqual([{ limitA: 12, validToAt: 10_000 }]);
    expect(live.pending.map((p) => p.sendId)).toEqual([3]);
    expect(heldLimitA(held(exactly(6), live), MAX, 0)).toBe(25);
  });

  it('an answer that never comes counts as maybe held: a failsafe unanswered leaves its maximum', () => {
    const failsafe = slotSent(UNKNOWN_SLOT, 1, { limitA: 6, validToAt: null });
    expect(heldLimitA(held(slotAnswered(failsafe, 1, 'unclear'), EMPTY_SLOT), MAX, 0)).toBe(32);
    expect(slotSurelyHolds(slotAnswered(failsafe, 1, 'unclear'))).toBe(false);
    expect(slotSurelyHolds(slotAnswered(failsafe, 1, 'accepted'))).toBe(true);
  });

  it('a reboot: what it held, or nothing; an offline station: live until validTo, failsafe after (D2)', () => {
    const k = held(slotMayHaveLost(exactly(6)), slotMayHaveLost(exactly(16, 5000)));
    expect(heldLimitA(k, MAX, 0)).toBe(32); // it may hold nothing at all
    const offline = held(exactly(6), exactly(16, 5000));
    expect(heldLimitA(offline, MAX, 4999)).toBe(16);
    expect(heldLimitA(offline, MAX, 5000)).toBe(6);
  });

  it('expired profiles fold into "nothing", keeping the limit the same', () => {
    let live = slotSent(exactly(16, 5000), 4, { limitA: 20, validToAt: 6000 });
    const before = heldLimitA(held(exactly(6), live), MAX, 5500);
    live = slotExpired(live, 5500);
    expect(heldLimitA(held(exactly(6), live), MAX, 5500)).toBe(before);
    expect(live.known).toEqual([NONE]);
    expect(slotExpired(live, 7000)).toEqual({ known: [NONE], pending: [] });
  });

  it('over a span: an offline station that holds 0 A now applies its failsafe once its live profile ends (D2)', () => {
    const k = held(exactly(9), exactly(0, 1000));
    expect(heldLimitOverA(k, MAX, 500, 0)).toBe(0);
    expect(heldLimitOverA(k, MAX, 500, Infinity)).toBe(9);
    expect(heldLimitOverA(k, MAX, 500, 400)).toBe(0); // still valid at the end of the span
    expect(heldLimitOverA(held(exactly(6), exactly(20, 1000)), MAX, 500, Infinity)).toBe(20);
  });

  it('the least it may be held to: what a profile can never raise; an unknown one may be 0 A', () => {
    const live = slotSent(exactly(10, 10_000), 1, { limitA: 25, validToAt: 10_000 });
    expect(heldLowerLimitA(held(exactly(6), live), MAX, 0)).toBe(10);
    expect(heldLowerLimitA(held(exactly(6), { known: [NONE, ANY], pending: [] }), MAX, 0)).toBe(0);
    expect(heldLowerLimitA(held(exactly(6), exactly(10, 100)), MAX, 200)).toBe(6);
    expect(heldLowerLimitA(held(EMPTY_SLOT, EMPTY_SLOT), MAX, 0)).toBe(32);
  });

  it('the fewest phases it may let a car use: a kept one-phase live profile or the failsafe on all (D8)', () => {
    const onePhase = { limitA: 16, validToAt: 1000, numberPhases: 1 };
    expect(heldLeastPhaseCount(held(exactly(6), { known: [onePhase], pending: [] }), 3, 0)).toBe(1);
    expect(heldLeastPhaseCount(held(exactly(6), { known: [onePhase], pending: [] }), 3, 2000)).toBe(3); // ended: the failsafe
    expect(heldLeastPhaseCount(held(exactly(6), { known: [NONE, onePhase], pending: [] }), 3, 0)).toBe(1);
    expect(heldLeastPhaseCount(held(exactly(6), { known: [NONE], pending: [] }), 3, 0)).toBe(3);
    expect(heldLeastPhaseCount(UNKNOWN, 3, 0)).toBe(1); // any profile may be on one phase
    expect(heldLeastPhaseCount(held(EMPTY_SLOT, EMPTY_SLOT), 3, 0)).toBe(3);
  });

  it('the phases it may let a car use: a live profile on one phase, the failsafe on all once it may end (A7)', () => {
    const onePhase = held(exactly(6), { known: [{ limitA: 16, validToAt: 1000, numberPhases: 1 }], pending: [] });
    expect(heldPhaseCountOver(onePhase, 3, 0, 0)).toBe(1);
    expect(heldPhaseCountOver(onePhase, 3, 0, 2000)).toBe(3); // it may end within the span
    const sent = { ...onePhase, live: slotSent(onePhase.live, 1, { limitA: 16, validToAt: 1000 }) };
    expect(heldPhaseCountOver(sent, 3, 0, 0)).toBe(3); // a profile on all phases may be installed
    expect(heldPhaseCountOver(UNKNOWN, 3, 0, 0)).toBe(3);
    expect(heldPhaseCountOver(onePhase, 1, 0, 0)).toBe(1);
  });
});
