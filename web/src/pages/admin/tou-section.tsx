// Time of use (M1): the periods, the zone × period matrix and the summary table.
import { useEffect, useState } from 'react';
import { put } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Saved, useSave } from './common';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
interface Slot { startHour: number; startMinute: number; endHour: number; endMinute: number }
interface Period { name: string; enabled: boolean; pct: number; weekdays: string[]; slots: Slot[] }
interface Tou { enabled: boolean; timeZone?: string; periods: Period[] }
interface Matrix { periods: string[]; zones: { zone: string; periods: string[]; allPeriods: boolean }[] }
interface Summary { enabled: boolean; zones: { zone: string; nominalA: number; periods: { period: string; pct: number; enabled: boolean; currentA: number | null }[] }[] }

const newPeriod = (n: number): Period => ({ name: `P${n}`, enabled: true, pct: 80, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], slots: [{ startHour: 17, startMinute: 0, endHour: 20, endMinute: 0 }] });
const slotCount = (periods: Period[]) => periods.reduce((n, p) => n + p.slots.length, 0);

export default function TouSection() {
  const t = useT();
  const tou = useApi<Tou>('/api/tou');
  const matrix = useApi<Matrix>('/api/tou/matrix');
  const summary = useApi<Summary>('/api/tou/summary');
  const [form, setForm] = useState<Tou>();
  const [cells, setCells] = useState<Record<string, string[]>>({});
  const save = useSave();
  const saveMatrix = useSave();
  useEffect(() => { if (tou.data) setForm(structuredClone(tou.data)); }, [tou.data]);
  useEffect(() => { if (matrix.data) setCells(Object.fromEntries(matrix.data.zones.map((z) => [z.zone, z.periods]))); }, [matrix.data]);
  if (!form) return tou.error ? <ErrorNote error={tou.error} /> : <Loading />;

  const setPeriod = (i: number, patch: Partial<Period>) => setForm({ ...form, periods: form.periods.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const setSlot = (i: number, k: number, patch: Partial<Slot>) => setPeriod(i, { slots: form.periods[i].slots.map((s, j) => (j === k ? { ...s, ...patch } : s)) });
  const reloadAll = () => { tou.reload(); matrix.reload(); summary.reload(); };
  const submit = async () => {
    if (await save.run(async () => { await put('/api/tou', { enabled: form.enabled, ...(form.timeZone ? { timeZone: form.timeZone } : {}), periods: form.periods }); return true; })) reloadAll();
  };
  const submitMatrix = async () => {
    if (await saveMatrix.run(async () => { await put('/api/tou/matrix', { zonePeriods: cells }); return true; })) reloadAll();
  };
  const toggleCell = (zone: string, period: string) => {
    const now = cells[zone] ?? [];
    setCells({ ...cells, [zone]: now.includes(period) ? now.filter((p) => p !== period) : [...now, period] });
  };
  const num = (v: string) => (v === '' ? 0 : Number(v));

  return (
    <>
      <Card title={t('admin.tou.periods')} actions={
        <Button onClick={() => setForm({ ...form, periods: [...form.periods, newPeriod(form.periods.length + 1)] })} disabled={form.periods.length >= 5} testId="tou-add-period">{t('admin.tou.addPeriod')}</Button>
      }>
        <p className="hint">{t('admin.tou.intro', { slots: slotCount(form.periods) })}</p>
        <div className="admin-row">
          <label className="field field-check">
            <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} data-testid="tou-enabled" />
            <span>{t('admin.tou.enabled')}</span>
          </label>
          <Field label={t('admin.tou.timeZone')} error={save.at('timeZone')}>
            <input value={form.timeZone ?? ''} onChange={(e) => setForm({ ...form, timeZone: e.target.value })} placeholder="Europe/Paris" />
          </Field>
        </div>
        {form.periods.map((p, i) => (
          <div className="tou-period" key={i} data-testid={`tou-period-${i}`}>
            <div className="admin-row">
              <Field label={t('admin.tou.name')} error={save.at(`periods.${i}.name`)}>
                <input value={p.name} onChange={(e) => setPeriod(i, { name: e.target.value })} data-testid={`tou-name-${i}`} />
              </Field>
              <Field label={t('admin.tou.pct')} error={save.at(`periods.${i}.pct`)}>
                <input type="number" min={0} max={100} value={p.pct} onChange={(e) => setPeriod(i, { pct: num(e.target.value) })} data-testid={`tou-pct-${i}`} />
              </Field>
              <label className="field field-check">
                <input type="checkbox" checked={p.enabled} onChange={(e) => setPeriod(i, { enabled: e.target.checked })} />
                <span>{t('admin.tou.periodEnabled')}</span>
              </label>
            </div>
            <div className="weekdays" role="group" aria-label={t('admin.tou.weekdays')}>
              {WEEKDAYS.map((d) => (
                <label key={d}>
                  <input type="checkbox" checked={p.weekdays.includes(d)}
                    onChange={(e) => setPeriod(i, { weekdays: e.target.checked ? WEEKDAYS.filter((w) => w === d || p.weekdays.includes(w)) : p.weekdays.filter((w) => w !== d) })} />
                  {t(`admin.tou.day.${d}`)}
                </label>
              ))}
            </div>
            {p.slots.map((s, k) => (
              <div className="tou-slot" key={k}>
                <span>{t('admin.tou.from')}</span>
                <input type="number" min={0} max={23} aria-label={t('admin.tou.startHour')} value={s.startHour} onChange={(e) => setSlot(i, k, { startHour: num(e.target.value) })} />:
                <input type="number" min={0} max={59} aria-label={t('admin.tou.startMinute')} value={s.startMinute} onChange={(e) => setSlot(i, k, { startMinute: num(e.target.value) })} />
                <span>{t('admin.tou.to')}</span>
                <input type="number" min={0} max={23} aria-label={t('admin.tou.endHour')} value={s.endHour} onChange={(e) => setSlot(i, k, { endHour: num(e.target.value) })} />:
                <input type="number" min={0} max={59} aria-label={t('admin.tou.endMinute')} value={s.endMinute} onChange={(e) => setSlot(i, k, { endMinute: num(e.target.value) })} />
                <Button onClick={() => setPeriod(i, { slots: p.slots.filter((_, j) => j !== k) })}>{t('admin.tou.removeSlot')}</Button>
              </div>
            ))}
            {save.under(`periods.${i}.`) && !save.at(`periods.${i}.name`) && !save.at(`periods.${i}.pct`) && <div className="field-message" role="alert">{save.under(`periods.${i}.`)}</div>}
            <div className="admin-actions">
              <Button onClick={() => setPeriod(i, { slots: [...p.slots, { startHour: 0, startMinute: 0, endHour: 6, endMinute: 0 }] })} disabled={slotCount(form.periods) >= 20}>{t('admin.tou.addSlot')}</Button>
              <Button kind="danger" onClick={() => setForm({ ...form, periods: form.periods.filter((_, j) => j !== i) })}>{t('admin.tou.removePeriod')}</Button>
            </div>
          </div>
        ))}
        <ErrorNote error={save.error && !save.under('periods.') && !save.at('timeZone') ? save.error : undefined} />
        <div className="admin-actions"><Button kind="primary" onClick={submit} testId="tou-save">{t('common.save')}</Button><Saved show={save.done} /></div>
      </Card>

      <Card title={t('admin.tou.matrix')}>
        {!matrix.data ? <Loading /> : matrix.data.periods.length === 0 || matrix.data.zones.length === 0 ? <p className="hint">{t('admin.tou.matrixEmpty')}</p> : (
          <>
            <div className="admin-table-wrap">
              <table data-testid="tou-matrix">
                <thead><tr><th>{t('admin.tou.zone')}</th>{matrix.data.periods.map((p) => <th key={p}>{p}</th>)}</tr></thead>
                <tbody>
                  {matrix.data.zones.map((z) => (
                    <tr key={z.zone}>
                      <td>{z.zone}</td>
                      {matrix.data?.periods.map((p) => (
                        <td key={p}><input type="checkbox" aria-label={`${z.zone} · ${p}`} checked={(cells[z.zone] ?? []).includes(p)} onChange={() => toggleCell(z.zone, p)} /></td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ErrorNote error={saveMatrix.error} />
            <div className="admin-actions"><Button kind="primary" onClick={submitMatrix}>{t('admin.tou.saveMatrix')}</Button><Saved show={saveMatrix.done} /></div>
          </>
        )}
      </Card>

      <SummaryCard summary={summary.data} error={summary.error} />
    </>
  );
}

function SummaryCard({ summary, error }: { summary: Summary | undefined; error: unknown }) {
  const t = useT();
  const fmt = useFormat();
  if (!summary) return <Card title={t('admin.tou.summary')}>{error ? <ErrorNote error={error} /> : <Loading />}</Card>;
  const periods = summary.zones[0]?.periods ?? [];
  return (
    <Card title={t('admin.tou.summary')} testId="tou-summary">
      {!summary.enabled && <p className="hint">{t('admin.tou.disabledNote')}</p>}
      {summary.zones.length === 0 ? <p className="hint">{t('admin.tou.matrixEmpty')}</p> : (
        <div className="admin-table-wrap">
          <table>
            <thead><tr>
              <th>{t('admin.tou.zone')}</th><th>{t('admin.tou.nominal')}</th>
              {periods.map((p) => <th key={p.period}>{t('admin.tou.periodAt', { name: p.period, pct: p.pct })}{p.enabled ? '' : ` (${t('admin.tou.off')})`}</th>)}
            </tr></thead>
            <tbody>
              {summary.zones.map((z) => (
                <tr key={z.zone}>
                  <td>{z.zone}</td><td>{fmt.number(z.nominalA)} A</td>
                  {z.periods.map((p) => <td key={p.period}>{p.currentA === null ? '—' : `${fmt.number(p.currentA)} A`}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
