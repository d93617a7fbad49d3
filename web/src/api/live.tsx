// Live events (W6): one EventSource for the whole app. Pages subscribe to event types; the top bar
// shows a lost connection, and the browser reconnects by itself (then pages reload their data).
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { get } from './client';

export type LiveType = 'station' | 'connector' | 'session' | 'meter' | 'allocation';
export interface LiveEvent {
  type: LiveType;
  data: unknown;
}
type Listener = (event: LiveEvent) => void;

interface Live {
  connected: boolean;
  subscribe(listener: Listener): () => void;
}

const LiveContext = createContext<Live | null>(null);
const TYPES: readonly LiveType[] = ['station', 'connector', 'session', 'meter', 'allocation'];

export function LiveProvider({ children }: { children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(true);
  const [live] = useState<Live>(() => ({
    connected: true,
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  }));
  useEffect(() => {
    const source = new EventSource('/api/events');
    const emit = (event: LiveEvent) => { for (const listener of listeners.current) listener(event); };
    for (const type of TYPES) {
      source.addEventListener(type, (message) => emit({ type, data: JSON.parse((message as MessageEvent<string>).data) as unknown }));
    }
    let wasLost = false;
    source.onopen = () => {
      setConnected(true);
      // Back after a loss: everyone reloads what they show.
      if (wasLost) emit({ type: 'station', data: { reconnected: true } });
      wasLost = false;
    };
    source.onerror = () => {
      wasLost = true;
      setConnected(false);
    };
    // The server ended the stream for the session's sake (expired, ended, user deleted, role
    // changed): no reconnecting; a 401 shows the login again, else the page loads anew.
    source.addEventListener('end', () => {
      source.close();
      setConnected(false);
      get('/api/auth/me').then(() => window.location.reload(), () => undefined);
    });
    return () => source.close();
  }, []);
  return <LiveContext.Provider value={{ ...live, connected }}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

/** Calls `onEvent` for events of these types (at most every `throttleMs`), while mounted. */
export function useLiveEvents(types: readonly LiveType[], onEvent: (event: LiveEvent) => void, throttleMs = 250): void {
  const { subscribe } = useLive();
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const key = types.join(',');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let pending: LiveEvent | null = null;
    const unsubscribe = subscribe((event) => {
      if (!key.split(',').includes(event.type)) return;
      pending = event;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (pending) latest.current(pending);
      }, throttleMs);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [key, subscribe, throttleMs]);
}
