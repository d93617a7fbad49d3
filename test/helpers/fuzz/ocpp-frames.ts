// Frames a hostile or broken station may send (issue 14, proof a): OCPP 1.6 messages derived
// from the official JSON schemas, the same with one field broken, frames of the wrong kind, and
// byte-level garbage. Also the answers such a station gives to the central system's requests.
import { createRequire } from 'node:module';
import fc from 'fast-check';

interface Schema {
  $id?: string;
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  maxLength?: number;
  format?: string;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  multipleOf?: number;
  definitions?: Record<string, Schema>;
}

const require = createRequire(import.meta.url);
const SCHEMAS = new Map((require('ocpp-rpc/lib/schemas/ocpp1_6.json') as Schema[]).map((s) => [s.$id!, s]));

/** What a charge point sends (OCPP 1.6 and its security whitepaper). */
export const STATION_ACTIONS = [
  'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat',
  'MeterValues', 'StartTransaction', 'StatusNotification', 'StopTransaction',
  'SecurityEventNotification', 'LogStatusNotification', 'SignCertificate', 'SignedFirmwareStatusNotification',
].filter((action) => SCHEMAS.has(`urn:${action}.req`));

/** What only a central system sends: a station sending it gets an error, never an answer. */
const CENTRAL_ACTIONS = ['RemoteStartTransaction', 'SetChargingProfile', 'Reset', 'GetConfiguration', 'ChangeConfiguration', 'UnlockConnector'];

/** Times a station may claim: now-ish most of the time, then anything from 1970 to 9999. */
const timestamp = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -86_400_000, max: 86_400_000 }).map((offsetMs) => new Date(Date.now() + offsetMs).toISOString()) },
  { weight: 1, arbitrary: fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom('1970-01-01T00:00:00Z', '2026-13-45T99:99:99Z', 'yesterday', '', '0000-00-00T00:00:00.000+25:00') },
);

const integer = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 5 }) },
  { weight: 3, arbitrary: fc.integer({ min: -1, max: 60 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 31, -(2 ** 31)) },
);

const number = fc.oneof(
  fc.integer({ min: 0, max: 80 }).map((tenths) => tenths / 10),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(1e308, -1e308, 5e-324),
);

function text(maxLength: number | undefined, name: string): fc.Arbitrary<string> {
  const max = maxLength ?? 200;
  const known = name === 'idTag' || name === 'parentIdTag' ? ['GOOD', 'BLOCKED', 'WALK-IN'] : name === 'value' ? ['0', '1500', '12345.6', '-5', '1e308', 'NaN'] : [];
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: Math.min(max, 40) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: Math.min(max, 40) }) },
    { weight: 1, arbitrary: fc.constantFrom('<script>alert(1)</script>', '=1+1', "'; DROP TABLE stations;--", '../../etc/passwd', '\u0000', '%00%E0%A4%A', ...known).map((s) => s.slice(0, max)) },
    ...(known.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...known) }] : []),
  );
}

/** Values valid for `schema` (as far as ajv checks; extreme values included). */
export function valueOf(schema: Schema, root: Schema, name = ''): fc.Arbitrary<unknown> {
  if (schema.$ref) return valueOf(root.definitions![schema.$ref.split('/').pop()!], root, name);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string': return schema.format === 'date-time' ? timestamp : text(schema.maxLength, name);
    case 'integer': return integer;
    case 'number': return schema.multipleOf ? fc.integer({ min: -10, max: 800 }).map((n) => n / 10) : number;
    case 'boolean': return fc.boolean();
    case 'array': return fc.array(valueOf(schema.items ?? {}, root, name), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, s]) => [key, valueOf(s, root, key)]));
      return fc.record(properties, { requiredKeys: (schema.required ?? []) as never[] });
    }
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

function payloadOf(action: string, kind: 'req' | 'conf'): fc.Arbitrary<unknown> {
  const schema = SCHEMAS.get(`urn:${action}.${kind}`);
  return schema ? valueOf(schema, schema) : fc.jsonValue({ maxDepth: 2 });
}

/** The payload with one thing wrong: a field missing, of another type, or added; or anything at all. */
function broken(payload: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(payload, fc.nat(), fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 12 })).map(([value, pick, other, extraKey]) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return other;
    const object = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(object);
    switch (pick % 4) {
      case 0: if (keys.length > 0) delete object[keys[pick % keys.length]]; return object;
      case 1: if (keys.length > 0) object[keys[pick % keys.length]] = other; return object;
      case 2: object[extraKey || 'extra'] = other; return object;
      default: return other;
    }
  });
}

const messageId = fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) });

/** A frame a station sends: text (or bytes), and whether Fuseguard must answer it, and under which id. */
export interface StationFrame {
  data: string | Uint8Array;
  /** 'id': a CALLRESULT or CALLERROR with this id; 'any': a CALLERROR (unreadable frame); 'none': no answer. */
  expect: { kind: 'id'; id: string } | { kind: 'any' } | { kind: 'none' };
  /** The connection closes (1009): a frame beyond the limit. */
  closes?: boolean;
  what: string;
}

