// A small hash router: #/zones/Garage → the zone page. The server serves one page; a reload keeps the view.
import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';

export function currentPath(): string {
  return decodeURI(window.location.hash.replace(/^#/, '')) || '/';
}

export function navigate(path: string): void {
  window.location.hash = encodeURI(path);
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const changed = () => setPath(currentPath());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return path;
}

/** Matches `/zones/:name` against a path; the parameters decoded, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('?')[0].split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (event: MouseEvent) => {
    if (event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`#${encodeURI(to)}`} onClick={onClick} className={className}>{children}</a>;
}
