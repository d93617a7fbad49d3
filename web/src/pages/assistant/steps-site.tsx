// The assistant's site steps: network (used at the next start), meters (with a test connection),
// the zone tree (Z1, Z2), remote supervision (U1-U4) and, per zone, the authentication mode (B1)
// and the offline policy (B2).
import { useEffect, useState, type ReactNode } from 'react';
import { del, post, put } from '../../api/client';
import { OFFLINE_AUTH_MODES } from '../../api/types';
import { Badge, Field } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { ZoneWarningLine, type ZoneWarning } from '../admin/zones-section';
import { errorText, ErrorLine, numberOrUndefined, StepFrame, usePoll, useSaver, type StepProps } from './parts';

interface Network { host?: string; port?: number; tlsCertFile?: string; tlsKeyFile?: string; trustProxy?: boolean }

export function NetworkStep({ next, back }: StepProps) {
  const t = useT();
  const loaded = usePoll<{ network: Network }>('/api/settings/network');
  const [form, setForm] = useState({ host: '', port: '', tlsCertFile: '', tlsKeyFile: '', trustProxy: false });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    const n = loaded.data?.network;
    if (n) setForm({ host: n.host ?? '', port: n.port === undefined ? '' : String(n.port), tlsCertFile: n.tlsCertFile ?? '', tlsKeyFile: n.tlsKeyFile ?? '', trustProxy: n.trustProxy ?? false });
  }, [loaded.data]);
  const saver = useSaver();
  const set = (key: keyof typeof form, value: string | boolean) => { setForm((f) => ({ ...f, [key]: value })); setSaved(false); };
  const save = async () => {
    const body: Network = { trustProxy: form.trustProxy };
    if (form.host.trim()) body.host = form.host.trim();
    if (form.port.trim()) body.port = numberOrUndefined(form.port);
    if (form.tlsCertFile.trim()) body.tlsCertFile = form.tlsCertFile.trim();
    if (form.tlsKeyFile.trim()) body.tlsKeyFile = form.tlsKeyFile.trim();
    if (await saver.run(() => put('/api/settings/network', body))) { setSaved(true); next(); }
  };
  return (
    <StepFrame id="network" title={t('assistant.network.title')} intro={t('assistant.network.intro')} onBack={back} onSkip={next}
      primary={{ label: t('assistant.saveContinue'), onClick: save }}>
      <p className="hint" data-testid="network-restart">{t('assistant.network.restart')}</p>
      <Field label={t('assistant.network.host')} error={saver.at('host')} hint={t('assistant.network.hostHint')}>
        <input value={form.host} onChange={(e) => set('host', e.target.value)} placeholder="0.0.0.0" data-testid="network-host" />
      </Field>
      <Field label={t('assistant.network.port')} error={saver.at('port')}>
        <input type="number" value={form.port} onChange={(e) => set('port', e.target.value)} placeholder="8080" data-testid="network-port" />
      </Field>
      <Field label={t('assistant.network.tlsCert')} error={saver.at('tlsCertFile')} hint={t('assistant.network.tlsHint')}>
        <input value={form.tlsCertFile} onChange={(e) => set('tlsCertFile', e.target.value)} placeholder="/etc/fuseguard/cert.pem" data-testid="network-cert" />
      </Field>
      <Field label={t('assistant.network.tlsKey')} error={saver.at('tlsKeyFile')}>
        <input value={form.tlsKeyFile} onChange={(e) => set('tlsKeyFile', e.target.value)} placeholder="/etc/fuseguard/key.pem" data-testid="network-key" />
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={form.trustProxy} onChange={(e) => set('trustProxy', e.target.checked)} data-testid="network-proxy" />
        {' '}{t('assistant.network.trustProxy')}
      </label>
      {saved && <p className="hint">{t('assistant.saved')}</p>}
      <ErrorLine error={saver.general(['host', 'port', 'tlsCertFile', 'tlsKeyFile'])} />
    </StepFrame>
  );
}

interface MeterView { name: string; protocol: string; host?: string; model: string; usedBy?: string | null; state?: { status: string; reason?: string | null } }
const MODELS = ['pm5320-iem3x5x-powertag', 'nsx-legacy', 'nsx', 'mtz'];

