// The assistant's first steps: welcome (language, restore offered), the admin's own credentials
// (required while the factory login is in use, S2), restore from a backup (X3), a user account.
import { useState } from 'react';
import { api, post, put } from '../../api/client';
import { useAuth } from '../../auth';
import { Field } from '../../components/ui';
import { LANGUAGES, useI18n, useT } from '../../i18n/i18n';
import { navigate } from '../../router';
import { ErrorLine, LocalError, StepFrame, useSaver, type StepProps } from './parts';

export function WelcomeStep({ next }: StepProps) {
  const { t, language, setLanguage } = useI18n();
  return (
    <StepFrame id="welcome" title={t('assistant.welcome.title')} intro={t('assistant.welcome.intro')} primary={{ label: t('assistant.start'), onClick: next }}>
      <div className="assistant-languages" style={{ display: 'flex', gap: '.5rem', marginBottom: '1rem' }} role="group" aria-label={t('common.language')}>
        {LANGUAGES.map((l) => (
          <button key={l} type="button" className={`btn${l === language ? ' btn-primary' : ''}`} onClick={() => setLanguage(l)} data-testid={`assistant-language-${l}`}>
            {t(`common.languageName.${l}`)}
          </button>
        ))}
      </div>
      <ul>
        <li>{t('assistant.welcome.credentialsFirst')}</li>
        <li>{t('assistant.welcome.restoreOffer')}</li>
        <li>{t('assistant.welcome.skippable')}</li>
      </ul>
    </StepFrame>
  );
}

export function PasswordPolicy() {
  const t = useT();
  return <p className="hint" data-testid="password-policy">{t('assistant.policy')}</p>;
}

/** The admin's own login and password: required while the factory login is in use. */
export function AdminStep({ next, back }: StepProps) {
  const t = useT();
  const { me, refresh } = useAuth();
  const factory = me?.mustChangeCredentials ?? false;
  const [login, setLogin] = useState(factory ? '' : me?.login ?? '');
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const saver = useSaver();
  const save = async () => {
    const ok = await saver.run(async () => {
      if (password !== confirm) throw new LocalError('assistant.admin.mismatch', 'confirm');
      await put('/api/users/me/credentials', { currentPassword: factory ? 'ADMIN' : current, login, password });
    });
    if (!ok) return;
    // The session goes on; the shell leaves the factory view, and the assistant carries on there.
    next();
    navigate('/assistant');
    await refresh();
  };
  return (
    <StepFrame id="admin" title={t('assistant.admin.title')} intro={t(factory ? 'assistant.admin.introFactory' : 'assistant.admin.intro')}
      onBack={back} onSkip={factory ? undefined : next} primary={{ label: t('assistant.saveContinue'), onClick: save }}>
      <PasswordPolicy />
      <Field label={t('assistant.admin.login')} error={saver.at('login')} hint={t('assistant.admin.loginHint')}>
        <input value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="username" data-testid="admin-login" />
      </Field>
      {!factory && (
        <Field label={t('assistant.admin.current')} error={saver.at('currentPassword')}>
          <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" data-testid="admin-current" />
        </Field>
      )}
      <Field label={t('assistant.admin.password')} error={saver.at('password')}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="admin-password" />
      </Field>
      <Field label={t('assistant.admin.confirm')} error={saver.at('confirm')}>
        <input type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" data-testid="admin-confirm" />
      </Field>
      <ErrorLine error={saver.general(['login', 'password', 'confirm', 'currentPassword'])} />
    </StepFrame>
  );
}

interface RestoreAnswer {
  dryRun: boolean;
  withoutCredentials: boolean;
  backup: { createdAt: number; fuseguardVersion: string; counts: Record<string, number> };
  replaced: Record<string, number>;
}

