// Remote supervision for operators (issue 7 §5, U1-U4): the upstream link of a station towards the
// CPO, from GET /api/relay/status. There is no live event for the links, so the status is polled.
import { useEffect } from 'react';
import type { RelayStationStatus, RelayStatus, StationView } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Badge, Card, ErrorNote } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';

export const RELAY_POLL_MS = 2_000;

const TONE = { up: 'ok', connecting: 'warn', down: 'bad', closed: 'idle', none: 'idle' } as const;

/** The relay status, again on station events, and every RELAY_POLL_MS while the relay is enabled. */
export function useRelayStatus() {
  const status = useApi<RelayStatus>('/api/relay/status', ['station']);
  const { reload } = status;
  const enabled = status.data?.enabled === true;
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(reload, RELAY_POLL_MS);
    return () => clearInterval(timer);
  }, [enabled, reload]);
  return status;
}

/** A station's link, or what it is without one (not connected, nothing queued). */
export function relayOf(status: RelayStatus, station: StationView): RelayStationStatus {
  return status.stations.find((s) => s.stationId === station.id) ?? {
    stationId: station.id, identity: station.boxIdentity ?? station.id, state: 'none', since: null, queued: 0, lastError: null, bootStatus: null, timeOffsetMs: null,
  };
}

/** The "Remote supervision" card of the station view, shown when the relay is enabled. */
export function RelayCard({ station }: { station: StationView }) {
  const t = useT();
  const format = useFormat();
  const status = useRelayStatus();
  if (status.error) return <Card title={t('dashboard.relay.title')} testId="station-relay"><ErrorNote error={status.error} /></Card>;
  if (!status.data?.enabled) return null;
  const link = relayOf(status.data, station);
  return (
    <Card title={t('dashboard.relay.title')} testId="station-relay">
      <dl className="details">
        <dt>{t('dashboard.relay.link')}</dt>
        <dd>
          <span data-testid="relay-state" data-state={link.state}><Badge tone={TONE[link.state]}>{t(`dashboard.relay.state.${link.state}`)}</Badge></span>
          {link.since != null && <> <span data-testid="relay-since">{t('dashboard.relay.since', { at: format.dateTime(link.since) })}</span></>}
        </dd>
        <dt>{t('dashboard.relay.queued')}</dt><dd data-testid="relay-queued">{format.number(link.queued)}</dd>
        <dt>{t('dashboard.relay.lastError')}</dt><dd data-testid="relay-last-error">{link.lastError ?? '—'}</dd>
        <dt>{t('dashboard.relay.identity')}</dt><dd data-testid="relay-identity">{link.identity}</dd>
        <dt>{t('dashboard.relay.url')}</dt><dd>{status.data.url ?? '—'}</dd>
        <dt>{t('dashboard.relay.bootStatus')}</dt><dd>{link.bootStatus ?? '—'}</dd>
        <dt>{t('dashboard.relay.timeOffset')}</dt>
        <dd>{link.timeOffsetMs == null ? '—' : t('dashboard.relay.timeOffsetValue', { value: format.number(link.timeOffsetMs / 1000, 1) })}</dd>
      </dl>
    </Card>
  );
}

/** The small per-station badge of the overview: link up or down, and the queued count. */
export function RelayBadge({ link }: { link: RelayStationStatus }) {
  const t = useT();
  return (
    <span className="relay-badge" data-testid={`relay-badge-${link.stationId}`} data-state={link.state}>
      <Badge tone={TONE[link.state]}>
        {t('dashboard.relay.badge', { state: t(`dashboard.relay.state.${link.state}`) })}
        {link.queued > 0 && ` · ${t('dashboard.relay.badgeQueued', { count: link.queued })}`}
      </Badge>
    </span>
  );
}
