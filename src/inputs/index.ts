// Digital inputs (M2): signal sources (GPIO character device, GPIO sysfs, MQTT, manual) feeding
// the levels that domain/limits/digital-inputs.ts turns into a limit.
export type { DigitalInput } from '../domain/limits/digital-inputs.js';
export { MAX_DIGITAL_INPUTS, activeDigitalInput } from '../domain/limits/digital-inputs.js';
export {
  DEFAULT_HIGH_PAYLOADS,
  DEFAULT_LOW_PAYLOADS,
  DEFAULT_SYSFS_BASE_PATH,
  SOURCE_DEFAULTS,
  type DigitalInputConfig,
  type GpioBias,
  type GpioChardevSource,
  type GpioSysfsSource,
  type ManualSource,
  type MqttSource,
  type SignalSource,
  type SignalSourceKind,
} from './config.js';
export {
  DigitalInputs,
  DigitalInputsError,
  type DigitalInputsEvents,
  type DigitalInputsOptions,
  type HighCause,
  type InputChange,
  type InputHealthChange,
  type InputSourceHealth,
  type InputState,
  type SourceStatus,
} from './digital-inputs.js';
export type { GpiodTools } from './chardev-source.js';
export type { InputsLogger } from './source.js';
export { formatInputConfigError, validateInputConfigs, type InputConfigError, type InputConfigValidation } from './validate-config.js';