export function MetersStep({ next, back }: StepProps) {
  const t = useT();
  const meters = usePoll<MeterView[]>('/api/meters', 3000);
  const empty = { name: '', protocol: 'tcp', host: '', port: '502', device: '', baudRate: '19200', unitId: '255', model: MODELS[0], reporting: false };
  const [form, setForm] = useState(empty);
  const [test, setTest] = useState<{ ok: boolean; reason?: string; reading?: { currentsA?: number[] } } | null>(null);
  const saver = useSaver();
  const set = (key: keyof typeof form, value: string | boolean) => { setForm((f) => ({ ...f, [key]: value })); setTest(null); };
  const body = () => {
    const meter: Record<string, unknown> = { name: form.name.trim(), protocol: form.protocol, unitId: numberOrUndefined(form.unitId), model: form.model, reporting: form.reporting };
    if (form.protocol === 'tcp') Object.assign(meter, { host: form.host.trim(), port: numberOrUndefined(form.port) });
    else Object.assign(meter, { device: form.device.trim(), baudRate: numberOrUndefined(form.baudRate) });
    return meter;
  };
  const runTest = () => saver.run(async () => setTest(await post('/api/meters/test', body())));
  const add = async () => {
    if (await saver.run(() => post('/api/meters', body()))) { setForm(empty); meters.reload(); }
  };
  const fields = ['name', 'protocol', 'host', 'port', 'device', 'baudRate', 'unitId', 'model'];
  return (
    <StepFrame id="meters" title={t('assistant.meters.title')} intro={t('assistant.meters.intro')} onBack={back} onSkip={next}
      primary={{ label: t('assistant.continue'), onClick: next }}>
      {(meters.data?.length ?? 0) > 0 && (
        <table data-testid="meters-list">
          <thead><tr><th>{t('assistant.meters.name')}</th><th>{t('assistant.meters.model')}</th><th>{t('assistant.meters.state')}</th></tr></thead>
          <tbody>{meters.data!.map((m) => (
            <tr key={m.name}><td>{m.name}</td><td>{m.model}</td><td>{m.state?.status ?? '—'}{m.state?.reason ? ` (${m.state.reason})` : ''}</td></tr>
          ))}</tbody>
        </table>
      )}
      <h3>{t('assistant.meters.add')}</h3>
      <div className="grid">
        <div>
          <Field label={t('assistant.meters.name')} error={saver.at('name')}>
            <input value={form.name} onChange={(e) => set('name', e.target.value)} data-testid="meter-name" />
          </Field>
          <Field label={t('assistant.meters.protocol')} error={saver.at('protocol')}>
            <select value={form.protocol} onChange={(e) => set('protocol', e.target.value)} data-testid="meter-protocol">
              <option value="tcp">{t('assistant.meters.tcp')}</option>
              <option value="rtu">{t('assistant.meters.rtu')}</option>
            </select>
          </Field>
          <Field label={t('assistant.meters.model')} error={saver.at('model')}>
            <select value={form.model} onChange={(e) => set('model', e.target.value)} data-testid="meter-model">
              {MODELS.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </Field>
        </div>
        <div>
          {form.protocol === 'tcp' ? (
            <>
              <Field label={t('assistant.meters.host')} error={saver.at('host')}>
                <input value={form.host} onChange={(e) => set('host', e.target.value)} placeholder="10.0.0.20" data-testid="meter-host" />
              </Field>
              <Field label={t('assistant.meters.port')} error={saver.at('port')}>
                <input type="number" value={form.port} onChange={(e) => set('port', e.target.value)} data-testid="meter-port" />
              </Field>
            </>
          ) : (
            <>
              <Field label={t('assistant.meters.device')} error={saver.at('device')}>
                <input value={form.device} onChange={(e) => set('device', e.target.value)} placeholder="/dev/ttyUSB0" data-testid="meter-device" />
              </Field>
              <Field label={t('assistant.meters.baudRate')} error={saver.at('baudRate')}>
                <input type="number" value={form.baudRate} onChange={(e) => set('baudRate', e.target.value)} data-testid="meter-baud" />
              </Field>
            </>
          )}
          <Field label={t('assistant.meters.unitId')} error={saver.at('unitId')}>
            <input type="number" value={form.unitId} onChange={(e) => set('unitId', e.target.value)} data-testid="meter-unit" />
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={form.reporting} onChange={(e) => set('reporting', e.target.checked)} data-testid="meter-reporting" />
            {' '}{t('assistant.meters.reporting')}
          </label>
        </div>
      </div>
      <div style={{ display: 'flex', gap: '.5rem', alignItems: 'center' }}>
        <button type="button" className="btn" onClick={() => void runTest()} data-testid="meter-test">{t('assistant.meters.test')}</button>
        <button type="button" className="btn" onClick={() => void add()} data-testid="meter-add">{t('assistant.meters.addButton')}</button>
        {test && (test.ok
          ? <Badge tone="ok">{t('assistant.meters.testOk', { currents: (test.reading?.currentsA ?? []).map((a) => a.toFixed(1)).join(' / ') })}</Badge>
          : <Badge tone="bad">{t('assistant.meters.testFailed', { reason: test.reason ?? '' })}</Badge>)}
      </div>
      <ErrorLine error={saver.general(fields)} />
    </StepFrame>
  );
}

export interface ZoneView {
  name: string; parent: string | null; depth: number; maxCurrentA: number; mode: string;
  meter: string | null; fallbackCurrentA: number; authMode: string | null; offlineAuthMode?: string | null; stations: string[];
  warnings?: ZoneWarning[];
}

/** The tree, depth first, indented. */
export function ZoneTree({ zones, render }: { zones: ZoneView[]; render?: (zone: ZoneView) => ReactNode }) {
  const t = useT();
  if (zones.length === 0) return <p className="hint" data-testid="zones-empty">{t('assistant.zones.empty')}</p>;
  return (
    <ul className="assistant-tree" data-testid="zone-tree" style={{ listStyle: 'none', paddingLeft: 0 }}>
      {zones.map((z) => (
        <li key={z.name} data-testid={`zone-${z.name}`} style={{ paddingLeft: `${(z.depth - 1) * 1.5}rem`, marginBottom: '.35rem' }}>
          <strong>{z.name}</strong>{' '}
          <span className="hint">{t('assistant.zones.line', { max: z.maxCurrentA, mode: t(`assistant.zones.mode.${z.mode}`) })}{z.meter ? ` · ${z.meter}` : ''}</span>
          {render?.(z)}
          {/* A warning, not an error (issue 16): the zone is saved. */}
          {(z.warnings ?? []).map((w) => <div key={w.code} className="hint"><ZoneWarningLine zone={z.name} warning={w} /></div>)}
        </li>
      ))}
    </ul>
  );
}

export function ZonesStep({ next, back }: StepProps) {
  const t = useT();
  const zones = usePoll<ZoneView[]>('/api/zones');
  const meters = usePoll<MeterView[]>('/api/meters');
  const empty = { name: '', parent: '', maxCurrentA: '', mode: 'static', meter: '', fallbackCurrentA: '0' };
  const [form, setForm] = useState(empty);
  const saver = useSaver();
  const removeSaver = useSaver();
  const set = (key: keyof typeof form, value: string) => setForm((f) => ({ ...f, [key]: value }));
  const add = async () => {
    const body: Record<string, unknown> = { name: form.name.trim(), parent: form.parent || null, maxCurrentA: numberOrUndefined(form.maxCurrentA) ?? 0, mode: form.mode };
    if (form.mode === 'dynamic') Object.assign(body, { meter: form.meter || null, fallbackCurrentA: numberOrUndefined(form.fallbackCurrentA) ?? 0 });
    if (await saver.run(() => post('/api/zones', body))) {
      setForm({ ...empty, parent: form.parent });
      zones.reload();
    }
  };
  const remove = (name: string) => removeSaver.run(async () => {
    await del(`/api/zones/${encodeURIComponent(name)}`);
    zones.reload();
  });
  const list = zones.data ?? [];
  return (
    <StepFrame id="zones" title={t('assistant.zones.title')} intro={t('assistant.zones.intro')} onBack={back} onSkip={list.length ? undefined : next}
      primary={list.length ? { label: t('assistant.continue'), onClick: next } : undefined}>
      <ZoneTree zones={list} render={(z) => (
        <button type="button" className="btn btn-link" style={{ marginLeft: '.5rem' }} onClick={() => void remove(z.name)} data-testid={`zone-delete-${z.name}`}>{t('common.delete')}</button>
      )} />
      <ErrorLine error={removeSaver.error} />
      <h3>{t('assistant.zones.add')}</h3>
      <div className="grid">
        <div>
          <Field label={t('assistant.zones.name')} error={saver.at('name')}>
            <input value={form.name} onChange={(e) => set('name', e.target.value)} data-testid="zone-name" />
          </Field>
          <Field label={t('assistant.zones.parent')} error={saver.at('parent')}>
            <select value={form.parent} onChange={(e) => set('parent', e.target.value)} data-testid="zone-parent">
              <option value="">{t('assistant.zones.topLevel')}</option>
              {list.map((z) => <option key={z.name} value={z.name}>{z.name}</option>)}
            </select>
          </Field>
          <Field label={t('assistant.zones.maxCurrent')} error={saver.at('maxCurrentA')} hint={t('assistant.zones.maxHint')}>
            <input type="number" value={form.maxCurrentA} onChange={(e) => set('maxCurrentA', e.target.value)} data-testid="zone-max" />
          </Field>
        </div>
        <div>
          <Field label={t('assistant.zones.modeLabel')} error={saver.at('mode')} hint={t(`assistant.zones.modeHint.${form.mode}`)}>
            <select value={form.mode} onChange={(e) => set('mode', e.target.value)} data-testid="zone-mode">
              <option value="static">{t('assistant.zones.mode.static')}</option>
              <option value="dynamic">{t('assistant.zones.mode.dynamic')}</option>
            </select>
          </Field>
          {form.mode === 'dynamic' && (
            <>
              <Field label={t('assistant.zones.meter')} error={saver.at('meter')}>
                <select value={form.meter} onChange={(e) => set('meter', e.target.value)} data-testid="zone-meter">
                  <option value="">{t('common.none')}</option>
                  {(meters.data ?? []).filter((m) => !m.usedBy).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
                </select>
              </Field>
              <Field label={t('assistant.zones.fallback')} error={saver.at('fallbackCurrentA')} hint={t('assistant.zones.fallbackHint')}>
                <input type="number" value={form.fallbackCurrentA} onChange={(e) => set('fallbackCurrentA', e.target.value)} data-testid="zone-fallback" />
              </Field>
            </>
          )}
        </div>
      </div>
      <button type="button" className="btn" onClick={() => void add()} data-testid="zone-add">{t('assistant.zones.addButton')}</button>
      <ErrorLine error={saver.general(['name', 'parent', 'maxCurrentA', 'mode', 'meter', 'fallbackCurrentA'])} />
    </StepFrame>
  );
}

interface Upstream { enabled: boolean; url?: string; proxyUrl?: string; transactionMessageAttempts?: number; webSocketPingIntervalS?: number }

export function UpstreamStep({ next, back }: StepProps) {
  const t = useT();
  const loaded = usePoll<Upstream>('/api/settings/upstream');
  const [form, setForm] = useState<Upstream>({ enabled: false, url: '', proxyUrl: '' });
  useEffect(() => { if (loaded.data) setForm({ ...loaded.data, url: loaded.data.url ?? '', proxyUrl: loaded.data.proxyUrl ?? '' }); }, [loaded.data]);
  const saver = useSaver();
  const save = async () => {
    const body: Upstream = { ...form };
    if (!body.url) delete body.url;
    if (!body.proxyUrl) delete body.proxyUrl;
    if (await saver.run(() => put('/api/settings/upstream', body))) next();
  };
  return (
    <StepFrame id="upstream" title={t('assistant.upstream.title')} intro={t('assistant.upstream.intro')} onBack={back} onSkip={next}
      primary={{ label: t('assistant.saveContinue'), onClick: save }}>
      <label className="checkbox">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} data-testid="upstream-enabled" />
        {' '}{t('assistant.upstream.enabled')}
      </label>
      <Field label={t('assistant.upstream.url')} error={saver.at('url')} hint={t('assistant.upstream.urlHint')}>
        <input value={form.url ?? ''} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="wss://cpo.example.com/ocpp" data-testid="upstream-url" />
      </Field>
      <Field label={t('assistant.upstream.proxy')} error={saver.at('proxyUrl')} hint={t('assistant.upstream.proxyHint')}>
        <input value={form.proxyUrl ?? ''} onChange={(e) => setForm({ ...form, proxyUrl: e.target.value })} placeholder="http://proxy:3128" data-testid="upstream-proxy" />
      </Field>
      <ErrorLine error={saver.general(['url', 'proxyUrl', 'enabled'])} />
    </StepFrame>
  );
}

export const AUTH_MODES = ['lms-known-badges', 'lms-allow-all', 'station-list', 'free', 'remote-only', 'cpo'] as const;

/** Per zone, what is chosen: '' is inherited (or the default at the top level). */
interface ZoneAuth { mode: string; offline: string }
const authOf = (z: ZoneView): ZoneAuth => ({ mode: z.authMode ?? '', offline: z.offlineAuthMode ?? '' });

/** The authentication mode (B1) and the offline policy (B2) per zone: its own, or its parent's. */
export function AuthStep({ next, back }: StepProps) {
  const t = useT();
  const zones = usePoll<ZoneView[]>('/api/zones');
  const [chosen, setChosen] = useState<Record<string, ZoneAuth>>({});
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  useEffect(() => {
    if (zones.data) setChosen(Object.fromEntries(zones.data.map((z) => [z.name, authOf(z)])));
  }, [zones.data]);
  const choose = (zone: ZoneView, change: Partial<ZoneAuth>) => setChosen((c) => ({ ...c, [zone.name]: { ...(c[zone.name] ?? authOf(zone)), ...change } }));
  const save = async () => {
    const failed: Record<string, unknown> = {};
    for (const z of zones.data ?? []) {
      const { mode, offline } = chosen[z.name] ?? authOf(z);
      if (mode === (z.authMode ?? '') && offline === (z.offlineAuthMode ?? '')) continue;
      try {
        await put(`/api/zones/${encodeURIComponent(z.name)}`, {
          parent: z.parent, maxCurrentA: z.maxCurrentA, mode: z.mode, meter: z.meter, fallbackCurrentA: z.fallbackCurrentA,
          authMode: mode || null, offlineAuthMode: offline || null,
        });
      } catch (err) {
        failed[z.name] = err;
      }
    }
    setErrors(failed);
    zones.reload();
    if (Object.keys(failed).length === 0) next();
  };
  const list = zones.data ?? [];
  return (
    <StepFrame id="auth" title={t('assistant.auth.title')} intro={t('assistant.auth.intro')} onBack={back} onSkip={next}
      primary={{ label: t('assistant.saveContinue'), onClick: save }}>
      <ul className="hint">
        {AUTH_MODES.map((m) => <li key={m}><strong>{t(`assistant.auth.mode.${m}`)}</strong>: {t(`assistant.auth.modeHint.${m}`)}</li>)}
      </ul>
      <p className="hint" data-testid="auth-offline-hint"><strong>{t('assistant.auth.offlineTitle')}</strong>: {t('assistant.auth.offlineHint')}</p>
      <ZoneTree zones={list} render={(z) => {
        const current = chosen[z.name] ?? authOf(z);
        return (
          <div style={{ marginTop: '.25rem', display: 'flex', gap: '.5rem', flexWrap: 'wrap', alignItems: 'center' }}>
            <select aria-label={t('assistant.auth.modeOf', { zone: z.name })} value={current.mode} onChange={(e) => choose(z, { mode: e.target.value })} data-testid={`auth-${z.name}`}>
              <option value="">{t(z.parent ? 'assistant.auth.inherit' : 'assistant.auth.default')}</option>
              {AUTH_MODES.map((m) => <option key={m} value={m}>{t(`assistant.auth.mode.${m}`)}</option>)}
            </select>
            {/* The same choices and words as the zones page (admin), B2. */}
            <select aria-label={t('assistant.auth.offlineOf', { zone: z.name })} value={current.offline} onChange={(e) => choose(z, { offline: e.target.value })} data-testid={`auth-offline-${z.name}`}>
              <option value="">{t(z.parent ? 'assistant.auth.offlineInherit' : 'assistant.auth.offlineDefault')}</option>
              {OFFLINE_AUTH_MODES.map((m) => <option key={m} value={m}>{t(`admin.offline.${m}`)}</option>)}
            </select>
            {errors[z.name] !== undefined && <span className="field-message" role="alert"> {errorText(t, errors[z.name])}</span>}
          </div>
        );
      }} />
    </StepFrame>
  );
}
