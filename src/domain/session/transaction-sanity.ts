// What Fuseguard believes of a station's transaction messages (issue 14, row 7): the connector,
// the meter readings and the times. Pure: Fuseguard's clock and the station's connectors are
// arguments. Nothing here refuses a message the station would have to retry: absurd readings and
// times are stored corrected, with a flag on the session that says what was corrected.

/** The highest connector id believed (the same bound the provisioner puts on NumberOfConnectors). */
export const MAX_CONNECTOR_ID = 64;
/** An energy register beyond 10 GWh is not a meter (an int32 register in Wh reaches 2.1 GWh). */
export const MAX_METER_WH = 1e10;
/** A station's clock this far ahead of Fuseguard's is wrong: nothing it sends can be from the future. */
export const MAX_CLOCK_AHEAD_MS = 24 * 3600_000;
/**
 * A station's time this far behind is a clock that was reset (1970, 2000), not an offline queue:
 * queued messages keep their real times (O7), even weeks or months old.
 */
export const MAX_CLOCK_BEHIND_MS = 5 * 365 * 24 * 3600_000;

/** What was corrected in a session; stored, comma-separated, in `transactions.anomalies`. */
export type TransactionAnomaly =
  | 'start-time' | 'stop-time' | 'stop-before-start'
  | 'meter-start' | 'meter-stop' | 'meter-stop-below-start'
  | 'superseded';

/** Why a StartTransaction's connector is refused, or null if it is one the station may have. */
export function connectorRefusal(connectorId: number, knownConnectorIds: readonly number[]): string | null {
  if (!Number.isInteger(connectorId) || connectorId < 1) return `connector ${connectorId} is not a socket (0 is the station itself)`;
  if (connectorId > MAX_CONNECTOR_ID) return `connector ${connectorId} is beyond ${MAX_CONNECTOR_ID}`;
  // The station's connectors are the site's, the discovered ones (NumberOfConnectors) and those it
  // sent a StatusNotification for. A gap below the highest is believed; nothing known yet, too.
  const highest = Math.max(0, ...knownConnectorIds);
  if (highest > 0 && connectorId > highest) return `connector ${connectorId} is beyond the station's connectors (1..${highest})`;
  return null;
}

/** A station's time, or Fuseguard's (the receive time) when the station's is not plausible. */
export function plausibleTime(claimedAt: number, receivedAt: number): { at: number; corrected: boolean } {
  const ok = Number.isFinite(claimedAt) && claimedAt <= receivedAt + MAX_CLOCK_AHEAD_MS && claimedAt >= receivedAt - MAX_CLOCK_BEHIND_MS;
  return ok ? { at: claimedAt, corrected: false } : { at: receivedAt, corrected: true };
}

/** An energy register reading within 0..MAX_METER_WH (a non-finite one counts as 0). */
export function plausibleMeterWh(wh: number): { wh: number; corrected: boolean } {
  if (!Number.isFinite(wh)) return { wh: 0, corrected: true };
  const clamped = Math.min(MAX_METER_WH, Math.max(0, wh));
  return { wh: clamped, corrected: clamped !== wh };
}

export interface OpenSession {
  start_at: number;
  meter_start_wh: number;
  last_meter_wh: number | null;
  last_meter_at: number | null;
}

/**
 * Where a session the station never stopped ends when a new one starts on its connector (its
 * StopTransaction was lost): at the new start, if that is after everything known of it and its
 * register has not gone back; else at its last known reading.
 */
export function supersededStop(open: OpenSession, next: { startAt: number; meterStartWh: number }): { stopAt: number; meterStopWh: number } {
  const lastAt = Math.max(open.start_at, open.last_meter_at ?? open.start_at);
  const lastWh = Math.max(open.meter_start_wh, open.last_meter_wh ?? open.meter_start_wh);
  return {
    stopAt: next.startAt >= lastAt ? next.startAt : lastAt,
    meterStopWh: Math.round(next.meterStartWh >= lastWh ? next.meterStartWh : lastWh),
  };
}

export const joinAnomalies = (known: string | null, added: readonly TransactionAnomaly[]): string | null => {
  const all = new Set([...(known ? known.split(',') : []), ...added]);
  return all.size === 0 ? null : [...all].join(',');
};

/** A stop as stored: not before the start, and an energy that is never negative. */
export function settleStop(
  session: { startAt: number; meterStartWh: number }, stop: { stopAt: number; meterStopWh: number },
): { stopAt: number; energyWh: number; anomalies: TransactionAnomaly[] } {
  const anomalies: TransactionAnomaly[] = [];
  if (stop.stopAt < session.startAt) anomalies.push('stop-before-start');
  if (stop.meterStopWh < session.meterStartWh) anomalies.push('meter-stop-below-start');
  return { stopAt: Math.max(stop.stopAt, session.startAt), energyWh: Math.max(0, stop.meterStopWh - session.meterStartWh), anomalies };
}
