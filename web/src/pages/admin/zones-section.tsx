// Zones (Z1, Z2): a tree editor. The server checks the whole tree on every change; a refusal
// (422 with details.field) is shown under the input at fault, and nothing is saved. A zone's
// warnings (its children can draw more than it, issue 16) are shown on its row of the tree.
import { useState } from 'react';
import { del, post, put } from '../../api/client';
import { OFFLINE_AUTH_MODES } from '../../api/types';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Row, useSave } from './common';

export interface ZoneRow {
  name: string; parent: string | null; depth: number; maxCurrentA: number; mode: 'static' | 'dynamic';
  meter: string | null; fallbackCurrentA: number; authMode: string | null; offlineAuthMode?: string | null; children: string[]; stations: unknown[];
  warnings?: ZoneWarning[];
}
export interface ZoneWarning { code: string; message: string; phase: string; childrenA: number; zoneMaxA: number }
interface MeterRow { name: string; reporting?: boolean; usedBy: string | null }

interface Form { name: string; parent: string; maxCurrentA: string; mode: 'static' | 'dynamic'; meter: string; fallbackCurrentA: string; authMode: string; offlineAuthMode: string }
const EMPTY: Form = { name: '', parent: '', maxCurrentA: '', mode: 'static', meter: '', fallbackCurrentA: '0', authMode: '', offlineAuthMode: '' };
const FIELDS = ['name', 'parent', 'maxCurrentA', 'mode', 'meter', 'fallbackCurrentA', 'authMode', 'offlineAuthMode'];

function formOf(zone: ZoneRow): Form {
  return {
    name: zone.name, parent: zone.parent ?? '', maxCurrentA: String(zone.maxCurrentA), mode: zone.mode, meter: zone.meter ?? '',
    fallbackCurrentA: String(zone.fallbackCurrentA), authMode: zone.authMode ?? '', offlineAuthMode: zone.offlineAuthMode ?? '',
  };
}

function bodyOf(form: Form) {
  return {
    parent: form.parent === '' ? null : form.parent,
    maxCurrentA: form.maxCurrentA.trim() === '' ? 0 : Number(form.maxCurrentA),
    mode: form.mode,
    ...(form.mode === 'dynamic' && form.meter ? { meter: form.meter } : {}),
    ...(form.mode === 'dynamic' && form.fallbackCurrentA.trim() !== '' ? { fallbackCurrentA: Number(form.fallbackCurrentA) } : {}),
    ...(form.authMode ? { authMode: form.authMode } : {}),
    // Sent always: null is inherited (an absent field would keep the zone's policy).
    offlineAuthMode: form.offlineAuthMode === '' ? null : form.offlineAuthMode,
  };
}

