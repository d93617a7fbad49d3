// Zone view (W4): the fleet by state, per-phase limit vs allocated vs measured, every car's
// setpoint with its reason (A11), the meter's readings and the chart of the last hours.
import { useState } from 'react';
import type { StationView } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Badge, Card, ErrorNote, Loading, PageTitle } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import { Link } from '../../router';
import { MeterFigures, StationNode } from '../overview/overview-page';
import '../overview/dashboard.css';
import { connectorState, fleetCounts, FLEET_STATES, STATE_TONE, subtree, type FleetState, type MeterView, type ZoneView } from './fleet';
import { HistoryChart } from './history-chart';
import { SetpointCell } from './reason';

const PHASES = ['L1', 'L2', 'L3'] as const;
const COLORS: Record<FleetState, string> = {
  available: '#1f8a4c', charging: '#0b6bcb', suspendedEV: '#e0a030', suspendedEVSE: '#a06a10', faulted: '#c53030', offline: '#8a97a5',
};

export default function ZonePage({ params }: PageProps) {
  const t = useT();
  const name = params.name ?? '';
  const zones = useApi<ZoneView[]>('/api/zones', ['allocation', 'station']);
  const stations = useApi<StationView[]>('/api/stations', ['station', 'connector', 'allocation', 'session']);
  const meters = useApi<MeterView[]>('/api/meters', ['meter']);
  const [hours, setHours] = useState(6);
  if (zones.error || stations.error) return <ErrorNote error={zones.error ?? stations.error} />;
  if (!zones.data || !stations.data) return <Loading />;
  const zone = zones.data.find((z) => z.name === name);
  if (!zone) return <div className="not-found" data-testid="not-found">{t('dashboard.zone.unknown', { name })}</div>;
  const tree = subtree(zones.data, name);
  const ids = new Set(tree.flatMap((z) => z.stations));
  const mine = stations.data.filter((s) => ids.has(s.id));
  const meter = zone.meter ? meters.data?.find((m) => m.name === zone.meter) : undefined;
  return (
    <div className="zone-view" data-testid="zone-view">
      <PageTitle actions={zone.parent ? <Link to={`/zones/${zone.parent}`}>{t('dashboard.zone.parent', { name: zone.parent })}</Link> : <Link to="/">{t('dashboard.zone.back')}</Link>}>
        {t('dashboard.zone.title', { name })}
      </PageTitle>
      <div className="dash-grid">
        <Card title={t('dashboard.zone.fleet')} testId="fleet"><FleetDonut stations={mine} /></Card>
        <Card title={t('dashboard.zone.phases')} testId="phase-bars"><PhaseBars zone={zone} /></Card>
      </div>
      <Card title={t('dashboard.zone.cars')} testId="zone-cars"><Cars stations={mine} /></Card>
      <div className="dash-grid">
        <Card title={t('dashboard.zone.meter')} testId="zone-meter">
          {!zone.meter && <p className="hint">{t('dashboard.zone.static', { max: zone.maxCurrentA })}</p>}
          {zone.meter && meter && <p><strong>{meter.name}</strong> <MeterFigures meter={meter} /></p>}
          {zone.meter && !meter && <p className="hint">{zone.meter}</p>}
          {zone.live?.otherLoadsA && <p className="hint">{t('dashboard.zone.otherLoads', { l1: zone.live.otherLoadsA[0], l2: zone.live.otherLoadsA[1], l3: zone.live.otherLoadsA[2] })}</p>}
          {zone.live?.meterLost && <Badge tone="bad">{t('dashboard.zone.meterLostFallback', { fallback: zone.fallbackCurrentA })}</Badge>}
        </Card>
        <Card title={t('dashboard.zone.tree')}>
          <ul className="tree">
            {tree.filter((z) => z.name !== name).map((z) => <li key={z.name} className="tree-row"><Link to={`/zones/${z.name}`}>{z.name}</Link></li>)}
            {mine.map((s) => <StationNode key={s.id} station={s} />)}
          </ul>
        </Card>
      </div>
      <Card
        title={t('dashboard.zone.chart')}
        testId="zone-history"
        actions={(
          <select value={hours} onChange={(e) => setHours(Number(e.target.value))} aria-label={t('dashboard.chart.hours')}>
            {[1, 6, 24, 72, 168].map((h) => <option key={h} value={h}>{t('dashboard.chart.lastHours', { hours: h })}</option>)}
          </select>
        )}
      >
        <HistoryChart zone={name} hours={hours} />
      </Card>
    </div>
  );
}

