// Words <-> numbers for the register data types. Bytes within a word are always big-endian
// (Modbus); only the order of the words varies between makers.
import { WORDS, type DataType, type WordOrder } from './register-map.js';

function toBuffer(words: readonly number[], order: WordOrder): Buffer {
  const ordered = order === 'big' ? words : [...words].reverse();
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => buf.writeUInt16BE(w & 0xffff, i * 2));
  return buf;
}

function fromBuffer(buf: Buffer, order: WordOrder): number[] {
  const words: number[] = [];
  for (let i = 0; i < buf.length; i += 2) words.push(buf.readUInt16BE(i));
  return order === 'big' ? words : words.reverse();
}

/** The raw value of `words` (exactly WORDS[type] of them). Can be NaN for floats. */
export function decodeWords(words: readonly number[], type: DataType, order: WordOrder): number {
  if (words.length !== WORDS[type]) throw new RangeError(`${type} needs ${WORDS[type]} registers, got ${words.length}`);
  const buf = toBuffer(words, order);
  switch (type) {
    case 'int16': return buf.readInt16BE(0);
    case 'uint16': return buf.readUInt16BE(0);
    case 'int32': return buf.readInt32BE(0);
    case 'uint32': return buf.readUInt32BE(0);
    case 'int64': return Number(buf.readBigInt64BE(0));
    case 'uint64': return Number(buf.readBigUInt64BE(0));
    case 'float32': return buf.readFloatBE(0);
    case 'float64': return buf.readDoubleBE(0);
  }
}

/** The words that encode `raw` (for the simulated meter and tests). Integers are rounded. */
export function encodeWords(raw: number, type: DataType, order: WordOrder): number[] {
  const buf = Buffer.alloc(WORDS[type] * 2);
  const int = Math.round(raw);
  switch (type) {
    case 'int16': buf.writeInt16BE(clamp(int, -0x8000, 0x7fff)); break;
    case 'uint16': buf.writeUInt16BE(clamp(int, 0, 0xffff)); break;
    case 'int32': buf.writeInt32BE(clamp(int, -0x80000000, 0x7fffffff)); break;
    case 'uint32': buf.writeUInt32BE(clamp(int, 0, 0xffffffff)); break;
    case 'int64': buf.writeBigInt64BE(BigInt(int)); break;
    case 'uint64': buf.writeBigUInt64BE(BigInt(Math.max(0, int))); break;
    case 'float32': buf.writeFloatBE(raw); break;
    case 'float64': buf.writeDoubleBE(raw); break;
  }
  return fromBuffer(buf, order);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
