// The stations step's settings of one admitted station, as on its page (W5): VIP (A4), box identity
// towards the CPO (U1) next to its serial number, and each connector's phase wiring (Z4). Saved with
// PATCH /api/stations/{id}, the API the station page uses. The list is polled: what is typed here
// stays over what the poll brings until it is saved, and connectors that appear later are offered.
import { useState } from 'react';
import { patch } from '../../api/client';
import type { StationView } from '../../api/types';
import { Field } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { ErrorLine, useSaver } from './parts';

/** Z4, in the order of the station page. */
export const WIRINGS = ['L1L2L3', 'L2L3L1', 'L3L1L2', 'L1', 'L2', 'L3'] as const;

interface Edits { vip?: boolean; boxIdentity?: string; phases: Record<number, string> }

export function StationSettings({ station, onSaved }: { station: StationView; onSaved: () => void }) {
  const t = useT();
  const [edits, setEdits] = useState<Edits>({ phases: {} });
  const [saved, setSaved] = useState(false);
  const saver = useSaver();
  const change = (next: Partial<Edits>) => { setEdits((e) => ({ ...e, ...next })); setSaved(false); };
  const vip = edits.vip ?? station.vip;
  const boxIdentity = edits.boxIdentity ?? station.boxIdentity ?? '';
  const changedWirings = station.connectors.filter((c) => edits.phases[c.connectorId] !== undefined && edits.phases[c.connectorId] !== c.phases);
  /** The body lists the changed connectors only: the server's field names their place there. */
  const connectorField = (connectorId: number) => `connectors.${changedWirings.findIndex((c) => c.connectorId === connectorId)}.phases`;
  const save = async () => {
    const body: Record<string, unknown> = {};
    if (edits.vip !== undefined && edits.vip !== station.vip) body.vip = edits.vip;
    if (edits.boxIdentity !== undefined) {
      const box = edits.boxIdentity.trim() === '' ? null : edits.boxIdentity.trim();
      if (box !== station.boxIdentity) body.boxIdentity = box;
    }
    if (changedWirings.length) body.connectors = changedWirings.map((c) => ({ connectorId: c.connectorId, phases: edits.phases[c.connectorId] }));
    const done = Object.keys(body).length === 0 || await saver.run(() => patch(`/api/stations/${encodeURIComponent(station.id)}`, body));
    if (done) {
      setEdits({ phases: {} });
      setSaved(true);
      onSaved();
    }
  };
  const id = station.id;
  return (
    <fieldset data-testid={`station-settings-${id}`} style={{ marginBottom: '.75rem' }}>
      <legend>{t('assistant.stations.settingsOf', { id })}</legend>
      <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" checked={vip} onChange={(e) => change({ vip: e.target.checked })} data-testid={`station-vip-${id}`} />
            {' '}{t('assistant.stations.vip')}
          </label>
          <span className="field-hint">{t('assistant.stations.vipHint')}</span>
        </div>
        <Field label={t('assistant.stations.boxIdentity')} hint={t('assistant.stations.boxIdentityHint')} error={saver.at('boxIdentity')}>
          <input value={boxIdentity} maxLength={48} placeholder={id} onChange={(e) => change({ boxIdentity: e.target.value })} data-testid={`station-box-identity-${id}`} />
        </Field>
        <div className="field">
          <span className="field-label">{t('assistant.stations.serial')}</span>
          <span data-testid={`station-serial-${id}`}>{station.serialNumber ?? '—'}</span>
        </div>
      </div>
      {station.connectors.length === 0
        ? <p className="hint">{t('assistant.stations.noConnectors')}</p>
        : (
          <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap' }}>
            {station.connectors.map((c) => (
              <Field key={c.connectorId} label={t('assistant.stations.wiringOf', { connector: c.connectorId })} error={saver.at(connectorField(c.connectorId))}>
                <select value={edits.phases[c.connectorId] ?? c.phases} onChange={(e) => change({ phases: { ...edits.phases, [c.connectorId]: e.target.value } })}
                  data-testid={`station-wiring-${id}-${c.connectorId}`}>
                  {WIRINGS.map((w) => <option key={w} value={w}>{w}</option>)}
                </select>
              </Field>
            ))}
          </div>
        )}
      {station.connectors.length > 0 && <p className="hint">{t('assistant.stations.wiringHint')}</p>}
      <ErrorLine error={saver.general(['boxIdentity', ...changedWirings.map((c) => connectorField(c.connectorId))])} />
      <div style={{ display: 'flex', gap: '.5rem', alignItems: 'center' }}>
        <button type="button" className="btn" onClick={() => void save()} data-testid={`station-save-${id}`}>{t('assistant.stations.save')}</button>
        {saved && <span className="outcome-ok" role="status" data-testid={`station-saved-${id}`}>{t('assistant.stations.saved')}</span>}
      </div>
    </fieldset>
  );
}
