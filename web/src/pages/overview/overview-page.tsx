// Global view (W3): the tree of zones → sub-zones → stations with their connectors and setpoints,
// the reporting meters (Z7), the sessions with stop and force stop, and the session export (W10).
import { useState } from 'react';
import { ApiError, download, post } from '../../api/client';
import { stationState, type RelayStationStatus, type StationView } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Badge, Button, Card, ErrorNote, Field, Loading, PageTitle } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import { Link } from '../../router';
import { RelayBadge, relayOf, useRelayStatus } from '../station/relay';
import { connectorState, STATE_TONE, type MeterView, type ZoneView } from '../zone/fleet';
import { SetpointCell } from '../zone/reason';
import './dashboard.css';

export default function OverviewPage(_props: PageProps) {
  const t = useT();
  return (
    <div className="overview">
      <PageTitle>{t('dashboard.overview.title')}</PageTitle>
      <SiteTree />
      <Sessions />
      <SessionExport />
    </div>
  );
}

const STATE_BADGE = { available: 'ok', charging: 'info', faulted: 'bad', offline: 'idle' } as const;

function SiteTree() {
  const t = useT();
  const format = useFormat();
  const zones = useApi<ZoneView[]>('/api/zones', ['allocation', 'station']);
  const stations = useApi<StationView[]>('/api/stations', ['station', 'connector', 'allocation', 'session']);
  const meters = useApi<MeterView[]>('/api/meters', ['meter']);
  const relay = useRelayStatus();
  const linkOf = (s: StationView) => (relay.data?.enabled ? relayOf(relay.data, s) : undefined);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  if (zones.error || stations.error) return <Card title={t('dashboard.tree.title')}><ErrorNote error={zones.error ?? stations.error} /></Card>;
  if (!zones.data || !stations.data) return <Loading />;
  const byId = new Map(stations.data.map((s) => [s.id, s]));
  const toggle = (name: string) => {
    const next = new Set(collapsed);
    if (next.has(name)) next.delete(name); else next.add(name);
    setCollapsed(next);
  };
  const zoneNode = (zone: ZoneView) => {
    const open = !collapsed.has(zone.name);
    // The fullest phase: its allocation and its own limit (phases differ in a dynamic zone).
    const fullest = zone.live ? [0, 1, 2].reduce((best, ph) => (
      zone.live!.allocatedA[ph] - zone.live!.limitA[ph] > zone.live!.allocatedA[best] - zone.live!.limitA[best] ? ph : best), 0) : null;
    const allocated = zone.live && fullest !== null ? zone.live.allocatedA[fullest] : null;
    const limit = zone.live && fullest !== null ? zone.live.limitA[fullest] : null;
    return (
      <li key={zone.name} className="tree-zone" data-testid={`tree-zone-${zone.name}`}>
        <div className="tree-row">
          <button type="button" className="tree-toggle" aria-expanded={open} aria-label={t(open ? 'dashboard.tree.collapse' : 'dashboard.tree.expand', { name: zone.name })} onClick={() => toggle(zone.name)}>{open ? '▾' : '▸'}</button>
          <Link to={`/zones/${zone.name}`}>{zone.name}</Link>
          <span className="tree-figures">
            {t('dashboard.tree.zoneFigures', { max: format.number(zone.maxCurrentA), mode: t(`dashboard.mode.${zone.mode}`) })}
            {allocated !== null && limit !== null && ` · ${t('dashboard.tree.zoneLive', { allocated: format.number(allocated), limit: format.number(limit), phase: `L${(fullest ?? 0) + 1}` })}`}
          </span>
          {zone.live?.meterLost && <Badge tone="bad">{t('dashboard.meterLost')}</Badge>}
        </div>
        {open && (
          <ul>
            {zone.stations.map((id) => byId.get(id)).filter((s): s is StationView => !!s).map((s) => <StationNode key={s.id} station={s} relay={linkOf(s)} />)}
            {zone.children.map((name) => zones.data?.find((z) => z.name === name)).filter((z): z is ZoneView => !!z).map(zoneNode)}
          </ul>
        )}
      </li>
    );
  };
  const reporting = (meters.data ?? []).filter((m) => m.reporting);
  const unzoned = stations.data.filter((s) => s.admission === 'admitted' && !zones.data?.some((z) => z.name === s.zone));
  return (
    <Card title={t('dashboard.tree.title')} testId="site-tree">
      {zones.data.length === 0 && <p className="hint">{t('dashboard.tree.empty')}</p>}
      <ul className="tree">
        {zones.data.filter((z) => z.parent === null).map(zoneNode)}
        {unzoned.map((s) => <StationNode key={s.id} station={s} relay={linkOf(s)} />)}
      </ul>
      {reporting.length > 0 && (
        <>
          <h3>{t('dashboard.tree.reportingMeters')}</h3>
          <ul className="tree" data-testid="reporting-meters">
            {reporting.map((m) => <li key={m.name} className="tree-row"><strong>{m.name}</strong><MeterFigures meter={m} /></li>)}
          </ul>
        </>
      )}
    </Card>
  );
}

