import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import { reusedQuery } from '../reused-query.js';
import type { CommandsTable } from '../schema.js';

export type CommandRow = Selectable<CommandsTable>;
export type CommandOutcome = Exclude<CommandsTable['outcome'], 'pending'>;

/** Every command sent to a station and what came of it (O6). */
export class CommandsRepository {
  // Two statements per command, five commands per booting station: compiled once (reused-query.ts).
  private readonly insert = reusedQuery<'stationId' | 'action' | 'request' | 'outcome' | 'at'>((value) => this.db.insertInto('commands')
    .values({ station_id: value('stationId'), action: value('action'), request: value('request'), outcome: value('outcome'), sent_at: value('at') })
    .returning('id').compile());
  private readonly update = reusedQuery<'id' | 'outcome' | 'response' | 'at'>((value) => this.db.updateTable('commands')
    .set({ outcome: value('outcome'), response: value('response'), done_at: value('at') })
    .where('id', '=', value('id')).compile());

  constructor(private readonly db: Db) {}

  async begin(stationId: string, action: string, request: unknown, at: number, db: Db = this.db): Promise<number> {
    const { rows } = await db.executeQuery<{ id: number | bigint }>(this.insert({ stationId, action, request: JSON.stringify(request), outcome: 'pending', at }));
    if (rows.length !== 1) throw new Error(`command of ${stationId} not recorded`);
    return Number(rows[0].id);
  }

  async finish(id: number, outcome: CommandOutcome, response: unknown, at: number, db: Db = this.db): Promise<void> {
    await db.executeQuery(this.update({ id, outcome, response: JSON.stringify(response ?? null), at }));
  }

  listForStation(stationId: string, limit = 50): Promise<CommandRow[]> {
    return this.db.selectFrom('commands').selectAll().where('station_id', '=', stationId).orderBy('id', 'desc').limit(limit).execute();
  }
}
