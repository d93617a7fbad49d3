// The factory login admin/ADMIN (S2): present whenever there is no user at all.
import type { Store } from '../../store/store.js';
import { FACTORY_LOGIN, FACTORY_PASSWORD } from './credential-rules.js';
import { hashPassword } from './passwords.js';

export async function ensureFactoryAdmin(store: Store, at: number): Promise<boolean> {
  if (await store.users.count() > 0) return false;
  await store.users.insert({ login: FACTORY_LOGIN, role: 'admin', password_hash: await hashPassword(FACTORY_PASSWORD), must_change: 1, created_at: at, updated_at: at });
  return true;
}
