// The shell: login, the assistant on first start (W9), then the top bar, the navigation and the page.
import { Suspense } from 'react';
import { LiveProvider } from './api/live';
import { AuthProvider, useAuth } from './auth';
import { Loading } from './components/ui';
import { I18nProvider, useT } from './i18n/i18n';
import { Nav, TopBar } from './layout/top-bar';
import LoginPage from './pages/login-page';
import { match, usePath } from './router';
import { ROUTES } from './routes';

const AssistantPage = ROUTES.find((r) => r.pattern === '/assistant')!.page;

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <Shell />
      </AuthProvider>
    </I18nProvider>
  );
}

function Shell() {
  const { me, ready } = useAuth();
  if (!ready) return <Loading />;
  if (!me) return <LoginPage />;
  // The factory login can do nothing else: the assistant starts with its replacement (S2, W9).
  if (me.mustChangeCredentials) return <main className="assistant-only"><Suspense fallback={<Loading />}><AssistantPage params={{}} /></Suspense></main>;
  return (
    <LiveProvider>
      <TopBar />
      <div className="body">
        <Nav />
        <main className="content"><Page /></main>
      </div>
    </LiveProvider>
  );
}

function Page() {
  const t = useT();
  const path = usePath();
  const { me } = useAuth();
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (!params) continue;
    if (route.access === 'admin' && me?.role !== 'admin') {
      return <div className="forbidden" data-testid="forbidden">{t('common.forbidden')}</div>;
    }
    const PageComponent = route.page;
    return <Suspense fallback={<Loading />}><PageComponent params={params} /></Suspense>;
  }
  return <div className="not-found" data-testid="not-found">{t('common.notFound')}</div>;
}
