// Day-to-day commands on the data folder, usable while the server runs (SQLite WAL allows a
// second writer process); the server notices their commits and reloads (issue 13). The REST API
// offers the same.
import type { Command } from 'commander';
import { pino } from 'pino';
import { EventLog } from '../services/event-log.js';
import { SessionService } from '../services/session-service.js';
import { SiteEvents } from '../services/site-events.js';
import { Store } from '../store/store.js';
import { dataDirOption, parsePositiveInt } from './options.js';

async function withStore<T>(dataDir: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(dataDir);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const time = (at: number | null) => (at === null ? '-' : new Date(at).toISOString());

export function registerAdminCommands(program: Command): void {
  const stations = program.command('stations').description('stations: list, admit pending ones (O2)');
  stations.command('list').description('every station with its zone, admission and connection').addOption(dataDirOption())
    .action((opts: { dataDir: string }) => withStore(opts.dataDir, async (store) => {
      const rows = await store.stations.list();
      console.table(rows.map((s) => ({
        id: s.id, zone: s.zone ?? '', admission: s.admission, connected: s.connected === 1,
        since: time(s.connected === 1 ? s.last_connected_at : s.last_disconnected_at), model: [s.vendor, s.model].filter(Boolean).join(' '),
        control: s.control_issue ?? 'ok',
      })));
    }));
  stations.command('admit <stationId>').description('admit a pending station into a zone').requiredOption('--zone <zone>', 'zone name')
    .addOption(dataDirOption())
    .action((stationId: string, opts: { dataDir: string; zone: string }) => withStore(opts.dataDir, async (store) => {
      if (!(await store.zones.get(opts.zone))) return fail(`zone "${opts.zone}" does not exist`);
      if (!(await store.stations.admit(stationId, opts.zone))) return fail(`station "${stationId}" is not known; it must connect once first`);
      console.log(`${stationId} admitted into ${opts.zone}; it is accepted at its next boot (within 30 s)`);
    }));

  const sessions = program.command('sessions').description('charging sessions (O7, O8)');
  sessions.command('list').description('recent sessions, newest first').addOption(dataDirOption())
    .option('--ongoing', 'only sessions not stopped yet').option('--station <id>').option('--badge <idTag>')
    .option('--limit <n>', 'at most this many', parsePositiveInt, 50)
    .action((opts: { dataDir: string; ongoing?: boolean; station?: string; badge?: string; limit: number }) => withStore(opts.dataDir, async (store) => {
      const rows = await store.transactions.list({ ongoing: opts.ongoing, stationId: opts.station, idTag: opts.badge, limit: opts.limit });
      console.table(rows.map((t) => ({
        id: t.id, station: t.station_id, connector: t.connector_id, badge: t.id_tag, auth: t.auth_status,
        start: time(t.start_at), stop: time(t.stop_at), energyKWh: t.energy_wh === null ? '' : (t.energy_wh / 1000).toFixed(3), reason: t.stop_reason ?? '',
      })));
    }));
  sessions.command('force-stop <transactionId>')
    .description('close a session whose station vanished, at its last known meter reading')
    .addOption(dataDirOption())
    .action((id: string, opts: { dataDir: string }) => withStore(opts.dataDir, async (store) => {
      const transactionId = parsePositiveInt(id);
      const service = new SessionService(store, new SiteEvents(), new EventLog(pino({ level: 'silent' }), store, Date.now), Date.now);
      if (!(await service.forceStop(transactionId, 'command line'))) return fail(`transaction ${transactionId} is not open`);
      const tx = await store.transactions.get(transactionId);
      console.log(`transaction ${transactionId} stopped at ${tx?.meter_stop_wh} Wh (${((tx?.energy_wh ?? 0) / 1000).toFixed(3)} kWh)`);
    }));

  const badges = program.command('badges').description('RFID badges (B3)');
  badges.command('list').addOption(dataDirOption()).description('known badges')
    .action((opts: { dataDir: string }) => withStore(opts.dataDir, async (store) => {
      console.table((await store.badges.list()).map((b) => ({ idTag: b.id_tag, authorized: b.authorized === 1, vip: b.vip === 1, lastSeen: time(b.last_seen_at), comment: b.comment })));
    }));
  badges.command('seen').addOption(dataDirOption()).description('unknown badges presented at stations, to enroll')
    .action((opts: { dataDir: string }) => withStore(opts.dataDir, async (store) => {
      console.table((await store.badges.listSeen()).map((b) => ({ idTag: b.id_tag, station: b.last_station_id, lastSeen: time(b.last_seen_at), times: b.times_seen })));
    }));
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}
