import type { Db } from '../database.js';
import type { ApiTokenRow, Role, UserRow, WebSessionRow } from '../schema.js';

/** Users (S3), their browser sessions and API tokens. Hashing is the caller's (api/auth). */
export class UsersRepository {
  constructor(private readonly db: Db) {}

  get(login: string, db: Db = this.db): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('login', '=', login).executeTakeFirst();
  }

  list(db: Db = this.db): Promise<UserRow[]> {
    return db.selectFrom('users').selectAll().orderBy('login').execute();
  }

  async count(db: Db = this.db): Promise<number> {
    const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countAdmins(db: Db = this.db): Promise<number> {
    const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(user: Omit<UserRow, 'last_access_at'> & Partial<Pick<UserRow, 'last_access_at'>>, db: Db = this.db): Promise<void> {
    await db.insertInto('users').values(user).execute();
  }

  async update(login: string, changes: Partial<Omit<UserRow, 'login' | 'created_at'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('users').set(changes).where('login', '=', login).execute();
  }

  /** Renames a user (the factory admin choosing its login); its sessions follow. */
  async rename(from: string, to: string, changes: Partial<Omit<UserRow, 'login' | 'created_at'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('users').set({ ...changes, login: to }).where('login', '=', from).execute();
    await db.updateTable('web_sessions').set({ login: to }).where('login', '=', from).execute();
  }

  async delete(login: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('web_sessions').where('login', '=', login).execute();
    await db.deleteFrom('users').where('login', '=', login).execute();
  }

  // Browser sessions

  getSession(idHash: string, db: Db = this.db): Promise<WebSessionRow | undefined> {
    return db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  /** A login: the session, and its user seen now. */
  async insertSession(session: WebSessionRow, db: Db = this.db): Promise<void> {
    await db.insertInto('web_sessions').values(session).execute();
    await db.updateTable('users').set({ last_access_at: session.created_at }).where('login', '=', session.login).execute();
  }

  /** The session and its user were seen at `at`. */
  async touchSession(idHash: string, login: string, at: number, db: Db = this.db): Promise<void> {
    await db.updateTable('web_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
    await db.updateTable('users').set({ last_access_at: at }).where('login', '=', login).execute();
  }

  async deleteSession(idHash: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of a user except `keep` (after a password change). */
  async deleteSessionsOf(login: string, keep: string | null, db: Db = this.db): Promise<void> {
    let query = db.deleteFrom('web_sessions').where('login', '=', login);
    if (keep) query = query.where('id_hash', '!=', keep);
    await query.execute();
  }

  async deleteIdleSessions(before: number, db: Db = this.db): Promise<void> {
    await db.deleteFrom('web_sessions').where('last_seen_at', '<', before).execute();
  }

  // API tokens

  listTokens(db: Db = this.db): Promise<ApiTokenRow[]> {
    return db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
  }

  getToken(id: string, db: Db = this.db): Promise<ApiTokenRow | undefined> {
    return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  tokenByHash(tokenHash: string, db: Db = this.db): Promise<ApiTokenRow | undefined> {
    return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async insertToken(token: ApiTokenRow, db: Db = this.db): Promise<void> {
    await db.insertInto('api_tokens').values(token).execute();
  }

  async updateToken(id: string, changes: Partial<Pick<ApiTokenRow, 'last_used_at' | 'revoked_at'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('api_tokens').set(changes).where('id', '=', id).execute();
  }
}

export type { Role };
