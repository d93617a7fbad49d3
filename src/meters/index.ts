// Modbus power meters (spec P1-P3, Z7, D4): register maps as data, config validation, the poller.

export {
  MeterPoller, testConnection,
  type MeterPollerEvents, type MeterPollerOptions, type MeterState, type MeterStatus, type TestConnectionResult,
} from './meter-poller.js';
export { MeterReadError, readMeter, planReads, type MeterReading, type ReadErrorKind } from './read-meter.js';
export {
  MeterConfigSchema, validateMeterConfig, validateMeterConfigs, withDefaults, describeEndpoint,
  DEFAULT_MODBUS_PORT, DEFAULT_POLLING_MS, DEFAULT_UNIT_ID, METER_PROTOCOLS, PARITIES,
  type MeterConfig, type MeterConfigInput, type MeterConfigError, type MeterConfigValidation, type MeterConfigsValidation, type MeterProtocol,
} from './meter-config.js';
export {
  RegisterMapSchema, validateRegisterMap, formatMapError, protocolAddress, wordOrderOf, functionOf,
  DATA_TYPES, QUANTITIES, WORDS,
  type RegisterMap, type QuantitySpec, type DataType, type Quantity, type WordOrder, type RegisterFunction,
  type MapError, type MapValidation,
} from './register-map.js';
export { builtinMaps, BUILTIN_MAP_IDS, type BuiltinMapId } from './builtin-maps.js';
export { loadRegisterMaps, type LoadedMaps } from './map-folder.js';
export { decodeWords, encodeWords } from './decode.js';
export { openModbusLink, type ModbusLink } from './modbus-link.js';
