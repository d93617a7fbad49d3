// One reading of one meter: the map's quantities grouped into as few reads as possible
// (contiguous registers only: a gap may hold registers the device refuses), then decoded and
// checked. Anything odd is an error naming the meter and the register, never a silent 0.
import { decodeWords } from './decode.js';
import type { ModbusLink } from './modbus-link.js';
import {
  QUANTITIES, WORDS, functionOf, protocolAddress, wordOrderOf,
  type Quantity, type QuantitySpec, type RegisterFunction, type RegisterMap,
} from './register-map.js';

export interface MeterReading {
  /** Per phase L1, L2, L3, in A. */
  currentsA: [number, number, number];
  /** Total active power in W, or null when the map has none. */
  powerW: number | null;
  /** Active energy in Wh, or null when the map has none. */
  energyWh: number | null;
  /** When the reading completed (epoch ms). */
  at: number;
}

/** transport and timeout need a new connection; exception and invalid do not. */
export type ReadErrorKind = 'transport' | 'timeout' | 'exception' | 'invalid';

export class MeterReadError extends Error {
  constructor(readonly kind: ReadErrorKind, message: string, readonly modbusCode?: number) {
    super(message);
    this.name = 'MeterReadError';
  }
}

interface Item { quantity: Quantity; spec: QuantitySpec; fn: RegisterFunction; address: number; words: number }
export interface ReadBlock { fn: RegisterFunction; address: number; count: number; items: Item[] }

const MAX_BLOCK = 125; // registers per read, Modbus limit for FC3/FC4

export function planReads(map: RegisterMap): ReadBlock[] {
  const items: Item[] = [];
  for (const quantity of QUANTITIES) {
    const spec = map.quantities[quantity];
    if (spec) items.push({ quantity, spec, fn: functionOf(map, spec), address: protocolAddress(map, spec), words: WORDS[spec.type] });
  }
  items.sort((a, b) => (a.fn === b.fn ? a.address - b.address : a.fn < b.fn ? -1 : 1));
  const blocks: ReadBlock[] = [];
  for (const item of items) {
    const last = blocks.at(-1);
    const end = item.address + item.words;
    if (last && last.fn === item.fn && item.address <= last.address + last.count && end - last.address <= MAX_BLOCK) {
      last.count = Math.max(last.count, end - last.address);
      last.items.push(item);
    } else {
      blocks.push({ fn: item.fn, address: item.address, count: item.words, items: [item] });
    }
  }
  return blocks;
}

export async function readMeter(link: ModbusLink, meterName: string, map: RegisterMap, now: () => number): Promise<MeterReading> {
  const values = new Map<Quantity, number>();
  for (const block of planReads(map)) {
    const where = describeBlock(map, block);
    let data: number[];
    try {
      data = await link.readRegisters(block.fn, block.address, block.count);
    } catch (err) {
      throw classify(err, `meter "${meterName}": ${where}`);
    }
    if (!Array.isArray(data) || data.length !== block.count) {
      throw new MeterReadError('invalid', `meter "${meterName}": ${where}: expected ${block.count} registers, got ${Array.isArray(data) ? data.length : 'none'}`);
    }
    for (const item of block.items) {
      const offset = item.address - block.address;
      const raw = decodeWords(data.slice(offset, offset + item.words), item.spec.type, wordOrderOf(map, item.spec));
      const value = raw * (item.spec.scale ?? 1);
      if (!Number.isFinite(value)) {
        throw new MeterReadError('invalid', `meter "${meterName}": register ${item.spec.register} (${item.quantity}, ${item.spec.type}) is not a number (${raw})`);
      }
      values.set(item.quantity, value);
    }
  }
  const current = (q: Quantity): number => {
    const v = values.get(q);
    // The schema makes the currents required; a missing one is a bug, never a 0 A reading.
    if (v === undefined) throw new MeterReadError('invalid', `meter "${meterName}": map ${map.id} has no ${q}`);
    return v;
  };
  return {
    currentsA: [current('currentL1A'), current('currentL2A'), current('currentL3A')],
    powerW: values.get('powerW') ?? null,
    energyWh: values.get('energyWh') ?? null,
    at: now(),
  };
}

function describeBlock(map: RegisterMap, block: ReadBlock): string {
  const first = block.items[0].spec.register;
  const last = first + block.count - 1;
  const names = block.items.map((i) => i.quantity).join(', ');
  const range = block.count === 1 ? `register ${first}` : `registers ${first}-${last}`;
  return `${range} (${names}; ${block.fn} address ${block.address}, ${map.id})`;
}

function classify(err: unknown, context: string): MeterReadError {
  const e = err as { message?: string; errno?: string; code?: string; modbusCode?: number };
  const message = e.message ?? String(err);
  if (typeof e.modbusCode === 'number') {
    return new MeterReadError('exception', `${context}: answered ${message}`, e.modbusCode);
  }
  if (e.errno === 'ETIMEDOUT' || e.code === 'ETIMEDOUT') return new MeterReadError('timeout', `${context}: no answer (timed out)`);
  if (/CRC|length|Unexpected data/i.test(message)) return new MeterReadError('invalid', `${context}: bad reply (${message})`);
  return new MeterReadError('transport', `${context}: ${message}`);
}
