// Station firmware (issue 16, item 7): the library of files, updating stations (a list, a zone or a
// model), each station's progress (refreshed every few seconds) and the rollout settings.
import { useEffect, useMemo, useState } from 'react';
import { api, del, post, put } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Badge, Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Row, Saved, useSave } from './common';

interface FirmwareFile { id: string; name: string; version: string | null; sizeBytes: number; sha256: string; uploadedAt: number; uploadedBy: string | null }
interface Rollout {
  stationId: string; firmwareId: string; firmwareName: string | null; status: string; ocppStatus: string | null; error: string | null;
  queuedAt: number; sentAt: number | null; updatedAt: number; stationModel: string | null; stationFirmwareVersion: string | null; connected: boolean;
}
interface Settings { maxConcurrent: number; baseUrl: string | null; urlValidityH: number; stallTimeoutMin: number }
interface StationItem { id: string; zone: string | null; model: string | null; admission: string }
interface ZoneItem { name: string }
interface RolloutAnswer { queued: string[]; skipped: { stationId: string; reason: string }[] }

/** How often the progress is read again while an update waits or runs. */
const REFRESH_MS = 3_000;
const TONE: Record<string, 'ok' | 'warn' | 'bad' | 'idle' | 'info'> = { done: 'ok', failed: 'bad', queued: 'idle' };

export default function FirmwareSection() {
  const files = useApi<FirmwareFile[]>('/api/firmware/files');
  const rollouts = useApi<Rollout[]>('/api/firmware/rollouts');
  const busy = rollouts.data?.some((r) => r.status !== 'done' && r.status !== 'failed') ?? false;
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setInterval(rollouts.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [busy, rollouts.reload]);
  return (
    <>
      <FilesCard files={files} />
      <RolloutCard files={files.data ?? []} onQueued={rollouts.reload} />
      <ProgressCard rollouts={rollouts.data} reload={rollouts.reload} />
      <SettingsCard />
    </>
  );
}

