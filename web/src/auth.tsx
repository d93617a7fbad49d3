// Who is logged in. The CSRF token of the session goes to the API client.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get, post, setCsrfToken, whenUnauthenticated } from './api/client';

export interface Me {
  login: string;
  role: 'admin' | 'user';
  mustChangeCredentials: boolean;
  via: 'session' | 'token';
  csrfToken?: string;
}

interface Auth {
  me: Me | null;
  /** False until the first answer of /api/auth/me. */
  ready: boolean;
  login(login: string, password: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);
  const accept = (value: Me | null) => {
    setCsrfToken(value?.csrfToken ?? null);
    setMe(value);
  };
  const refresh = useCallback(async () => {
    try {
      accept(await get<Me>('/api/auth/me'));
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      accept(null);
    } finally {
      setReady(true);
    }
  }, []);
  useEffect(() => {
    whenUnauthenticated(() => accept(null));
    void refresh();
  }, [refresh]);
  const login = useCallback(async (name: string, password: string) => {
    accept(await post<Me>('/api/auth/login', { login: name, password }));
  }, []);
  const logout = useCallback(async () => {
    await post('/api/auth/logout').catch(() => undefined);
    accept(null);
  }, []);
  return <AuthContext.Provider value={{ me, ready, login, logout, refresh }}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

export const useIsAdmin = (): boolean => useAuth().me?.role === 'admin';
