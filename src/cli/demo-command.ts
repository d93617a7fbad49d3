// `fuseguard demo`: Fuseguard on its own data folder with simulated stations and cars, so a
// newcomer sees it work. Until the web UI lands, sessions are shown in the terminal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { startFuseguard } from '../app/fuseguard.js';
import { SimFleet } from '../sim/index.js';
import { DEMO_BADGES, demoSite } from './demo-site.js';
import { DEFAULT_PORT, parsePort, parsePositiveInt } from './options.js';
import { start, stopOnSignals } from './serve-command.js';

export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('run Fuseguard with simulated stations and cars on a demo data folder')
    .option('--data-dir <dir>', 'demo data folder (kept apart from a real site)', './data-demo')
    .option('--port <port>', 'port for OCPP, API and web UI', parsePort, DEFAULT_PORT)
    .option('--stations <n>', 'how many simulated stations (two connectors each)', parsePositiveInt, 6)
    .option('--arrivals-per-hour <n>', 'mean car arrivals per free connector and hour', parsePositiveInt, 12)
    .action(async (opts: { dataDir: string; port: number; stations: number; arrivalsPerHour: number }) => {
      mkdirSync(opts.dataDir, { recursive: true });
      const siteFile = join(opts.dataDir, 'demo-site.json');
      writeFileSync(siteFile, JSON.stringify(demoSite(opts.stations), null, 2));
      const app = await start(() => startFuseguard({
        dataDir: opts.dataDir, port: opts.port, host: '127.0.0.1', siteFile, logger: pino({ level: process.env.FUSEGUARD_LOG_LEVEL ?? 'warn' }),
      }));
      const fleet = new SimFleet({
        url: app.ocppUrl, count: opts.stations, idPrefix: 'SIM-', badges: [...DEMO_BADGES], seed: Date.now() % 100_000,
        connectorsPerStation: 2, arrivalsPerHour: opts.arrivalsPerHour, meanStayMinutes: 8, meterValueIntervalS: 10,
      });
      const time = () => new Date().toLocaleTimeString();
      app.events.on('transaction.started', (e) => console.log(`${time()}  ${e.stationId} #${e.connectorId}: session ${e.transactionId} started with badge ${e.idTag}`));
      app.events.on('transaction.stopped', (e) => void app.store.transactions.get(e.transactionId).then((tx) => {
        console.log(`${time()}  ${e.stationId}: session ${e.transactionId} stopped (${e.reason}), ${((tx?.energy_wh ?? 0) / 1000).toFixed(2)} kWh`);
      }));
      fleet.on('transaction', (e) => {
        if (e.type === 'started' && e.transactionId === undefined) console.log(`${time()}  ${e.id} #${e.connectorId}: badge ${e.idTag} presented`);
      });
      const summary = await fleet.start();
      console.log([
        `Fuseguard demo: ${summary.accepted} simulated stations connected to ${app.ocppUrl}/{chargeBoxId}.`,
        `Data folder: ${opts.dataDir}. Cars arrive at random; sessions show below. Ctrl-C stops.`,
        `In another terminal: npm run fuseguard -- sessions list --data-dir ${opts.dataDir}`,
      ].join('\n'));
      stopOnSignals(app, () => fleet.stop());
    });
}
