// A station's call that Fuseguard refused (S5, issue 14 rows 2 and 7): its answer tells the
// station, and the relay does not pass the call on to the CPO. The mark is a symbol, so it is
// neither sent to the station nor seen by the schema validation.
const NOT_RELAYED = Symbol('not relayed');

export function markNotRelayed<T extends object>(response: T): T {
  Object.defineProperty(response, NOT_RELAYED, { value: true, enumerable: false });
  return response;
}

export const isNotRelayed = (response: unknown): boolean =>
  typeof response === 'object' && response !== null && (response as { [NOT_RELAYED]?: boolean })[NOT_RELAYED] === true;