/** Restore a backup instead of setting everything up (X3): check it first, then restore. */
export function RestoreStep({ next, back, goTo }: StepProps) {
  const t = useT();
  const { refresh } = useAuth();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [withoutCredentials, setWithoutCredentials] = useState(true);
  const [checked, setChecked] = useState<RestoreAnswer | null>(null);
  const [done, setDone] = useState(false);
  const saver = useSaver();
  const send = async (dryRun: boolean) => {
    if (!file) throw new LocalError('assistant.restore.noFile', 'file');
    const query = new URLSearchParams();
    if (withoutCredentials) query.set('withoutCredentials', 'true');
    if (dryRun) query.set('dryRun', 'true');
    return api<RestoreAnswer>('POST', `/api/maintenance/restore?${query.toString()}`, undefined, {
      raw: await file.arrayBuffer(), headers: { 'x-backup-passphrase': passphrase },
    });
  };
  const check = () => saver.run(async () => setChecked(await send(true)));
  const restore = async () => {
    const ok = await saver.run(async () => { await send(false); });
    if (!ok) return;
    setDone(true);
    // With the backup's credentials every session ends: the login page comes next.
    if (!withoutCredentials) await refresh();
  };
  const changed = () => setChecked(null);
  return (
    <StepFrame id="restore" title={t('assistant.restore.title')} intro={t('assistant.restore.intro')} onBack={back}
      onSkip={done ? undefined : next}
      primary={done ? { label: t('assistant.restore.toSummary'), onClick: () => goTo('summary') } : checked
        ? { label: t('assistant.restore.restore'), onClick: restore }
        : { label: t('assistant.restore.check'), onClick: check }}>
      <Field label={t('assistant.restore.file')} error={saver.at('file')}>
        <input type="file" accept=".fgbackup,application/octet-stream" onChange={(e) => { setFile(e.target.files?.[0] ?? null); changed(); }} data-testid="restore-file" />
      </Field>
      <Field label={t('assistant.restore.passphrase')} error={saver.at('passphrase')}>
        <input type="password" value={passphrase} onChange={(e) => { setPassphrase(e.target.value); changed(); }} data-testid="restore-passphrase" />
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={withoutCredentials} onChange={(e) => { setWithoutCredentials(e.target.checked); changed(); }} data-testid="restore-without-credentials" />
        {' '}{t('assistant.restore.withoutCredentials')}
      </label>
      {checked && !done && (
        <div className="assistant-restore-check" data-testid="restore-check">
          <p className="error-note">{t(withoutCredentials ? 'assistant.restore.warningWithout' : 'assistant.restore.warningWith')}</p>
          <p>{t('assistant.restore.backupOf', { version: checked.backup.fuseguardVersion, at: new Date(checked.backup.createdAt).toLocaleString() })}</p>
          <table>
            <thead><tr><th>{t('assistant.restore.table')}</th><th>{t('assistant.restore.now')}</th><th>{t('assistant.restore.inBackup')}</th></tr></thead>
            <tbody>
              {Object.entries(checked.backup.counts).map(([table, count]) => (
                <tr key={table}><td>{table}</td><td>{checked.replaced[table] ?? 0}</td><td>{count}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {done && <p className="badge badge-ok" role="status" data-testid="restore-done">{t('assistant.restore.done')}</p>}
      <ErrorLine error={saver.general(['file', 'passphrase'])} />
    </StepFrame>
  );
}

/** An optional `user` account for the facility manager (S1). */
export function UserStep({ next, back }: StepProps) {
  const t = useT();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [adminPassword, setAdminPassword] = useState('');
  const [added, setAdded] = useState<string[]>([]);
  const saver = useSaver();
  const add = async () => {
    const ok = await saver.run(() => post('/api/users', { login, password, role: 'user', adminPassword }));
    if (!ok) return;
    setAdded((list) => [...list, login]);
    setLogin('');
    setPassword('');
  };
  return (
    <StepFrame id="user" title={t('assistant.user.title')} intro={t('assistant.user.intro')} onBack={back} onSkip={added.length ? undefined : next}
      primary={added.length ? { label: t('assistant.continue'), onClick: next } : undefined}>
      <PasswordPolicy />
      <Field label={t('assistant.user.login')} error={saver.at('login')}>
        <input value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="off" data-testid="user-login" />
      </Field>
      <Field label={t('assistant.user.password')} error={saver.at('password')}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="user-password" />
      </Field>
      <Field label={t('assistant.user.adminPassword')} error={saver.at('adminPassword')} hint={t('assistant.user.adminPasswordHint')}>
        <input type="password" value={adminPassword} onChange={(e) => setAdminPassword(e.target.value)} autoComplete="current-password" data-testid="user-admin-password" />
      </Field>
      <button type="button" className="btn" onClick={() => void add()} data-testid="user-add">{t('assistant.user.add')}</button>
      {added.length > 0 && <p className="hint" data-testid="users-added">{t('assistant.user.added', { logins: added.join(', ') })}</p>}
      <ErrorLine error={saver.general(['login', 'password', 'adminPassword'])} />
    </StepFrame>
  );
}
