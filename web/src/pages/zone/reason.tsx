// A11 in words: a setpoint with the reason that bound it, one click away. Used by the overview,
// the zone and the station views. Every reason code has its message (dashboard.reason.*).
import { useState } from 'react';
import type { SetpointView } from '../../api/types';
import { useFormat, useT, type Translate } from '../../i18n/i18n';

type Reason = SetpointView['reason'];
type Source = { kind?: string; [key: string]: unknown } | undefined;

const str = (value: unknown): string => (value == null ? '' : String(value));

export function useReasonText(): (reason: Reason) => string {
  const t = useT();
  const format = useFormat();
  const amps = (value: unknown) => (typeof value === 'number' ? format.number(value) : str(value));
  return (reason) => describe(t, amps, format.time, reason);
}

function sourceText(t: Translate, amps: (v: unknown) => string, source: Source): string {
  if (!source?.kind) return '';
  return t(`dashboard.source.${source.kind}`, {
    otherLoadsA: amps(source.otherLoadsA), fallbackA: amps(source.fallbackA), period: str(source.period), input: str(source.input), pct: str(source.pct),
  });
}

function describe(t: Translate, amps: (v: unknown) => string, time: (at: number) => string, reason: Reason): string {
  const r = reason as Record<string, unknown>;
  switch (reason.code) {
    case 'idle': return t('dashboard.reason.idle');
    case 'config-error': return t('dashboard.reason.config-error', { message: str(r.message) });
    case 'uncontrolled': return t('dashboard.reason.uncontrolled');
    case 'not-provisioned': return t('dashboard.reason.not-provisioned');
    case 'not-answering': return t('dashboard.reason.not-answering');
    case 'external-cap': return t('dashboard.reason.external-cap', { capA: amps(r.capA) });
    case 'station-offline': {
      const failsafe = r.failsafe as { code?: string; zone?: string; phase?: string; sumA?: number; maxA?: number } | undefined;
      const why = failsafe?.code ? t(`dashboard.failsafe.${failsafe.code}`, { zone: str(failsafe.zone), phase: str(failsafe.phase), sumA: amps(failsafe.sumA), maxA: amps(failsafe.maxA) }) : '';
      if (r.assumption === 'held') return t('dashboard.reason.station-offline.held');
      return t(r.assumption === 'dc-last-setpoint' ? 'dashboard.reason.station-offline.dc' : 'dashboard.reason.station-offline', { failsafe: why });
    }
    case 'zone-limit':
      return t('dashboard.reason.zone-limit', {
        zone: str(r.zone), phase: str(r.phase), limitA: amps(r.limitA), source: sourceText(t, amps, r.source as Source), reservedA: amps(r.reservedA),
      });
    case 'connector-max': return t('dashboard.reason.connector-max', { maxA: amps(r.maxA) });
    case 'demand': return t('dashboard.reason.demand', { capA: amps(r.capA), measuredA: amps(r.measuredA) });
    case 'suspended': {
      const cause = t(`dashboard.suspend.${str(r.cause)}`, {
        minA: amps(r.minA), zone: str(r.zone), phase: str(r.phase), limitA: amps(r.limitA), source: sourceText(t, amps, r.source as Source),
      });
      const next = typeof r.nextTurnAt === 'number' ? ` ${t('dashboard.suspend.nextTurn', { time: time(r.nextTurnAt) })}` : '';
      return `${t('dashboard.reason.suspended', { cause })}${next}`;
    }
    default: return t('dashboard.reason.unknown', { code: reason.code });
  }
}

/** "16 A" and a button that opens the reason behind it in words (A11). */
export function SetpointCell({ setpoint, testId }: { setpoint: SetpointView | null | undefined; testId?: string }) {
  const t = useT();
  const format = useFormat();
  const text = useReasonText();
  const [open, setOpen] = useState(false);
  if (!setpoint) return <span className="setpoint setpoint-none" data-testid={testId}>—</span>;
  const words = text(setpoint.reason);
  return (
    <span className="setpoint" data-testid={testId}>
      <button type="button" className={`setpoint-value reason-${setpoint.reason.code}`} title={words} aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('dashboard.amps', { value: format.number(setpoint.currentA) })}
        {!setpoint.controllable && <span className="setpoint-flag" aria-label={t('dashboard.notControllable')}>!</span>}
      </button>
      {open && <span className="reason-pop" role="note" data-testid={testId ? `${testId}-reason` : undefined}>{words}</span>}
    </span>
  );
}
