// U3: the reference clock can step (it follows the CPO's time). What allocate() remembers is a set
// of instants that measure durations (served since, suspended since, demand probes); they move
// with the clock, so that a step neither ends a turn early nor holds a car back for its length.
// Session start times are left: they only order sessions and name the session a state belongs to.
import type { AllocatorState, ConnectorState, DemandState } from '../snapshot.js';

const CONNECTOR_INSTANTS = ['servedSince', 'suspendedSince'] as const;
const DEMAND_INSTANTS = ['lowDrawSince', 'cappedAt', 'probeUntil', 'phaseCandidateSince'] as const;

/** A copy of `from` with each of its instants `keys` that is set moved by `stepMs`. */
function moved<T extends object>(from: T, keys: readonly (keyof T)[], stepMs: number): T {
  const copy = { ...from };
  for (const key of keys) {
    const at = from[key];
    if (typeof at === 'number') (copy as Record<keyof T, unknown>)[key] = at + stepMs;
  }
  return copy;
}

function shiftConnector(state: ConnectorState, stepMs: number): ConnectorState {
  const shifted = moved(state, CONNECTOR_INSTANTS, stepMs);
  if (state.demand) shifted.demand = moved<DemandState>(state.demand, DEMAND_INSTANTS, stepMs);
  return shifted;
}

/** The allocator's memory with every duration-measuring instant moved by `stepMs`. */
export function shiftAllocatorState(state: AllocatorState, stepMs: number): AllocatorState {
  return { connectors: state.connectors.map((c) => shiftConnector(c, stepMs)) };
}
