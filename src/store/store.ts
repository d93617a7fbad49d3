// The store: one object with a repository per table group. Nothing outside store/ writes SQL.
import { openDatabase, walSyncer, type Db } from './database.js';
import { dataVersion, watchExternalChanges } from './external-changes.js';
import { AuditRepository } from './repositories/audit-repository.js';
import { BadgeListRepository } from './repositories/badge-list-repository.js';
import { BadgesRepository } from './repositories/badges-repository.js';
import { CommandsRepository } from './repositories/commands-repository.js';
import { CpoBadgeCacheRepository } from './repositories/cpo-badge-cache-repository.js';
import { CpoCapsRepository } from './repositories/cpo-caps-repository.js';
import { FirmwareRepository } from './repositories/firmware-repository.js';
import { LogsRepository } from './repositories/logs-repository.js';
import { RelayOutboxRepository } from './repositories/relay-outbox-repository.js';
import { RemoteStartsRepository } from './repositories/remote-starts-repository.js';
import { RetentionRepository } from './repositories/retention-repository.js';
import { SessionQueryRepository } from './repositories/session-query-repository.js';
import { SettingsRepository } from './repositories/settings-repository.js';
import { StationAdminRepository } from './repositories/station-admin-repository.js';
import { StationsRepository } from './repositories/stations-repository.js';
import { TransactionsRepository } from './repositories/transactions-repository.js';
import { UsersRepository } from './repositories/users-repository.js';
import { ZoneHistoryRepository } from './repositories/zone-history-repository.js';
import { ZonesRepository } from './repositories/zones-repository.js';
import { GroupCommit, type SyncLog } from './group-commit.js';
import type { WalCheckpointer } from './wal-checkpoint.js';

export class Store {
  readonly settings: SettingsRepository;
  readonly zones: ZonesRepository;
  readonly stations: StationsRepository;
  readonly badges: BadgesRepository;
  readonly transactions: TransactionsRepository;
  readonly commands: CommandsRepository;
  readonly logs: LogsRepository;
  readonly users: UsersRepository;
  readonly audit: AuditRepository;
  readonly zoneHistory: ZoneHistoryRepository;
  readonly relayOutbox: RelayOutboxRepository;
  readonly cpoCaps: CpoCapsRepository;
  readonly firmware: FirmwareRepository;
  readonly retention: RetentionRepository;
  readonly remoteStarts: RemoteStartsRepository;
  /** The badge list's pages and sorting (W7), the stations' admin edits (W5), the sessions' queries and export (W3, W10), the CPO's accepted badges (B2). */
  readonly badgeList: BadgeListRepository;
  readonly stationAdmin: StationAdminRepository;
  readonly sessionQuery: SessionQueryRepository;
  readonly cpoBadgeCache: CpoBadgeCacheRepository;
  private readonly groupCommit: GroupCommit;

  /** `syncLog`: syncs the database's log off the event loop (group commits); without it they sync at COMMIT. */
  constructor(readonly db: Db, private readonly syncLog?: SyncLog & { close?: () => Promise<void> }, readonly checkpointer?: WalCheckpointer) {
    this.settings = new SettingsRepository(db);
    this.zones = new ZonesRepository(db);
    this.stations = new StationsRepository(db);
    this.badges = new BadgesRepository(db);
    this.transactions = new TransactionsRepository(db);
    this.groupCommit = new GroupCommit(db, syncLog);
    checkpointer?.holdWritesWith((work) => this.exclusive(work));
    checkpointer?.holdSyncsWith((work, limitMs) => this.groupCommit.holdSyncs(work, limitMs));
    this.commands = new CommandsRepository(db);
    this.logs = new LogsRepository(db);
    this.users = new UsersRepository(db);
    this.audit = new AuditRepository(db);
    this.zoneHistory = new ZoneHistoryRepository(db);
    this.relayOutbox = new RelayOutboxRepository(db);
    this.cpoCaps = new CpoCapsRepository(db);
    this.firmware = new FirmwareRepository(db);
    this.remoteStarts = new RemoteStartsRepository(db);
    this.badgeList = new BadgeListRepository(db);
    this.stationAdmin = new StationAdminRepository(db);
    this.sessionQuery = new SessionQueryRepository(db);
    this.cpoBadgeCache = new CpoBadgeCacheRepository(db);
    // Each chunk of a prune is a record of the group commit: no sync of the log on the event loop.
    this.retention = new RetentionRepository(db, (work) => this.record(work));
  }

  /** `checkpointIntervalMs`: how often the log is checkpointed (tests; wal-checkpoint.ts). */
  static async open(dataDir: string, options: { checkpointIntervalMs?: number } = {}): Promise<Store> {
    const { db, wal, checkpointer } = await openDatabase(dataDir, options);
    // Only a write-ahead log can be synced apart; without one (a file system that refused WAL),
    // group commits sync inside COMMIT (FULL), as every other write.
    return new Store(db, wal ? walSyncer(dataDir) : undefined, checkpointer);
  }

  /**
   * Runs `work` in a transaction shared with the other writes of this event-loop turn (group
   * commit); resolves once it is on disk (synced off the event loop: group-commit.ts). For the
   * frequent writes of stations.
   */
  commit<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.groupCommit.run(work);
  }

  /**
   * Runs `work` with the connection reserved: once the group commit (or any other query) under way
   * has ended, and before the next. Every statement of this process waits meanwhile, queued, not in
   * SQLite's busy handler on the event loop: for the checkpoint that starts the log over
   * (wal-checkpoint.ts).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.db.connection().execute(() => work());
  }

  /**
   * As `commit`, but resolves once committed, without waiting for the disk: for records that no
   * one is given an acknowledgement on (the command log). They survive a crash of Fuseguard and
   * are synced with their group; a power cut at that very instant may lose them.
   */
  record<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.groupCommit.run(work, { durable: false });
  }

  /** Resolves once everything committed so far is on disk (other readers see rows before their sync). */
  synced(): Promise<void> {
    return this.groupCommit.synced();
  }

  /** Runs `work` in one database transaction of its own: all of it is stored, or none. */
  atomically<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** A number that moves when another process (an admin command) has committed to the database. */
  dataVersion(): Promise<number> {
    return dataVersion(this.db);
  }

  /**
   * Calls `onChange` after other processes committed to the database (polled every `intervalMs`;
   * this store's own writes never count). `since`: a `dataVersion()` read earlier. Returns `stop`.
   */
  watchExternalChanges(intervalMs: number, onChange: () => void | Promise<void>, options: { since?: number; onError?: (error: unknown) => void } = {}): () => Promise<void> {
    return watchExternalChanges(this.db, intervalMs, onChange, options);
  }

  /** Waits for the queued writes, then closes the database. */
  async close(): Promise<void> {
    await this.groupCommit.drain();
    await this.syncLog?.close?.();
    await this.checkpointer?.close();
    await this.db.destroy();
  }
}
