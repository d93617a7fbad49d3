// Station view (W5): details, connectors with status, session and setpoint (A11), the actions and
// their outcomes (O4, O6, O8), the control-issue flag (D5), per connector what the station holds
// against what Fuseguard wants (D8), and for admins the W5 edit form; users set VIP in the details.
import { useState } from 'react';
import { ApiError, post } from '../../api/client';
import { stationState, type StationView } from '../../api/types';
import { useApi } from '../../api/use-api';
import { useIsAdmin } from '../../auth';
import { Badge, Button, Card, ErrorNote, Field, Loading, PageTitle } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import { Link } from '../../router';
import '../overview/dashboard.css';
import { connectorState, STATE_TONE } from '../zone/fleet';
import { SetpointCell } from '../zone/reason';
import { ControlCell } from './control-cell';
import { RelayCard } from './relay';
import { StationEdit } from './station-edit';
import { VipToggle } from './vip-toggle';

const STATE_BADGE = { available: 'ok', charging: 'info', faulted: 'bad', offline: 'idle' } as const;

interface Outcome { commandId?: number; action?: string; outcome?: string; accepted?: boolean; status?: string; message?: string; transactionId?: number }
interface Command { id: number; action: string; request: unknown; outcome: string; response: unknown; sentAt: number; doneAt: number | null }

/** http://<address> of the station's own web page, when its remote address is known. */
export function stationWebPage(address: unknown): string | null {
  if (typeof address !== 'string' || address === '') return null;
  const host = address.replace(/^::ffff:/, '');
  return host.includes(':') ? `http://[${host}]` : `http://${host}`;
}

