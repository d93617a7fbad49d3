// A station's VIP flag (A4, W5) for a user, who may set it and no other setting of the station
// (issue 16; the server sends 403 admin-fields for any other). Admins set it in station-edit.tsx.
import { useState } from 'react';
import { patch } from '../../api/client';
import { ErrorNote } from '../../components/ui';
import { useT } from '../../i18n/i18n';

export function VipToggle({ station, onSaved }: { station: { id: string; vip: boolean }; onSaved: () => void }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const change = async (vip: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await patch(`/api/stations/${encodeURIComponent(station.id)}`, { vip });
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <label className="checkbox">
        <input type="checkbox" checked={station.vip} disabled={busy} aria-label={t('dashboard.station.vip')}
          onChange={(e) => void change(e.target.checked)} data-testid="station-vip" />
        {' '}{station.vip ? t('common.yes') : t('common.no')}
      </label>
      <ErrorNote error={error} />
    </>
  );
}
