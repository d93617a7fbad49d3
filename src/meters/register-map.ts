// Register maps are data (spec P2): one JSON file per meter model, checked against this schema.
// The schema is TypeBox so that the TypeScript type and the JSON Schema cannot drift apart.
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';

export const DATA_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Registers (16-bit words) each data type takes. */
export const WORDS: Record<DataType, number> = {
  int16: 1, uint16: 1, int32: 2, uint32: 2, int64: 4, uint64: 4, float32: 2, float64: 4,
};

export const QUANTITIES = ['currentL1A', 'currentL2A', 'currentL3A', 'powerW', 'energyWh'] as const;
export type Quantity = (typeof QUANTITIES)[number];

const enumOf = <T extends string>(values: readonly T[], description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], description });

const WordOrderSchema = enumOf(['big', 'little'] as const, 'big: most significant word first [big]');
const FunctionSchema = enumOf(['holding', 'input'] as const, 'holding (FC3) or input (FC4) registers [holding]');

export const QuantitySpecSchema = Type.Object({
  register: Type.Integer({ minimum: 0, maximum: 65_536, description: 'register number or protocol address, per the map\'s addressing' }),
  type: enumOf(DATA_TYPES, 'encoding of the value'),
  scale: Type.Optional(Type.Number({ description: 'multiplier from the raw value to the quantity\'s unit (A, W, Wh) [1]' })),
  unit: Type.Optional(Type.String({ description: 'the unit the device uses, for people (the scale does the work)' })),
  wordOrder: Type.Optional(WordOrderSchema),
  function: Type.Optional(FunctionSchema),
}, { additionalProperties: false });

export const RegisterMapSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'the name a meter\'s "model" refers to' }),
  title: Type.Optional(Type.String()),
  source: Type.String({ minLength: 1, description: 'where the registers come from: document, page, version' }),
  addressing: enumOf(['register-number', 'address'] as const,
    'register-number: numbers as printed by the maker, sent as number - 1; address: sent as written'),
  function: Type.Optional(FunctionSchema),
  wordOrder: Type.Optional(WordOrderSchema),
  quantities: Type.Object({
    currentL1A: QuantitySpecSchema,
    currentL2A: QuantitySpecSchema,
    currentL3A: QuantitySpecSchema,
    powerW: Type.Optional(QuantitySpecSchema),
    energyWh: Type.Optional(QuantitySpecSchema),
  }, { additionalProperties: false }),
  notes: Type.Optional(Type.Array(Type.String())),
}, { additionalProperties: false, title: 'Fuseguard meter register map' });

export type RegisterMap = Static<typeof RegisterMapSchema>;
export type QuantitySpec = Static<typeof QuantitySpecSchema>;
export type WordOrder = 'big' | 'little';
export type RegisterFunction = 'holding' | 'input';

export interface MapError {
  /** The file the map came from, or `built-in`. */
  file: string;
  /** JSON Pointer to the field, e.g. `/quantities/powerW/type`. */
  path: string;
  message: string;
}

export type MapValidation = { ok: true; map: RegisterMap } | { ok: false; errors: MapError[] };

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile<RegisterMap>(RegisterMapSchema);

export function validateRegisterMap(input: unknown, file: string): MapValidation {
  if (!validateSchema(input)) {
    return { ok: false, errors: (validateSchema.errors ?? []).map((e) => schemaError(e, file)) };
  }
  const errors: MapError[] = [];
  for (const q of QUANTITIES) {
    const spec = input.quantities[q];
    if (spec === undefined) continue;
    const address = protocolAddress(input, spec);
    if (address < 0 || address + WORDS[spec.type] > 65_536) {
      errors.push({ file, path: `/quantities/${q}/register`, message: `register ${spec.register} (${spec.type}) is outside the Modbus address range 0-65535` });
    }
    if (spec.scale !== undefined && (spec.scale === 0 || !Number.isFinite(spec.scale))) {
      errors.push({ file, path: `/quantities/${q}/scale`, message: 'scale must be a finite number other than 0' });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, map: input };
}

function schemaError(e: ErrorObject, file: string): MapError {
  const params = e.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
  if (params.missingProperty) return { file, path: `${e.instancePath}/${params.missingProperty}`, message: 'is required' };
  if (params.additionalProperty) return { file, path: `${e.instancePath}/${params.additionalProperty}`, message: 'is not a known field' };
  if (params.allowedValues) return { file, path: e.instancePath, message: `must be one of ${params.allowedValues.join(', ')}` };
  return { file, path: e.instancePath || '/', message: e.message ?? 'is invalid' };
}

/** The address sent in the Modbus frame for a quantity. */
export function protocolAddress(map: RegisterMap, spec: QuantitySpec): number {
  return map.addressing === 'register-number' ? spec.register - 1 : spec.register;
}

export function wordOrderOf(map: RegisterMap, spec: QuantitySpec): WordOrder {
  return spec.wordOrder ?? map.wordOrder ?? 'big';
}

export function functionOf(map: RegisterMap, spec: QuantitySpec): RegisterFunction {
  return spec.function ?? map.function ?? 'holding';
}

export function formatMapError(e: MapError): string {
  return `${e.file}: ${e.path} ${e.message}`;
}
