// The store: one object with a repository per table group. Nothing outside store/ writes SQL.
import { openDatabase, type Db } from './database.js';
import { BadgesRepository } from './repositories/badges-repository.js';
import { CommandsRepository } from './repositories/commands-repository.js';
import { LogsRepository } from './repositories/logs-repository.js';
import { SettingsRepository } from './repositories/settings-repository.js';
import { StationsRepository } from './repositories/stations-repository.js';
import { TransactionsRepository } from './repositories/transactions-repository.js';
import { ZonesRepository } from './repositories/zones-repository.js';
import { SampleWriter } from './sample-writer.js';

export class Store {
  readonly settings: SettingsRepository;
  readonly zones: ZonesRepository;
  readonly stations: StationsRepository;
  readonly badges: BadgesRepository;
  readonly transactions: TransactionsRepository;
  readonly samples: SampleWriter;
  readonly commands: CommandsRepository;
  readonly logs: LogsRepository;

  constructor(readonly db: Db) {
    this.settings = new SettingsRepository(db);
    this.zones = new ZonesRepository(db);
    this.stations = new StationsRepository(db);
    this.badges = new BadgesRepository(db);
    this.transactions = new TransactionsRepository(db);
    this.samples = new SampleWriter(this.transactions);
    this.commands = new CommandsRepository(db);
    this.logs = new LogsRepository(db);
  }

  static async open(dataDir: string): Promise<Store> {
    return new Store(await openDatabase(dataDir));
  }

  /** Runs `work` in one database transaction: all of it is stored, or none. */
  atomically<T>(work: (db: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
