// The station simulator (spec R2): what the demo, the integration tests and the benchmark import.

export { SimStation } from './sim-station.js';
export type * from './sim-station-types.js';
export type { PhaseWiring } from './station-meter.js';
export { SimFleet, seededRandom, type FleetStartSummary, type SimFleetEvents, type SimFleetOptions } from './sim-fleet.js';
export { Vehicle, type VehicleOptions, type VehicleStep } from './vehicle.js';
export { HandshakeError } from './rpc-link.js';
export { FakeCentralSystem, type FakeCentralSystemOptions, type ReceivedCall } from './fake-central-system.js';
export * from './charging-profiles.js';
export type * from './ocpp-types.js';
export { SimMeter, buildingLoadA, crc16, type Phases, type SimMeterFailure, type SimMeterOptions } from './sim-meter.js';
