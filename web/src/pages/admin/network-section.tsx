// Where Fuseguard listens, TLS and a reverse proxy in front (W8). Used at the next start.
import { useEffect, useState } from 'react';
import { put } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { navigate } from '../../router';
import { numberOrUndefined, Row, Saved, textOrUndefined, useSave } from './common';

interface Network { host?: string; port?: number; tlsCertFile?: string; tlsKeyFile?: string; trustProxy?: boolean }
const FIELDS = ['host', 'port', 'tlsCertFile', 'tlsKeyFile', 'trustProxy'];

export default function NetworkSection() {
  const t = useT();
  const loaded = useApi<{ network: Network }>('/api/settings/network');
  const [form, setForm] = useState({ host: '', port: '', tlsCertFile: '', tlsKeyFile: '', trustProxy: false });
  const [restart, setRestart] = useState(false);
  const save = useSave();
  useEffect(() => {
    const n = loaded.data?.network;
    if (n) setForm({ host: n.host ?? '', port: n.port ? String(n.port) : '', tlsCertFile: n.tlsCertFile ?? '', tlsKeyFile: n.tlsKeyFile ?? '', trustProxy: n.trustProxy ?? false });
  }, [loaded.data]);
  if (!loaded.data) return loaded.error ? <ErrorNote error={loaded.error} /> : <Loading />;
  const submit = async () => {
    const answer = await save.run(() => put<{ restartRequired: boolean }>('/api/settings/network', {
      host: textOrUndefined(form.host), port: numberOrUndefined(form.port),
      tlsCertFile: textOrUndefined(form.tlsCertFile), tlsKeyFile: textOrUndefined(form.tlsKeyFile), trustProxy: form.trustProxy,
    }));
    if (answer?.restartRequired) setRestart(true);
  };
  return (
    <Card title={t('admin.network.title')}>
      <p className="admin-note">{t('admin.network.restartNote')}</p>
      <Row>
        <Field label={t('admin.network.host')} error={save.at('host')} hint={t('admin.network.hostHint')}>
          <input value={form.host} onChange={(e) => setForm({ ...form, host: e.target.value })} placeholder="0.0.0.0" />
        </Field>
        <Field label={t('admin.network.port')} error={save.at('port')}>
          <input type="number" value={form.port} onChange={(e) => setForm({ ...form, port: e.target.value })} placeholder="8080" />
        </Field>
        <Field label={t('admin.network.tlsCertFile')} error={save.at('tlsCertFile')}>
          <input value={form.tlsCertFile} onChange={(e) => setForm({ ...form, tlsCertFile: e.target.value })} />
        </Field>
        <Field label={t('admin.network.tlsKeyFile')} error={save.at('tlsKeyFile')}>
          <input value={form.tlsKeyFile} onChange={(e) => setForm({ ...form, tlsKeyFile: e.target.value })} />
        </Field>
      </Row>
      <label className="field field-check">
        <input type="checkbox" checked={form.trustProxy} onChange={(e) => setForm({ ...form, trustProxy: e.target.checked })} />
        <span>{t('admin.network.trustProxy')}</span>
      </label>
      <ErrorNote error={save.general(FIELDS)} />
      {restart && (
        <div className="admin-note" role="status">
          {t('admin.network.restartRequired')} <Button onClick={() => navigate('/admin/restart')}>{t('admin.section.restart')}</Button>
        </div>
      )}
      <div className="admin-actions"><Button kind="primary" onClick={submit} testId="network-save">{t('common.save')}</Button><Saved show={save.done} /></div>
    </Card>
  );
}
