// A meter's configuration (spec P1) and its validation. The TypeBox schema can be embedded in
// the site file's schema; validateMeterConfig() adds the rules a schema cannot say.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';

const enumOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

export const METER_PROTOCOLS = ['tcp', 'rtu', 'rtu-over-tcp'] as const;
export type MeterProtocol = (typeof METER_PROTOCOLS)[number];
export const PARITIES = ['none', 'even', 'odd'] as const;

export const DEFAULT_MODBUS_PORT = 502;
export const DEFAULT_UNIT_ID = 255;
export const DEFAULT_POLLING_MS = 500;

export const MeterConfigSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  protocol: enumOf(METER_PROTOCOLS, 'tcp: Modbus TCP; rtu: serial port; rtu-over-tcp: raw RTU frames through a transparent TCP gateway'),
  host: Type.Optional(Type.String({ minLength: 1, description: 'tcp and rtu-over-tcp' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'tcp and rtu-over-tcp [502]' })),
  device: Type.Optional(Type.String({ minLength: 1, description: 'rtu: serial device, e.g. /dev/ttyUSB0' })),
  baudRate: Type.Optional(Type.Integer({ minimum: 300, maximum: 921_600, description: 'rtu [9600]' })),
  parity: Type.Optional(enumOf(PARITIES, 'rtu [none]')),
  stopBits: Type.Optional(Type.Unsafe<1 | 2>({ type: 'integer', enum: [1, 2], description: 'rtu [1]' })),
  unitId: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, description: 'Modbus unit (slave) id [255]' })),
  model: Type.String({ minLength: 1, description: 'register map id (built-in or from the map folder)' }),
  reporting: Type.Optional(Type.Boolean({ description: 'polled and shown, but part of no allocation (Z7) [false]' })),
}, { additionalProperties: false });

export type MeterConfigInput = Static<typeof MeterConfigSchema>;

/** A meter with every default filled in. */
export interface MeterConfig {
  name: string;
  protocol: MeterProtocol;
  host?: string;
  port?: number;
  device?: string;
  baudRate?: number;
  parity?: (typeof PARITIES)[number];
  stopBits?: 1 | 2;
  unitId: number;
  model: string;
  reporting: boolean;
}

export interface MeterConfigError {
  /** JSON Pointer below the meter, e.g. `/host`; prefixed by the caller's own path. */
  path: string;
  message: string;
}

export type MeterConfigValidation = { ok: true; config: MeterConfig } | { ok: false; errors: MeterConfigError[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile<MeterConfigInput>(MeterConfigSchema);

/**
 * Checks one meter. `knownModels` (ids of the loaded register maps) is optional so that a
 * caller without maps can still check the shape.
 */
export function validateMeterConfig(input: unknown, knownModels?: ReadonlySet<string>): MeterConfigValidation {
  if (!validateSchema(input)) {
    return { ok: false, errors: (validateSchema.errors ?? []).map(schemaError) };
  }
  const errors: MeterConfigError[] = [];
  const m = input;
  if (m.protocol === 'rtu') {
    if (m.device === undefined) errors.push({ path: '/device', message: 'an RTU meter needs the serial device' });
    for (const f of ['host', 'port'] as const) {
      if (m[f] !== undefined) errors.push({ path: `/${f}`, message: 'an RTU meter takes device, baudRate, parity and stopBits, not host/port' });
    }
  } else {
    if (m.host === undefined) errors.push({ path: '/host', message: `a ${m.protocol} meter needs the host` });
    for (const f of ['device', 'baudRate', 'parity', 'stopBits'] as const) {
      if (m[f] !== undefined) errors.push({ path: `/${f}`, message: `a ${m.protocol} meter takes host and port, not ${f}` });
    }
  }
  if (knownModels && !knownModels.has(m.model)) {
    errors.push({ path: '/model', message: `unknown register map "${m.model}" (known: ${[...knownModels].sort().join(', ')})` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: withDefaults(m) };
}

export function withDefaults(m: MeterConfigInput): MeterConfig {
  const config: MeterConfig = { ...m, unitId: m.unitId ?? DEFAULT_UNIT_ID, reporting: m.reporting ?? false };
  if (m.protocol === 'rtu') {
    config.baudRate = m.baudRate ?? 9600;
    config.parity = m.parity ?? 'none';
    config.stopBits = m.stopBits ?? 1;
  } else {
    config.port = m.port ?? DEFAULT_MODBUS_PORT;
  }
  return config;
}

function schemaError(e: ErrorObject): MeterConfigError {
  const params = e.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
  if (params.missingProperty) return { path: `${e.instancePath}/${params.missingProperty}`, message: 'is required' };
  if (params.additionalProperty) return { path: `${e.instancePath}/${params.additionalProperty}`, message: 'is not a known field' };
  if (params.allowedValues) return { path: e.instancePath, message: `must be one of ${params.allowedValues.join(', ')}` };
  return { path: e.instancePath || '/', message: e.message ?? 'is invalid' };
}

/** Where the meter is, for messages: `10.0.0.20:502 unit 255` or `/dev/ttyUSB0 unit 1`. */
export function describeEndpoint(c: MeterConfig): string {
  const where = c.protocol === 'rtu' ? c.device : `${c.host}:${c.port ?? DEFAULT_MODBUS_PORT}`;
  return `${where} unit ${c.unitId}`;
}

export type MeterConfigsValidation = { ok: true; configs: MeterConfig[] } | { ok: false; errors: MeterConfigError[] };

/** Checks a list of meters (the site file's `meters`): each one, and that names are unique. Paths are `/<index>/<field>`. */
export function validateMeterConfigs(inputs: readonly unknown[], knownModels?: ReadonlySet<string>): MeterConfigsValidation {
  const errors: MeterConfigError[] = [];
  const configs: MeterConfig[] = [];
  const names = new Set<string>();
  inputs.forEach((input, i) => {
    const result = validateMeterConfig(input, knownModels);
    if (!result.ok) {
      errors.push(...result.errors.map((e) => ({ path: `/${i}${e.path}`, message: e.message })));
      return;
    }
    if (names.has(result.config.name)) errors.push({ path: `/${i}/name`, message: `meter name "${result.config.name}" is used more than once` });
    names.add(result.config.name);
    configs.push(result.config);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, configs };
}
