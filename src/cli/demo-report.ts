// The compact per-zone line the demo prints every few seconds, until the web UI lands.
import { describeLimitSource, type AllocationResult } from '../domain/index.js';

const triple = (values: readonly number[]) => values.map((v) => v.toFixed(0).padStart(3)).join('/');

export function zoneLines(result: AllocationResult): string[] {
  const parentOf = new Map(result.zones.map((z) => [z.zone, z.parent]));
  const within = (zone: string | null, ancestor: string): boolean => zone !== null && (zone === ancestor || within(parentOf.get(zone) ?? null, ancestor));
  return result.zones.map((zone) => {
    const setpoints = result.setpoints.filter((s) => within(s.zone, zone.zone) && s.reason.code !== 'idle');
    const charging = setpoints.filter((s) => s.currentA > 0).length;
    const suspended = setpoints.filter((s) => s.reason.code === 'suspended').length;
    const source = zone.sources.find((s) => s.kind !== 'zone-max');
    const why = source ? `  [${describeLimitSource(source)}]` : '';
    return `  ${zone.zone.padEnd(18)} limit ${triple(zone.limitA)} A  allocated ${triple(zone.allocatedA)}  measured ${triple(zone.evMeasuredA)}  cars ${charging} charging, ${suspended} suspended${why}`;
  });
}
