// A link from a page to the help document that explains it (issue 16, item 8).
import { useT } from '../../i18n/i18n';
import { Link } from '../../router';

/** The document of each administration section; the others are in web-admin. */
const ADMIN_SECTION_DOCS: Record<string, string> = {
  network: 'security', upstream: 'relay', 'load-shedding': 'digital-inputs', zones: 'allocation', meters: 'meters',
  inputs: 'digital-inputs', firmware: 'firmware', tokens: 'api', backup: 'api-maintenance', 'factory-reset': 'api-maintenance',
};

export const helpDocOfAdminSection = (section: string): string => ADMIN_SECTION_DOCS[section] ?? 'web-admin';

export function HelpLink({ slug }: { slug: string }) {
  const t = useT();
  return <Link to={`/help/${slug}`} className="help-link">{t('help.link')}</Link>;
}
