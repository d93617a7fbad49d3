// A connector's socket type (issue 16, item 2) and the minimum current it proposes (A3).
// The one closed list: the site file, the API, the CDR export (W10) and the web UI (which imports
// this file as is: it has no imports of its own) all take it from here.
//
// EV/ZE City is not a socket type but a station profile: a street-side station model whose sockets
// are T2S or TE like any other's, and whose maker asks 14 A whatever the socket. The station editor
// offers it as one pick for all the station's connectors; only the minimum it proposes is stored
// (minCurrentA), so a profile needs no column and the allocation never sees it.

export const SOCKET_TYPES = ['T2', 'T2S', 'TE', 'T3', 'domestic', 'T1', 'CCS', 'CHAdeMO'] as const;
export type SocketType = (typeof SOCKET_TYPES)[number];

export const STATION_PROFILES = ['evze-city'] as const;
export type StationProfile = (typeof STATION_PROFILES)[number];

// The vendor manual: "6, 8 or 14 A, or 10 for TE". Absent: the site's standard (no proposal).
const SOCKET_MINIMUM_A: Readonly<Partial<Record<SocketType, number>>> = { T2S: 10, TE: 10 };
const PROFILE_MINIMUM_A: Readonly<Record<StationProfile, number>> = { 'evze-city': 14 };

export function isSocketType(value: unknown): value is SocketType {
  return typeof value === 'string' && (SOCKET_TYPES as readonly string[]).includes(value);
}

/** The minimum a socket type proposes, A per phase; null: the site's standard (A3). */
export function socketMinimumA(socket: SocketType | null): number | null {
  return socket === null ? null : SOCKET_MINIMUM_A[socket] ?? null;
}

/** The minimum a station profile proposes for every connector, A per phase. */
export function profileMinimumA(profile: StationProfile): number {
  return PROFILE_MINIMUM_A[profile];
}

/**
 * What the minimum field holds once the socket type goes from `from` to `to`: the new type's
 * proposal; without one, the site's standard (null) if the field still held the old type's own
 * proposal (it was ours, not the installer's), else what the installer typed.
 */
export function proposeMinimumA(currentA: number | null, from: SocketType | null, to: SocketType | null): number | null {
  const proposedA = socketMinimumA(to);
  if (proposedA !== null) return proposedA;
  const previousA = socketMinimumA(from);
  return previousA !== null && currentA === previousA ? null : currentA;
}