export function MeterFigures({ meter }: { meter: MeterView }) {
  const t = useT();
  const format = useFormat();
  const reading = meter.state.lastReading;
  const tone = meter.state.status === 'connected' && !meter.state.lost ? 'ok' : 'bad';
  return (
    <span className="tree-figures">
      <Badge tone={tone}>{t(`dashboard.meterStatus.${meter.state.status}`)}</Badge>{' '}
      {reading ? t('dashboard.meterReading', {
        l1: format.number(reading.currentsA[0]), l2: format.number(reading.currentsA[1]), l3: format.number(reading.currentsA[2]),
        power: reading.powerW == null ? '—' : format.number(reading.powerW / 1000, 2),
        energy: reading.energyWh == null ? '—' : format.number(reading.energyWh / 1000, 1),
      }) : t('dashboard.noReading')}
      {meter.state.reason && ` · ${meter.state.reason}`}
    </span>
  );
}

/** `relay`: the station's link to the CPO, when the relay is enabled (a badge). */
export function StationNode({ station, relay }: { station: StationView; relay?: RelayStationStatus }) {
  const t = useT();
  const state = stationState(station);
  return (
    <li className="tree-row tree-station" data-testid={`tree-station-${station.id}`}>
      <Link to={`/stations/${station.id}`}>{station.name ? `${station.name} (${station.id})` : station.id}</Link>
      <span data-testid={`station-state-${station.id}`}><Badge tone={STATE_BADGE[state]}>{t(`common.state.${state}`)}</Badge></span>
      {station.controlIssue && <Badge tone="bad">{t('dashboard.uncontrolled')}</Badge>}
      {(station.warnings ?? []).map((w) => (
        <span key={w.code} title={t(`dashboard.station.warning.${w.code}`)} data-testid={`station-warning-${station.id}-${w.code}`}><Badge tone="warn">{t(`dashboard.warning.${w.code}`)}</Badge></span>
      ))}
      {relay && <RelayBadge link={relay} />}
      <span className="station-connectors">
        {station.connectors.map((c) => {
          const fleet = connectorState(station, c);
          return (
            <span key={c.connectorId} className="connector-chip" data-testid={`connector-${station.id}-${c.connectorId}`}>
              #{c.connectorId}
              <Badge tone={STATE_TONE[fleet]}>{c.status ? t(`dashboard.status.${c.status}`) : t('dashboard.status.unknown')}</Badge>
              <SetpointCell setpoint={c.setpoint} testId={`setpoint-${station.id}-${c.connectorId}`} />
            </span>
          );
        })}
      </span>
    </li>
  );
}

interface SessionItem {
  transactionId: number; stationId: string; connectorId: number; idTag: string; ongoing: boolean; startAt: number; stopAt: number | null; energyWh: number; stopReason: string | null;
}