export default function ZonesSection() {
  const t = useT();
  const fmt = useFormat();
  const zones = useApi<ZoneRow[]>('/api/zones');
  const meters = useApi<MeterRow[]>('/api/meters');
  /** null: no form; '' : a new zone; else the zone being edited. */
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const save = useSave();
  const removal = useSave();
  if (!zones.data) return zones.error ? <ErrorNote error={zones.error} /> : <Loading />;
  const list = zones.data;

  const open = (zone: ZoneRow | null, parent?: string) => {
    save.clear();
    setEditing(zone ? zone.name : '');
    setForm(zone ? formOf(zone) : { ...EMPTY, parent: parent ?? '' });
  };
  const submit = async () => {
    const ok = await save.run(async () => {
      if (editing === '') await post('/api/zones', { name: form.name.trim(), ...bodyOf(form) });
      else await put(`/api/zones/${encodeURIComponent(editing ?? '')}`, bodyOf(form));
      return true;
    });
    if (ok) { setEditing(null); zones.reload(); meters.reload(); }
  };
  const remove = async (name: string) => {
    if (!window.confirm(t('admin.zones.confirmDelete', { name }))) return;
    const ok = await removal.run(async () => { await del(`/api/zones/${encodeURIComponent(name)}`); return true; });
    if (ok) zones.reload();
  };
  // A zone cannot be its own parent, nor have one of its descendants as parent.
  const descendants = (name: string): Set<string> => {
    const out = new Set<string>([name]);
    for (const z of list) if (z.parent && out.has(z.parent)) out.add(z.name);
    return out;
  };
  const excluded = editing ? descendants(editing) : new Set<string>();
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });

  return (
    <>
      <Card title={t('admin.zones.title')} actions={<Button onClick={() => open(null)} testId="zone-add">{t('admin.zones.add')}</Button>}>
        <p className="hint">{t('admin.zones.intro')}</p>
        <ErrorNote error={removal.error} />
        {list.length === 0 ? <p className="hint">{t('admin.zones.none')}</p> : (
          <ul className="zone-tree" data-testid="zone-tree">
            {list.map((z) => (
              <li key={z.name} style={{ paddingLeft: `${(z.depth - 1) * 1.5}rem` }} data-testid={`zone-row-${z.name}`}>
                <span className="zone-name">{z.name}</span>
                <span className="zone-facts">
                  {t('admin.zones.facts', { max: fmt.number(z.maxCurrentA), mode: t(`admin.zones.mode.${z.mode}`) })}
                  {z.meter ? ` · ${t('admin.zones.meterFact', { meter: z.meter })}` : ''}
                  {` · ${t('admin.zones.stationsFact', { count: z.stations.length })}`}
                </span>
                <span className="zone-buttons">
                  {z.depth < 4 && <Button onClick={() => open(null, z.name)}>{t('admin.zones.addChild')}</Button>}
                  <Button onClick={() => open(z)} testId={`zone-edit-${z.name}`}>{t('common.edit')}</Button>
                  <Button kind="danger" onClick={() => remove(z.name)}>{t('common.delete')}</Button>
                </span>
                {(z.warnings ?? []).map((w) => <ZoneWarningLine key={w.code} zone={z.name} warning={w} />)}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {editing !== null && (
        <Card title={editing === '' ? t('admin.zones.newZone') : t('admin.zones.editZone', { name: editing })} testId="zone-form">
          <Row>
            <Field label={t('admin.zones.name')} error={save.at('name')}>
              <input value={form.name} disabled={editing !== ''} onChange={(e) => set({ name: e.target.value })} data-testid="zone-name" />
            </Field>
            <Field label={t('admin.zones.parent')} error={save.at('parent')}>
              <select value={form.parent} onChange={(e) => set({ parent: e.target.value })} data-testid="zone-parent">
                <option value="">{t('admin.zones.topLevel')}</option>
                {list.filter((z) => !excluded.has(z.name)).map((z) => <option key={z.name} value={z.name}>{'· '.repeat(z.depth - 1)}{z.name}</option>)}
              </select>
            </Field>
            <Field label={t('admin.zones.maxCurrent')} error={save.at('maxCurrentA')}>
              <input type="number" min={0} step="any" value={form.maxCurrentA} onChange={(e) => set({ maxCurrentA: e.target.value })} data-testid="zone-max" />
            </Field>
            <Field label={t('admin.zones.modeLabel')} error={save.at('mode')}>
              <select value={form.mode} onChange={(e) => set({ mode: e.target.value as Form['mode'] })} data-testid="zone-mode">
                <option value="static">{t('admin.zones.mode.static')}</option>
                <option value="dynamic">{t('admin.zones.mode.dynamic')}</option>
              </select>
            </Field>
            {form.mode === 'dynamic' && (
              <>
                <Field label={t('admin.zones.meter')} error={save.at('meter')}>
                  <select value={form.meter} onChange={(e) => set({ meter: e.target.value })} data-testid="zone-meter">
                    <option value="">{t('common.none')}</option>
                    {/* Reporting meters drive no zone (Z7); the zone's own is kept so that the server's refusal shows. */}
                    {(meters.data ?? []).filter((m) => !m.reporting || m.name === form.meter).map((m) => (
                      <option key={m.name} value={m.name}>{m.name}{m.usedBy && m.usedBy !== editing ? ` (${m.usedBy})` : ''}</option>
                    ))}
                  </select>
                </Field>
                <Field label={t('admin.zones.fallback')} error={save.at('fallbackCurrentA')} hint={t('admin.zones.fallbackHint')}>
                  <input type="number" min={0} step="any" value={form.fallbackCurrentA} onChange={(e) => set({ fallbackCurrentA: e.target.value })} />
                </Field>
              </>
            )}
            <Field label={t('admin.zones.authMode')} error={save.at('authMode')}>
              <select value={form.authMode} onChange={(e) => set({ authMode: e.target.value })}>
                <option value="">{t('admin.zones.authDefault')}</option>
                <option value="lms-known-badges">{t('admin.auth.lms-known-badges')}</option>
                <option value="lms-allow-all">{t('admin.auth.lms-allow-all')}</option>
                {(['station-list', 'free', 'remote-only', 'cpo'] as const).map((m) => <option key={m} value={m}>{t(`admin.auth.${m}`)}</option>)}
              </select>
            </Field>
            <Field label={t('admin.zones.offlineAuthMode')} error={save.at('offlineAuthMode')} hint={t('admin.zones.offlineHint')}>
              <select value={form.offlineAuthMode} onChange={(e) => set({ offlineAuthMode: e.target.value })} data-testid="zone-offline-auth-mode">
                <option value="">{t('admin.zones.offlineInherited')}</option>
                {OFFLINE_AUTH_MODES.map((m) => <option key={m} value={m}>{t(`admin.offline.${m}`)}</option>)}
              </select>
            </Field>
          </Row>
          <ErrorNote error={save.general(FIELDS)} />
          <div className="admin-actions">
            <Button kind="primary" onClick={submit} testId="zone-save">{t('common.save')}</Button>
            <Button onClick={() => { save.clear(); setEditing(null); }}>{t('common.cancel')}</Button>
          </div>
        </Card>
      )}
    </>
  );
}

/** A warning, not an error: the zone is saved; translated when the code is known, else the server's words. */
export function ZoneWarningLine({ zone, warning }: { zone: string; warning: ZoneWarning }) {
  const t = useT();
  const fmt = useFormat();
  const key = `admin.zones.warning.${warning.code}`;
  const text = t(key, { phase: warning.phase, childrenA: fmt.number(warning.childrenA), maxA: fmt.number(warning.zoneMaxA) });
  return <span className="zone-warning" role="note" data-testid={`zone-warning-${zone}`}>{text === key ? warning.message : text}</span>;
}
