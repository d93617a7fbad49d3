// Maintenance report (X2): one HTML file to send to support.
import { download } from '../../api/client';
import { Button, Card, ErrorNote } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { useSave } from './common';

export default function ReportSection() {
  const t = useT();
  const save = useSave();
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return (
    <Card title={t('admin.report.title')}>
      <p>{t('admin.report.intro')}</p>
      <ErrorNote error={save.error} />
      <Button kind="primary" onClick={() => save.run(() => download('/api/maintenance/report', `fuseguard-report-${stamp()}.html`))}>{t('admin.report.download')}</Button>
    </Card>
  );
}
