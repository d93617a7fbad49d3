// Badges (W7, B3, B4): the list with sorting, add, edit, delete; CSV import (which replaces the
// whole list, said before), export; and the recently seen unknown badges, enrolled in one click.
import { useEffect, useState } from 'react';
import { api, ApiError, del, download, patch, post } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Badge, Button, Card, ErrorNote, Field, Loading, PageTitle } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import type { PageProps } from '../../routes';
import './badges.css';

interface BadgeRow { idTag: string; authorized: boolean; vip: boolean; comment: string; registeredAt: number; lastSeenAt: number | null }
interface Seen { idTag: string; firstSeenAt: number; lastSeenAt: number; lastStationId: string; timesSeen: number }
type Sort = 'idTag' | 'registeredAt' | 'lastSeenAt' | 'comment';
interface Form { idTag: string; authorized: boolean; vip: boolean; comment: string }
const EMPTY: Form = { idTag: '', authorized: true, vip: false, comment: '' };

/** The field of a refusal (idTag, comment...), to show the message under that input. */
const fieldOf = (error: unknown) => (error instanceof ApiError ? error.field : undefined);

export default function BadgesPage(_props: PageProps) {
  const t = useT();
  const fmt = useFormat();
  const [sort, setSort] = useState<Sort>('idTag');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const badges = useApi<BadgeRow[]>(`/api/badges?sort=${sort}&order=${order}`, ['session']);
  const seen = useApi<Seen[]>('/api/seen-badges', ['session', 'station']);
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [formError, setFormError] = useState<unknown>();
  const [actionError, setActionError] = useState<unknown>();
  const [importFile, setImportFile] = useState<File | null>(null);
  const [importError, setImportError] = useState<unknown>();
  const [imported, setImported] = useState<{ count: number; removed: number } | null>(null);
  const [fileKey, setFileKey] = useState(0);

  // Seen badges come from stations; look again now and then.
  useEffect(() => {
    const timer = setInterval(seen.reload, 5000);
    return () => clearInterval(timer);
  }, [seen.reload]);

  const sortBy = (field: Sort) => {
    if (field === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else { setSort(field); setOrder('asc'); }
  };
  const arrow = (field: Sort) => (field === sort ? (order === 'asc' ? ' ▲' : ' ▼') : '');
  const open = (badge: BadgeRow | null) => {
    setFormError(undefined);
    setEditing(badge ? badge.idTag : '');
    setForm(badge ? { idTag: badge.idTag, authorized: badge.authorized, vip: badge.vip, comment: badge.comment } : EMPTY);
  };
  const submit = async () => {
    try {
      if (editing === '') await post('/api/badges', { ...form, idTag: form.idTag.trim() });
      else await patch(`/api/badges/${encodeURIComponent(editing ?? '')}`, { authorized: form.authorized, vip: form.vip, comment: form.comment });
      setEditing(null);
      badges.reload();
      seen.reload();
    } catch (error) {
      setFormError(error);
    }
  };
  const act = async (action: () => Promise<unknown>) => {
    try {
      setActionError(undefined);
      await action();
      badges.reload();
      seen.reload();
    } catch (error) {
      setActionError(error);
    }
  };
  const remove = (idTag: string) => {
    if (window.confirm(t('badges.confirmDelete', { idTag }))) void act(() => del(`/api/badges/${encodeURIComponent(idTag)}`));
  };
  const runImport = async () => {
    if (!importFile) return;
    try {
      setImportError(undefined);
      const answer = await api<{ count: number; removed: number }>('PUT', '/api/badges/csv', undefined, { raw: await importFile.text(), contentType: 'text/csv' });
      setImported(answer);
      setImportFile(null);
      setFileKey((k) => k + 1);
      badges.reload();
      seen.reload();
    } catch (error) {
      setImportError(error);
    }
  };
  const lineErrors = importError instanceof ApiError && importError.code === 'csv-invalid'
    ? ((importError.body.details as { errors?: { line: number; message: string }[] } | undefined)?.errors ?? []) : [];
  const stamp = new Date().toISOString().slice(0, 10);
  const formField = (name: string) => (formError && fieldOf(formError) === name ? (
    t(`errors.${(formError as ApiError).code}`) !== `errors.${(formError as ApiError).code}` ? t(`errors.${(formError as ApiError).code}`) : (formError as ApiError).message
  ) : undefined);

  return (
    <div className="badges" data-testid="badges-page">
      <PageTitle actions={<>
        <Button onClick={() => open(null)} testId="badge-add">{t('badges.add')}</Button>
        <Button onClick={() => act(() => download('/api/badges/csv', `fuseguard-badges-${stamp}.csv`))} testId="badge-export">{t('badges.export')}</Button>
      </>}>{t('badges.title')}</PageTitle>

      {editing !== null && (
        <Card title={editing === '' ? t('badges.newBadge') : t('badges.editBadge', { idTag: editing })} testId="badge-form">
          <div className="badges-form">
            <Field label={t('badges.idTag')} error={formField('idTag')} hint={t('badges.idTagHint')}>
              <input value={form.idTag} maxLength={20} disabled={editing !== ''} onChange={(e) => setForm({ ...form, idTag: e.target.value })} data-testid="badge-idtag" />
            </Field>
            <Field label={t('badges.comment')} error={formField('comment')}>
              <input value={form.comment} maxLength={50} onChange={(e) => setForm({ ...form, comment: e.target.value })} data-testid="badge-comment" />
            </Field>
            <label className="field badges-check"><input type="checkbox" checked={form.authorized} onChange={(e) => setForm({ ...form, authorized: e.target.checked })} />{t('badges.authorized')}</label>
            <label className="field badges-check"><input type="checkbox" checked={form.vip} onChange={(e) => setForm({ ...form, vip: e.target.checked })} />{t('badges.vip')}</label>
          </div>
          <ErrorNote error={formError && !['idTag', 'comment'].includes(fieldOf(formError) ?? '') ? formError : undefined} />
          <div className="badges-actions">
            <Button kind="primary" onClick={submit} testId="badge-save">{t('common.save')}</Button>
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
          </div>
        </Card>
      )}

      <div className="badges-layout">
        <Card title={t('badges.list', { count: badges.data?.length ?? 0 })}>
          <ErrorNote error={actionError ?? badges.error} />
          {!badges.data ? <Loading /> : badges.data.length === 0 ? <p className="hint">{t('badges.none')}</p> : (
            <div className="badges-table">
              <table data-testid="badge-list">
                <thead><tr>
                  <th><button className="btn-link btn" onClick={() => sortBy('idTag')}>{t('badges.idTag')}{arrow('idTag')}</button></th>
                  <th>{t('badges.status')}</th>
                  <th><button className="btn-link btn" onClick={() => sortBy('comment')}>{t('badges.comment')}{arrow('comment')}</button></th>
                  <th><button className="btn-link btn" onClick={() => sortBy('registeredAt')}>{t('badges.registeredAt')}{arrow('registeredAt')}</button></th>
                  <th><button className="btn-link btn" onClick={() => sortBy('lastSeenAt')}>{t('badges.lastSeenAt')}{arrow('lastSeenAt')}</button></th>
                  <th />
                </tr></thead>
                <tbody>
                  {badges.data.map((b) => (
                    <tr key={b.idTag} data-testid={`badge-${b.idTag}`}>
                      <td className="mono">{b.idTag}</td>
                      <td>
                        {b.authorized ? <Badge tone="ok">{t('badges.authorized')}</Badge> : <Badge tone="bad">{t('badges.blocked')}</Badge>}
                        {b.vip && <> <Badge tone="info">{t('badges.vip')}</Badge></>}
                      </td>
                      <td className="wrap">{b.comment}</td>
                      <td className="when">{fmt.dateTime(b.registeredAt)}</td>
                      <td className="when">{b.lastSeenAt === null ? t('badges.never') : fmt.dateTime(b.lastSeenAt)}</td>
                      <td><div className="badges-actions">
                        <Button onClick={() => open(b)}>{t('common.edit')}</Button>
                        <Button kind="danger" onClick={() => remove(b.idTag)}>{t('common.delete')}</Button>
                      </div></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>

        <div className="badges-side">
          <Card title={t('badges.seenTitle')} testId="seen-badges">
            <p className="hint">{t('badges.seenIntro')}</p>
            {!seen.data ? <Loading /> : seen.data.length === 0 ? <p className="hint">{t('badges.seenNone')}</p> : (
              <ul className="seen-list">
                {seen.data.map((s) => (
                  <li key={s.idTag} data-testid={`seen-${s.idTag}`}>
                    <div>
                      <span className="mono">{s.idTag}</span>
                      <div className="hint">{t('badges.seenAt', { station: s.lastStationId, at: fmt.dateTime(s.lastSeenAt), times: s.timesSeen })}</div>
                    </div>
                    <div className="badges-actions">
                      <Button kind="primary" onClick={() => act(() => post(`/api/seen-badges/${encodeURIComponent(s.idTag)}/enroll`, {}))} testId={`enroll-${s.idTag}`}>{t('badges.enroll')}</Button>
                      <Button onClick={() => act(() => del(`/api/seen-badges/${encodeURIComponent(s.idTag)}`))}>{t('badges.forget')}</Button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>

          <Card title={t('badges.importTitle')} testId="badge-import">
            <p className="hint">{t('badges.importIntro')}</p>
            <Field label={t('badges.importFile')}>
              <input key={fileKey} type="file" accept=".csv,text/csv,text/plain" data-testid="badge-import-file"
                onChange={(e) => { setImportFile(e.target.files?.[0] ?? null); setImportError(undefined); setImported(null); }} />
            </Field>
            {importFile && (
              <div className="badges-warning" role="alert" data-testid="badge-import-warning">
                <strong>{t('badges.replaceAllTitle')}</strong>
                <p>{t('badges.replaceAll', { count: badges.data?.length ?? 0, file: importFile.name })}</p>
                <div className="badges-actions">
                  <Button kind="danger" onClick={runImport} testId="badge-import-confirm">{t('badges.replaceConfirm')}</Button>
                  <Button onClick={() => { setImportFile(null); setFileKey((k) => k + 1); }}>{t('common.cancel')}</Button>
                </div>
              </div>
            )}
            <ErrorNote error={importError} />
            {lineErrors.length > 0 && (
              <ul className="badges-line-errors" data-testid="badge-import-errors">
                {lineErrors.map((e) => <li key={e.line}>{t('badges.lineError', { line: e.line, message: e.message })}</li>)}
              </ul>
            )}
            {imported && <p className="badges-done" role="status">{t('badges.imported', { count: imported.count, removed: imported.removed })}</p>}
          </Card>
        </div>
      </div>
    </div>
  );
}
