import { afterEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../test/helpers/temp-dir.js';
import type { Store } from '../store/store.js';
import { acceptableCost } from '../api/auth/passwords.js';
import { BACKUP_TABLES, checkBackupContents, countTables, factoryAdminRow, factoryReset, readBackupContents, restoreBackupContents, BackupContentsError } from './site-data.js';

async function seed(store: Store): Promise<void> {
  await store.zones.upsert({ name: 'Main', parent: null, max_current_a: 63, mode: 'static', meter: null, fallback_current_a: 0, auth_mode: null, position: 0 });
  await store.stations.upsertConfig({ id: 'CP-1', zone: 'Main', name: null, password_hash: null, vip: 0, auth_mode: null, box_identity: null });
  await store.badges.upsert({ id_tag: 'B1', authorized: 1, vip: 0, comment: '' }, 1);
  await store.settings.set({ network: { port: 9000 }, upstream: { enabled: true, url: 'wss://cpo/ocpp' }, meters: [], unknownStations: 'reject' });
  await store.users.insert({ login: 'root', role: 'admin', password_hash: 'h', must_change: 0, created_at: 1, updated_at: 1 });
  // Issue 16, item 10: the relay's outbox and id map, the CPO's caps, the station-list key state.
  await store.stations.update('CP-1', { local_list_keys: 1 });
  await store.cpoCaps.set('CP-1', 1, 16, 3);
  await store.relayOutbox.enqueue({ stationId: 'CP-1', action: 'StartTransaction', transactionId: 7, dedupeKey: 'start-7', payload: { connectorId: 1 }, at: 4 });
  await store.relayOutbox.mapTransaction('CP-1', 7, 9007, 4);
}

describe('backup contents, restore and factory reset (X3, X4)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => { await close?.(); });

  it('restores an equal state, and a row that does not fit rolls the whole restore back', async () => {
    const temp = await openTempStore();
    close = temp.close;
    const { store } = temp;
    await seed(store);
    const contents = await readBackupContents(store.db, 5, 'test');
    await store.badges.upsert({ id_tag: 'B2', authorized: 1, vip: 0, comment: '' }, 2);

    const bad = structuredClone(contents);
    bad.tables.badges.push({ id_tag: 'BROKEN' }); // authorized is NOT NULL
    const before = await countTables(store.db);
    await expect(store.atomically((trx) => restoreBackupContents(trx, bad, { withoutCredentials: false, connectedStationIds: new Set() }))).rejects.toThrow();
    expect(await countTables(store.db)).toEqual(before);

    const counts = await store.atomically((trx) => restoreBackupContents(trx, contents, { withoutCredentials: false, connectedStationIds: new Set(['CP-1']) }));
    expect(counts).toMatchObject({ zones: 1, stations: 1, badges: 1, users: 1, cpo_caps: 1, relay_outbox: 1, relay_transactions: 1 });
    const after = await readBackupContents(store.db, 5, 'test');
    expect({ ...after.tables, stations: after.tables.stations.map((s) => ({ ...s, connected: 0 })) }).toEqual(contents.tables);
    expect(after.tables.stations[0].connected).toBe(1);
  });

  it('restores a backup made before the relay and cap tables were backed up, with those tables empty (issue 16, item 10)', async () => {
    const temp = await openTempStore();
    close = temp.close;
    const { store } = temp;
    await seed(store);
    const old = structuredClone(await readBackupContents(store.db, 5, 'older')) as { tables: Record<string, unknown> };
    for (const table of ['cpo_caps', 'relay_transactions', 'relay_outbox']) delete old.tables[table];
    old.tables.users = [{ login: 'root', role: 'admin', password_hash: 'scrypt$32768$8$1$c2FsdA==$a2V5', must_change: 0, created_at: 1, updated_at: 1 }];
    const contents = checkBackupContents(old);
    const counts = await store.atomically((trx) => restoreBackupContents(trx, contents, { withoutCredentials: false, connectedStationIds: new Set() }));
    expect(counts).toMatchObject({ stations: 1, cpo_caps: 0, relay_outbox: 0, relay_transactions: 0 });
    expect(await store.cpoCaps.list()).toEqual([]);
    expect(await store.relayOutbox.list()).toEqual([]);
  });

  it('checks the shape of decrypted contents', () => {
    expect(() => checkBackupContents({ kind: 'other' })).toThrow(BackupContentsError);
    expect(() => checkBackupContents({ kind: 'fuseguard-backup', tables: { settings: [] } })).toThrow(/zones/);
  });

  it('refuses a password hash asking for a cost no login may pay (issue 14, row 15)', () => {
    const tables = Object.fromEntries(BACKUP_TABLES.map((t) => [t, []])) as Record<string, unknown[]>;
    const withUser = (hash: string) => ({ kind: 'fuseguard-backup', tables: { ...tables, users: [{ login: 'chief', password_hash: hash }] } });
    expect(() => checkBackupContents(withUser('scrypt$32768$8$1$c2FsdA==$a2V5'))).not.toThrow();
    expect(() => checkBackupContents(withUser('scrypt$1073741824$8$1$c2FsdA==$a2V5'))).toThrow(/user "chief" has a password hash/);
    expect(() => checkBackupContents(withUser('scrypt$32768$1000$1$c2FsdA==$a2V5'))).toThrow(BackupContentsError);
    expect(acceptableCost(1 << 15, 8, 1)).toBe(true);
    expect(acceptableCost(1 << 20, 8, 1)).toBe(false);
    expect(acceptableCost(1000, 8, 1)).toBe(false);
  });

  it('factory reset empties the site, keeps the factory admin, turns the relay off and resets the network', async () => {
    const temp = await openTempStore();
    close = temp.close;
    const { store } = temp;
    await seed(store);
    const summary = await store.atomically(async (trx) => factoryReset(trx, await factoryAdminRow(7)));
    expect(summary).toEqual({ stations: 1, zones: 1, badges: 1, sessions: 0, users: 1 });
    expect(await countTables(store.db)).toMatchObject({ zones: 0, stations: 0, badges: 0, transactions: 0, users: 1, cpo_caps: 0, relay_outbox: 0, relay_transactions: 0 });
    expect((await store.users.list()).map((u) => [u.login, u.must_change])).toEqual([['admin', 1]]);
    expect(await store.settings.getAll()).toEqual({ upstream: { enabled: false, url: 'wss://cpo/ocpp' }, unknownStations: 'reject' });
  });
});
