import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { CommandsTable } from '../schema.js';

export type CommandRow = Selectable<CommandsTable>;
export type CommandOutcome = Exclude<CommandsTable['outcome'], 'pending'>;

/** Every command sent to a station and what came of it (O6). */
export class CommandsRepository {
  constructor(private readonly db: Db) {}

  async begin(stationId: string, action: string, request: unknown, at: number, db: Db = this.db): Promise<number> {
    const row = await db.insertInto('commands')
      .values({ station_id: stationId, action, request: JSON.stringify(request), outcome: 'pending', sent_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async finish(id: number, outcome: CommandOutcome, response: unknown, at: number, db: Db = this.db): Promise<void> {
    await db.updateTable('commands')
      .set({ outcome, response: JSON.stringify(response ?? null), done_at: at })
      .where('id', '=', id)
      .execute();
  }

  listForStation(stationId: string, limit = 50): Promise<CommandRow[]> {
    return this.db.selectFrom('commands').selectAll().where('station_id', '=', stationId).orderBy('id', 'desc').limit(limit).execute();
  }
}
