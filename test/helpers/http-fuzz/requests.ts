// The requests of the HTTP fuzzer (issue 14, proof b): one per operation of the OpenAPI document,
// with path parameters, query strings, headers, content types and bodies drawn from its schemas,
// known ids of the fixture, and garbage.
import fc from 'fast-check';
import { garbageValue, jsonText, mutate, mutation, nastyString, valueOf, type JsonSchema, type Resolve } from './schema-arbitrary.js';

export type Persona = 'anonymous' | 'user' | 'admin' | 'admin-token';
export const PERSONAS: readonly Persona[] = ['anonymous', 'user', 'admin', 'admin-token'];

/** How a persona's credentials go out: as they are, or spoiled. */
export type Credentials = 'as-is' | 'no-csrf' | 'wrong-csrf' | 'wrong-cookie' | 'wrong-bearer';

export interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  path: string;
  access: string;
  parameters: Parameter[];
  jsonBody?: JsonSchema;
}

/** Ids of the fixture for a path parameter of an operation (`/api/stations/{id}`, `id`). */
export type KnownIds = (path: string, name: string) => readonly string[];

export interface FuzzRequest {
  operation: Operation;
  persona: Persona;
  credentials: Credentials;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { 'x-access'?: string; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export function operationsOf(doc: OpenApiDocument): { operations: Operation[]; resolve: Resolve } {
  const resolve: Resolve = (ref) => doc.components?.schemas?.[ref.replace('#/components/schemas/', '')];
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({
    method: method.toUpperCase(), path, access: op['x-access'] ?? 'missing', parameters: op.parameters ?? [],
    jsonBody: op.requestBody?.content?.['application/json']?.schema,
  })));
  return { operations, resolve };
}

/** Printable ASCII: what a header value may hold. */
const ascii = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'text/plain', 'text/csv',
  'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'a/b', 'json',
];

/** Bodies that are not valid JSON, or JSON that a parser or a handler may choke on. */
const badJsonText = fc.oneof(
  fc.constantFrom('{', '{"a":', 'nul', '[]]', '"\\u12"', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '', ' ', '1e999', '-'),
  fc.integer({ min: 1_000, max: 120_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 1_000, max: 50_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.integer({ min: 1_000, max: 50_000 }).map((d) => `{"login":${'['.repeat(d)}${']'.repeat(d)},"password":"x"}`),
  fc.string({ maxLength: 200 }),
);

const csvLine = fc.tuple(fc.array(fc.oneof(fc.string({ maxLength: 25 }), nastyString), { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ';', '\t'))
  .map(([cells, separator]) => cells.join(separator));
const csvText = fc.oneof(
  fc.tuple(fc.constantFrom('', 'idTag,authorized,vip,comment,registeredAt,lastSeenAt\n', 'idTag\n', 'idTag,nope\n'), fc.array(csvLine, { maxLength: 30 }))
    .map(([header, lines]) => header + lines.join('\n')),
  fc.constantFrom('idTag\n"unterminated', 'idTag,authorized\nA,perhaps', '\uFEFFidTag\nA', 'idTag\nA\nA\nA'),
);

function paramValue(parameter: Parameter, ids: readonly string[], resolve: Resolve): fc.Arbitrary<string> {
  const fromSchema = valueOf(parameter.schema, resolve).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? ''));
  const options = [
    { arbitrary: fromSchema, weight: 3 },
    { arbitrary: nastyString, weight: 2 },
    { arbitrary: garbageValue.map((v) => String(typeof v === 'object' ? JSON.stringify(v) : v).slice(0, 2_000)), weight: 1 },
  ];
  if (ids.length) options.push({ arbitrary: fc.constantFrom(...ids), weight: 8 });
  return fc.oneof(...options);
}

/** Lone surrogates made U+FFFD, as encodeURIComponent refuses them. */
const wellFormed = (value: string) => value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function pathOf(operation: Operation, known: KnownIds, resolve: Resolve): fc.Arbitrary<string> {
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return fc.constant(operation.path);
  const values = names.map((name) => fc.tuple(paramValue(operation.parameters.find((p) => p.name === name && p.in === 'path') ?? { in: 'path', name }, known(operation.path, name), resolve),
    fc.constantFrom('encoded', 'encoded', 'encoded', 'raw')));
  return fc.tuple(...values).map((vs) => names.reduce((path, name, i) => {
    const [value, how] = vs[i];
    // Raw: what a hand-made client sends (%, spaces); fetch still percent-encodes what a URL cannot hold.
    return path.replace(`{${name}}`, how === 'raw' && value.length > 0 ? value.replaceAll('/', '%2F').replaceAll('?', '%3F').replaceAll('#', '%23') : encodeURIComponent(wellFormed(value)));
  }, operation.path));
}

function queryOf(operation: Operation, resolve: Resolve): fc.Arbitrary<string> {
  const params = operation.parameters.filter((p) => p.in === 'query');
  const structured = fc.tuple(
    fc.tuple(...params.map((p) => fc.option(fc.oneof(
      { arbitrary: valueOf(p.schema, resolve), weight: 4 },
      { arbitrary: garbageValue, weight: 1 },
    ), { freq: 2 }))),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 2 }),
  ).map(([values, extra]) => {
    const search = new URLSearchParams();
    params.forEach((p, i) => {
      const v = values[i];
      if (v === null || v === undefined) return;
      for (const one of Array.isArray(v) ? v : [v]) search.append(p.name, typeof one === 'string' ? one : JSON.stringify(one) ?? '');
    });
    for (const [k, v] of Object.entries(extra)) search.append(k, v);
    const text = search.toString();
    return text ? `?${text}` : '';
  });
  return fc.oneof(
    { arbitrary: structured, weight: 6 },
    { arbitrary: fc.constantFrom('?%', '?a=%E0%A4%A', '?__proto__[admin]=1', '?limit=1&limit=2', '?limit=-1', '?limit=1e9', '?from=9999-99-99', `?${'q=1&'.repeat(2_000)}`, '?' + 'x'.repeat(8_000)), weight: 1 },
  );
}

