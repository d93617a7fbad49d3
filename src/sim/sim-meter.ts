// A simulated power meter: a real Modbus server on 127.0.0.1 that serves one register map
// (spec R2). The building load follows the time of day; the demo adds the cars' currents.
// Failure switches let tests see what a real meter does wrong: silence, exceptions, short
// replies, NaN values, and going away and coming back on the same port.
// Small own server (FC3/FC4 only) rather than modbus-serial's ServerTCP: it needs port 0, raw
// RTU framing (a transparent gateway) and the failure modes, none of which ServerTCP has.
import { createServer, type Server, type Socket } from 'node:net';
import { builtinMaps } from '../meters/builtin-maps.js';
import { encodeWords } from '../meters/decode.js';
import { QUANTITIES, WORDS, functionOf, protocolAddress, wordOrderOf, type Quantity, type RegisterMap } from '../meters/register-map.js';

export type Phases = [number, number, number];

/** none: normal; silent: reads nothing back; exception: Modbus exception; short: too few registers. */
export type SimMeterFailure = 'none' | 'silent' | 'exception' | 'short';

export interface SimMeterOptions {
  /** A register map or the id of a built-in one [pm5320-iem3x5x-powertag]. */
  map?: RegisterMap | string;
  host?: string;
  /** 0 picks a free port; read `port` after start [0]. */
  port?: number;
  /** tcp: Modbus TCP (MBAP); rtu: raw RTU frames over TCP, like a transparent gateway [tcp]. */
  framing?: 'tcp' | 'rtu';
  /** Answer only this unit id; other ids get no answer (rtu) or exception 11 (tcp) [any]. */
  unitId?: number;
  /** Building load: a fixed value (setCurrentsA) or a function of time [buildingLoadA]. */
  currentsA?: Phases;
  profile?: (at: number) => Phases;
  /** Added to the building load, e.g. the simulated cars' currents. */
  extraCurrentsA?: () => Phases;
  /** Phase-to-neutral voltage for power and energy, at power factor 1 [230]. */
  voltageV?: number;
  energyWh?: number;
  now?: () => number;
}

/**
 * A building's load over the day, per phase: low at night, a morning rise, a midday peak and an
 * evening bump, with a slight phase imbalance. `peakA` scales it. Local time of `at`.
 */
export function buildingLoadA(at: number, peakA = 40): Phases {
  const d = new Date(at);
  const hour = d.getHours() + d.getMinutes() / 60 + d.getSeconds() / 3600;
  const bump = (center: number, width: number) => Math.exp(-(((hour - center) / width) ** 2));
  const shape = 0.2 + 0.55 * bump(12.5, 3.5) + 0.3 * bump(8, 1.5) + 0.35 * bump(19, 2);
  const base = peakA * Math.min(1, shape);
  return [base * 1.0, base * 0.9, base * 0.8].map((v) => Math.round(v * 10) / 10) as Phases;
}

export class SimMeter {
  readonly host: string;
  port = 0;
  readonly map: RegisterMap;
  /** Requests received (answered or not), for tests. */
  requests = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private failure: SimMeterFailure = 'none';
  private exceptionCode = 4;
  private fixedA: Phases | null;
  private profile: (at: number) => Phases;
  private extra: (() => Phases) | null;
  private readonly overrides = new Map<Quantity, number[]>();
  private energyWh: number;
  private energyAt: number;
  private readonly now: () => number;

  private constructor(private readonly options: SimMeterOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    const map = options.map ?? 'pm5320-iem3x5x-powertag';
    const found = typeof map === 'string' ? builtinMaps().get(map) : map;
    if (!found) throw new Error(`SimMeter: unknown register map "${String(map)}"`);
    this.map = found;
    this.fixedA = options.currentsA ?? null;
    this.profile = options.profile ?? ((at) => buildingLoadA(at));
    this.extra = options.extraCurrentsA ?? null;
    this.now = options.now ?? Date.now;
    this.energyWh = options.energyWh ?? 1_000_000;
    this.energyAt = this.now();
  }

  static async start(options: SimMeterOptions = {}): Promise<SimMeter> {
    const meter = new SimMeter(options);
    await meter.listen();
    return meter;
  }

  /** Fixes the building load (instead of the profile). */
  setCurrentsA(currentsA: Phases): void {
    this.fixedA = [...currentsA];
  }

  /** Back to a load that follows `profile` (or the default day profile). */
  setProfile(profile?: (at: number) => Phases): void {
    this.fixedA = null;
    this.profile = profile ?? ((at) => buildingLoadA(at));
  }

  setExtraCurrentsA(extra: (() => Phases) | null): void {
    this.extra = extra;
  }

  /** What the meter measures now: building load plus extra. */
  currentsA(at = this.now()): Phases {
    const base = this.fixedA ?? this.profile(at);
    const extra = this.extra?.() ?? [0, 0, 0];
    return [0, 1, 2].map((i) => Math.max(0, base[i] + extra[i])) as Phases;
  }

  powerW(at = this.now()): number {
    return this.currentsA(at).reduce((s, a) => s + a, 0) * (this.options.voltageV ?? 230);
  }

