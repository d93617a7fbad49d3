// The public face of the pure domain: what the control loop, the API and the CLI use.

export * from './phases.js';
export * from './settings.js';
export * from './snapshot.js';
export * from './result.js';
export { validateZoneTree, MAX_ZONE_DEPTH, type ZoneSpec, type ZoneMode, type ZoneRule, type ZoneTreeError, type ZoneTreeContext } from './topology/zone-tree.js';
export { zoneDrawWarnings, type ZoneDrawConnector, type ZoneDrawWarning } from './topology/zone-draw.js';
export { indexZones, type ZoneIndex } from './topology/zone-index.js';
export { connectorBounds, standardMinimumA, floorToGrid, ceilToGrid, dcPowerW, GRID_A, type ConnectorBounds } from './connector/bounds.js';
export { drawPerSitePhase, isMeasurementFresh } from './connector/measurement.js';
export * from './connector/socket-type.js';
export * from './limits/tou.js';
export * from './limits/tou-summary.js';
export * from './limits/digital-inputs.js';
export { zoneLimit, isMeterLost, limitModifier, type LimitSource, type LimitModifier, type ZoneLimit } from './limits/zone-limits.js';
export { failsafeCurrents, siteFailsafe, type Failsafe, type FailsafeReason } from './limits/failsafe.js';
export { allocate, allocateSteps } from './allocation/allocate.js';
export { shiftAllocatorState } from './allocation/clock-step.js';
export { planChanges, type ChangePlan, type ChangeStep, type HeldSetpoint } from './allocation/change-plan.js';
export { checkAllocation, type Violation } from './allocation/invariants.js';
export { describeReason, describeLimitSource, describeFailsafe } from './allocation/describe.js';
export * from './scenario/index.js';
export * from './connector/held-limit.js';
