// Pending stations (O2): unknown stations that connected and wait to be admitted into a zone.
import { useState } from 'react';
import { post } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Button, Card, ErrorNote, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { useSave } from './common';

interface Pending { id: string; vendor: string | null; model: string | null; serialNumber: string | null; firmwareVersion: string | null; connected: boolean; lastConnectedAt: number | null }
interface Zone { name: string; depth: number }

export default function PendingSection() {
  const t = useT();
  const fmt = useFormat();
  const pending = useApi<Pending[]>('/api/stations/pending', ['station']);
  const zones = useApi<Zone[]>('/api/zones');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [admitted, setAdmitted] = useState<string | null>(null);
  const admit = useSave();
  if (!pending.data) return pending.error ? <ErrorNote error={pending.error} /> : <Loading />;
  const zoneList = zones.data ?? [];
  const submit = async (id: string) => {
    const zone = chosen[id] ?? zoneList[0]?.name;
    if (!zone) return;
    if (await admit.run(async () => { await post(`/api/stations/${encodeURIComponent(id)}/admit`, { zone }); return true; })) {
      setAdmitted(id);
      pending.reload();
    }
  };
  return (
    <Card title={t('admin.pending.title')}>
      <p className="hint">{t('admin.pending.intro')}</p>
      {admitted && <p className="admin-saved" role="status">{t('admin.pending.admitted', { id: admitted })}</p>}
      <ErrorNote error={admit.error} />
      {zoneList.length === 0 && <p className="admin-note">{t('admin.pending.noZones')}</p>}
      {pending.data.length === 0 ? <p className="hint">{t('admin.pending.none')}</p> : (
        <div className="admin-table-wrap">
          <table>
            <thead><tr><th>{t('admin.pending.id')}</th><th>{t('admin.pending.model')}</th><th>{t('admin.pending.lastSeen')}</th><th>{t('admin.pending.zone')}</th><th /></tr></thead>
            <tbody>
              {pending.data.map((s) => (
                <tr key={s.id} data-testid={`pending-${s.id}`}>
                  <td>{s.id}</td>
                  <td>{[s.vendor, s.model].filter(Boolean).join(' ') || '—'}<div className="hint">{s.serialNumber ?? ''}</div></td>
                  <td>{fmt.dateTime(s.lastConnectedAt)}</td>
                  <td>
                    <select aria-label={t('admin.pending.zone')} value={chosen[s.id] ?? zoneList[0]?.name ?? ''} onChange={(e) => setChosen({ ...chosen, [s.id]: e.target.value })}>
                      {zoneList.map((z) => <option key={z.name} value={z.name}>{'· '.repeat(z.depth - 1)}{z.name}</option>)}
                    </select>
                  </td>
                  <td><Button kind="primary" disabled={zoneList.length === 0} onClick={() => submit(s.id)}>{t('admin.pending.admit')}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
