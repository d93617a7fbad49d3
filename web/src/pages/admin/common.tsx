// Helpers shared by the admin sections: a save that keeps the server's error, the error's text
// in the user's language, and the field it names (shown under that input).
import { useCallback, useState, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { useT, type Translate } from '../../i18n/i18n';

/** The server's code translated when the message files know it, its message otherwise. */
export function errorText(t: Translate, error: unknown): string {
  if (!(error instanceof ApiError)) return String(error);
  const key = `errors.${error.code}`;
  const text = t(key);
  if (text === key) return error.message;
  // A schema refusal: the translated words, then the server's detail (which limit was broken).
  if (error.code === 'invalid-request') {
    const details = error.body.details as { message?: string }[] | undefined;
    const detail = Array.isArray(details) ? details[0]?.message : undefined;
    return detail ? `${text} (${detail})` : text;
  }
  return text;
}

export interface Save {
  error: unknown;
  /** The message to show under the input `field`, when the last error names it. */
  at(field: string): string | undefined;
  /** An error that names no field shown here (shown in an ErrorNote). */
  general(fields: readonly string[]): unknown;
  /** The message when the last error names a field under `prefix` (`periods.0.`). */
  under(prefix: string): string | undefined;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
  done: boolean;
}

/** Runs a change; on a refusal keeps the error (nothing was saved), on success marks it done. */
export function useSave(): Save {
  const t = useT();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const run = useCallback(async <T,>(action: () => Promise<T>) => {
    setDone(false);
    try {
      const result = await action();
      setError(undefined);
      setDone(true);
      return result;
    } catch (err) {
      setError(err);
      return undefined;
    }
  }, []);
  const fieldOf = (e: unknown) => (e instanceof ApiError ? e.field : undefined);
  return {
    error,
    done,
    at: (field) => (error && fieldOf(error) === field ? errorText(t, error) : undefined),
    general: (fields) => {
      const f = fieldOf(error);
      return error && (!f || !fields.includes(f)) ? error : undefined;
    },
    under: (prefix) => (error && fieldOf(error)?.startsWith(prefix) ? errorText(t, error) : undefined),
    run,
    clear: () => { setError(undefined); setDone(false); },
  };
}

export function Saved({ show }: { show: boolean }) {
  const t = useT();
  return show ? <span className="admin-saved" role="status">{t('admin.saved')}</span> : null;
}

export function Row({ children }: { children: ReactNode }) {
  return <div className="admin-row">{children}</div>;
}

/** A number input's value: empty means "not set". */
export const numberOrUndefined = (value: string): number | undefined => (value.trim() === '' ? undefined : Number(value));
export const textOrUndefined = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
