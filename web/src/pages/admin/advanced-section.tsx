// Advanced settings: security values (S2), station intervals (O5, D5), meter polling (P1), what
// happens to unknown stations (O2), the bounds on pending stations and station password
// guessing (issue 14), and how long records are kept (issue 16, item 12).
import { useEffect, useState } from 'react';
import { patch } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { Row, Saved, useSave } from './common';

const STATION_SECURITY = ['pendingStationsMax', 'pendingStationExpiryDays', 'stationPasswordAttempts', 'stationPasswordAddressAttempts', 'stationPasswordBackoffMaxS'] as const;
const RETENTION = ['commandsMaxAgeDays', 'commandsMaxRows', 'auditMaxAgeDays', 'auditMaxRows', 'samplesOutsideSessionsMaxAgeDays'] as const;
const NUMBERS = [
  'loginLockoutAttempts', 'loginLockoutS', 'sessionIdleTimeoutS', 'heartbeatIntervalS', 'meterValueSampleIntervalS', 'liveProfileDurationS', 'meterPollingMs', ...STATION_SECURITY,
  ...RETENTION,
] as const;
type Advanced = Record<(typeof NUMBERS)[number], number> & { unknownStations: 'reject' | 'pending' };

export default function AdvancedSection() {
  const t = useT();
  const loaded = useApi<Advanced>('/api/settings/advanced');
  const [form, setForm] = useState<Record<string, string>>();
  const save = useSave();
  useEffect(() => {
    if (loaded.data) setForm(Object.fromEntries(Object.entries(loaded.data).map(([k, v]) => [k, String(v)])));
  }, [loaded.data]);
  if (!form) return loaded.error ? <ErrorNote error={loaded.error} /> : <Loading />;
  const submit = async () => { await save.run(() => patch('/api/settings/advanced', {
    ...Object.fromEntries(NUMBERS.map((k) => [k, Number(form[k])])), unknownStations: form.unknownStations,
  })); };
  return (
    <Card title={t('admin.advanced.title')}>
      <h3>{t('admin.advanced.security')}</h3>
      <Row>
        {(['loginLockoutAttempts', 'loginLockoutS', 'sessionIdleTimeoutS'] as const).map((k) => (
          <Field key={k} label={t(`admin.advanced.${k}`)} error={save.at(k)}>
            <input type="number" value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
          </Field>
        ))}
      </Row>
      <h3>{t('admin.advanced.stations')}</h3>
      <Row>
        {(['heartbeatIntervalS', 'meterValueSampleIntervalS', 'liveProfileDurationS'] as const).map((k) => (
          <Field key={k} label={t(`admin.advanced.${k}`)} error={save.at(k)}>
            <input type="number" value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
          </Field>
        ))}
        <Field label={t('admin.advanced.unknownStations')} error={save.at('unknownStations')}>
          <select value={form.unknownStations} onChange={(e) => setForm({ ...form, unknownStations: e.target.value })}>
            <option value="pending">{t('admin.advanced.unknownPending')}</option>
            <option value="reject">{t('admin.advanced.unknownReject')}</option>
          </select>
        </Field>
      </Row>
      <h3>{t('admin.advanced.stationSecurity')}</h3>
      <Row>
        {STATION_SECURITY.map((k) => (
          <Field key={k} label={t(`admin.advanced.${k}`)} error={save.at(k)}>
            <input type="number" value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} data-testid={`advanced-${k}`} />
          </Field>
        ))}
      </Row>
      <h3>{t('admin.advanced.meters')}</h3>
      <Row>
        <Field label={t('admin.advanced.meterPollingMs')} error={save.at('meterPollingMs')}>
          <input type="number" value={form.meterPollingMs} onChange={(e) => setForm({ ...form, meterPollingMs: e.target.value })} />
        </Field>
      </Row>
      <h3>{t('admin.advanced.retention')}</h3>
      <p className="hint">{t('admin.advanced.retentionHint')}</p>
      <Row>
        {RETENTION.map((k) => (
          <Field key={k} label={t(`admin.advanced.${k}`)} error={save.at(k)}>
            <input type="number" min={1} step={1} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} data-testid={`advanced-${k}`} />
          </Field>
        ))}
      </Row>
      <ErrorNote error={save.general([...NUMBERS, 'unknownStations'])} />
      <div className="admin-actions"><Button kind="primary" onClick={submit}>{t('common.save')}</Button><Saved show={save.done} /></div>
    </Card>
  );
}
