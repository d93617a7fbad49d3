// A simulated electric vehicle behind an AC connector. Pure: time only moves through step().

import { PHASE_VOLTAGE_V } from './charging-schedule.js';

export interface VehicleOptions {
  /** Usable battery capacity. */
  batteryWh?: number;
  /** State of charge at plug-in, 0..1. */
  soc?: number;
  /** Most the on-board charger takes, per phase. */
  maxCurrentA?: number;
  /** Phases the on-board charger uses (1 or 3). */
  phases?: 1 | 3;
  /** Above this state of charge the current tapers linearly to `taperEndA` at 100 %. */
  taperStartSoc?: number;
  taperEndA?: number;
  /** Time the car takes to follow a new limit. */
  reactionDelayMs?: number;
  /** How fast the car ramps up to a higher current, in A per second (Infinity = at once). */
  rampUpAPerS?: number;
  /** IEC 61851: below this offered current the car cannot charge (it draws 0 A). */
  minCurrentA?: number;
  /** Share of the metered energy that ends up in the battery. */
  efficiency?: number;
}

export interface VehicleStep {
  /** Current drawn per used phase at the end of the step. */
  currentA: number;
  /** Phases drawing current (0 when not charging). */
  phases: number;
  /** Power at the end of the step. */
  powerW: number;
  /** Energy taken from the grid during the step. */
  energyWh: number;
}

const DEFAULTS: Required<VehicleOptions> = {
  batteryWh: 60_000,
  soc: 0.3,
  maxCurrentA: 16,
  phases: 3,
  taperStartSoc: 0.8,
  taperEndA: 2,
  reactionDelayMs: 2_000,
  rampUpAPerS: 10,
  minCurrentA: 6,
  efficiency: 0.92,
};

/** A car that follows the offered current after a delay, ramps up, and tapers near full. */
export class Vehicle {
  readonly options: Required<VehicleOptions>;
  private socValue: number;
  private clockMs = 0;
  /** The offered limit the car has reacted to. */
  private followedLimitA = 0;
  private pending: { limitA: number; atMs: number } | undefined;
  private lastOfferedA: number | undefined;
  private drawA = 0;

  constructor(options: VehicleOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.socValue = Math.min(1, Math.max(0, this.options.soc));
  }

  /** State of charge, 0..1. */
  get soc(): number {
    return this.socValue;
  }

  get currentA(): number {
    return this.drawA;
  }

  get full(): boolean {
    return this.socValue >= 1;
  }

  /** What the car would take now if offered unlimited current (taper and capacity included). */
  acceptanceA(): number {
    const o = this.options;
    if (this.socValue >= 1) return 0;
    if (this.socValue <= o.taperStartSoc) return o.maxCurrentA;
    const f = (1 - this.socValue) / (1 - o.taperStartSoc);
    return Math.max(o.taperEndA, o.taperEndA + (o.maxCurrentA - o.taperEndA) * f);
  }

  /**
   * Advances the car by `dtMs` while the station offers `limitA` per phase on `phasesAvailable`
   * phases. A new limit takes effect after the reaction delay; increases then ramp.
   */
  step(limitA: number, dtMs: number, phasesAvailable = 3): VehicleStep {
    const o = this.options;
    if (limitA !== this.lastOfferedA) {
      this.lastOfferedA = limitA;
      if (o.reactionDelayMs <= 0) {
        this.followedLimitA = limitA;
        this.pending = undefined;
      } else {
        this.pending = { limitA, atMs: this.clockMs + o.reactionDelayMs };
      }
    }
    const phases = Math.max(1, Math.min(o.phases, phasesAvailable));
    let energyWh = 0;
    let left = Math.max(0, dtMs);
    while (left > 0) {
      // Split the step where the pending limit takes effect.
      let chunk = left;
      if (this.pending && this.pending.atMs > this.clockMs) chunk = Math.min(chunk, this.pending.atMs - this.clockMs);
      if (this.pending && this.pending.atMs <= this.clockMs) {
        this.followedLimitA = this.pending.limitA;
        this.pending = undefined;
      }
      chunk = Math.min(chunk, 1_000);
      energyWh += this.advance(chunk, phases);
      this.clockMs += chunk;
      left -= chunk;
    }
    if (this.pending && this.pending.atMs <= this.clockMs) {
      this.followedLimitA = this.pending.limitA;
      this.pending = undefined;
      // A limit that took effect right at the end: decreases (and instant ramps) show at once.
      const target = this.targetA();
      if (target < this.drawA || !(Number.isFinite(o.rampUpAPerS) && o.rampUpAPerS > 0)) this.drawA = target;
    }
    const drawing = this.drawA > 0 ? phases : 0;
    return { currentA: this.drawA, phases: drawing, powerW: this.drawA * PHASE_VOLTAGE_V * drawing, energyWh };
  }

  /** What the car draws once settled on the limit it follows. */
  private targetA(): number {
    const offered = this.followedLimitA < this.options.minCurrentA ? 0 : this.followedLimitA;
    return Math.min(offered, this.acceptanceA());
  }

  private advance(chunkMs: number, phases: number): number {
    const o = this.options;
    const target = this.targetA();
    const startA = this.drawA;
    let endA = target;
    let meanA = target;
    if (target > startA && Number.isFinite(o.rampUpAPerS) && o.rampUpAPerS > 0) {
      const rampMs = ((target - startA) / o.rampUpAPerS) * 1000;
      if (rampMs >= chunkMs) {
        endA = startA + (o.rampUpAPerS * chunkMs) / 1000;
        meanA = (startA + endA) / 2;
      } else {
        meanA = (((startA + target) / 2) * rampMs + target * (chunkMs - rampMs)) / chunkMs;
      }
    }
    const room = (1 - this.socValue) * o.batteryWh;
    // The car stops taking energy once full, even mid-step.
    const energyWh = Math.min((meanA * PHASE_VOLTAGE_V * phases * chunkMs) / 3_600_000, room / o.efficiency);
    this.socValue = Math.min(1, this.socValue + (energyWh * o.efficiency) / o.batteryWh);
    if (1 - this.socValue < 1e-9) this.socValue = 1;
    this.drawA = this.socValue >= 1 ? 0 : endA;
    return energyWh;
  }
}
