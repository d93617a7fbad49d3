// Pieces shared by the assistant's steps: the frame of a step, polling without live events (the
// factory login's view has none), saving with the server's error kept for the field it names.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get } from '../../api/client';
import { Button, Card } from '../../components/ui';
import { useT, type Translate } from '../../i18n/i18n';

/** What every step gets from the assistant. */
export interface StepProps {
  next(): void;
  back(): void;
  /** Jumps to a step by id (the restore step ends at the summary). */
  goTo(step: string): void;
}

/** The server's error in the user's language: its code when translated, else its message. */
export function errorText(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    const translated = t(key);
    return translated !== key ? translated : error.message;
  }
  if (error instanceof LocalError) return t(error.key);
  return String(error);
}

/** An error found in the browser before anything is sent (e.g. passwords that differ). */
export class LocalError extends Error {
  constructor(readonly key: string, readonly field: string) {
    super(key);
  }
}

export function errorField(error: unknown): string | undefined {
  if (error instanceof ApiError || error instanceof LocalError) return error.field;
  return undefined;
}

/** Saves through the API; the error stays for the form to show at its field. */
export function useSaver() {
  const t = useT();
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<unknown>): Promise<boolean> => {
    try {
      await action();
      setError(undefined);
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  }, []);
  /** The message for one field, when the error names it. */
  const at = (field: string): string | undefined => (error && errorField(error) === field ? errorText(t, error) : undefined);
  /** The error when it names none of these fields: shown above the buttons. */
  const general = (fields: readonly string[]): unknown => (error && !fields.includes(errorField(error) ?? '') ? error : undefined);
  return { error, setError, run, at, general };
}

export function ErrorLine({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  return <div className="error-note" role="alert" data-testid="assistant-error">{errorText(t, error)}</div>;
}

/** GET a path now and every `intervalMs` (0: once); reload() asks again at once. */
export function usePoll<T>(path: string | null, intervalMs = 0) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    const fetchNow = () => get<T>(path).then(
      (value) => { if (current) { setData(value); setError(undefined); } },
      (err: unknown) => { if (current) setError(err); },
    );
    void fetchNow();
    const timer = intervalMs > 0 ? setInterval(() => void fetchNow(), intervalMs) : null;
    return () => {
      current = false;
      if (timer) clearInterval(timer);
    };
  }, [path, intervalMs, version]);
  return { data, error, reload };
}

/** One step: its title, what it is for, its content, and Back / Skip / the main action. */
export function StepFrame({ id, title, intro, children, onBack, onSkip, primary }: {
  id: string; title: ReactNode; intro?: ReactNode; children?: ReactNode;
  onBack?: () => void; onSkip?: () => void;
  primary?: { label: ReactNode; onClick: () => void | Promise<void>; disabled?: boolean };
}) {
  const t = useT();
  return (
    <Card title={title} testId={`step-${id}`}>
      {intro && <p className="hint assistant-intro">{intro}</p>}
      {children}
      <div className="assistant-buttons" style={{ display: 'flex', gap: '.5rem', marginTop: '1rem' }}>
        {onBack && <Button onClick={onBack} testId="step-back">{t('assistant.back')}</Button>}
        <span style={{ flex: 1 }} />
        {onSkip && <Button onClick={onSkip} testId="step-skip">{t('assistant.skip')}</Button>}
        {primary && <Button kind="primary" onClick={primary.onClick} disabled={primary.disabled} testId="step-next">{primary.label}</Button>}
      </div>
    </Card>
  );
}

/** Numbers typed in a field: '' stays empty (undefined), anything else a number. */
export const numberOrUndefined = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value));
