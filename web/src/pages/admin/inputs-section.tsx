// Digital inputs (M2): the configuration (at most 3), their live state, and the manual signal
// switch for inputs whose source is `manual`.
import { useEffect, useState } from 'react';
import { put } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Badge, Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Saved, useSave } from './common';

interface InputConfig { id: string; enabled: boolean; pct: number; failSafeHigh?: boolean; source: { kind: string } & Record<string, unknown> }
interface InputState {
  id: string; enabled: boolean; pct: number; high: boolean; active: boolean; cause: string; signal: boolean | null;
  source: { kind: string; status: string; reason: string | null; sinceAt: number; lastSignalAt: number | null };
}
interface Row { id: string; enabled: boolean; pct: string; failSafeHigh: boolean; source: string }

const rowOf = (c: InputConfig): Row => ({ id: c.id, enabled: c.enabled, pct: String(c.pct), failSafeHigh: c.failSafeHigh ?? true, source: JSON.stringify(c.source, null, 2) });

function useEvery(ms: number, action: () => void) {
  useEffect(() => {
    const timer = setInterval(action, ms);
    return () => clearInterval(timer);
  }, [ms, action]);
}

export default function InputsSection() {
  const t = useT();
  const fmt = useFormat();
  const config = useApi<InputConfig[]>('/api/inputs');
  const state = useApi<InputState[]>('/api/inputs/state');
  useEvery(2000, state.reload);
  const [rows, setRows] = useState<Row[]>();
  const [jsonError, setJsonError] = useState<number | null>(null);
  const save = useSave();
  const signal = useSave();
  useEffect(() => { if (config.data) setRows(config.data.map(rowOf)); }, [config.data]);
  if (!rows) return config.error ? <ErrorNote error={config.error} /> : <Loading />;

  const setRow = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = async () => {
    const body: InputConfig[] = [];
    for (const [i, r] of rows.entries()) {
      try {
        body.push({ id: r.id.trim(), enabled: r.enabled, pct: Number(r.pct), failSafeHigh: r.failSafeHigh, source: JSON.parse(r.source) as InputConfig['source'] });
      } catch {
        setJsonError(i);
        return;
      }
    }
    setJsonError(null);
    if (await save.run(async () => { await put('/api/inputs', body); return true; })) { config.reload(); state.reload(); }
  };
  const setSignal = async (id: string, high: boolean) => {
    if (await signal.run(async () => { await put(`/api/inputs/${encodeURIComponent(id)}/signal`, { high }); return true; })) state.reload();
  };

  return (
    <>
      <Card title={t('admin.inputs.state')} testId="inputs-state">
        <ErrorNote error={signal.error ?? state.error} />
        {(state.data ?? []).length === 0 ? <p className="hint">{t('admin.inputs.none')}</p> : (
          <div className="admin-table-wrap">
            <table>
              <thead><tr><th>{t('admin.inputs.id')}</th><th>{t('admin.inputs.level')}</th><th>{t('admin.inputs.pct')}</th><th>{t('admin.inputs.source')}</th><th /></tr></thead>
              <tbody>
                {state.data?.map((s) => (
                  <tr key={s.id}>
                    <td>{s.id}{!s.enabled && <div className="hint">{t('admin.inputs.disabled')}</div>}</td>
                    <td>
                      <Badge tone={s.active ? 'warn' : s.high ? 'info' : 'idle'}>{s.active ? t('admin.inputs.active') : s.high ? t('admin.inputs.high') : t('admin.inputs.low')}</Badge>
                      <div className="hint">{t(`admin.inputs.cause.${s.cause}`)}</div>
                    </td>
                    <td>{s.pct} %</td>
                    <td className="wrap">{s.source.kind} · {s.source.status}{s.source.reason && <div className="hint">{s.source.reason}</div>}<div className="hint">{fmt.dateTime(s.source.lastSignalAt)}</div></td>
                    <td>
                      {s.source.kind === 'manual' && (
                        <label className="field-check admin-actions">
                          <input type="checkbox" checked={s.signal ?? false} onChange={(e) => void setSignal(s.id, e.target.checked)} data-testid={`signal-${s.id}`} />
                          {t('admin.inputs.signalHigh')}
                        </label>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title={t('admin.inputs.config')} actions={
        <Button disabled={rows.length >= 3} onClick={() => setRows([...rows, { id: `di${rows.length + 1}`, enabled: true, pct: '50', failSafeHigh: false, source: JSON.stringify({ kind: 'manual', high: false }, null, 2) }])}>{t('admin.inputs.add')}</Button>
      }>
        <p className="hint">{t('admin.inputs.intro')}</p>
        {rows.map((r, i) => (
          <div className="tou-period" key={i}>
            <div className="admin-row">
              <Field label={t('admin.inputs.id')} error={save.at(`${i}.id`)}><input value={r.id} onChange={(e) => setRow(i, { id: e.target.value })} /></Field>
              <Field label={t('admin.inputs.pct')} error={save.at(`${i}.pct`)}><input type="number" min={0} max={99} value={r.pct} onChange={(e) => setRow(i, { pct: e.target.value })} /></Field>
              <label className="field field-check"><input type="checkbox" checked={r.enabled} onChange={(e) => setRow(i, { enabled: e.target.checked })} /><span>{t('admin.inputs.enabled')}</span></label>
              <label className="field field-check"><input type="checkbox" checked={r.failSafeHigh} onChange={(e) => setRow(i, { failSafeHigh: e.target.checked })} /><span>{t('admin.inputs.failSafeHigh')}</span></label>
            </div>
            <Field label={t('admin.inputs.sourceJson')} error={jsonError === i ? t('admin.inputs.badJson') : save.under(`${i}.source`)} hint={t('admin.inputs.sourceHint')}>
              <textarea className="json-input" value={r.source} onChange={(e) => setRow(i, { source: e.target.value })} />
            </Field>
            <Button kind="danger" onClick={() => setRows(rows.filter((_, j) => j !== i))}>{t('common.delete')}</Button>
          </div>
        ))}
        <ErrorNote error={save.error && !/^\d+\.(id|pct|source)/.test((save.error as { field?: string }).field ?? '') ? save.error : undefined} />
        <div className="admin-actions"><Button kind="primary" onClick={submit}>{t('common.save')}</Button><Saved show={save.done} /></div>
      </Card>
    </>
  );
}
