// Factory reset (X4), behind a typed confirmation: the words FACTORY RESET.
import { post } from '../../api/client';
import { useAuth } from '../../auth';
import { Card, ErrorNote, TypedConfirm } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { useSave } from './common';

const WORD = 'FACTORY RESET';

export default function FactoryResetSection() {
  const t = useT();
  const { refresh } = useAuth();
  const save = useSave();
  const reset = async () => {
    // Every user and session is gone afterwards: the app shows the login (admin / ADMIN).
    if (await save.run(async () => { await post('/api/maintenance/factory-reset', { confirm: WORD }); return true; })) await refresh();
  };
  return (
    <Card title={t('admin.factoryReset.title')}>
      <p className="admin-note">{t('admin.factoryReset.intro')}</p>
      <ErrorNote error={save.error} />
      <TypedConfirm word={WORD} prompt={t('admin.factoryReset.prompt', { word: WORD })} onConfirm={reset} button={t('admin.factoryReset.button')} />
    </Card>
  );
}
