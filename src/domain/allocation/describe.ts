// Reasons in words (A11), for the CLI, logs and the dashboard.

import type { FailsafeReason } from '../limits/failsafe.js';
import type { LimitSource } from '../limits/zone-limits.js';
import type { SetpointReason } from '../result.js';

export function describeLimitSource(source: LimitSource): string {
  switch (source.kind) {
    case 'zone-max': return 'zone maximum';
    case 'meter': return `meter, other loads ${fmt(source.otherLoadsA)} A`;
    case 'meter-lost': return `meter lost, fallback ${fmt(source.fallbackA)} A`;
    case 'tou': return `TOU period "${source.period}" ${source.pct} %`;
    case 'digital-input': return `digital input "${source.input}" ${source.pct} %`;
  }
}

export function describeFailsafe(reason: FailsafeReason): string {
  switch (reason.code) {
    case 'minimum': return 'failsafe = its minimum';
    case 'dynamic-zone': return `failsafe 0 A: zone "${reason.zone}" is dynamic`;
    case 'minimums-exceed-max': return `failsafe 0 A: minimums in zone "${reason.zone}" sum to ${fmt(reason.sumA)} A on ${reason.phase}, above its ${fmt(reason.maxA)} A`;
    case 'dc-no-failsafe': return 'DC: no failsafe, keeps its last setpoint';
    case 'unknown-zone': return 'failsafe 0 A: unknown zone';
  }
}

export function describeReason(reason: SetpointReason, timeLabel: (at: number) => string = (at) => new Date(at).toISOString()): string {
  switch (reason.code) {
    case 'idle': return 'idle';
    case 'config-error': return `configuration error: ${reason.message}`;
    case 'station-offline':
      if (reason.assumption === 'held') return 'station offline, counted at what it holds (its live profile until it expires, then its failsafe)';
      return reason.assumption === 'failsafe'
        ? `station offline, counted at its failsafe (${reason.failsafe ? describeFailsafe(reason.failsafe) : 'failsafe'})`
        : 'station offline, DC counted at its last setpoint';
    case 'not-provisioned': return 'station not provisioned yet (failsafe profile not acknowledged): counted at what it may hold';
    case 'not-answering': return 'station does not answer its live profile: counted at what it may still hold, the others share around it';
    case 'uncontrolled': return 'station does not apply setpoints: counted at its maximum';
    case 'zone-limit': {
      const reserved = reason.reservedA > 0 ? `, ${fmt(reason.reservedA)} A held for what other stations may draw (offline, not provisioned, not answering, uncontrolled)` : '';
      return `zone "${reason.zone}" ${reason.phase} full (limit ${fmt(reason.limitA)} A: ${describeLimitSource(reason.source)}${reserved})`;
    }
    case 'connector-max':
      return reason.maxPowerW !== undefined ? `connector maximum ${reason.maxPowerW} W` : `connector maximum ${fmt(reason.maxA)} A`;
    case 'demand': return `demand: draws ${fmt(reason.measuredA)} A, capped at ${fmt(reason.capA)} A`;
    case 'external-cap': return `capped at ${fmt(reason.capA)} A by the CPO's charging profile`;
    case 'suspended': {
      const parts = [`suspended (${reason.cause})`];
      if (reason.zone !== undefined && reason.phase !== undefined) {
        parts.push(`minimum ${fmt(reason.minA)} A does not fit in zone "${reason.zone}" ${reason.phase}`
          + (reason.limitA !== undefined && reason.source ? ` (limit ${fmt(reason.limitA)} A: ${describeLimitSource(reason.source)})` : ''));
      } else if (reason.cause === 'max-below-minimum') {
        parts.push(`its maximum is below its minimum ${fmt(reason.minA)} A`);
      }
      if (reason.priority) parts.push(reason.priority === 'energy' ? 'most energy yields first' : 'longest charging yields first');
      if (reason.nextTurnAt !== undefined) parts.push(`turn at ${timeLabel(reason.nextTurnAt)}`);
      return parts.join('; ');
    }
  }
}

function fmt(valueA: number): string {
  return String(Math.round(valueA * 10) / 10);
}