function bodyOf(operation: Operation, resolve: Resolve): fc.Arbitrary<{ contentType?: string; body?: string | Uint8Array }> {
  const none = fc.constant({});
  const someType = fc.constantFrom(...CONTENT_TYPES);
  const stray = fc.oneof(
    fc.tuple(someType, fc.oneof(badJsonText, fc.jsonValue({ maxDepth: 2 }).map(jsonText))).map(([contentType, body]) => ({ contentType, body })),
    fc.uint8Array({ maxLength: 4_096 }).map((body) => ({ contentType: 'application/octet-stream', body })),
  );
  if (operation.path.endsWith('/csv') && operation.method === 'PUT') {
    return fc.oneof({ arbitrary: csvText.map((body) => ({ contentType: 'text/csv', body })), weight: 5 }, { arbitrary: stray, weight: 1 }, { arbitrary: none, weight: 1 });
  }
  if (operation.path.endsWith('/restore')) {
    return fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 8_192 }).map((body) => ({ contentType: 'application/octet-stream', body })), weight: 4 }, { arbitrary: stray, weight: 1 }, { arbitrary: none, weight: 1 });
  }
  if (!operation.jsonBody) return fc.oneof({ arbitrary: none, weight: 5 }, { arbitrary: stray, weight: 1 });
  const json = fc.tuple(valueOf(operation.jsonBody, resolve), mutation).map(([value, m]) => ({ contentType: 'application/json', body: jsonText(mutate(value, m)) }));
  return fc.oneof(
    { arbitrary: json, weight: 8 },
    { arbitrary: badJsonText.map((body) => ({ contentType: 'application/json', body })), weight: 2 },
    { arbitrary: fc.tuple(someType, valueOf(operation.jsonBody, resolve)).map(([contentType, v]) => ({ contentType, body: jsonText(v) })), weight: 1 },
    { arbitrary: none, weight: 1 },
  );
}

const extraHeaders = fc.dictionary(
  fc.constantFrom('accept', 'x-forwarded-for', 'accept-encoding', 'if-none-match', 'range', 'origin', 'x-backup-passphrase', 'accept-language', 'x-requested-with', 'cache-control'),
  fc.oneof({ arbitrary: ascii(60), weight: 20 }, { arbitrary: fc.constantFrom('*/*', 'text/event-stream', 'gzip, br, zstd', 'bytes=0-1', 'bytes=99999999-', '1.2.3.4, 5.6.7.8', 'null'), weight: 12 }, { arbitrary: fc.integer({ min: 4_000, max: 20_000 }).map((n) => 'h'.repeat(n)), weight: 1 }),
  { maxKeys: 3 },
);

export function requestOf(operation: Operation, known: KnownIds, resolve: Resolve, personas: readonly Persona[]): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    // Mostly callers the route may let in, so that requests get past the guard to the code behind it.
    persona: fc.oneof(...personas.map((p) => ({ arbitrary: fc.constant(p), weight: p === 'admin' ? 3 : 2 }))),
    credentials: fc.oneof({ arbitrary: fc.constant('as-is' as const), weight: 20 }, { arbitrary: fc.constantFrom('no-csrf' as const, 'wrong-csrf' as const, 'wrong-cookie' as const, 'wrong-bearer' as const), weight: 1 }),
    method: fc.oneof({ arbitrary: fc.constant(operation.method), weight: 19 }, { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), weight: 1 }),
    path: pathOf(operation, known, resolve),
    query: queryOf(operation, resolve),
    body: bodyOf(operation, resolve),
    headers: extraHeaders,
  }).map(({ persona, credentials, method, path, query, body, headers }) => {
    const withBody = method !== 'GET' && method !== 'HEAD' && body.body !== undefined;
    return {
      operation, persona, credentials, method, url: `${path}${query}`,
      headers: { ...headers, ...(withBody && body.contentType ? { 'content-type': body.contentType } : {}) },
      ...(withBody ? { body: body.body } : {}),
    };
  });
}
