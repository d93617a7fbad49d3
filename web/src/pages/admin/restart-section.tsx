// Restart (X5): Fuseguard closes everything and starts again; stored network settings apply.
import { useState } from 'react';
import { post } from '../../api/client';
import { Button, Card, ErrorNote } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { useSave } from './common';

export default function RestartSection() {
  const t = useT();
  const save = useSave();
  const [asked, setAsked] = useState(false);
  return (
    <Card title={t('admin.restart.title')}>
      <p>{t('admin.restart.intro')}</p>
      <ErrorNote error={save.error} />
      {save.done && <p className="admin-saved" role="status">{t('admin.restart.started')}</p>}
      {!asked
        ? <Button kind="danger" onClick={() => setAsked(true)}>{t('admin.restart.button')}</Button>
        : (
          <div className="admin-actions">
            <span>{t('admin.restart.sure')}</span>
            <Button kind="danger" onClick={async () => { await save.run(() => post('/api/maintenance/restart')); setAsked(false); }} testId="restart-confirm">{t('admin.restart.confirm')}</Button>
            <Button onClick={() => setAsked(false)}>{t('common.cancel')}</Button>
          </div>
        )}
    </Card>
  );
}
