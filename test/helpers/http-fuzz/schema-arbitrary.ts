// fast-check arbitraries from the JSON schemas of the OpenAPI document: values that match the
// schema (most of the time the server must accept their shape), and the garbage to mix in.
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  format?: string;
}

export type Resolve = (ref: string) => JsonSchema | undefined;

/** Strings a hand-written handler may not expect. */
export const nastyString = fc.constantFrom(
  '', ' ', '\u0000', '%', '%00', '%E0%A4%A', '..', '../../etc/passwd', '/', '\\', '<script>alert(1)</script>', "'; DROP TABLE users; --",
  '=1+1', '💥', '\uD800', 'null', 'undefined', '__proto__', 'constructor', 'NaN', '-1', '1e308', '9007199254740993', 'é'.repeat(70),
  '2025-13-45T99:99:99Z', '1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', 'Europe/Nowhere', 'x'.repeat(5_000),
);

/** Any JSON value, with the edges of numbers and strings. */
export const garbageValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: nastyString, weight: 2 },
  { arbitrary: fc.constantFrom(-0, 1e308, -1e308, 2 ** 53 + 1, -1, 0, 0.5, 1e-300, Number.MAX_SAFE_INTEGER, 4_294_967_296), weight: 1 },
  { arbitrary: fc.integer({ min: 10_000, max: 400_000 }).map((n) => 'y'.repeat(n)), weight: 1 },
  { arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map(deepMarker), weight: 1 },
);

/**
 * A value nested `depth` arrays deep, inside a body: a marker that jsonText() expands once the
 * body is text (the fuzzer's own JSON.stringify would run out of stack first).
 */
function deepMarker(depth: number): string {
  return `\u0001deep:${depth}\u0001`;
}

/** `value` as JSON text, with every deep marker expanded into nested arrays. */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"\\u0001deep:(\d+)\\u0001"/g, (_m, depth: string) => '['.repeat(Number(depth)) + ']'.repeat(Number(depth)));
}

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : 1e-6) : undefined);
  const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : 1e-6) : undefined);
  if (integer) return fc.integer({ min: Math.ceil(lo ?? -1_000_000), max: Math.floor(hi ?? 1_000_000) });
  return fc.double({ min: lo ?? -1e6, max: hi ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

function stringArb(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, Math.max(minLength, 40));
  if (schema.format === 'date-time' || schema.format === 'date') return fc.date({ min: new Date(0), max: new Date(4_102_444_800_000), noInvalidDate: true }).map((d) => d.toISOString());
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength }), weight: 3 },
    { arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }), weight: 1 },
    { arbitrary: nastyString.filter((s) => s.length >= minLength && s.length <= maxLength), weight: 1 },
  );
}

/** A value that matches `schema` (as far as these keywords tell). */
export function valueOf(schema: JsonSchema | undefined, resolve: Resolve, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return garbageValue;
  if (schema.$ref) return valueOf(resolve(schema.$ref), resolve, depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valueOf(s, resolve, depth + 1)));
  if (schema.allOf?.length) return valueOf(schema.allOf[0], resolve, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const plain = plainValueOf(schema, type, resolve, depth);
  return schema.nullable ? fc.oneof({ arbitrary: plain, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }) : plain;
}

function plainValueOf(schema: JsonSchema, type: string | undefined, resolve: Resolve, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string': return stringArb(schema);
    case 'integer': return numberArb(schema, true);
    case 'number': return numberArb(schema, false);
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(valueOf(schema.items, resolve, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)) });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueOf(s, resolve, depth + 1)])),
        { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) },
      );
      if (typeof schema.additionalProperties === 'object') {
        const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), valueOf(schema.additionalProperties, resolve, depth + 1), { maxKeys: 3 });
        return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
      }
      return record;
    }
    default: return garbageValue;
  }
}

/** What to do to a valid value: keep it, or break it in one place. */
export type Mutation =
  | { kind: 'keep' }
  | { kind: 'drop-key'; at: number }
  | { kind: 'add-key'; key: string; value: unknown }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'whole'; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'keep' as const }), weight: 5 },
  { arbitrary: fc.nat().map((at) => ({ kind: 'drop-key' as const, at })), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('add-key' as const), key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'prototype')), value: garbageValue }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: garbageValue }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('whole' as const), value: garbageValue }), weight: 1 },
);

/** Every (object, key) inside `value`, depth first. */
function slots(value: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []): Array<[Record<string, unknown> | unknown[], string | number]> {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push([value, i]); slots(v, out); });
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) { out.push([value as Record<string, unknown>, k]); slots(v, out); }
  return out;
}

export function mutate(value: unknown, m: Mutation): unknown {
  if (m.kind === 'keep') return value;
  if (m.kind === 'whole') return m.value;
  const copy = structuredClone(value);
  if (m.kind === 'add-key') {
    if (copy && typeof copy === 'object' && !Array.isArray(copy)) Object.defineProperty(copy, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  const all = slots(copy);
  if (all.length === 0) return m.kind === 'replace' ? m.value : copy;
  const [holder, key] = all[m.at % all.length];
  if (m.kind === 'drop-key') {
    if (Array.isArray(holder)) holder.splice(Number(key), 1);
    else delete holder[key as string];
  } else if (Array.isArray(holder)) holder[Number(key)] = m.value;
  else holder[key as string] = m.value;
  return copy;
}
