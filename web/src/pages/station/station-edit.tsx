// The W5 fields of a station, for admins: PATCH /api/stations/{id}, the server's error shown at
// the field it names (ApiError.field); and removal behind a typed confirmation. Picking a socket
// type, or the EV/ZE City profile for the whole station, proposes the minimum that goes with it
// (A3, issue 16); the installer may still change it.
import { useState, type FormEvent } from 'react';
import { isSocketType, profileMinimumA, proposeMinimumA, SOCKET_TYPES, STATION_PROFILES } from '../../../../src/domain/connector/socket-type';
import { ApiError, del, patch } from '../../api/client';
import { OFFLINE_AUTH_MODES, type StationView } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, TypedConfirm } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { navigate } from '../../router';
import type { ZoneView } from '../zone/fleet';

const WIRINGS = ['L1L2L3', 'L2L3L1', 'L3L1L2', 'L1', 'L2', 'L3'];
const AUTH_MODES = ['lms-allow-all', 'lms-known-badges', 'station-list', 'free', 'remote-only', 'cpo'];

interface ConnectorForm { connectorId: number; phases: string; socketType: string; minCurrentA: string; maxCurrentA: string }

/** The form's connector after a new socket type: its proposal in the minimum field (socket-type.ts). */
function withSocketType(c: ConnectorForm, socketType: string): ConnectorForm {
  const currentA = c.minCurrentA === '' ? null : Number(c.minCurrentA);
  const proposedA = proposeMinimumA(currentA, isSocketType(c.socketType) ? c.socketType : null, isSocketType(socketType) ? socketType : null);
  return { ...c, socketType, minCurrentA: proposedA === null ? '' : String(proposedA) };
}