function FilesCard({ files }: { files: ReturnType<typeof useApi<FirmwareFile[]>> }) {
  const t = useT();
  const fmt = useFormat();
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState('');
  // A new key empties the file input once its file is uploaded.
  const [inputKey, setInputKey] = useState(0);
  const upload = useSave();
  const remove = useSave();
  const send = async () => {
    if (!file) return;
    const query = new URLSearchParams({ name: file.name, ...(version.trim() ? { version: version.trim() } : {}) });
    const done = await upload.run(async () => api('POST', `/api/firmware/files?${query.toString()}`, undefined, { raw: await file.arrayBuffer(), contentType: 'application/octet-stream' }));
    if (done) { setFile(null); setVersion(''); setInputKey((k) => k + 1); files.reload(); }
  };
  return (
    <Card title={t('firmware.files.title')} testId="firmware-files">
      <p className="hint">{t('firmware.files.intro')}</p>
      <Row>
        <Field label={t('firmware.files.file')}>
          <input key={inputKey} type="file" data-testid="firmware-file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <Field label={t('firmware.files.version')} hint={t('firmware.files.versionHint')} error={upload.at('querystring.version')}>
          <input value={version} maxLength={50} onChange={(e) => setVersion(e.target.value)} />
        </Field>
      </Row>
      <ErrorNote error={upload.general(['querystring.version'])} />
      <div className="admin-actions">
        <Button kind="primary" disabled={!file} onClick={send} testId="firmware-upload">{t('firmware.files.upload')}</Button>
        <Saved show={upload.done} />
      </div>
      <ErrorNote error={remove.error ?? files.error} />
      {files.loading && !files.data ? <Loading /> : (
        <table>
          <thead><tr><th>{t('firmware.files.name')}</th><th>{t('firmware.files.version')}</th><th>{t('firmware.files.size')}</th><th>SHA-256</th><th>{t('firmware.files.uploaded')}</th><th /></tr></thead>
          <tbody>
            {(files.data ?? []).map((f) => (
              <tr key={f.id}>
                <td>{f.name}</td><td>{f.version ?? '—'}</td><td>{fmt.number(f.sizeBytes / 1024, 0)} KiB</td>
                <td title={f.sha256}><code>{f.sha256.slice(0, 12)}…</code></td><td>{fmt.dateTime(f.uploadedAt)}</td>
                <td><Button kind="danger" onClick={async () => { if (await remove.run(() => del(`/api/firmware/files/${f.id}`))) files.reload(); }}>{t('common.delete')}</Button></td>
              </tr>
            ))}
            {files.data?.length === 0 && <tr><td colSpan={6} className="hint">{t('firmware.files.none')}</td></tr>}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function RolloutCard({ files, onQueued }: { files: readonly FirmwareFile[]; onQueued: () => void }) {
  const t = useT();
  const stations = useApi<StationItem[]>('/api/stations');
  const zones = useApi<ZoneItem[]>('/api/zones');
  const [firmwareId, setFirmwareId] = useState('');
  const [kind, setKind] = useState<'stationIds' | 'zone' | 'model'>('stationIds');
  const [picked, setPicked] = useState<string[]>([]);
  const [answer, setAnswer] = useState<RolloutAnswer | null>(null);
  const save = useSave();
  const admitted = useMemo(() => (stations.data ?? []).filter((s) => s.admission === 'admitted'), [stations.data]);
  const models = useMemo(() => [...new Set(admitted.map((s) => s.model).filter((m): m is string => Boolean(m)))].sort(), [admitted]);
  const options = kind === 'stationIds' ? admitted.map((s) => s.id) : kind === 'zone' ? (zones.data ?? []).map((z) => z.name) : models;
  const start = async () => {
    const body = { firmwareId, ...(kind === 'stationIds' ? { stationIds: picked } : { [kind]: picked[0] }) };
    const result = await save.run(() => post<RolloutAnswer>('/api/firmware/rollouts', body));
    if (result) { setAnswer(result); onQueued(); }
  };
  return (
    <Card title={t('firmware.rollout.title')} testId="firmware-rollout">
      <p className="hint">{t('firmware.rollout.intro')}</p>
      <Row>
        <Field label={t('firmware.rollout.file')}>
          <select value={firmwareId} onChange={(e) => setFirmwareId(e.target.value)} data-testid="firmware-pick">
            <option value="">—</option>
            {files.map((f) => <option key={f.id} value={f.id}>{f.name}{f.version ? ` (${f.version})` : ''}</option>)}
          </select>
        </Field>
        <Field label={t('firmware.rollout.targets')}>
          <select value={kind} onChange={(e) => { setKind(e.target.value as typeof kind); setPicked([]); }}>
            <option value="stationIds">{t('firmware.rollout.byStations')}</option>
            <option value="zone">{t('firmware.rollout.byZone')}</option>
            <option value="model">{t('firmware.rollout.byModel')}</option>
          </select>
        </Field>
        <Field label={t(`firmware.rollout.${kind}`)}>
          <select multiple={kind === 'stationIds'} value={kind === 'stationIds' ? picked : (picked[0] ?? '')} data-testid="firmware-targets"
            onChange={(e) => setPicked(Array.from(e.target.selectedOptions, (o) => o.value).filter(Boolean))}>
            {kind !== 'stationIds' && <option value="">—</option>}
            {options.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </Field>
      </Row>
      <ErrorNote error={save.error} />
      <div className="admin-actions">
        <Button kind="primary" disabled={!firmwareId || picked.length === 0} onClick={start} testId="firmware-start">{t('firmware.rollout.start')}</Button>
      </div>
      {answer && (
        <div className="admin-note" role="status">
          <p>{t('firmware.rollout.queued', { count: answer.queued.length })}</p>
          {answer.skipped.map((s) => <p key={s.stationId}>{t('firmware.rollout.skipped', { station: s.stationId, reason: s.reason })}</p>)}
        </div>
      )}
    </Card>
  );
}

function ProgressCard({ rollouts, reload }: { rollouts: Rollout[] | undefined; reload: () => void }) {
  const t = useT();
  const fmt = useFormat();
  const cancel = useSave();
  return (
    <Card title={t('firmware.progress.title')} testId="firmware-progress">
      <p className="hint">{t('firmware.progress.intro')}</p>
      <ErrorNote error={cancel.error} />
      {!rollouts ? <Loading /> : (
        <table>
          <thead><tr>
            <th>{t('firmware.progress.station')}</th><th>{t('firmware.progress.file')}</th><th>{t('firmware.progress.status')}</th>
            <th>{t('firmware.progress.running')}</th><th>{t('firmware.progress.updated')}</th><th />
          </tr></thead>
          <tbody>
            {rollouts.map((r) => (
              <tr key={r.stationId} data-testid={`firmware-row-${r.stationId}`}>
                <td>{r.stationId}{!r.connected && <> <Badge tone="idle">{t('firmware.progress.offline')}</Badge></>}</td>
                <td>{r.firmwareName ?? r.firmwareId}</td>
                <td>
                  <Badge tone={TONE[r.status] ?? 'info'}>{t(`firmware.status.${r.status}`)}</Badge>
                  {r.error && <div className="hint">{r.error}</div>}
                </td>
                <td>{r.stationFirmwareVersion ?? '—'}</td>
                <td>{fmt.dateTime(r.updatedAt)}</td>
                <td>{r.status === 'queued' && <Button onClick={async () => { if (await cancel.run(() => del(`/api/firmware/rollouts/${encodeURIComponent(r.stationId)}`))) reload(); }}>{t('common.cancel')}</Button>}</td>
              </tr>
            ))}
            {rollouts.length === 0 && <tr><td colSpan={6} className="hint">{t('firmware.progress.none')}</td></tr>}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function SettingsCard() {
  const t = useT();
  const loaded = useApi<Settings>('/api/firmware/settings');
  const [form, setForm] = useState<Settings | null>(null);
  const save = useSave();
  useEffect(() => { if (loaded.data) setForm(loaded.data); }, [loaded.data]);
  if (!form) return <Card title={t('firmware.settings.title')}><Loading /></Card>;
  const num = (key: 'maxConcurrent' | 'urlValidityH' | 'stallTimeoutMin') => (
    <Field label={t(`firmware.settings.${key}`)} error={save.at(`body.${key}`)}>
      <input type="number" value={form[key]} onChange={(e) => setForm({ ...form, [key]: Number(e.target.value) })} />
    </Field>
  );
  return (
    <Card title={t('firmware.settings.title')} testId="firmware-settings">
      <Row>
        {num('maxConcurrent')}
        <Field label={t('firmware.settings.baseUrl')} hint={t('firmware.settings.baseUrlHint')} error={save.at('body.baseUrl')}>
          <input value={form.baseUrl ?? ''} placeholder="http://192.168.1.10:8080" onChange={(e) => setForm({ ...form, baseUrl: e.target.value.trim() === '' ? null : e.target.value.trim() })} />
        </Field>
        {num('urlValidityH')}
        {num('stallTimeoutMin')}
      </Row>
      <ErrorNote error={save.general(['body.maxConcurrent', 'body.baseUrl', 'body.urlValidityH', 'body.stallTimeoutMin'])} />
      <div className="admin-actions">
        <Button kind="primary" onClick={() => save.run(() => put('/api/firmware/settings', form))}>{t('common.save')}</Button>
        <Saved show={save.done} />
      </div>
    </Card>
  );
}