  setFailure(failure: SimMeterFailure, exceptionCode = 4): void {
    this.failure = failure;
    this.exceptionCode = exceptionCode;
  }

  /** Serves these raw words for a quantity (e.g. a NaN float), or the true value again with null. */
  setRawWords(quantity: Quantity, words: number[] | null): void {
    if (words) this.overrides.set(quantity, words);
    else this.overrides.delete(quantity);
  }

  /** Stops listening and drops every connection, as a meter that loses power. */
  async goDown(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async comeBack(): Promise<void> {
    if (!this.server) await this.listen();
  }

  async stop(): Promise<void> {
    await this.goDown();
  }

  private listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        this.port = (server.address() as { port: number }).port;
        this.server = server;
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      pending = this.options.framing === 'rtu' ? this.takeRtu(socket, pending) : this.takeTcp(socket, pending);
    });
  }

  /** Consumes whole MBAP frames from `buf`; returns what is left. */
  private takeTcp(socket: Socket, buf: Buffer): Buffer {
    while (buf.length >= 7) {
      const length = buf.readUInt16BE(4);
      if (buf.length < 6 + length) break;
      const tid = buf.readUInt16BE(0);
      const unit = buf[6];
      const pdu = buf.subarray(7, 6 + length);
      buf = buf.subarray(6 + length);
      const reply = this.answer(unit, pdu, true);
      if (reply) {
        const header = Buffer.alloc(7);
        header.writeUInt16BE(tid, 0);
        header.writeUInt16BE(0, 2);
        header.writeUInt16BE(reply.length + 1, 4);
        header[6] = unit;
        socket.write(Buffer.concat([header, reply]));
      }
    }
    return buf;
  }

  /** Consumes RTU read requests (8 bytes with CRC); a bad CRC drops the buffer, like a device. */
  private takeRtu(socket: Socket, buf: Buffer): Buffer {
    while (buf.length >= 8) {
      const frame = buf.subarray(0, 8);
      if (crc16(frame.subarray(0, 6)) !== frame.readUInt16LE(6)) return Buffer.alloc(0);
      buf = buf.subarray(8);
      const unit = frame[0];
      const reply = this.answer(unit, frame.subarray(1, 6), false);
      if (reply) {
        const body = Buffer.concat([Buffer.from([unit]), reply]);
        const crc = Buffer.alloc(2);
        crc.writeUInt16LE(crc16(body));
        socket.write(Buffer.concat([body, crc]));
      }
    }
    return buf;
  }

  /** The reply PDU (function code onwards) for a request PDU, or null for no answer. */
  private answer(unit: number, pdu: Buffer, tcp: boolean): Buffer | null {
    this.requests += 1;
    if (this.failure === 'silent') return null;
    const fc = pdu[0];
    const exception = (code: number) => Buffer.from([fc | 0x80, code]);
    if (this.options.unitId !== undefined && unit !== this.options.unitId) return tcp ? exception(0x0b) : null;
    if (fc !== 3 && fc !== 4) return exception(1);
    if (pdu.length < 5) return exception(3);
    if (this.failure === 'exception') return exception(this.exceptionCode);
    const address = pdu.readUInt16BE(1);
    const count = pdu.readUInt16BE(3);
    if (count < 1 || count > 125) return exception(3);
    const image = this.registerImage(fc === 4 ? 'input' : 'holding');
    const words: number[] = [];
    for (let a = address; a < address + count; a++) {
      const w = image.get(a);
      if (w === undefined) return exception(2); // like a device: only mapped registers exist
      words.push(w);
    }
    const served = this.failure === 'short' ? words.slice(0, Math.max(0, words.length - 1)) : words;
    const out = Buffer.alloc(2 + served.length * 2);
    out[0] = fc;
    out[1] = served.length * 2;
    served.forEach((w, i) => out.writeUInt16BE(w, 2 + i * 2));
    return out;
  }

  /** address -> word for every register of the map, from the present values. */
  private registerImage(fn: 'holding' | 'input'): Map<number, number> {
    const at = this.now();
    const currents = this.currentsA(at);
    const powerW = this.powerW(at);
    this.energyWh += (powerW * Math.max(0, at - this.energyAt)) / 3_600_000;
    this.energyAt = at;
    const values: Record<Quantity, number> = {
      currentL1A: currents[0], currentL2A: currents[1], currentL3A: currents[2], powerW, energyWh: this.energyWh,
    };
    const image = new Map<number, number>();
    for (const q of QUANTITIES) {
      const spec = this.map.quantities[q];
      if (!spec || functionOf(this.map, spec) !== fn) continue;
      const words = this.overrides.get(q) ?? encodeWords(values[q] / (spec.scale ?? 1), spec.type, wordOrderOf(this.map, spec));
      const base = protocolAddress(this.map, spec);
      for (let i = 0; i < WORDS[spec.type]; i++) image.set(base + i, words[i] ?? 0);
    }
    return image;
  }
}

/** Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF), sent low byte first. */
export function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