const call = (action: string, payload: fc.Arbitrary<unknown>, what: string): fc.Arbitrary<StationFrame> =>
  fc.tuple(messageId, payload).map(([id, p]) => ({ data: JSON.stringify([2, id, action, p]), expect: { kind: 'id', id }, what: `${what} ${action}` }));

/** What to expect of any text frame, as ocpp-rpc reads it (OCPP-J 4.1, 4.2). */
export function expectationOf(text: string): StationFrame['expect'] {
  if (text.length === 0) return { kind: 'none' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'any' };
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'number') return { kind: 'any' };
  if (parsed[0] === 3 || parsed[0] === 4) return { kind: 'none' };
  if (parsed[0] === 2 && typeof parsed[1] === 'string') return { kind: 'id', id: parsed[1] };
  return { kind: 'any' };
}

const garbage = (sample: fc.Arbitrary<StationFrame>): fc.Arbitrary<StationFrame> => fc.oneof(
  fc.string({ maxLength: 200 }).map((s) => ({ data: s, expect: expectationOf(s), what: 'text' })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null').map((s) => ({ data: s, expect: expectationOf(s), what: 'json' })),
  // A valid frame cut short, or with bytes changed.
  fc.tuple(sample, fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([frame, cut, flips]) => {
    const bytes = Buffer.from(frame.data as string, 'utf8');
    const truncated = cut % 2 === 0;
    const out = truncated ? bytes.subarray(0, cut % Math.max(1, bytes.length)) : Buffer.from(bytes);
    if (!truncated) for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
    const s = out.toString('utf8');
    return { data: s, expect: expectationOf(s), what: truncated ? `truncated ${frame.what}` : `mutated ${frame.what}` };
  }),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ data: bytes, expect: expectationOf(Buffer.from(bytes).toString('utf8')), what: 'binary' })),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => ({ data: '['.repeat(depth) + ']'.repeat(depth), expect: { kind: 'any' as const }, what: `nested ${depth}` })),
  fc.tuple(fc.constantFrom(2, 3, 4, 5, -1, 2.5), messageId, fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 })).map(([type, id, a, b]) => {
    const s = JSON.stringify([type, id, a, b]);
    return { data: s, expect: expectationOf(s), what: `type ${type}` };
  }),
);

/** A frame beyond the limit: the connection closes with 1009 and nothing else happens. */
const oversized = (maxFrameBytes: number): fc.Arbitrary<StationFrame> =>
  messageId.map((id) => ({ data: JSON.stringify([2, id, 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(maxFrameBytes) }]), expect: { kind: 'none' }, closes: true, what: 'oversized DataTransfer' }));

export function stationFrame(maxFrameBytes: number): fc.Arbitrary<StationFrame> {
  const valid = fc.constantFrom(...STATION_ACTIONS).chain((action) => call(action, payloadOf(action, 'req'), 'valid'));
  return fc.oneof(
    { weight: 40, arbitrary: valid },
    { weight: 20, arbitrary: fc.constantFrom(...STATION_ACTIONS).chain((action) => call(action, broken(payloadOf(action, 'req')), 'broken')) },
    { weight: 4, arbitrary: fc.oneof(fc.constantFrom(...CENTRAL_ACTIONS), fc.string({ maxLength: 30 })).chain((action) => call(action, fc.jsonValue({ maxDepth: 2 }), 'foreign')) },
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(3, 4), messageId, fc.jsonValue({ maxDepth: 2 })).map(([type, id, v]) => ({ data: JSON.stringify(type === 3 ? [3, id, v] : [4, id, 'GenericError', 'x', v]), expect: { kind: 'none' as const }, what: `unasked ${type === 3 ? 'CALLRESULT' : 'CALLERROR'}` })) },
    { weight: 20, arbitrary: garbage(valid) },
    { weight: 1, arbitrary: oversized(maxFrameBytes) },
  );
}

/** How a station answers a request of the central system. */
export type Answer = { kind: 'valid' | 'broken'; payload: unknown } | { kind: 'error'; code: string } | { kind: 'garbage'; text: string } | { kind: 'silent' };

export function answerTo(action: string): fc.Arbitrary<Answer> {
  return fc.oneof(
    { weight: 6, arbitrary: payloadOf(action, 'conf').map((payload) => ({ kind: 'valid' as const, payload })) },
    { weight: 2, arbitrary: broken(payloadOf(action, 'conf')).map((payload) => ({ kind: 'broken' as const, payload })) },
    { weight: 1, arbitrary: fc.constantFrom('NotImplemented', 'InternalError', 'GenericError', 'x').map((code) => ({ kind: 'error' as const, code })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((text) => ({ kind: 'garbage' as const, text })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'silent' as const }) },
  );
}
