// The assistant's last steps: stations admitted from pending as they connect (O2) and set up as on
// their page (VIP, box identity, phase wiring: station-settings.tsx), load shedding
// (A3, A5, A6), badges (B3, seen ones enrolled), and the summary with each station's setpoint.
import { useState } from 'react';
import { patch, post } from '../../api/client';
import type { StationView } from '../../api/types';
import { Badge, Field } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { navigate } from '../../router';
import { ErrorLine, numberOrUndefined, StepFrame, usePoll, useSaver, type StepProps } from './parts';
import { StationSettings } from './station-settings';
import { ZoneTree, type ZoneView } from './steps-site';

const POLL_MS = 2000;

export function StationsStep({ next, back }: StepProps) {
  const t = useT();
  const pending = usePoll<StationView[]>('/api/stations/pending', POLL_MS);
  const stations = usePoll<StationView[]>('/api/stations', POLL_MS);
  const zones = usePoll<ZoneView[]>('/api/zones');
  const advanced = usePoll<{ unknownStations: string }>('/api/settings/advanced');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const saver = useSaver();
  const admit = (id: string) => saver.run(async () => {
    await post(`/api/stations/${encodeURIComponent(id)}/admit`, { zone: chosen[id] ?? '' });
    pending.reload();
    stations.reload();
  });
  const allowPending = () => saver.run(async () => {
    await patch('/api/settings/advanced', { unknownStations: 'pending' });
    advanced.reload();
  });
  const zoneNames = (zones.data ?? []).map((z) => z.name);
  const ocppUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ocpp/`;
  return (
    <StepFrame id="stations" title={t('assistant.stations.title')} intro={t('assistant.stations.intro', { url: ocppUrl })} onBack={back}
      primary={{ label: t('assistant.continue'), onClick: next }}>
      {advanced.data?.unknownStations === 'reject' && (
        <div className="error-note">
          {t('assistant.stations.rejecting')}{' '}
          <button type="button" className="btn" onClick={() => void allowPending()} data-testid="stations-allow-pending">{t('assistant.stations.allowPending')}</button>
        </div>
      )}
      {zoneNames.length === 0 && <p className="error-note">{t('assistant.stations.noZones')}</p>}
      <h3>{t('assistant.stations.pending')}</h3>
      {(pending.data ?? []).length === 0
        ? <p className="hint" data-testid="pending-empty">{t('assistant.stations.waiting')}</p>
        : (
          <table data-testid="pending-list">
            <thead><tr><th>{t('assistant.stations.id')}</th><th>{t('assistant.stations.model')}</th><th>{t('assistant.stations.zone')}</th><th /></tr></thead>
            <tbody>{pending.data!.map((s) => (
              <tr key={s.id} data-testid={`pending-${s.id}`}>
                <td>{s.id}</td>
                <td>{[s.vendor, s.model].filter(Boolean).join(' ') || '—'}</td>
                <td>
                  <select aria-label={t('assistant.stations.zoneOf', { id: s.id })} value={chosen[s.id] ?? ''} onChange={(e) => setChosen({ ...chosen, [s.id]: e.target.value })} data-testid={`admit-zone-${s.id}`}>
                    <option value="">{t('assistant.stations.chooseZone')}</option>
                    {zoneNames.map((z) => <option key={z} value={z}>{z}</option>)}
                  </select>
                </td>
                <td><button type="button" className="btn btn-primary" disabled={!chosen[s.id]} onClick={() => void admit(s.id)} data-testid={`admit-${s.id}`}>{t('assistant.stations.admit')}</button></td>
              </tr>
            ))}</tbody>
          </table>
        )}
      <ErrorLine error={saver.error} />
      <h3>{t('assistant.stations.admitted')}</h3>
      {(stations.data ?? []).length === 0
        ? <p className="hint">{t('assistant.stations.none')}</p>
        : (
          <table data-testid="admitted-list">
            <thead><tr><th>{t('assistant.stations.id')}</th><th>{t('assistant.stations.zone')}</th><th>{t('assistant.stations.connection')}</th></tr></thead>
            <tbody>{stations.data!.map((s) => (
              <tr key={s.id} data-testid={`admitted-${s.id}`}>
                <td>{s.id}</td><td>{s.zone}</td>
                <td>{s.connected ? <Badge tone="ok">{t('assistant.stations.connected')}</Badge> : <Badge tone="idle">{t('assistant.stations.notConnected')}</Badge>}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
      {(stations.data ?? []).map((s) => <StationSettings key={s.id} station={s} onSaved={stations.reload} />)}
      <p className="hint">{t('assistant.stations.boot')}</p>
    </StepFrame>
  );
}

interface Shedding { minimumStandard: string; sheddingPriority: string; rotationPeriodMin: number }

export function SheddingStep({ next, back }: StepProps) {
  const t = useT();
  const loaded = usePoll<Shedding>('/api/settings/load-shedding');
  const [form, setForm] = useState<Partial<Record<keyof Shedding, string>>>({});
  const value = (key: keyof Shedding) => form[key] ?? (loaded.data ? String(loaded.data[key]) : '');
  const saver = useSaver();
  const save = async () => {
    const body: Record<string, unknown> = {};
    if (form.minimumStandard) body.minimumStandard = form.minimumStandard;
    if (form.sheddingPriority) body.sheddingPriority = form.sheddingPriority;
    if (form.rotationPeriodMin !== undefined) body.rotationPeriodMin = numberOrUndefined(form.rotationPeriodMin);
    if (await saver.run(() => patch('/api/settings/load-shedding', body))) next();
  };
  return (
    <StepFrame id="shedding" title={t('assistant.shedding.title')} intro={t('assistant.shedding.intro')} onBack={back} onSkip={next}
      primary={{ label: t('assistant.saveContinue'), onClick: save }}>
      <Field label={t('assistant.shedding.minimum')} error={saver.at('minimumStandard')} hint={t('assistant.shedding.minimumHint')}>
        <select value={value('minimumStandard')} onChange={(e) => setForm({ ...form, minimumStandard: e.target.value })} data-testid="shedding-minimum">
          <option value="IEC61851">{t('assistant.shedding.iec')}</option>
          <option value="EVZE">{t('assistant.shedding.evze')}</option>
        </select>
      </Field>
      <Field label={t('assistant.shedding.priority')} error={saver.at('sheddingPriority')} hint={t('assistant.shedding.priorityHint')}>
        <select value={value('sheddingPriority')} onChange={(e) => setForm({ ...form, sheddingPriority: e.target.value })} data-testid="shedding-priority">
          <option value="energy">{t('assistant.shedding.energy')}</option>
          <option value="duration">{t('assistant.shedding.duration')}</option>
        </select>
      </Field>
      <Field label={t('assistant.shedding.rotation')} error={saver.at('rotationPeriodMin')} hint={t('assistant.shedding.rotationHint')}>
        <input type="number" value={value('rotationPeriodMin')} onChange={(e) => setForm({ ...form, rotationPeriodMin: e.target.value })} data-testid="shedding-rotation" />
      </Field>
      <ErrorLine error={saver.general(['minimumStandard', 'sheddingPriority', 'rotationPeriodMin'])} />
    </StepFrame>
  );
}

interface BadgeView { idTag: string; authorized: boolean; vip: boolean; comment: string | null }
interface SeenBadge { idTag: string; lastSeenAt?: number; stationId?: string | null }

export function BadgesStep({ next, back }: StepProps) {
  const t = useT();
  const badges = usePoll<BadgeView[]>('/api/badges');
  const seen = usePoll<SeenBadge[]>('/api/seen-badges', POLL_MS);
  const [form, setForm] = useState({ idTag: '', comment: '', vip: false });
  const saver = useSaver();
  const add = async () => {
    const body: Record<string, unknown> = { idTag: form.idTag.trim(), authorized: true, vip: form.vip };
    if (form.comment.trim()) body.comment = form.comment.trim();
    if (await saver.run(() => post('/api/badges', body))) {
      setForm({ idTag: '', comment: '', vip: false });
      badges.reload();
    }
  };
  const enroll = (idTag: string) => saver.run(async () => {
    await post(`/api/seen-badges/${encodeURIComponent(idTag)}/enroll`, {});
    badges.reload();
    seen.reload();
  });
  return (
    <StepFrame id="badges" title={t('assistant.badges.title')} intro={t('assistant.badges.intro')} onBack={back}
      onSkip={(badges.data ?? []).length ? undefined : next}
      primary={(badges.data ?? []).length ? { label: t('assistant.continue'), onClick: next } : undefined}>
      <div className="grid">
        <div>
          <Field label={t('assistant.badges.idTag')} error={saver.at('idTag')} hint={t('assistant.badges.idTagHint')}>
            <input value={form.idTag} onChange={(e) => setForm({ ...form, idTag: e.target.value })} data-testid="badge-idtag" />
          </Field>
          <Field label={t('assistant.badges.comment')} error={saver.at('comment')}>
            <input value={form.comment} onChange={(e) => setForm({ ...form, comment: e.target.value })} data-testid="badge-comment" />
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={form.vip} onChange={(e) => setForm({ ...form, vip: e.target.checked })} data-testid="badge-vip" />
            {' '}{t('assistant.badges.vip')}
          </label>
          <div><button type="button" className="btn" onClick={() => void add()} data-testid="badge-add">{t('assistant.badges.add')}</button></div>
        </div>
        <div>
          <h3>{t('assistant.badges.seen')}</h3>
          {(seen.data ?? []).length === 0
            ? <p className="hint">{t('assistant.badges.noSeen')}</p>
            : <ul>{seen.data!.map((s) => (
              <li key={s.idTag} data-testid={`seen-${s.idTag}`}>
                {s.idTag}{' '}
                <button type="button" className="btn btn-link" onClick={() => void enroll(s.idTag)} data-testid={`enroll-${s.idTag}`}>{t('assistant.badges.enroll')}</button>
              </li>
            ))}</ul>}
        </div>
      </div>
      <ErrorLine error={saver.general(['idTag', 'comment'])} />
      {(badges.data ?? []).length > 0 && (
        <table data-testid="badges-list">
          <thead><tr><th>{t('assistant.badges.idTag')}</th><th>{t('assistant.badges.vip')}</th><th>{t('assistant.badges.comment')}</th></tr></thead>
          <tbody>{badges.data!.map((b) => (
            <tr key={b.idTag} data-testid={`badge-${b.idTag}`}><td>{b.idTag}</td><td>{b.vip ? t('common.yes') : t('common.no')}</td><td>{b.comment ?? ''}</td></tr>
          ))}</tbody>
        </table>
      )}
    </StepFrame>
  );
}

/** What was set up, with each station's connectors and their live setpoint. */
export function SummaryStep({ back, finish }: StepProps & { finish(): void }) {
  const t = useT();
  const zones = usePoll<ZoneView[]>('/api/zones', POLL_MS);
  const stations = usePoll<StationView[]>('/api/stations', POLL_MS);
  const badges = usePoll<BadgeView[]>('/api/badges');
  const meters = usePoll<unknown[]>('/api/meters');
  return (
    <StepFrame id="summary" title={t('assistant.summary.title')} intro={t('assistant.summary.intro')} onBack={back}
      primary={{ label: t('assistant.summary.toOverview'), onClick: finish }}>
      {/* Counted only once every list has loaded: a list still on its way is not "0". */}
      {zones.data && stations.data && meters.data && badges.data && (
        <p data-testid="summary-counts">{t('assistant.summary.counts', {
          zones: zones.data.length, stations: stations.data.length, meters: meters.data.length, badges: badges.data.length,
        })}</p>
      )}
      <h3>{t('assistant.summary.zones')}</h3>
      <ZoneTree zones={zones.data ?? []} />
      <h3>{t('assistant.summary.stations')}</h3>
      {(stations.data ?? []).length === 0
        ? <p className="hint">{t('assistant.stations.none')}</p>
        : (
          <table data-testid="summary-stations">
            <thead><tr><th>{t('assistant.stations.id')}</th><th>{t('assistant.stations.zone')}</th><th>{t('assistant.summary.connector')}</th><th>{t('assistant.summary.status')}</th><th>{t('assistant.summary.setpoint')}</th></tr></thead>
            <tbody>{stations.data!.flatMap((s) => (s.connectors.length ? s.connectors : [null]).map((c) => (
              <tr key={`${s.id}-${c?.connectorId ?? 0}`}>
                <td>{s.id}</td><td>{s.zone}</td><td>{c?.connectorId ?? '—'}</td>
                <td>{s.connected ? (c?.status ?? s.status ?? '—') : t('assistant.stations.notConnected')}</td>
                <td data-testid={`setpoint-${s.id}-${c?.connectorId ?? 0}`}>{c?.setpoint ? t('assistant.summary.amps', { a: c.setpoint.currentA }) : '—'}</td>
              </tr>
            )))}</tbody>
          </table>
        )}
      <button type="button" className="btn btn-link" onClick={() => navigate('/admin')} data-testid="summary-admin">{t('assistant.summary.toAdmin')}</button>
    </StepFrame>
  );
}
