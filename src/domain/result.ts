// The output of allocate(): a setpoint per connector, each with the reason that bound it (A2, A11).

import type { FailsafeReason } from './limits/failsafe.js';
import type { LimitSource } from './limits/zone-limits.js';
import type { PerPhase, Phase } from './phases.js';
import type { SheddingPriority } from './settings.js';
import type { AllocatorState, ExternalCapSource } from './snapshot.js';

export type SuspendCause =
  /** A5: its minimum does not fit next to the vehicles ranked before it. */
  | 'shortage'
  /** A8: it would fit, but not with the resume margin. */
  | 'resume-margin'
  /** Its maximum is below its minimum (A3): it can never charge. */
  | 'max-below-minimum';

export type SetpointReason =
  | { code: 'idle' }
  | { code: 'config-error'; message: string }
  /**
   * D2, D3, D6, D8: the station is not connected; currentA is what it is counted at: what it holds
   * (held: its acknowledged profiles, D8), else its failsafe or a DC's last setpoint.
   */
  | { code: 'station-offline'; assumption: 'held' | 'failsafe' | 'dc-last-setpoint'; failsafe?: FailsafeReason }
  /** D8: connected, but its failsafe profile is not acknowledged yet: counted at what it may hold (its maximum until then). */
  | { code: 'not-provisioned' }
  /** D8: a live profile sent to it is unanswered past the patience: counted at what it may still hold, the others share around it. */
  | { code: 'not-answering' }
  /** The station does not apply setpoints: currentA is its maximum, held for it. */
  | { code: 'uncontrolled' }
  /** The zone's limit on that phase is used up. */
  | { code: 'zone-limit'; zone: string; phase: Phase; limitA: number; source: LimitSource; reservedA: number }
  | { code: 'connector-max'; maxA: number; maxPowerW?: number }
  /** A7: capped at its measured draw plus a margin. */
  | { code: 'demand'; capA: number; measuredA: number }
  /** U1: capped from outside the LMS (a CPO charging profile), below its own maximum. */
  | { code: 'external-cap'; source: ExternalCapSource['kind']; capA: number }
  | {
      code: 'suspended';
      cause: SuspendCause;
      since: number;
      /** The constraint where its minimum did not fit. */
      zone?: string;
      phase?: Phase;
      limitA?: number;
      source?: LimitSource;
      minA: number;
      priority?: SheddingPriority;
      /** A6: when it will be ranked ahead of the charging vehicles. */
      nextTurnAt?: number;
    };

export interface Setpoint {
  connectorId: string;
  zone: string;
  /** A per phase; 0 = suspended or idle. DC: the current per phase that powerW stands for. */
  currentA: number;
  /** DC only (A9). */
  powerW?: number;
  /** The site phases this setpoint is counted on (fewer than wired when A7 freed some). */
  phases: readonly Phase[];
  /** Effective bounds, A per phase (A3, A9). */
  minA: number;
  maxA: number;
  vip: boolean;
  /** False while the station is offline or uncontrolled: its setpoint is an assumption, not an order. */
  controllable: boolean;
  /** A7: cap lifted for a probe. */
  probing?: boolean;
  reason: SetpointReason;
}

export interface ZoneReport {
  zone: string;
  parent: string | null;
  nominalA: number;
  limitA: PerPhase;
  sources: readonly [LimitSource, LimitSource, LimitSource];
  /** Held for offline stations (D2, D6) and uncontrolled ones. */
  reservedA: PerPhase;
  /** Sum of the controllable setpoints in the subtree. */
  allocatedA: PerPhase;
  /** Sum of fresh EV measurements in the subtree (Z6). */
  evMeasuredA: PerPhase;
  meterLost: boolean;
  /** Dynamic zones with a reading: meter − EV measured. */
  otherLoadsA?: PerPhase;
}

export interface AllocationResult {
  at: number;
  setpoints: Setpoint[];
  zones: ZoneReport[];
  /** Pass this back as snapshot.state next time. */
  state: AllocatorState;
}
