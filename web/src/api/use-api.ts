// Data for a page: GET once, again on reload(), and again when live events of the given types arrive.
import { useCallback, useEffect, useState } from 'react';
import { ApiError, get } from './client';
import { useLiveEvents, type LiveType } from './live';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

export function useApi<T>(path: string | null, liveTypes: readonly LiveType[] = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(path !== null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    get<T>(path).then(
      (value) => { if (current) { setData(value); setError(undefined); setLoading(false); } },
      (err: unknown) => {
        if (!current) return;
        setError(err instanceof ApiError ? err : new ApiError(0, { error: 'network', message: String(err) }));
        setLoading(false);
      },
    );
    return () => { current = false; };
  }, [path, version]);
  useLiveEvents(liveTypes, reload);
  return { data, error, loading, reload };
}
