// Backup (passphrase → encrypted file) and restore (file + passphrase: a dry run first says what
// will be replaced, then the operator confirms) (X3).
import { useState } from 'react';
import { api, download } from '../../api/client';
import { useAuth } from '../../auth';
import { Button, Card, ErrorNote, Field } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Row, Saved, useSave } from './common';

interface RestoreAnswer {
  ok: true; dryRun: boolean; withoutCredentials: boolean;
  backup: { createdAt: number; fuseguardVersion: string; counts: Record<string, number> };
  replaced: Record<string, number>; warning: string;
}

export default function BackupSection() {
  const t = useT();
  const fmt = useFormat();
  const { refresh } = useAuth();
  const [passphrase, setPassphrase] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [restorePass, setRestorePass] = useState('');
  const [withoutCredentials, setWithoutCredentials] = useState(false);
  const [plan, setPlan] = useState<RestoreAnswer | null>(null);
  const [restored, setRestored] = useState(false);
  const backup = useSave();
  const restore = useSave();
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

  const send = async (dryRun: boolean) => {
    if (!file) return undefined;
    const query = new URLSearchParams({ dryRun: String(dryRun), withoutCredentials: String(withoutCredentials) });
    return api<RestoreAnswer>('POST', `/api/maintenance/restore?${query.toString()}`, undefined, {
      raw: await file.arrayBuffer(), contentType: 'application/octet-stream', headers: { 'x-backup-passphrase': restorePass },
    });
  };
  const check = async () => { setRestored(false); setPlan((await restore.run(() => send(true))) ?? null); };
  const confirm = async () => {
    const answer = await restore.run(() => send(false));
    if (answer) {
      setPlan(null);
      setRestored(true);
      // With credentials the session ends: the app shows the login again.
      if (!answer.withoutCredentials) await refresh();
    }
  };

  return (
    <>
      <Card title={t('admin.backup.title')}>
        <p className="hint">{t('admin.backup.intro')}</p>
        <Row>
          <Field label={t('admin.backup.passphrase')} error={backup.at('passphrase')} hint={t('admin.backup.passphraseHint')}>
            <input type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </Field>
        </Row>
        <ErrorNote error={backup.general(['passphrase'])} />
        <div className="admin-actions">
          <Button kind="primary" disabled={passphrase.length < 8} onClick={() => backup.run(() => download('/api/maintenance/backup', `fuseguard-backup-${stamp()}.fgbackup`, { method: 'POST', body: { passphrase } }))}>
            {t('admin.backup.download')}
          </Button>
          <Saved show={backup.done} />
        </div>
      </Card>
      <Card title={t('admin.restore.title')}>
        <p className="hint">{t('admin.restore.intro')}</p>
        <Row>
          <Field label={t('admin.restore.file')}>
            <input type="file" accept=".fgbackup,application/octet-stream" onChange={(e) => { setFile(e.target.files?.[0] ?? null); setPlan(null); }} />
          </Field>
          <Field label={t('admin.backup.passphrase')}>
            <input type="password" autoComplete="off" value={restorePass} onChange={(e) => { setRestorePass(e.target.value); setPlan(null); }} />
          </Field>
        </Row>
        <label className="field field-check">
          <input type="checkbox" checked={withoutCredentials} onChange={(e) => { setWithoutCredentials(e.target.checked); setPlan(null); }} />
          <span>{t('admin.restore.withoutCredentials')}</span>
        </label>
        <ErrorNote error={restore.error} />
        {restored && <p className="admin-saved" role="status">{t('admin.restore.done')}</p>}
        <div className="admin-actions">
          <Button disabled={!file || !restorePass} onClick={check}>{t('admin.restore.check')}</Button>
        </div>
        {plan && (
          <div className="admin-note" data-testid="restore-plan">
            <p>{t('admin.restore.from', { at: fmt.dateTime(plan.backup.createdAt), version: plan.backup.fuseguardVersion })}</p>
            <p>{plan.withoutCredentials ? t('admin.restore.warningKeep') : t('admin.restore.warningAll')}</p>
            <table>
              <thead><tr><th>{t('admin.restore.table')}</th><th>{t('admin.restore.now')}</th><th>{t('admin.restore.inBackup')}</th></tr></thead>
              <tbody>
                {Object.keys({ ...plan.replaced, ...plan.backup.counts }).map((k) => (
                  <tr key={k}><td>{k}</td><td>{plan.replaced[k] ?? 0}</td><td>{plan.backup.counts[k] ?? 0}</td></tr>
                ))}
              </tbody>
            </table>
            <div className="admin-actions">
              <Button kind="danger" onClick={confirm}>{t('admin.restore.confirm')}</Button>
              <Button onClick={() => setPlan(null)}>{t('common.cancel')}</Button>
            </div>
          </div>
        )}
      </Card>
    </>
  );
}
