// Users (S3): add, change a password, delete (never the last admin; the server refuses it), each
// confirmed with the admin's own password; when each user was last seen.
import { useState } from 'react';
import { del, post, put } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useAuth } from '../../auth';
import { Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Row, Saved, useSave } from './common';

interface User { login: string; role: 'admin' | 'user'; mustChangeCredentials: boolean; createdAt: number; updatedAt: number; lastAccessAt: number | null }

export default function UsersSection() {
  const t = useT();
  const fmt = useFormat();
  const { me } = useAuth();
  const users = useApi<User[]>('/api/users');
  const [add, setAdd] = useState({ login: '', password: '', role: 'user', adminPassword: '' });
  const [change, setChange] = useState<{ login: string; password: string; adminPassword: string } | null>(null);
  const [removal, setRemoval] = useState<{ login: string; adminPassword: string } | null>(null);
  const adding = useSave();
  const changing = useSave();
  const removing = useSave();
  if (!users.data) return users.error ? <ErrorNote error={users.error} /> : <Loading />;

  const submitAdd = async () => {
    if (await adding.run(async () => { await post('/api/users', add); return true; })) {
      setAdd({ login: '', password: '', role: 'user', adminPassword: '' });
      users.reload();
    }
  };
  const submitChange = async () => {
    if (!change) return;
    const { login, ...body } = change;
    if (await changing.run(async () => { await put(`/api/users/${encodeURIComponent(login)}/password`, body); return true; })) setChange(null);
  };
  const submitRemoval = async () => {
    if (!removal) return;
    const { login, ...body } = removal;
    if (await removing.run(async () => { await del(`/api/users/${encodeURIComponent(login)}`, body); return true; })) {
      setRemoval(null);
      users.reload();
    }
  };

  return (
    <>
      <Card title={t('admin.users.title')}>
        <div className="admin-table-wrap">
          <table>
            <thead><tr><th>{t('admin.users.login')}</th><th>{t('admin.users.role')}</th><th>{t('admin.users.changed')}</th><th>{t('admin.users.lastAccess')}</th><th /></tr></thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.login} data-testid={`user-${u.login}`}>
                  <td>{u.login}{u.login === me?.login && <span className="hint"> ({t('admin.users.you')})</span>}</td>
                  <td>{t(`admin.role.${u.role}`)}</td>
                  <td>{fmt.dateTime(u.updatedAt)}</td>
                  <td>{u.lastAccessAt === null ? t('admin.users.never') : fmt.dateTime(u.lastAccessAt)}</td>
                  <td><div className="admin-actions">
                    <Button onClick={() => { changing.clear(); setChange({ login: u.login, password: '', adminPassword: '' }); }}>{t('admin.users.changePassword')}</Button>
                    <Button kind="danger" onClick={() => { removing.clear(); setRemoval({ login: u.login, adminPassword: '' }); }}>{t('common.delete')}</Button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {change && (
        <Card title={t('admin.users.changeFor', { login: change.login })}>
          <Row>
            <Field label={t('admin.users.newPassword')} error={changing.at('password')} hint={t('admin.users.policy')}>
              <input type="password" autoComplete="new-password" value={change.password} onChange={(e) => setChange({ ...change, password: e.target.value })} />
            </Field>
            <Field label={t('admin.users.adminPassword')} error={changing.at('adminPassword')}>
              <input type="password" autoComplete="current-password" value={change.adminPassword} onChange={(e) => setChange({ ...change, adminPassword: e.target.value })} />
            </Field>
          </Row>
          <ErrorNote error={changing.general(['password', 'adminPassword'])} />
          <div className="admin-actions">
            <Button kind="primary" onClick={submitChange}>{t('common.save')}</Button>
            <Button onClick={() => setChange(null)}>{t('common.cancel')}</Button>
          </div>
        </Card>
      )}
      {removal && (
        <Card title={t('admin.users.confirmDelete', { login: removal.login })}>
          <Row>
            <Field label={t('admin.users.adminPassword')} error={removing.at('adminPassword')} hint={t('admin.users.adminPasswordHint')}>
              <input type="password" autoComplete="current-password" value={removal.adminPassword} onChange={(e) => setRemoval({ ...removal, adminPassword: e.target.value })} />
            </Field>
          </Row>
          <ErrorNote error={removing.general(['adminPassword'])} />
          <div className="admin-actions">
            <Button kind="danger" onClick={submitRemoval}>{t('common.delete')}</Button>
            <Button onClick={() => setRemoval(null)}>{t('common.cancel')}</Button>
          </div>
        </Card>
      )}
      <Card title={t('admin.users.add')}>
        <Row>
          <Field label={t('admin.users.login')} error={adding.at('login')}>
            <input value={add.login} autoComplete="off" onChange={(e) => setAdd({ ...add, login: e.target.value })} />
          </Field>
          <Field label={t('admin.users.password')} error={adding.at('password')} hint={t('admin.users.policy')}>
            <input type="password" autoComplete="new-password" value={add.password} onChange={(e) => setAdd({ ...add, password: e.target.value })} />
          </Field>
          <Field label={t('admin.users.role')} error={adding.at('role')}>
            <select value={add.role} onChange={(e) => setAdd({ ...add, role: e.target.value })}>
              <option value="user">{t('admin.role.user')}</option>
              <option value="admin">{t('admin.role.admin')}</option>
            </select>
          </Field>
          <Field label={t('admin.users.adminPassword')} error={adding.at('adminPassword')} hint={t('admin.users.adminPasswordHint')}>
            <input type="password" autoComplete="current-password" value={add.adminPassword} onChange={(e) => setAdd({ ...add, adminPassword: e.target.value })} />
          </Field>
        </Row>
        <ErrorNote error={adding.general(['login', 'password', 'role', 'adminPassword'])} />
        <div className="admin-actions"><Button kind="primary" onClick={submitAdd}>{t('admin.users.addButton')}</Button><Saved show={adding.done} /></div>
      </Card>
    </>
  );
}
