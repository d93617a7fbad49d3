// B1, B2: a station's mode and offline policy, each inherited separately up the zone tree; read
// from the station's zone up only (issue 15), on a real SQLite store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore } from '../../test/helpers/temp-dir.js';
import type { Store } from '../store/store.js';
import { DEFAULT_AUTH_MODE } from './auth-mode.js';
import { resolveAuthPolicy } from './auth-policy.js';

describe('resolveAuthPolicy (B1, B2)', () => {
  let store: Store;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ store, close } = await openTempStore());
    const zone = (name: string, parent: string | null, auth_mode: string | null, offline_auth_mode: string | null, position: number) =>
      store.zones.upsert({ name, parent, max_current_a: 63, mode: 'static', meter: null, fallback_current_a: 0, auth_mode, offline_auth_mode, position });
    await zone('Root', null, 'lms-known-badges', null, 0);
    await zone('Floor', 'Root', null, 'reject', 1);
    await zone('Row', 'Floor', null, null, 2);
    await zone('Other', null, null, null, 3);
    const station = (id: string, zoneName: string | null, auth_mode: string | null) =>
      store.stations.upsertConfig({ id, zone: zoneName, name: id, password_hash: null, vip: 0, auth_mode, box_identity: null });
    await station('DEEP', 'Row', null);
    await station('OWN', 'Row', 'free');
    await station('BARE', 'Other', null);
    await station('LOOSE', null, null);
  });
  afterEach(() => close());

  it('takes each of the two from the nearest zone that sets it, and the station\'s own first', async () => {
    expect(await resolveAuthPolicy(store, 'DEEP')).toEqual({ mode: 'lms-known-badges', offline: 'reject' });
    expect(await resolveAuthPolicy(store, 'OWN')).toEqual({ mode: 'free', offline: 'reject' });
    // The row a caller has stands for the stored one.
    const row = await store.stations.get('DEEP');
    expect(await resolveAuthPolicy(store, row && { ...row, offline_auth_mode: 'allow-all' })).toEqual({ mode: 'lms-known-badges', offline: 'allow-all' });
  });

  it('falls back to the default mode and no offline policy where nothing is set', async () => {
    const fallback = { mode: DEFAULT_AUTH_MODE, offline: null };
    expect(await resolveAuthPolicy(store, 'BARE')).toEqual(fallback);
    expect(await resolveAuthPolicy(store, 'LOOSE')).toEqual(fallback);
    expect(await resolveAuthPolicy(store, 'UNKNOWN')).toEqual(fallback);
  });

  it('ends on a damaged tree that loops', async () => {
    await store.zones.upsert({ name: 'Root', parent: 'Row', max_current_a: 63, mode: 'static', meter: null, fallback_current_a: 0, auth_mode: null, offline_auth_mode: null, position: 0 });
    expect(await resolveAuthPolicy(store, 'DEEP')).toMatchObject({ offline: 'reject' });
  });
});
