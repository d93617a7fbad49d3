// Small building blocks shared by every page. Pages keep their own parts next to them.
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useT } from '../i18n/i18n';

export function Card({ title, actions, children, testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      {(title || actions) && <header className="card-header"><h2>{title}</h2><div className="card-actions">{actions}</div></header>}
      {children}
    </section>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return <div className="page-title"><h1>{children}</h1><div className="page-actions">{actions}</div></div>;
}

export function Button({ children, onClick, kind = 'normal', type = 'button', disabled, testId }: {
  children: ReactNode; onClick?: () => void | Promise<void>; kind?: 'normal' | 'primary' | 'danger'; type?: 'button' | 'submit'; disabled?: boolean; testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const click = onClick ? async () => {
    setBusy(true);
    try { await onClick(); } finally { setBusy(false); }
  } : undefined;
  return <button type={type} className={`btn btn-${kind}`} onClick={click} disabled={disabled || busy} data-testid={testId}>{children}</button>;
}

/** A labelled input; `error` is shown under it (the server's message for this field). */
export function Field({ label, error, children, hint }: { label: ReactNode; error?: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <label className={`field${error ? ' field-error' : ''}`}>
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
      {error && <span className="field-message" role="alert">{error}</span>}
    </label>
  );
}

/** An error where it happened: the server's code translated when known, its message otherwise. */
export function ErrorNote({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const text = error instanceof ApiError
    ? (t(`errors.${error.code}`) !== `errors.${error.code}` ? t(`errors.${error.code}`) : error.message)
    : String(error);
  return <div className="error-note" role="alert">{text}</div>;
}

export function Loading() {
  const t = useT();
  return <div className="loading">{t('common.loading')}</div>;
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'idle' | 'info'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A dangerous action behind a typed confirmation (factory reset, badge import replace-all). */
export function TypedConfirm({ word, prompt, onConfirm, button }: { word: string; prompt: ReactNode; onConfirm: () => void | Promise<void>; button: ReactNode }) {
  const [typed, setTyped] = useState('');
  return (
    <div className="typed-confirm">
      <p>{prompt}</p>
      <input value={typed} onChange={(e) => setTyped(e.target.value)} aria-label={word} data-testid="typed-confirm" />
      <Button kind="danger" disabled={typed !== word} onClick={onConfirm}>{button}</Button>
    </div>
  );
}