export default function StationPage({ params }: PageProps) {
  const t = useT();
  const format = useFormat();
  const isAdmin = useIsAdmin();
  const id = params.id ?? '';
  const path = `/api/stations/${encodeURIComponent(id)}`;
  const station = useApi<StationView>(path, ['station', 'connector', 'allocation', 'session']);
  const commands = useApi<Command[]>(`${path}/commands?limit=20`, ['station']);
  const [outcome, setOutcome] = useState<{ text: string; ok: boolean }>();
  const [error, setError] = useState<unknown>();
  const [confirm, setConfirm] = useState<string | null>(null);
  if (station.error) return <ErrorNote error={station.error} />;
  if (!station.data) return <Loading />;
  const s = station.data;
  const state = stationState(s);
  const web = stationWebPage(s.remoteAddress);

  const act = async (action: string, body: unknown) => {
    setError(undefined);
    setOutcome(undefined);
    setConfirm(null);
    try {
      const answer = await post<Outcome>(`${path}/${action}`, body);
      if (action === 'force-stop') setOutcome({ text: t('dashboard.station.forceStopped', { id: answer.transactionId ?? '' }), ok: true });
      else setOutcome({ text: outcomeText(answer), ok: answer.accepted === true });
    } catch (err) {
      setError(err instanceof ApiError ? err : String(err));
    }
    commands.reload();
    station.reload();
  };
  const outcomeText = (o: Outcome) => t('dashboard.station.outcome', {
    action: o.action ?? '', result: o.outcome === 'answered' ? (o.status ?? '') : t(`dashboard.outcome.${o.outcome ?? 'error'}`), message: o.message ?? '',
  });

  return (
    <div className="station-view" data-testid="station-view">
      <PageTitle actions={s.zone ? <Link to={`/zones/${s.zone}`}>{t('dashboard.station.zone', { zone: s.zone })}</Link> : undefined}>
        {s.name ? `${s.name} (${s.id})` : s.id}{' '}
        <span data-testid="station-state"><Badge tone={STATE_BADGE[state]}>{t(`common.state.${state}`)}</Badge></span>
      </PageTitle>
      {s.controlIssue && <div className="control-issue" role="alert" data-testid="control-issue">{t('dashboard.station.controlIssue', { issue: s.controlIssue })}</div>}
      {s.admission === 'pending' && <div className="error-note">{t('dashboard.station.pending')}</div>}
      {(s.warnings ?? []).map((w) => (
        <div key={w.code} className="station-warning" role="alert" data-testid={`station-warning-${w.code}`}>{t(`dashboard.station.warning.${w.code}`)}</div>
      ))}
      <div className="dash-grid">
        <Card title={t('dashboard.station.details')}>
          <dl className="details">
            <dt>{t('dashboard.station.zoneLabel')}</dt><dd>{s.zone ?? '—'}</dd>
            <dt>{t('dashboard.station.vip')}</dt>
            <dd>{!isAdmin && s.admission === 'admitted' ? <VipToggle station={s} onSaved={station.reload} /> : s.vip ? t('common.yes') : t('common.no')}</dd>
            <dt>{t('dashboard.station.authMode')}</dt><dd>{s.authMode ? t(`dashboard.authMode.${s.authMode}`) : t('dashboard.authMode.zone')}</dd>
            <dt>{t('dashboard.station.offlineAuthMode')}</dt><dd>{t(`dashboard.offlineAuthMode.${s.offlineAuthMode ?? 'inherited'}`)}</dd>
            <dt>{t('dashboard.station.boxIdentity')}</dt><dd>{s.boxIdentity ?? '—'}</dd>
            <dt>{t('dashboard.station.password')}</dt><dd>{s.hasPassword ? t('dashboard.station.passwordSet') : t('dashboard.station.passwordNone')}</dd>
            <dt>{t('dashboard.station.upstreamPassword')}</dt><dd data-testid="upstream-password">{s.hasUpstreamPassword ? t('dashboard.station.passwordSet') : t('dashboard.station.passwordNone')}</dd>
            <dt>{t('dashboard.station.model')}</dt><dd>{[s.vendor, s.model].filter(Boolean).join(' ') || '—'}</dd>
            <dt>{t('dashboard.station.serial')}</dt><dd>{s.serialNumber ?? '—'}</dd>
            <dt>{t('dashboard.station.firmware')}</dt><dd>{s.firmwareVersion ?? '—'}</dd>
            <dt>{t('dashboard.station.connection')}</dt>
            <dd>{s.connected
              ? t('dashboard.station.connectedSince', { at: format.dateTime(s.lastConnectedAt as number | null) })
              : t('dashboard.station.disconnectedSince', { at: format.dateTime(s.lastDisconnectedAt as number | null), reason: (s.disconnectReason as string | null) ?? '' })}</dd>
            <dt>{t('dashboard.station.webPage')}</dt>
            <dd>{web ? <a href={web} target="_blank" rel="noreferrer" data-testid="station-web-page">{web}</a> : '—'}</dd>
          </dl>
        </Card>
        <Card title={t('dashboard.station.actions')} testId="station-actions">
          <RemoteStart station={s} onStart={(body) => act('remote-start', body)} />
          <div className="row-actions">
            <Button onClick={() => act('reset', { type: 'Soft' })} testId="action-soft-reset">{t('dashboard.station.softReset')}</Button>
            {confirm !== 'hard' && <Button kind="danger" onClick={() => setConfirm('hard')} testId="action-hard-reset">{t('dashboard.station.hardReset')}</Button>}
            {confirm === 'hard' && (
              <span className="confirm-box">{t('dashboard.station.hardResetConfirm')}
                <Button kind="danger" onClick={() => act('reset', { type: 'Hard' })}>{t('dashboard.station.hardReset')}</Button>
                <Button onClick={() => setConfirm(null)}>{t('common.cancel')}</Button>
              </span>
            )}
            <Button onClick={() => act('availability', { connectorId: 0, type: 'Inoperative' })}>{t('dashboard.station.inoperative')}</Button>
            <Button onClick={() => act('availability', { connectorId: 0, type: 'Operative' })}>{t('dashboard.station.operative')}</Button>
          </div>
          {outcome && <p className={outcome.ok ? 'outcome-ok' : 'outcome-bad'} role="status" data-testid="action-outcome">{outcome.text}</p>}
          <ErrorNote error={error} />
        </Card>
      </div>
      <RelayCard station={s} />
      <Card title={t('dashboard.station.connectors')} testId="station-connectors">
        <div className="table-wrap">
          {/* Below 900 px each connector is a block of labelled lines (data-label), not a wide row. */}
          <table className="data stack-narrow">
            <thead><tr>
              <th>#</th><th>{t('dashboard.zone.state')}</th><th>{t('dashboard.zone.session')}</th><th>{t('dashboard.zone.setpoint')}</th><th>{t('dashboard.control.title')}</th>
              <th>{t('dashboard.zone.wiring')}</th><th />
            </tr></thead>
            <tbody>
              {s.connectors.map((c) => {
                const fleet = connectorState(s, c);
                const key = `force-${c.connectorId}`;
                return (
                  <tr key={c.connectorId} data-testid={`station-connector-${c.connectorId}`}>
                    <td data-label={t('dashboard.station.connector')}>{c.connectorId} · {c.type}</td>
                    <td data-label={t('dashboard.zone.state')}><Badge tone={STATE_TONE[fleet]}>{c.status ? t(`dashboard.status.${c.status}`) : t('dashboard.status.unknown')}</Badge>{c.errorCode && c.errorCode !== 'NoError' && ` ${c.errorCode}`}</td>
                    <td data-label={t('dashboard.zone.session')}>{c.session ? t('dashboard.station.session', { id: c.session.transactionId, idTag: c.session.idTag, at: format.time(c.session.startAt), energy: format.number(c.session.energyWh / 1000, 2) }) : '—'}</td>
                    <td data-label={t('dashboard.zone.setpoint')}><SetpointCell setpoint={c.setpoint} testId={`station-setpoint-${c.connectorId}`} /></td>
                    <td data-label={t('dashboard.control.title')}><ControlCell control={c.control} testId={`station-control-${c.connectorId}`} /></td>
                    <td data-label={t('dashboard.zone.wiring')}>{c.phases} · {c.minCurrentA == null ? t('dashboard.zone.boundsMax', { max: c.maxCurrentA }) : t('dashboard.zone.bounds', { min: c.minCurrentA, max: c.maxCurrentA })}</td>
                    <td>
                      <span className="row-actions">
                        {c.session && <Button onClick={() => act('remote-stop', { connectorId: c.connectorId })}>{t('dashboard.station.remoteStop')}</Button>}
                        {c.session && confirm !== key && <Button kind="danger" onClick={() => setConfirm(key)}>{t('dashboard.sessions.forceStop')}</Button>}
                        {c.session && confirm === key && (
                          <span className="confirm-box">{t('dashboard.sessions.forceStopConfirm')}
                            <Button kind="danger" onClick={() => act('force-stop', { connectorId: c.connectorId })}>{t('dashboard.sessions.forceStop')}</Button>
                            <Button onClick={() => setConfirm(null)}>{t('common.cancel')}</Button>
                          </span>
                        )}
                        <Button onClick={() => act('unlock', { connectorId: c.connectorId })}>{t('dashboard.station.unlock')}</Button>
                        <Button onClick={() => act('availability', { connectorId: c.connectorId, type: c.status === 'Unavailable' ? 'Operative' : 'Inoperative' })}>
                          {t(c.status === 'Unavailable' ? 'dashboard.station.operative' : 'dashboard.station.inoperative')}
                        </Button>
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title={t('dashboard.station.commands')} testId="station-commands">
        <ErrorNote error={commands.error} />
        {commands.data && commands.data.length === 0 && <p className="hint">{t('dashboard.station.noCommands')}</p>}
        {commands.data && commands.data.length > 0 && (
          <div className="table-wrap">
            <table className="data">
              <thead><tr><th>{t('dashboard.station.sentAt')}</th><th>{t('dashboard.station.command')}</th><th>{t('dashboard.station.result')}</th></tr></thead>
              <tbody>
                {commands.data.map((c) => {
                  const status = (c.response as { status?: string; message?: string } | null);
                  return (
                    <tr key={c.id}>
                      <td>{format.dateTime(c.sentAt)}</td>
                      <td>{c.action}</td>
                      <td>{t(`dashboard.outcome.${c.outcome}`)}{status?.status ? ` · ${status.status}` : ''}{status?.message ? ` · ${status.message}` : ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {isAdmin && s.admission === 'admitted' && <StationEdit station={s} onSaved={station.reload} />}
    </div>
  );
}

function RemoteStart({ station, onStart }: { station: StationView; onStart: (body: { idTag: string; connectorId?: number }) => Promise<void> }) {
  const t = useT();
  const [idTag, setIdTag] = useState('');
  const [connector, setConnector] = useState('');
  return (
    <div className="inline-form" style={{ marginBottom: '.75rem' }}>
      <Field label={t('dashboard.station.idTag')}><input value={idTag} maxLength={20} onChange={(e) => setIdTag(e.target.value)} data-testid="remote-start-idtag" /></Field>
      <Field label={t('dashboard.station.connector')}>
        <select value={connector} onChange={(e) => setConnector(e.target.value)}>
          <option value="">{t('dashboard.station.anyConnector')}</option>
          {station.connectors.map((c) => <option key={c.connectorId} value={c.connectorId}>{c.connectorId}</option>)}
        </select>
      </Field>
      <Button kind="primary" disabled={!idTag} onClick={() => onStart(connector ? { idTag, connectorId: Number(connector) } : { idTag })} testId="action-remote-start">{t('dashboard.station.remoteStart')}</Button>
    </div>
  );
}
