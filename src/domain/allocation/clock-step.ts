// U3: the reference clock can step (it follows the CPO's time). What allocate() remembers is a set
// of instants that measure durations (served since, suspended since, demand probes); they move
// with the clock, so that a step neither ends a turn early nor holds a car back for its length.
// Session start times are left: they only order sessions and name the session a state belongs to.
import type { AllocatorState, ConnectorState, DemandState } from '../snapshot.js';

const shift = (at: number | undefined, stepMs: number) => (at === undefined ? undefined : at + stepMs);

function shiftDemand(demand: DemandState, stepMs: number): DemandState {
  const moved: DemandState = { ...demand };
  if (demand.lowDrawSince !== undefined) moved.lowDrawSince = shift(demand.lowDrawSince, stepMs);
  if (demand.cappedAt !== undefined) moved.cappedAt = shift(demand.cappedAt, stepMs);
  if (demand.probeUntil !== undefined) moved.probeUntil = shift(demand.probeUntil, stepMs);
  if (demand.phaseCandidateSince !== undefined) moved.phaseCandidateSince = shift(demand.phaseCandidateSince, stepMs);
  return moved;
}

function shiftConnector(state: ConnectorState, stepMs: number): ConnectorState {
  const moved: ConnectorState = { ...state };
  if (state.servedSince !== undefined) moved.servedSince = shift(state.servedSince, stepMs);
  if (state.suspendedSince !== undefined) moved.suspendedSince = shift(state.suspendedSince, stepMs);
  if (state.demand) moved.demand = shiftDemand(state.demand, stepMs);
  return moved;
}

/** The allocator's memory with every duration-measuring instant moved by `stepMs`. */
export function shiftAllocatorState(state: AllocatorState, stepMs: number): AllocatorState {
  return { connectors: state.connectors.map((c) => shiftConnector(c, stepMs)) };
}
