// The fleet by state (W4): every connector of the zone's stations counted once.
import type { ConnectorView, StationView } from '../../api/types';

export const FLEET_STATES = ['available', 'charging', 'suspendedEV', 'suspendedEVSE', 'faulted', 'offline'] as const;
export type FleetState = (typeof FLEET_STATES)[number];

export function connectorState(station: StationView, connector: ConnectorView): FleetState {
  if (!station.connected || connector.status === 'Unavailable') return 'offline';
  if (connector.status === 'Faulted' || station.status === 'Faulted') return 'faulted';
  if (connector.status === 'Charging') return 'charging';
  if (connector.status === 'SuspendedEV') return 'suspendedEV';
  if (connector.status === 'SuspendedEVSE') return 'suspendedEVSE';
  return 'available';
}

export function fleetCounts(stations: readonly StationView[]): Record<FleetState, number> {
  const counts = Object.fromEntries(FLEET_STATES.map((s) => [s, 0])) as Record<FleetState, number>;
  for (const station of stations) for (const connector of station.connectors) counts[connectorState(station, connector)]++;
  return counts;
}

export const STATE_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'idle' | 'info'> = {
  available: 'ok', charging: 'info', suspendedEV: 'warn', suspendedEVSE: 'warn', faulted: 'bad', offline: 'idle',
};

/** The zone as GET /api/zones answers it. */
export interface ZoneView {
  name: string;
  parent: string | null;
  depth: number;
  maxCurrentA: number;
  mode: string;
  meter: string | null;
  fallbackCurrentA: number;
  children: string[];
  stations: string[];
  meterA: number[] | null;
  live: {
    at: number; limitA: number[]; limitSources: string[]; allocatedA: number[]; measuredA: number[]; reservedA: number[]; meterLost: boolean; otherLoadsA?: number[];
  } | null;
}

export interface MeterView {
  name: string;
  reporting?: boolean;
  usedBy: string | null;
  state: { status: string; reason: string | null; lost: boolean; since: number | null; lastReading: { currentsA: number[]; powerW: number | null; energyWh: number | null; at: number } | null };
}

/** The zone and every zone below it. */
export function subtree(zones: readonly ZoneView[], name: string): ZoneView[] {
  const out: ZoneView[] = [];
  const walk = (n: string) => {
    const zone = zones.find((z) => z.name === n);
    if (!zone) return;
    out.push(zone);
    zone.children.forEach(walk);
  };
  walk(name);
  return out;
}
