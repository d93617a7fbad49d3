// The help (issue 16, item 8): the index of the user documentation at /help and one document at
// /help/<slug>, rendered by the server from the README and docs/ that ship with Fuseguard. The
// documents exist in English only: in French the index and the navigation are French and say so.
import { useEffect } from 'react';
import { useApi } from '../../api/use-api';
import { Card, ErrorNote, Loading, PageTitle } from '../../components/ui';
import { useI18n } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import { Link, usePath } from '../../router';
import './help.css';

interface HelpEntry { slug: string; group: string; title: string; language: string }
interface HelpDocument extends HelpEntry { html: string }

const GROUPS = ['start', 'dashboard', 'site', 'integration'] as const;

/** The title in the UI's language where the message files have one, the document's own otherwise. */
function useTitle(): (entry: Pick<HelpEntry, 'slug' | 'title'>) => string {
  const { t } = useI18n();
  return (entry) => {
    const key = `help.doc.${entry.slug}`;
    const title = t(key);
    return title === key ? entry.title : title;
  };
}

export default function HelpPage({ params }: PageProps) {
  return params.slug ? <HelpDocumentView slug={params.slug} /> : <HelpIndex />;
}

function LanguageNote({ documentLanguage, text }: { documentLanguage: string; text: string }) {
  const { language } = useI18n();
  if (language === documentLanguage) return null;
  return <p className="help-note" lang={language} data-testid="help-language-note">{text}</p>;
}

function HelpIndex() {
  const { t } = useI18n();
  const title = useTitle();
  const docs = useApi<HelpEntry[]>('/api/help');
  return (
    <div className="help" data-testid="help-index">
      <PageTitle>{t('help.title')}</PageTitle>
      <p className="hint">{t('help.intro')}</p>
      <LanguageNote documentLanguage="en" text={t('help.englishOnly')} />
      {docs.loading && !docs.data && <Loading />}
      <ErrorNote error={docs.error} />
      <div className="help-index-groups">
        {GROUPS.map((group) => {
          const entries = (docs.data ?? []).filter((d) => d.group === group);
          if (entries.length === 0) return null;
          return (
            <Card key={group} title={t(`help.group.${group}`)} testId={`help-group-${group}`}>
              <ul>
                {entries.map((entry) => (
                  <li key={entry.slug} data-testid={`help-doc-${entry.slug}`}>
                    <Link to={`/help/${entry.slug}`}>{title(entry)}</Link>
                  </li>
                ))}
              </ul>
            </Card>
          );
        })}
      </div>
    </div>
  );
}

function HelpDocumentView({ slug }: { slug: string }) {
  const { t } = useI18n();
  const title = useTitle();
  const path = usePath();
  const doc = useApi<HelpDocument>(`/api/help/documents/${encodeURIComponent(slug)}`);
  const at = new URLSearchParams(path.split('?')[1] ?? '').get('at');
  const shown = doc.data?.slug === slug ? doc.data : undefined;
  // A link to a heading (?at=<anchor>) scrolls to it once the document is there; another document starts at its top.
  useEffect(() => {
    if (!shown) return;
    const target = at ? document.getElementById(`help-${at}`) : null;
    if (target) target.scrollIntoView();
    else window.scrollTo(0, 0);
  }, [shown, at]);
  return (
    <div className="help" data-testid="help-document">
      <nav className="help-crumbs" aria-label={t('help.title')}>
        <Link to="/help">{t('help.backToIndex')}</Link>
        {shown && <> › <span>{title(shown)}</span></>}
      </nav>
      {shown && <LanguageNote documentLanguage={shown.language} text={t('help.documentInEnglish')} />}
      {doc.loading && !shown && <Loading />}
      <ErrorNote error={doc.error} />
      {shown && (
        // The server's rendering: markdown-it without raw HTML, links and images rewritten (src/help/).
        <article className="help-doc card" lang={shown.language} data-testid={`help-article-${slug}`} dangerouslySetInnerHTML={{ __html: shown.html }} />
      )}
    </div>
  );
}
