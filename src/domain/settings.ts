// Site settings that shape the allocation (A3, A5, A6, A7, A8, A9, D4, Z6), with their defaults.

export type MinimumStandard = 'IEC61851' | 'EVZE';
export type SheddingPriority = 'energy' | 'duration';

export interface AllocationSettings {
  /** A3: IEC61851 = 6 A; EVZE = 8 A single-phase, 14 A three-phase. */
  minimumStandard: MinimumStandard;
  /** A5: who is suspended first on shortage: most energy, or longest charging. */
  sheddingPriority: SheddingPriority;
  /** A6: a suspended vehicle gets its turn after this long. */
  rotationPeriodMs: number;
  /** A9: converts DC watts to amperes per phase. */
  nominalVoltageV: number;
  /** A8: a suspended vehicle resumes only when its minimum plus this margin fits. */
  resumeMarginA: number;
  /** D4: a meter is lost after 3 polling periods without a reading. */
  meterPollIntervalMs: number;
  /** Z6: a connector measurement is stale after 3 sample intervals (per-connector override). */
  sampleIntervalMs: number;
  /** A1: connector/cable rating when a connector does not say [32 A]. */
  defaultMaxCurrentA: number;
  /** A7: demand awareness on/off. */
  demandEnabled: boolean;
  /** A7: "clearly less": the draw is at least this far below the offer. */
  demandThresholdA: number;
  /** A7: a capped car is offered its draw plus this margin. */
  demandMarginA: number;
  /** A7: the draw must stay low (or on fewer phases) this long before it counts. */
  demandDetectMs: number;
  /** A7: a capped car is offered its full share again this often... */
  demandProbePeriodMs: number;
  /** A7: ...for this long, to see whether it takes more. */
  demandProbeDurationMs: number;
}

export const DEFAULT_SETTINGS: Readonly<AllocationSettings> = Object.freeze({
  minimumStandard: 'IEC61851',
  sheddingPriority: 'energy',
  rotationPeriodMs: 15 * 60_000,
  nominalVoltageV: 230,
  resumeMarginA: 1,
  meterPollIntervalMs: 500,
  sampleIntervalMs: 10_000,
  defaultMaxCurrentA: 32,
  demandEnabled: true,
  demandThresholdA: 2,
  demandMarginA: 2,
  demandDetectMs: 60_000,
  demandProbePeriodMs: 10 * 60_000,
  demandProbeDurationMs: 2 * 60_000,
});

export function resolveSettings(partial?: Partial<AllocationSettings> | null): AllocationSettings {
  return { ...DEFAULT_SETTINGS, ...(partial ?? {}) };
}
