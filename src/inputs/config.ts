// Configuration of the digital inputs (M2): where each input's signal comes from.
// The pure side (DigitalInput, activeDigitalInput) lives in domain/limits/digital-inputs.ts.

/** Linux GPIO character device, read through the libgpiod tools (Debian `gpiod`). */
export interface GpioChardevSource {
  kind: 'gpio-chardev';
  /** `gpiochip0`, `0` or `/dev/gpiochip0`. */
  chip: string;
  /** Line offset on the chip. */
  line: number;
  /** The input is active while the line is electrically low (e.g. a contact to ground with a pull-up). */
  activeLow?: boolean;
  /** Ask the SoC for an internal pull resistor; `as-is` leaves it alone. */
  bias?: GpioBias;
  /** Wait before restarting a tool that failed or exited. */
  retryMs?: number;
  /** Re-read the level this often, so a missed edge cannot stay wrong for long; 0 = never. */
  resyncIntervalMs?: number;
}

export type GpioBias = 'as-is' | 'pull-up' | 'pull-down' | 'disable';

/** Legacy sysfs GPIO (`/sys/class/gpio/gpioN/value`), polled. */
export interface GpioSysfsSource {
  kind: 'gpio-sysfs';
  /** Global GPIO number, as written to `/sys/class/gpio/export`. */
  gpio: number;
  activeLow?: boolean;
  /** Default `/sys/class/gpio`; tests point it at a temp folder. */
  basePath?: string;
  pollIntervalMs?: number;
  retryMs?: number;
}

/** An MQTT topic whose payload says high or low. */
export interface MqttSource {
  kind: 'mqtt';
  /** `mqtt://host:1883`, `mqtts://`, `ws://` or `wss://`. */
  url: string;
  /** One topic, no wildcards. Publish it retained, so a restart learns the level at once. */
  topic: string;
  username?: string;
  password?: string;
  /** Payloads (trimmed, exact match) that mean high [DEFAULT_HIGH_PAYLOADS]. */
  highPayloads?: string[];
  /** Payloads that mean low [DEFAULT_LOW_PAYLOADS]. */
  lowPayloads?: string[];
  reconnectMs?: number;
}

/** Only the internal setter (CLI, site file, later the REST API). */
export interface ManualSource {
  kind: 'manual';
  /** Level at start [false]. */
  high?: boolean;
}

export type SignalSource = GpioChardevSource | GpioSysfsSource | MqttSource | ManualSource;
export type SignalSourceKind = SignalSource['kind'];

export interface DigitalInputConfig {
  id: string;
  enabled: boolean;
  /** 0–99 % of each zone's maxCurrentA while this input is active. */
  pct: number;
  /**
   * What the input counts as while its source gives no signal (not started yet, tool crashed,
   * broker unreachable, file unreadable) [true]: a lost signal keeps the reduction in force,
   * because a missing measurement counts as the worst case. Set false for an input whose
   * high level is not a safety request.
   */
  failSafeHigh?: boolean;
  source: SignalSource;
}

export const DEFAULT_HIGH_PAYLOADS: readonly string[] = ['1', 'ON', 'on', 'true', 'high'];
export const DEFAULT_LOW_PAYLOADS: readonly string[] = ['0', 'OFF', 'off', 'false', 'low'];
export const DEFAULT_SYSFS_BASE_PATH = '/sys/class/gpio';

export const SOURCE_DEFAULTS = {
  chardevRetryMs: 2_000,
  chardevResyncIntervalMs: 60_000,
  sysfsPollIntervalMs: 100,
  sysfsRetryMs: 2_000,
  mqttReconnectMs: 2_000,
} as const;