export function StationEdit({ station, onSaved }: { station: StationView; onSaved: () => void }) {
  const t = useT();
  const zones = useApi<ZoneView[]>('/api/zones');
  const [name, setName] = useState(station.name ?? '');
  const [zone, setZone] = useState(station.zone ?? '');
  const [vip, setVip] = useState(station.vip);
  const [authMode, setAuthMode] = useState(station.authMode ?? '');
  const [offlineAuthMode, setOfflineAuthMode] = useState(station.offlineAuthMode ?? '');
  const [boxIdentity, setBoxIdentity] = useState(station.boxIdentity ?? '');
  const [password, setPassword] = useState('');
  const [removePassword, setRemovePassword] = useState(false);
  const [upstreamPassword, setUpstreamPassword] = useState('');
  const [removeUpstreamPassword, setRemoveUpstreamPassword] = useState(false);
  const [connectors, setConnectors] = useState<ConnectorForm[]>(station.connectors.map((c) => ({
    connectorId: c.connectorId, phases: c.phases, socketType: c.socketType ?? '', minCurrentA: c.minCurrentA == null ? '' : String(c.minCurrentA), maxCurrentA: String(c.maxCurrentA),
  })));
  const [profile, setProfile] = useState('');
  const [error, setError] = useState<ApiError | string>();
  const [saved, setSaved] = useState(false);
  const fieldError = (field: string) => {
    if (!(error instanceof ApiError) || !error.field) return undefined;
    const at = error.field;
    return at === field || at.startsWith(`${field}.`) ? (t(`errors.${error.code}`) !== `errors.${error.code}` ? t(`errors.${error.code}`) : error.message) : undefined;
  };
  const setConnector = (i: number, change: Partial<ConnectorForm>) => setConnectors(connectors.map((c, j) => (i === j ? { ...c, ...change } : c)));
  // A station profile is a one-time proposal for every connector, not stored (socket-type.ts).
  const pickProfile = (value: string) => {
    setProfile(value);
    const picked = STATION_PROFILES.find((p) => p === value);
    if (picked) setConnectors(connectors.map((c) => ({ ...c, minCurrentA: String(profileMinimumA(picked)) })));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    const body: Record<string, unknown> = {
      name: name.trim() === '' ? null : name.trim(), zone, vip, authMode: authMode === '' ? null : authMode,
      offlineAuthMode: offlineAuthMode === '' ? null : offlineAuthMode,
      boxIdentity: boxIdentity.trim() === '' ? null : boxIdentity.trim(),
      connectors: connectors.map((c) => ({
        // An unknown type (a newer version's, restored from its backup) is not sent: it stays as stored.
        connectorId: c.connectorId, phases: c.phases, ...(c.socketType === '' || isSocketType(c.socketType) ? { socketType: c.socketType === '' ? null : c.socketType } : {}),
        minCurrentA: c.minCurrentA === '' ? null : Number(c.minCurrentA), maxCurrentA: Number(c.maxCurrentA),
      })),
    };
    if (removePassword) body.password = null;
    else if (password !== '') body.password = password;
    if (removeUpstreamPassword) body.upstreamPassword = null;
    else if (upstreamPassword !== '') body.upstreamPassword = upstreamPassword;
    try {
      await patch(`/api/stations/${encodeURIComponent(station.id)}`, body);
      setSaved(true);
      setPassword('');
      setUpstreamPassword('');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : String(err));
    }
  };
  const remove = async () => {
    try {
      await del(`/api/stations/${encodeURIComponent(station.id)}`);
      navigate('/');
    } catch (err) {
      setError(err instanceof ApiError ? err : String(err));
    }
  };
  const unplaced = error instanceof ApiError && !error.field ? error : typeof error === 'string' ? error : undefined;
  return (
    <Card title={t('dashboard.edit.title')} testId="station-edit">
      <form onSubmit={submit}>
        <div className="form-grid">
          <Field label={t('dashboard.edit.name')} error={fieldError('name')}><input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} data-testid="edit-name" /></Field>
          <Field label={t('dashboard.station.zoneLabel')} error={fieldError('zone')}>
            <select value={zone} onChange={(e) => setZone(e.target.value)} data-testid="edit-zone">
              {!zones.data?.some((z) => z.name === zone) && <option value={zone}>{zone}</option>}
              {zones.data?.map((z) => <option key={z.name} value={z.name}>{`${'· '.repeat(z.depth - 1)}${z.name}`}</option>)}
            </select>
          </Field>
          <Field label={t('dashboard.station.authMode')} error={fieldError('authMode')}>
            <select value={authMode} onChange={(e) => setAuthMode(e.target.value)}>
              <option value="">{t('dashboard.authMode.zone')}</option>
              {AUTH_MODES.map((m) => <option key={m} value={m}>{t(`dashboard.authMode.${m}`)}</option>)}
            </select>
          </Field>
          <Field label={t('dashboard.station.offlineAuthMode')} error={fieldError('offlineAuthMode')}>
            <select value={offlineAuthMode} onChange={(e) => setOfflineAuthMode(e.target.value)} data-testid="edit-offline-auth-mode">
              <option value="">{t('dashboard.offlineAuthMode.inherited')}</option>
              {OFFLINE_AUTH_MODES.map((m) => <option key={m} value={m}>{t(`dashboard.offlineAuthMode.${m}`)}</option>)}
            </select>
          </Field>
          <Field label={t('dashboard.station.boxIdentity')} error={fieldError('boxIdentity')}><input value={boxIdentity} maxLength={48} onChange={(e) => setBoxIdentity(e.target.value)} data-testid="edit-box-identity" /></Field>
          <Field label={t('dashboard.station.password')} error={fieldError('password')} hint={t('dashboard.edit.passwordHint')}>
            <input type="password" value={password} autoComplete="new-password" disabled={removePassword} onChange={(e) => setPassword(e.target.value)} data-testid="edit-password" />
          </Field>
          <Field label={t('dashboard.station.vip')}><input type="checkbox" checked={vip} onChange={(e) => setVip(e.target.checked)} data-testid="edit-vip" /></Field>
          {station.hasPassword && <Field label={t('dashboard.edit.removePassword')}><input type="checkbox" checked={removePassword} onChange={(e) => setRemovePassword(e.target.checked)} /></Field>}
          <Field label={t('dashboard.station.upstreamPassword')} error={fieldError('upstreamPassword')} hint={t('dashboard.edit.upstreamPasswordHint')}>
            <input type="password" value={upstreamPassword} autoComplete="new-password" maxLength={128} disabled={removeUpstreamPassword} onChange={(e) => setUpstreamPassword(e.target.value)} data-testid="edit-upstream-password" />
          </Field>
          {station.hasUpstreamPassword && <Field label={t('dashboard.edit.removeUpstreamPassword')}><input type="checkbox" checked={removeUpstreamPassword} onChange={(e) => setRemoveUpstreamPassword(e.target.checked)} /></Field>}
        </div>
        {connectors.length > 0 && (
          <div className="form-grid">
            <Field label={t('dashboard.edit.profile')} hint={t('dashboard.edit.profileHint')}>
              <select value={profile} onChange={(e) => pickProfile(e.target.value)} data-testid="edit-profile">
                <option value="">{t('dashboard.edit.profileNone')}</option>
                {STATION_PROFILES.map((p) => <option key={p} value={p}>{t(`dashboard.stationProfile.${p}`)}</option>)}
              </select>
            </Field>
          </div>
        )}
        {connectors.map((c, i) => (
          <fieldset key={c.connectorId} className="form-grid">
            <legend>{t('dashboard.edit.connector', { id: c.connectorId })}</legend>
            <Field label={t('dashboard.edit.wiring')} error={fieldError(`connectors.${i}.phases`)}>
              <select value={c.phases} onChange={(e) => setConnector(i, { phases: e.target.value })}>{WIRINGS.map((w) => <option key={w} value={w}>{w}</option>)}</select>
            </Field>
            <Field label={t('dashboard.edit.socketType')} error={fieldError(`connectors.${i}.socketType`)}>
              <select value={c.socketType} onChange={(e) => setConnectors(connectors.map((x, j) => (i === j ? withSocketType(x, e.target.value) : x)))} data-testid={`edit-socket-${c.connectorId}`}>
                <option value="">{t('dashboard.socketType.none')}</option>
                {/* A type this version does not know (a newer one's) stays shown; it is not sent back. */}
                {c.socketType !== '' && !isSocketType(c.socketType) && <option value={c.socketType}>{c.socketType}</option>}
                {SOCKET_TYPES.map((s) => <option key={s} value={s}>{t(`dashboard.socketType.${s}`)}</option>)}
              </select>
            </Field>
            <Field label={t('dashboard.edit.min')} error={fieldError(`connectors.${i}.minCurrentA`) ?? (error instanceof ApiError && error.code === 'min-above-max' ? fieldError('connectors') : undefined)} hint={t('dashboard.edit.minHint')}>
              <input type="number" min={0} step="any" value={c.minCurrentA} onChange={(e) => setConnector(i, { minCurrentA: e.target.value })} data-testid={`edit-min-${c.connectorId}`} />
            </Field>
            <Field label={t('dashboard.edit.max')} error={fieldError(`connectors.${i}.maxCurrentA`)}>
              <input type="number" min={1} step="any" value={c.maxCurrentA} onChange={(e) => setConnector(i, { maxCurrentA: e.target.value })} data-testid={`edit-max-${c.connectorId}`} />
            </Field>
          </fieldset>
        ))}
        <ErrorNote error={unplaced} />
        {saved && <p className="outcome-ok" role="status">{t('dashboard.edit.saved')}</p>}
        <Button kind="primary" type="submit" testId="edit-save">{t('common.save')}</Button>
      </form>
      <h3>{t('dashboard.edit.remove')}</h3>
      <TypedConfirm word={station.id} prompt={t('dashboard.edit.removePrompt', { id: station.id })} onConfirm={remove} button={t('dashboard.edit.remove')} />
    </Card>
  );
}
