// Issue 14, row 16: an admitted station without a password can be impersonated by anyone who
// reaches the OCPP port. The API says so on the station view (`warnings`), the log names such
// stations at start and when one connects (once an hour per station), and setting a password
// clears the warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './helpers/api-client.js';
import { connectRaw, testSite, waitFor } from './helpers/harness.js';

interface Warning { code: string; message: string }
interface Station { id: string; hasPassword: boolean; warnings: Warning[] }

describe('warnings on stations without a password (issue 14, row 16)', () => {
  let h: ApiHarness;
  beforeAll(async () => { h = await startApiHarness(testSite(), { control: false }); });
  afterAll(async () => { await h?.cleanup(); });

  const securityLines = async () => (await h.app.store.logs.list({ limit: 1_000 })).filter((l) => l.action === 'security');

  it('flags every admitted station without a password in the list and the station view', async () => {
    const list = await h.user.get<Station[]>('/api/stations');
    expect(list.status).toBe(200);
    const byId = new Map(list.body.map((s) => [s.id, s]));
    expect(byId.get('CP-001')).toMatchObject({ hasPassword: true, warnings: [] });
    for (const id of ['CP-002', 'CP-003']) {
      expect(byId.get(id)?.warnings).toEqual([{ code: 'passwordless', message: expect.stringContaining('anyone who can reach the OCPP port') }]);
    }
    expect((await h.user.get<Station>('/api/stations/CP-002')).body.warnings.map((w) => w.code)).toEqual(['passwordless']);
    expect((await h.user.get<Station>('/api/stations/CP-001')).body.warnings).toEqual([]);
  });

  it('names them in the log once at start', async () => {
    await waitFor(async () => (await securityLines()).length > 0, 'the start warning');
    const lines = await securityLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', message: expect.stringContaining('2 admitted station(s) have no password') });
    expect(lines[0].message).toContain('CP-002, CP-003');
    expect(lines[0].message).not.toContain('CP-001');
  });

  it('warns when such a station connects, once an hour, not for a pending one', async () => {
    for (let i = 0; i < 3; i++) await (await connectRaw(h.app.ocppUrl, 'CP-002')).close();
    await (await connectRaw(h.app.ocppUrl, 'NEW-STATION')).close();
    await waitFor(async () => (await securityLines()).some((l) => l.station_id === 'CP-002'), 'the connection warning');
    const lines = (await securityLines()).filter((l) => l.station_id !== null);
    expect(lines.map((l) => [l.station_id, l.level])).toEqual([['CP-002', 'warn']]);
    expect((await h.admin.get<Station>('/api/stations/NEW-STATION')).body.warnings).toEqual([]);
  });

  it('clears the warning once a password is set', async () => {
    const edit = await h.admin.patch<Station>('/api/stations/CP-003', { password: 'new-secret-003' });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ hasPassword: true, warnings: [] });
  });

  it('flags a station stored under an id outside the charge box id rule, which can still be seen and removed', async () => {
    await h.app.store.stations.upsertConfig({ id: 'OLD#9', zone: 'Row A', name: null, password_hash: null, vip: 0, auth_mode: null, box_identity: null });
    const view = await h.user.get<Station>(`/api/stations/${encodeURIComponent('OLD#9')}`);
    expect(view.status).toBe(200);
    expect(view.body.warnings.map((w) => w.code)).toEqual(['passwordless', 'invalid-id']);
    await h.app.stations.warnAtStart();
    await waitFor(async () => (await h.app.store.logs.list({ limit: 1_000 })).some((l) => l.message.includes('cannot connect') && l.message.includes('"OLD#9"')), 'the invalid-id warning');
    expect((await h.admin.delete(`/api/stations/${encodeURIComponent('OLD#9')}`)).status).toBe(200);
  });

  it('describes warnings in the OpenAPI document', async () => {
    const doc = await h.user.get<{ components?: { schemas?: Record<string, unknown> }; paths: Record<string, unknown> }>('/api/docs/json');
    expect(doc.status).toBe(200);
    expect(JSON.stringify(doc.body)).toContain('passwordless');
  });
});
