// W2: stations by state, language, logout, the commissioning assistant again, the version.
import { useEffect, useState } from 'react';
import { get } from '../api/client';
import { useLive } from '../api/live';
import { stationState, type StationState, type StationView } from '../api/types';
import { useApi } from '../api/use-api';
import { useAuth, useIsAdmin } from '../auth';
import { LANGUAGES, useI18n, type Language } from '../i18n/i18n';
import { Link, navigate } from '../router';

export function TopBar() {
  const { t, language, setLanguage } = useI18n();
  const { me, logout } = useAuth();
  const isAdmin = useIsAdmin();
  const { connected } = useLive();
  const stations = useApi<StationView[]>('/api/stations', ['station', 'connector']);
  const [version, setVersion] = useState('');
  useEffect(() => { get<{ version: string }>('/healthz').then((h) => setVersion(h.version), () => undefined); }, []);
  const counts: Record<StationState, number> = { available: 0, charging: 0, faulted: 0, offline: 0 };
  for (const s of stations.data ?? []) if (s.admission === 'admitted') counts[stationState(s)]++;
  return (
    <header className="top-bar">
      <Link to="/" className="brand">Fuseguard</Link>
      <div className="counts" data-testid="station-counts">
        {(['available', 'charging', 'faulted', 'offline'] as const).map((state) => (
          <span key={state} className={`count count-${state}`} data-testid={`count-${state}`}>
            <strong>{counts[state]}</strong> {t(`common.state.${state}`)}
          </span>
        ))}
      </div>
      {!connected && <span className="connection-lost" role="status" data-testid="connection-lost">{t('common.connectionLost')}</span>}
      <div className="top-actions">
        <select aria-label={t('common.language')} value={language} onChange={(e) => setLanguage(e.target.value as Language)} data-testid="language">
          {LANGUAGES.map((l) => <option key={l} value={l}>{t(`common.languageName.${l}`)}</option>)}
        </select>
        {isAdmin && <button className="btn btn-link" onClick={() => navigate('/assistant')} data-testid="open-assistant">{t('common.assistant')}</button>}
        <span className="who">{me?.login}</span>
        <button className="btn btn-link" onClick={() => void logout()} data-testid="logout">{t('common.logout')}</button>
        <span className="version">v{version}</span>
      </div>
    </header>
  );
}

export function Nav() {
  const { t } = useI18n();
  const isAdmin = useIsAdmin();
  return (
    <nav className="side-nav">
      <Link to="/">{t('common.nav.overview')}</Link>
      <Link to="/badges">{t('common.nav.badges')}</Link>
      {isAdmin && <Link to="/admin">{t('common.nav.admin')}</Link>}
      <Link to="/help">{t('help.nav')}</Link>
    </nav>
  );
}

