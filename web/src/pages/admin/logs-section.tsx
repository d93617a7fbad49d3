// Logs (X1): newest first, filtered by level, station, action, text and time; "older" pages on.
import { useState } from 'react';
import { useApi } from '../../api/use-api';
import { Badge, Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';

interface Entry { id: number; at: number; level: 'debug' | 'info' | 'warn' | 'error'; stationId: string | null; action: string | null; message: string }
interface Filters { minLevel: string; station: string; action: string; text: string; since: string; until: string }
const EMPTY: Filters = { minLevel: '', station: '', action: '', text: '', since: '', until: '' };
const TONE = { debug: 'idle', info: 'info', warn: 'warn', error: 'bad' } as const;

function queryOf(f: Filters, before: number | null): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (!v) continue;
    q.set(k, k === 'since' || k === 'until' ? String(new Date(v).getTime()) : v);
  }
  if (before !== null) q.set('before', String(before));
  q.set('limit', '200');
  return q.toString();
}

export default function LogsSection() {
  const t = useT();
  const fmt = useFormat();
  const [form, setForm] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [pages, setPages] = useState<(number | null)[]>([null]);
  const before = pages[pages.length - 1];
  const logs = useApi<{ entries: Entry[]; nextBefore: number | null }>(`/api/logs?${queryOf(applied, before)}`);
  const set = (patch: Partial<Filters>) => setForm({ ...form, ...patch });
  return (
    <Card title={t('admin.logs.title')} actions={<Button onClick={logs.reload}>{t('admin.logs.refresh')}</Button>}>
      <form className="log-filters" onSubmit={(e) => { e.preventDefault(); setApplied(form); setPages([null]); }}>
        <Field label={t('admin.logs.level')}>
          <select value={form.minLevel} onChange={(e) => set({ minLevel: e.target.value })}>
            <option value="">{t('admin.logs.all')}</option>
            {(['info', 'warn', 'error'] as const).map((l) => <option key={l} value={l}>{t(`admin.logs.atLeast.${l}`)}</option>)}
          </select>
        </Field>
        <Field label={t('admin.logs.station')}><input value={form.station} onChange={(e) => set({ station: e.target.value })} /></Field>
        <Field label={t('admin.logs.action')}><input value={form.action} onChange={(e) => set({ action: e.target.value })} /></Field>
        <Field label={t('admin.logs.text')}><input value={form.text} onChange={(e) => set({ text: e.target.value })} /></Field>
        <Field label={t('admin.logs.since')}><input type="datetime-local" value={form.since} onChange={(e) => set({ since: e.target.value })} /></Field>
        <Field label={t('admin.logs.until')}><input type="datetime-local" value={form.until} onChange={(e) => set({ until: e.target.value })} /></Field>
        <div className="admin-actions">
          <Button type="submit" kind="primary">{t('admin.logs.apply')}</Button>
          <Button onClick={() => { setForm(EMPTY); setApplied(EMPTY); setPages([null]); }}>{t('admin.logs.reset')}</Button>
        </div>
      </form>
      <ErrorNote error={logs.error} />
      {!logs.data ? <Loading /> : logs.data.entries.length === 0 ? <p className="hint">{t('admin.logs.none')}</p> : (
        <div className="admin-table-wrap">
          <table data-testid="logs">
            <thead><tr><th>{t('admin.logs.time')}</th><th>{t('admin.logs.level')}</th><th>{t('admin.logs.station')}</th><th>{t('admin.logs.action')}</th><th>{t('admin.logs.message')}</th></tr></thead>
            <tbody>
              {logs.data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{fmt.dateTime(e.at)}</td><td><Badge tone={TONE[e.level]}>{e.level}</Badge></td>
                  <td>{e.stationId ?? ''}</td><td>{e.action ?? ''}</td><td className="wrap">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="admin-actions">
        {pages.length > 1 && <Button onClick={() => setPages(pages.slice(0, -1))}>{t('admin.logs.newer')}</Button>}
        {logs.data?.nextBefore != null && <Button onClick={() => setPages([...pages, logs.data?.nextBefore ?? null])}>{t('admin.logs.older')}</Button>}
      </div>
    </Card>
  );
}
