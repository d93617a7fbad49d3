// Load shedding: minimum current standard (A3), who is suspended first (A5), rotation (A6).
import { useEffect, useState } from 'react';
import { patch } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useT } from '../../i18n/i18n';
import { Row, Saved, useSave } from './common';

interface LoadShedding { minimumStandard: 'IEC61851' | 'EVZE'; sheddingPriority: 'energy' | 'duration'; rotationPeriodMin: number }
const FIELDS = ['minimumStandard', 'sheddingPriority', 'rotationPeriodMin'];

export default function LoadSheddingSection() {
  const t = useT();
  const loaded = useApi<LoadShedding>('/api/settings/load-shedding');
  const [form, setForm] = useState<{ minimumStandard: string; sheddingPriority: string; rotationPeriodMin: string }>();
  const save = useSave();
  useEffect(() => {
    const s = loaded.data;
    if (s) setForm({ minimumStandard: s.minimumStandard, sheddingPriority: s.sheddingPriority, rotationPeriodMin: String(s.rotationPeriodMin) });
  }, [loaded.data]);
  if (!form) return loaded.error ? <ErrorNote error={loaded.error} /> : <Loading />;
  const submit = async () => { await save.run(() => patch('/api/settings/load-shedding', {
    minimumStandard: form.minimumStandard, sheddingPriority: form.sheddingPriority, rotationPeriodMin: Number(form.rotationPeriodMin),
  })); };
  return (
    <Card title={t('admin.loadShedding.title')}>
      <Row>
        <Field label={t('admin.loadShedding.minimumStandard')} error={save.at('minimumStandard')} hint={t(`admin.loadShedding.standardHint.${form.minimumStandard}`)}>
          <select value={form.minimumStandard} onChange={(e) => setForm({ ...form, minimumStandard: e.target.value })}>
            <option value="IEC61851">IEC 61851</option>
            <option value="EVZE">EVZE</option>
          </select>
        </Field>
        <Field label={t('admin.loadShedding.priority')} error={save.at('sheddingPriority')}>
          <select value={form.sheddingPriority} onChange={(e) => setForm({ ...form, sheddingPriority: e.target.value })}>
            <option value="energy">{t('admin.loadShedding.priorityEnergy')}</option>
            <option value="duration">{t('admin.loadShedding.priorityDuration')}</option>
          </select>
        </Field>
        <Field label={t('admin.loadShedding.rotation')} error={save.at('rotationPeriodMin')} hint={t('admin.loadShedding.rotationHint')}>
          <input type="number" min={1} max={1440} value={form.rotationPeriodMin} onChange={(e) => setForm({ ...form, rotationPeriodMin: e.target.value })} />
        </Field>
      </Row>
      <ErrorNote error={save.general(FIELDS)} />
      <div className="admin-actions"><Button kind="primary" onClick={submit}>{t('common.save')}</Button><Saved show={save.done} /></div>
    </Card>
  );
}
