// The charge box identity rule (O2, issue 14 row 9), shared by the site file, the API and the
// OCPP endpoint, so that every id that can be configured can connect, and nothing else gets a row.
//
// OCPP-J puts the identity in the last URL path segment and uses it as the HTTP Basic user;
// OCPP 2.0.1 (and the 1.6 security whitepaper) restrict it to its identifierString: letters,
// digits and * - _ = : + | @ . , at most 48 characters. No separators, spaces, quotes, angle
// brackets, percent signs or control characters. '.' and '..' alone are path dot-segments.

export const STATION_ID_MAX_LENGTH = 48;

/** JSON Schema pattern of a charge box identity (site file, API, OCPP upgrade). */
export const STATION_ID_PATTERN = '^(?!\\.\\.?$)[A-Za-z0-9*_=:+|@.-]{1,48}$';

/** The rule in words, for error messages. */
export const STATION_ID_RULE = 'must be 1 to 48 characters: letters A-Z a-z, digits and * - _ = : + | @ . (not "." or "..")';

const STATION_ID = new RegExp(STATION_ID_PATTERN);

export function isStationId(id: string): boolean {
  return STATION_ID.test(id);
}

/**
 * What an API path accepts to look a station up: the rule before issue 14 (no white space, at
 * most 48), so that a station stored under an older, looser id can still be seen and removed.
 */
export const STATION_LOOKUP_PATTERN = '^\\S{1,48}$';
