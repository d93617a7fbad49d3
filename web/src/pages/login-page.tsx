import { useState, type FormEvent } from 'react';
import { useAuth } from '../auth';
import { ErrorNote, Field } from '../components/ui';
import { LANGUAGES, useI18n, type Language } from '../i18n/i18n';

export default function LoginPage() {
  const { t, language, setLanguage } = useI18n();
  const { login } = useAuth();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await login(name, password);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main className="login">
      <form onSubmit={(e) => void submit(e)} className="card login-card">
        <h1>Fuseguard</h1>
        <Field label={t('common.login.login')}><input name="login" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required /></Field>
        <Field label={t('common.login.password')}><input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></Field>
        <ErrorNote error={error} />
        <button type="submit" className="btn btn-primary" data-testid="login-submit">{t('common.login.submit')}</button>
        <p className="hint">{t('common.login.factoryHint')}</p>
        <select aria-label={t('common.language')} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => <option key={l} value={l}>{t(`common.languageName.${l}`)}</option>)}
        </select>
      </form>
    </main>
  );
}