function Sessions() {
  const t = useT();
  const format = useFormat();
  const [all, setAll] = useState(false);
  const sessions = useApi<{ total: number; items: SessionItem[] }>(`/api/sessions?limit=100${all ? '' : '&ongoing=true'}`, ['session']);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const act = async (id: number, action: 'stop' | 'force-stop') => {
    setError(undefined);
    setDone(undefined);
    try {
      const answer = await post<{ outcome?: string; accepted?: boolean; status?: string }>(`/api/sessions/${id}/${action}`);
      setDone(action === 'stop'
        ? t('dashboard.sessions.stopOutcome', { id, outcome: answer.accepted ? t('dashboard.outcome.accepted') : t(`dashboard.outcome.${answer.outcome ?? 'error'}`) })
        : t('dashboard.sessions.forceStopped', { id }));
      setConfirm(null);
      sessions.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : String(err));
    }
  };
  return (
    <Card
      title={t('dashboard.sessions.title')}
      testId="sessions"
      actions={<label className="toggle"><input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="sessions-all" /> {t('dashboard.sessions.all')}</label>}
    >
      <ErrorNote error={error ?? sessions.error} />
      {done && <p className="outcome-ok" role="status">{done}</p>}
      {sessions.data && sessions.data.items.length === 0 && <p className="hint">{t(all ? 'dashboard.sessions.none' : 'dashboard.sessions.noneOngoing')}</p>}
      {sessions.data && sessions.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="data">
            <thead><tr>
              <th>{t('dashboard.sessions.id')}</th><th>{t('dashboard.sessions.station')}</th><th>{t('dashboard.sessions.badge')}</th>
              <th>{t('dashboard.sessions.start')}</th><th>{t('dashboard.sessions.end')}</th><th>{t('dashboard.sessions.energy')}</th><th />
            </tr></thead>
            <tbody>
              {sessions.data.items.map((s) => (
                <tr key={s.transactionId} data-testid={`session-${s.transactionId}`}>
                  <td>{s.transactionId}</td>
                  <td><Link to={`/stations/${s.stationId}`}>{s.stationId}</Link> #{s.connectorId}</td>
                  <td>{s.idTag}</td>
                  <td>{format.dateTime(s.startAt)}</td>
                  <td>{s.ongoing ? <Badge tone="info">{t('dashboard.sessions.ongoing')}</Badge> : format.dateTime(s.stopAt)}</td>
                  <td>{t('dashboard.kwh', { value: format.number(s.energyWh / 1000, 2) })}</td>
                  <td>
                    {s.ongoing && confirm !== s.transactionId && (
                      <span className="row-actions">
                        <Button onClick={() => act(s.transactionId, 'stop')} testId={`stop-${s.transactionId}`}>{t('dashboard.sessions.stop')}</Button>
                        <Button kind="danger" onClick={() => setConfirm(s.transactionId)} testId={`force-stop-${s.transactionId}`}>{t('dashboard.sessions.forceStop')}</Button>
                      </span>
                    )}
                    {s.ongoing && confirm === s.transactionId && (
                      <span className="confirm-box" role="alertdialog">
                        {t('dashboard.sessions.forceStopConfirm')}
                        <Button kind="danger" onClick={() => act(s.transactionId, 'force-stop')} testId={`force-stop-confirm-${s.transactionId}`}>{t('dashboard.sessions.forceStop')}</Button>
                        <Button onClick={() => setConfirm(null)}>{t('common.cancel')}</Button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {sessions.data.total > sessions.data.items.length && <p className="hint">{t('dashboard.sessions.more', { shown: sessions.data.items.length, total: sessions.data.total })}</p>}
        </div>
      )}
    </Card>
  );
}

const day = (at: Date) => at.toISOString().slice(0, 10);

function SessionExport() {
  const t = useT();
  const now = new Date();
  const [from, setFrom] = useState(day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))));
  const [to, setTo] = useState(day(now));
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setError(undefined);
    // The period's last day is included: the API's `to` is excluded.
    const until = day(new Date(Date.parse(to) + 86_400_000));
    try {
      await download(`/api/sessions/csv?from=${encodeURIComponent(from)}&to=${encodeURIComponent(until)}`, `sessions-${from}-${to}.csv`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('dashboard.export.title')} testId="session-export">
      <p className="hint">{t('dashboard.export.hint')}</p>
      <div className="inline-form">
        <Field label={t('dashboard.export.from')}><input type="date" value={from} onChange={(e) => setFrom(e.target.value)} data-testid="export-from" /></Field>
        <Field label={t('dashboard.export.to')}><input type="date" value={to} onChange={(e) => setTo(e.target.value)} data-testid="export-to" /></Field>
        <Button kind="primary" onClick={run} disabled={!from || !to} testId="export-sessions">{t('dashboard.export.download')}</Button>
      </div>
      <ErrorNote error={error} />
    </Card>
  );
}
