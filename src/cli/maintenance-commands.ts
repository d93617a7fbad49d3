// Maintenance on the host (X3, X4): backup, restore and factory reset of a data folder. They work
// with the server stopped (a lost admin password); a running server notices their commits and
// reloads its running parts, as after the API's restore or reset (issue 13).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { VERSION } from '../app/version.js';
import { BackupError, openBackup, sealBackup } from '../maintenance/backup-format.js';
import {
  BackupContentsError, checkBackupContents, factoryAdminRow, factoryReset, readBackupContents, restoreBackupContents,
} from '../maintenance/site-data.js';
import { Store } from '../store/store.js';
import { dataDirOption } from './options.js';

export const PASSPHRASE_ENV = 'FUSEGUARD_BACKUP_PASSPHRASE';

/** The passphrase from --passphrase-file or the environment, never from the command line. */
function passphrase(opts: { passphraseFile?: string }): string {
  if (opts.passphraseFile) return readFileSync(opts.passphraseFile, 'utf8').replace(/\r?\n$/, '');
  const value = process.env[PASSPHRASE_ENV];
  if (!value) throw new CliError(`give the passphrase in the ${PASSPHRASE_ENV} environment variable or with --passphrase-file <file>`);
  return value;
}

class CliError extends Error {}

async function run(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CliError || error instanceof BackupError || error instanceof BackupContentsError) console.error(error.message);
    else console.error(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

async function withStore(dataDir: string, work: (store: Store) => Promise<void>): Promise<void> {
  const store = await Store.open(dataDir);
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

const passphraseHelp = `file holding the passphrase (else the ${PASSPHRASE_ENV} environment variable)`;

export function registerMaintenanceCommands(program: Command): void {
  program.command('backup')
    .description('write an encrypted backup of the data folder (X3)')
    .addOption(dataDirOption())
    .requiredOption('--out <file>', 'the backup file to write')
    .option('--passphrase-file <file>', passphraseHelp)
    .action((opts: { dataDir: string; out: string; passphraseFile?: string }) => run(async () => {
      const secret = passphrase(opts);
      await withStore(opts.dataDir, async (store) => {
        const contents = await readBackupContents(store.db, Date.now(), VERSION);
        const file = await sealBackup(contents, secret);
        writeFileSync(opts.out, file, { mode: 0o600 });
        await store.audit.record({ at: Date.now(), actor: 'command-line', action: 'backup.create', target: null, details: JSON.stringify({ bytes: file.length }) });
        console.log(`backup written to ${opts.out}: ${contents.tables.stations.length} stations, ${contents.tables.zones.length} zones, ${contents.tables.badges.length} badges, ${contents.tables.transactions.length} sessions, ${contents.tables.users.length} users`);
      });
    }));

  program.command('restore <file>')
    .description('replace the data folder\'s site by a backup (X3); a running server reloads it')
    .addOption(dataDirOption())
    .option('--passphrase-file <file>', passphraseHelp)
    .option('--without-credentials', 'keep the current users; restore everything else')
    .action((file: string, opts: { dataDir: string; passphraseFile?: string; withoutCredentials?: boolean }) => run(async () => {
      const contents = checkBackupContents(await openBackup(readFileSync(file), passphrase(opts)));
      const withoutCredentials = opts.withoutCredentials ?? false;
      const factoryAdmin = contents.tables.users.length === 0 ? await factoryAdminRow(Date.now()) : undefined;
      await withStore(opts.dataDir, async (store) => {
        const counts = await store.atomically((trx) => restoreBackupContents(trx, contents, { withoutCredentials, connectedStationIds: new Set(), factoryAdmin }));
        await store.audit.record({ at: Date.now(), actor: 'command-line', action: 'backup.restore', target: null, details: JSON.stringify({ withoutCredentials, backupCreatedAt: contents.createdAt, counts }) });
        console.log(`restored the backup of ${new Date(contents.createdAt).toISOString()}: ${counts.stations} stations, ${counts.zones} zones, ${counts.badges} badges, ${counts.transactions} sessions${withoutCredentials ? '; users kept' : `, ${counts.users} users`}`);
      });
    }));

  program.command('factory-reset')
    .description('delete stations, zones, meters, badges, sessions and users; admin/ADMIN again; relay off (X4)')
    .addOption(dataDirOption())
    .option('--yes', 'do not ask for confirmation')
    .action((opts: { dataDir: string; yes?: boolean }) => run(async () => {
      if (!opts.yes && !(await confirm(`Factory reset of ${opts.dataDir}: everything but the logs is deleted. Type FACTORY RESET to go on: `))) {
        throw new CliError('not confirmed; nothing was changed');
      }
      const factoryAdmin = await factoryAdminRow(Date.now());
      await withStore(opts.dataDir, async (store) => {
        const deleted = await store.atomically((trx) => factoryReset(trx, factoryAdmin));
        await store.audit.record({ at: Date.now(), actor: 'command-line', action: 'maintenance.factory-reset', target: null, details: JSON.stringify({ deleted }) });
        console.log(`factory reset done (${deleted.stations} stations, ${deleted.zones} zones, ${deleted.badges} badges, ${deleted.sessions} sessions, ${deleted.users} users deleted); log in as admin / ADMIN`);
      });
    }));
}

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim() === 'FACTORY RESET';
  } finally {
    rl.close();
  }
}
