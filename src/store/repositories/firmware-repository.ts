// The firmware library and each station's rollout state (issue 16, item 7; migration 013). Declared
// here, not in schema.ts: only the firmware service uses these tables.
import type { Selectable } from 'kysely';
import type { Db } from '../database.js';

export interface FirmwareFilesTable {
  id: string;
  name: string;
  /** The version stations report once they run it (BootNotification firmwareVersion); null: not given. */
  version: string | null;
  size_bytes: number;
  sha256: string;
  uploaded_at: number;
  uploaded_by: string | null;
}

export interface FirmwareRolloutsTable {
  station_id: string;
  firmware_id: string;
  /** See firmware/rollout-status.ts. */
  status: string;
  /** The station's last FirmwareStatusNotification status. */
  ocpp_status: string | null;
  error: string | null;
  queued_at: number;
  sent_at: number | null;
  updated_at: number;
}

export type FirmwareFileRow = Selectable<FirmwareFilesTable>;
export type FirmwareRolloutRow = Selectable<FirmwareRolloutsTable>;

const tables = (db: Db) => db.withTables<{ firmware_files: FirmwareFilesTable; firmware_rollouts: FirmwareRolloutsTable }>();

export class FirmwareRepository {
  constructor(private readonly db: Db) {}

  listFiles(): Promise<FirmwareFileRow[]> {
    return tables(this.db).selectFrom('firmware_files').selectAll().orderBy('uploaded_at', 'desc').orderBy('id').execute();
  }

  getFile(id: string): Promise<FirmwareFileRow | undefined> {
    return tables(this.db).selectFrom('firmware_files').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async addFile(row: FirmwareFileRow): Promise<void> {
    await tables(this.db).insertInto('firmware_files').values(row).execute();
  }

  /** Removes the file's row and the finished rollouts that name it; false if it was not there. */
  async deleteFile(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await tables(trx).deleteFrom('firmware_rollouts').where('firmware_id', '=', id).execute();
      const result = await tables(trx).deleteFrom('firmware_files').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  listRollouts(): Promise<FirmwareRolloutRow[]> {
    return tables(this.db).selectFrom('firmware_rollouts').selectAll().orderBy('queued_at').orderBy('station_id').execute();
  }

  getRollout(stationId: string): Promise<FirmwareRolloutRow | undefined> {
    return tables(this.db).selectFrom('firmware_rollouts').selectAll().where('station_id', '=', stationId).executeTakeFirst();
  }

  rolloutsIn(statuses: readonly string[]): Promise<FirmwareRolloutRow[]> {
    if (statuses.length === 0) return Promise.resolve([]);
    return tables(this.db).selectFrom('firmware_rollouts').selectAll().where('status', 'in', statuses).orderBy('queued_at').orderBy('station_id').execute();
  }

  /** Queues a station's update, replacing its previous (finished) state. */
  async queue(stationId: string, firmwareId: string, at: number): Promise<void> {
    const row = { station_id: stationId, firmware_id: firmwareId, status: 'queued', ocpp_status: null, error: null, queued_at: at, sent_at: null, updated_at: at };
    await tables(this.db).insertInto('firmware_rollouts').values(row)
      .onConflict((oc) => oc.column('station_id').doUpdateSet({ firmware_id: firmwareId, status: 'queued', ocpp_status: null, error: null, queued_at: at, sent_at: null, updated_at: at }))
      .execute();
  }

  async update(stationId: string, change: Partial<Omit<FirmwareRolloutRow, 'station_id' | 'firmware_id' | 'queued_at'>> & { updated_at: number }): Promise<void> {
    await tables(this.db).updateTable('firmware_rollouts').set(change).where('station_id', '=', stationId).execute();
  }

  /**
   * The queued update of `firmwareId` goes out: marked sent in one statement, so that a cancel or
   * another file queued meanwhile is never sent by mistake. False: it is no longer that update.
   */
  async claimQueued(stationId: string, firmwareId: string, at: number): Promise<boolean> {
    const result = await tables(this.db).updateTable('firmware_rollouts').set({ status: 'sent', sent_at: at, updated_at: at })
      .where('station_id', '=', stationId).where('firmware_id', '=', firmwareId).where('status', '=', 'queued').executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Cancels a station's update while it waits (status queued, in one statement); false if none waits. */
  async deleteQueued(stationId: string): Promise<boolean> {
    const result = await tables(this.db).deleteFrom('firmware_rollouts').where('station_id', '=', stationId).where('status', '=', 'queued').executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Removes a station's rollout state (cancelled while queued, or cleared); false if none. */
  async deleteRollout(stationId: string): Promise<boolean> {
    const result = await tables(this.db).deleteFrom('firmware_rollouts').where('station_id', '=', stationId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
