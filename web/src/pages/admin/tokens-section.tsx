// API tokens (W1): create one with a role (its value is shown once), revoke.
import { useState } from 'react';
import { del, post } from '../../api/client';
import { useApi } from '../../api/use-api';
import { Badge, Button, Card, ErrorNote, Field, Loading } from '../../components/ui';
import { useFormat, useT } from '../../i18n/i18n';
import { Row, useSave } from './common';

interface Token { id: string; name: string; role: 'admin' | 'user'; createdBy: string; createdAt: number; lastUsedAt: number | null; revokedAt: number | null }

export default function TokensSection() {
  const t = useT();
  const fmt = useFormat();
  const tokens = useApi<Token[]>('/api/tokens');
  const [form, setForm] = useState({ name: '', role: 'user' });
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const creating = useSave();
  const revoking = useSave();
  if (!tokens.data) return tokens.error ? <ErrorNote error={tokens.error} /> : <Loading />;
  const create = async () => {
    const answer = await creating.run(() => post<Token & { token: string }>('/api/tokens', { name: form.name.trim(), role: form.role }));
    if (answer) { setCreated({ name: answer.name, token: answer.token }); setForm({ name: '', role: 'user' }); tokens.reload(); }
  };
  const revoke = async (token: Token) => {
    if (!window.confirm(t('admin.tokens.confirmRevoke', { name: token.name }))) return;
    if (await revoking.run(async () => { await del(`/api/tokens/${encodeURIComponent(token.id)}`); return true; })) tokens.reload();
  };
  return (
    <>
      {created && (
        <Card title={t('admin.tokens.created', { name: created.name })}>
          <p className="admin-note">{t('admin.tokens.once')}</p>
          <div className="token-value" data-testid="token-value">{created.token}</div>
          <div className="admin-actions">
            <Button onClick={() => navigator.clipboard?.writeText(created.token)}>{t('admin.tokens.copy')}</Button>
            <Button onClick={() => setCreated(null)}>{t('admin.tokens.done')}</Button>
          </div>
        </Card>
      )}
      <Card title={t('admin.tokens.title')}>
        <p className="hint">{t('admin.tokens.intro')}</p>
        <ErrorNote error={revoking.error} />
        {tokens.data.length === 0 ? <p className="hint">{t('admin.tokens.none')}</p> : (
          <div className="admin-table-wrap">
            <table>
              <thead><tr><th>{t('admin.tokens.name')}</th><th>{t('admin.users.role')}</th><th>{t('admin.tokens.createdBy')}</th><th>{t('admin.tokens.lastUsed')}</th><th /></tr></thead>
              <tbody>
                {tokens.data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td><td>{t(`admin.role.${k.role}`)}</td>
                    <td>{k.createdBy}<div className="hint">{fmt.dateTime(k.createdAt)}</div></td>
                    <td>{fmt.dateTime(k.lastUsedAt)}</td>
                    <td>{k.revokedAt ? <Badge tone="idle">{t('admin.tokens.revoked')}</Badge> : <Button kind="danger" onClick={() => revoke(k)}>{t('admin.tokens.revoke')}</Button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title={t('admin.tokens.create')}>
        <Row>
          <Field label={t('admin.tokens.name')} error={creating.at('name')}><input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></Field>
          <Field label={t('admin.users.role')} error={creating.at('role')}>
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              <option value="user">{t('admin.role.user')}</option>
              <option value="admin">{t('admin.role.admin')}</option>
            </select>
          </Field>
        </Row>
        <ErrorNote error={creating.general(['name', 'role'])} />
        <div className="admin-actions"><Button kind="primary" onClick={create}>{t('admin.tokens.createButton')}</Button></div>
      </Card>
    </>
  );
}
