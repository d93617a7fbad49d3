// Remote supervision (U1-U4): the relay of every station to a CPO's central system.
import { useEffect, useState } from 'react';
import { put } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { numberOrUndefined, Row, Saved, textOrUndefined, useSave } from './common';

interface Upstream { enabled?: boolean; url?: string; transactionMessageAttempts?: number; webSocketPingIntervalS?: number; proxyUrl?: string }
const FIELDS = ['enabled', 'url', 'transactionMessageAttempts', 'webSocketPingIntervalS', 'proxyUrl'];

export default function UpstreamSection() {
  const t = useT();
  const loaded = useApi<Upstream>('/api/settings/upstream');
  const [form, setForm] = useState({ enabled: false, url: '', attempts: '', ping: '', proxyUrl: '' });
  const save = useSave();
  useEffect(() => {
    const u = loaded.data;
    if (u) setForm({ enabled: u.enabled ?? false, url: u.url ?? '', attempts: u.transactionMessageAttempts?.toString() ?? '', ping: u.webSocketPingIntervalS?.toString() ?? '', proxyUrl: u.proxyUrl ?? '' });
  }, [loaded.data]);
  if (!loaded.data) return loaded.error ? <ErrorNote error={loaded.error} /> : <Loading />;
  const submit = async () => { await save.run(() => put('/api/settings/upstream', {
    enabled: form.enabled, url: textOrUndefined(form.url), transactionMessageAttempts: numberOrUndefined(form.attempts),
    webSocketPingIntervalS: numberOrUndefined(form.ping), proxyUrl: textOrUndefined(form.proxyUrl),
  })); };
  return (
    <Card title={t('admin.upstream.title')}>
      <p className="hint">{t('admin.upstream.intro')}</p>
      <label className="field field-check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
        <span>{t('admin.upstream.enabled')}</span>
      </label>
      <Row>
        <Field label={t('admin.upstream.url')} error={save.at('url')} hint="wss://cpo.example.com/ocpp">
          <input value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
        </Field>
        <Field label={t('admin.upstream.attempts')} error={save.at('transactionMessageAttempts')}>
          <input type="number" value={form.attempts} onChange={(e) => setForm({ ...form, attempts: e.target.value })} placeholder="500" />
        </Field>
        <Field label={t('admin.upstream.ping')} error={save.at('webSocketPingIntervalS')}>
          <input type="number" value={form.ping} onChange={(e) => setForm({ ...form, ping: e.target.value })} placeholder="120" />
        </Field>
        <Field label={t('admin.upstream.proxyUrl')} error={save.at('proxyUrl')} hint={t('admin.upstream.proxyHint')}>
          <input value={form.proxyUrl} onChange={(e) => setForm({ ...form, proxyUrl: e.target.value })} />
        </Field>
      </Row>
      <ErrorNote error={save.general(FIELDS)} />
      <div className="admin-actions"><Button kind="primary" onClick={submit}>{t('common.save')}</Button><Saved show={save.done} /></div>
    </Card>
  );
}