function FleetDonut({ stations }: { stations: StationView[] }) {
  const t = useT();
  const counts = fleetCounts(stations);
  const total = FLEET_STATES.reduce((sum, s) => sum + counts[s], 0);
  const r = 50;
  const circumference = 2 * Math.PI * r;
  let offset = 0;
  return (
    <div className="donut-wrap">
      <svg width="160" height="160" viewBox="0 0 160 160" role="img" aria-label={t('dashboard.zone.fleet')}>
        <circle cx="80" cy="80" r={r} fill="none" stroke="#eef1f4" strokeWidth="24" />
        {total > 0 && FLEET_STATES.filter((s) => counts[s] > 0).map((s) => {
          const length = (counts[s] / total) * circumference;
          const arc = <circle key={s} cx="80" cy="80" r={r} fill="none" stroke={COLORS[s]} strokeWidth="24" strokeDasharray={`${length} ${circumference - length}`} strokeDashoffset={-offset} transform="rotate(-90 80 80)" />;
          offset += length;
          return arc;
        })}
        <text x="80" y="86" textAnchor="middle" fontSize="22" fontWeight="700">{total}</text>
      </svg>
      <ul className="legend">
        {FLEET_STATES.map((s) => (
          <li key={s} data-testid={`fleet-${s}`}><span className={`legend-dot fleet-${s}`} />{t(`dashboard.fleet.${s}`)}: <strong>{counts[s]}</strong></li>
        ))}
      </ul>
    </div>
  );
}

function PhaseBars({ zone }: { zone: ZoneView }) {
  const t = useT();
  const format = useFormat();
  const live = zone.live;
  if (!live) return <p className="hint">{t('dashboard.zone.noAllocation')}</p>;
  const scale = Math.max(zone.maxCurrentA, ...live.limitA, ...live.allocatedA, ...live.measuredA, 1) * 1.1;
  const pct = (value: number) => `${Math.min(100, (value / scale) * 100)}%`;
  return (
    <div className="phase-bars">
      {PHASES.map((phase, i) => (
        <div key={phase} className="phase-bar" data-testid={`phase-${phase}`}>
          <strong>{phase}</strong>
          <div className="phase-track" title={live.limitSources[i]}>
            <div className="phase-fill allocated" style={{ width: pct(live.allocatedA[i]) }} />
            <div className="phase-fill measured" style={{ width: pct(live.measuredA[i]) }} />
            <div className="phase-limit" style={{ left: pct(live.limitA[i]) }} />
          </div>
          <span className="phase-text">
            {t('dashboard.zone.phaseFigures', { limit: format.number(live.limitA[i]), allocated: format.number(live.allocatedA[i]), measured: format.number(live.measuredA[i]), reserved: format.number(live.reservedA[i]) })}
          </span>
        </div>
      ))}
      <p className="hint"><span className="legend-dot" style={{ background: '#8db9e8' }} />{t('dashboard.chart.allocated')} <span className="legend-dot" style={{ background: '#1f8a4c' }} />{t('dashboard.zone.measured')} <span className="legend-dot" style={{ background: '#c53030' }} />{t('dashboard.chart.limit')}</p>
    </div>
  );
}

function Cars({ stations }: { stations: StationView[] }) {
  const t = useT();
  const format = useFormat();
  const rows = stations.flatMap((s) => s.connectors.map((c) => ({ s, c })));
  if (rows.length === 0) return <p className="hint">{t('dashboard.zone.noStations')}</p>;
  return (
    <div className="table-wrap">
      <table className="data">
        <thead><tr>
          <th>{t('dashboard.zone.connector')}</th><th>{t('dashboard.zone.state')}</th><th>{t('dashboard.zone.session')}</th>
          <th>{t('dashboard.zone.setpoint')}</th><th>{t('dashboard.zone.wiring')}</th>
        </tr></thead>
        <tbody>
          {rows.map(({ s, c }) => {
            const state = connectorState(s, c);
            return (
              <tr key={`${s.id}/${c.connectorId}`} data-testid={`car-${s.id}-${c.connectorId}`}>
                <td><Link to={`/stations/${s.id}`}>{s.name ?? s.id}</Link> #{c.connectorId}</td>
                <td><Badge tone={STATE_TONE[state]}>{t(`dashboard.fleet.${state}`)}</Badge></td>
                <td>{c.session ? t('dashboard.zone.sessionFigures', { idTag: c.session.idTag, energy: format.number(c.session.energyWh / 1000, 2) }) : '—'}</td>
                <td><SetpointCell setpoint={c.setpoint} testId={`zone-setpoint-${s.id}-${c.connectorId}`} /></td>
                <td>{c.phases} · {c.minCurrentA == null ? t('dashboard.zone.boundsMax', { max: c.maxCurrentA }) : t('dashboard.zone.bounds', { min: c.minCurrentA, max: c.maxCurrentA })}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
