import { describe, expect, it } from 'vitest';
import { decodeWords, encodeWords } from './decode.js';
import { DATA_TYPES } from './register-map.js';

describe('decodeWords / encodeWords', () => {
  it('reads float32 high word first (big) and low word first (little)', () => {
    // 12.5 = 0x41480000
    expect(decodeWords([0x4148, 0x0000], 'float32', 'big')).toBe(12.5);
    expect(decodeWords([0x0000, 0x4148], 'float32', 'little')).toBe(12.5);
  });

  it('reads signed and 64-bit integers', () => {
    expect(decodeWords([0xffff], 'int16', 'big')).toBe(-1);
    expect(decodeWords([0xffff], 'uint16', 'big')).toBe(65535);
    expect(decodeWords([0x0046, 0x0839], 'int32', 'big')).toBe(4_589_625); // Compact NSX guide's example
    expect(decodeWords([0, 0, 0x0001, 0x0000], 'int64', 'big')).toBe(65536);
    expect(decodeWords([0x0000, 0x0001, 0, 0], 'int64', 'little')).toBe(65536);
  });

  it('gives NaN for the float NaN a meter sends for "not available"', () => {
    expect(decodeWords([0xffc0, 0x0000], 'float32', 'big')).toBeNaN();
  });

  it('round-trips every type in both word orders', () => {
    for (const type of DATA_TYPES) {
      for (const order of ['big', 'little'] as const) {
        const value = type.startsWith('u') ? 1234 : type.startsWith('float') ? -12.25 : -1234;
        expect(decodeWords(encodeWords(value, type, order), type, order)).toBe(value);
      }
    }
  });

  it('refuses the wrong number of words', () => {
    expect(() => decodeWords([1], 'float32', 'big')).toThrow(/2 registers/);
  });
});
