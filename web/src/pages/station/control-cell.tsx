// Per connector, what its station holds against what Fuseguard wants (D8, issue 13): the lifecycle
// state with its meaning one click (or a hover) away, the live limit and the failsafe, each flagged
// when the station does not hold what is wanted yet.
import { useState } from 'react';
import type { ControlView } from '../../api/types';
import { Badge } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';

const STATE_TONE = { provisioned: 'ok', 'not-provisioned': 'warn', 'not-booted': 'idle', offline: 'idle', uncontrolled: 'bad' } as const;

/** Held and wanted differ (beyond rounding): the station is counted at what it holds meanwhile. */
export function differs(held: number | null, wanted: number | null, heldUnknownDiffers: boolean): boolean {
  if (wanted == null) return false;
  if (held == null) return heldUnknownDiffers;
  return Math.abs(held - wanted) > 0.05;
}

export function ControlCell({ control, testId }: { control: ControlView | null | undefined; testId: string }) {
  const t = useT();
  const format = useFormat();
  const [open, setOpen] = useState(false);
  if (!control) {
    return <span className="control-cell control-off" title={t('dashboard.control.off')} data-testid={testId}>—</span>;
  }
  const amps = (value: number) => t('dashboard.amps', { value: format.number(value) });
  const explain = t(`dashboard.control.explain.${control.state}`);
  // A connected station that takes profiles catches up by itself; elsewhere the gap stays until it changes.
  const flagText = t(control.state === 'provisioned' || control.state === 'not-provisioned' ? 'dashboard.control.syncing' : 'dashboard.control.differs');
  // DC: the live limit is not tracked (null held), which is no gap. An unknown failsafe is one.
  const liveGap = differs(control.heldA, control.wantedA, false);
  const failsafeGap = differs(control.failsafeHeldA, control.failsafeWantedA, true);
  const flag = (gap: boolean, line: string) => gap && (
    <span className="control-flag" title={t('dashboard.control.gap')} data-testid={`${testId}-${line}-flag`}><Badge tone="warn">{flagText}</Badge></span>
  );
  return (
    <div className={`control-cell${liveGap || failsafeGap ? ' control-gap' : ''}`} data-testid={testId} data-state={control.state}>
      <span className="setpoint">
        <button type="button" className="control-state" title={explain} aria-expanded={open} onClick={() => setOpen(!open)} data-testid={`${testId}-state`}>
          <Badge tone={STATE_TONE[control.state]}>{t(`dashboard.control.state.${control.state}`)}</Badge>
        </button>
        {open && <span className="reason-pop" role="note" data-testid={`${testId}-explain`}>{explain}</span>}
      </span>
      <span className={`control-line${liveGap ? ' control-line-gap' : ''}`} data-testid={`${testId}-live`}>
        {t('dashboard.control.live', {
          held: control.heldA == null ? t('dashboard.control.liveHeldNone') : amps(control.heldA),
          wanted: control.wantedA == null ? t('dashboard.control.liveWantedNone') : amps(control.wantedA),
        })}
        {flag(liveGap, 'live')}
      </span>
      <span className={`control-line${failsafeGap ? ' control-line-gap' : ''}`} data-testid={`${testId}-failsafe`}
        title={control.failsafeHeldA == null && control.failsafeWantedA != null ? t('dashboard.control.failsafeHeldNoneWhy') : undefined}>
        {t('dashboard.control.failsafe', {
          held: control.failsafeHeldA == null ? t('dashboard.control.failsafeHeldNone') : amps(control.failsafeHeldA),
          wanted: control.failsafeWantedA == null ? t('dashboard.control.failsafeWantedNone') : amps(control.failsafeWantedA),
        })}
        {flag(failsafeGap, 'failsafe')}
      </span>
    </div>
  );
}
