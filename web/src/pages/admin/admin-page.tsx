// Administration (W8): an index of the sections at /admin, and one section per page at
// /admin/<section>. Each section is its own file next to this one.
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { Loading, PageTitle } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import { Link } from '../../router';
import { HelpLink, helpDocOfAdminSection } from '../help/help-link';
import './admin.css';

interface Section {
  id: string;
  page: LazyExoticComponent<ComponentType>;
}

export const SECTIONS: readonly Section[] = [
  { id: 'network', page: lazy(() => import('./network-section')) },
  { id: 'upstream', page: lazy(() => import('./upstream-section')) },
  { id: 'load-shedding', page: lazy(() => import('./load-shedding-section')) },
  { id: 'zones', page: lazy(() => import('./zones-section')) },
  { id: 'meters', page: lazy(() => import('./meters-section')) },
  { id: 'tou', page: lazy(() => import('./tou-section')) },
  { id: 'inputs', page: lazy(() => import('./inputs-section')) },
  { id: 'advanced', page: lazy(() => import('./advanced-section')) },
  { id: 'users', page: lazy(() => import('./users-section')) },
  { id: 'tokens', page: lazy(() => import('./tokens-section')) },
  { id: 'pending', page: lazy(() => import('./pending-section')) },
  { id: 'firmware', page: lazy(() => import('./firmware-section')) },
  { id: 'logs', page: lazy(() => import('./logs-section')) },
  { id: 'report', page: lazy(() => import('./report-section')) },
  { id: 'backup', page: lazy(() => import('./backup-section')) },
  { id: 'restart', page: lazy(() => import('./restart-section')) },
  { id: 'factory-reset', page: lazy(() => import('./factory-reset-section')) },
];

export default function AdminPage({ params }: PageProps) {
  const t = useT();
  const section = SECTIONS.find((s) => s.id === params.section);
  if (!params.section) {
    return (
      <div className="admin" data-testid="admin-index">
        <PageTitle>{t('admin.title')}</PageTitle>
        <ul className="admin-index">
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <Link to={`/admin/${s.id}`}>{t(`admin.section.${s.id}`)}</Link>
              <span className="hint">{t(`admin.sectionHint.${s.id}`)}</span>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div className="admin" data-testid={`admin-${params.section}`}>
      <nav className="admin-nav" aria-label={t('admin.title')}>
        <Link to="/admin">{t('admin.title')}</Link>
        {SECTIONS.map((s) => (
          <Link key={s.id} to={`/admin/${s.id}`} className={s.id === params.section ? 'active' : undefined}>{t(`admin.section.${s.id}`)}</Link>
        ))}
      </nav>
      {section ? (
        <>
          <PageTitle actions={<HelpLink slug={helpDocOfAdminSection(section.id)} />}>{t(`admin.section.${section.id}`)}</PageTitle>
          <Suspense fallback={<Loading />}><section.page /></Suspense>
        </>
      ) : <div className="not-found">{t('common.notFound')}</div>}
    </div>
  );
}
