// `fuseguard demo`: Fuseguard on its own data folder with simulated stations, cars and a
// building meter, so a newcomer sees it work. Until the web UI lands, it prints the sessions
// and, every few seconds, one line per zone: limit, allocated and measured current per phase.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { startFuseguard } from '../app/fuseguard.js';
import { buildingLoadA, SimFleet, SimMeter } from '../sim/index.js';
import { zoneLines } from './demo-report.js';
import { DEMO_BADGES, DEMO_DYNAMIC_ZONE, demoSite, demoStationId } from './demo-site.js';
import { DEFAULT_PORT, parsePort, parsePositiveInt } from './options.js';
import { start, stopOnSignals } from './serve-command.js';

export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('run Fuseguard with simulated stations, cars and a building meter on a demo data folder')
    .option('--data-dir <dir>', 'demo data folder (kept apart from a real site)', './data-demo')
    .option('--port <port>', 'port for OCPP, API and web UI', parsePort, DEFAULT_PORT)
    .option('--stations <n>', 'how many simulated stations (two connectors each)', parsePositiveInt, 12)
    .option('--arrivals-per-hour <n>', 'mean car arrivals per free connector and hour', parsePositiveInt, 12)
    .option('--report-every <s>', 'seconds between two zone reports', parsePositiveInt, 5)
    .action(async (opts: { dataDir: string; port: number; stations: number; arrivalsPerHour: number; reportEvery: number }) => {
      mkdirSync(opts.dataDir, { recursive: true });
      const meter = await SimMeter.start({ profile: (at) => buildingLoadA(at, 40) });
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const siteFile = join(opts.dataDir, 'demo-site.json');
      writeFileSync(siteFile, JSON.stringify(demoSite(opts.stations, meter.port, timeZone), null, 2));
      const app = await start(() => startFuseguard({
        dataDir: opts.dataDir, port: opts.port, host: '127.0.0.1', siteFile, logger: pino({ level: process.env.FUSEGUARD_LOG_LEVEL ?? 'warn' }),
      }));
      const fleet = new SimFleet({
        url: app.ocppUrl, count: opts.stations, idPrefix: 'SIM-', badges: [...DEMO_BADGES], seed: Date.now() % 100_000,
        connectorsPerStation: 2, arrivalsPerHour: opts.arrivalsPerHour, meanStayMinutes: 8, meterValueIntervalS: 10,
      });
      // The garage meter sees the building and the cars charging behind it.
      const garage = new Set(Array.from({ length: opts.stations }, (_, i) => demoStationId(i)).filter((id) => app.control?.state.connectors.get(`${id}/1`)?.zone === DEMO_DYNAMIC_ZONE));
      meter.setExtraCurrentsA(() => {
        const sum: [number, number, number] = [0, 0, 0];
        for (const station of fleet.stations.filter((s) => garage.has(s.id))) {
          for (const connectorId of [1, 2]) {
            const c = station.connectorState(connectorId);
            const wiring = app.control?.state.connectors.get(`${station.id}/${connectorId}`)?.wiring ?? 'L1L2L3';
            const first = Number(wiring[1]) - 1; // the site phase of the car's phase 1 (Z4)
            for (let p = 0; p < Math.min(3, c.phases); p++) sum[(first + p) % 3] += c.currentA;
          }
        }
        return sum;
      });

      const time = () => new Date().toLocaleTimeString();
      app.events.on('transaction.started', (e) => console.log(`${time()}  ${e.stationId} #${e.connectorId}: session ${e.transactionId} started with badge ${e.idTag}`));
      app.events.on('transaction.stopped', (e) => void app.store.transactions.get(e.transactionId).then((tx) => {
        console.log(`${time()}  ${e.stationId}: session ${e.transactionId} stopped (${e.reason}), ${((tx?.energy_wh ?? 0) / 1000).toFixed(2)} kWh`);
      }));
      const summary = await fleet.start();
      console.log([
        `Fuseguard demo: ${summary.accepted} simulated stations connected to ${app.ocppUrl}/{chargeBoxId}; a simulated building meter on Modbus TCP port ${meter.port}.`,
        `Data folder: ${opts.dataDir}. Cars arrive at random; sessions and, every ${opts.reportEvery} s, each zone's per-phase current show below. Ctrl-C stops.`,
        `Dashboard: ${app.ocppUrl.replace(/^ws/, 'http').replace(/\/ocpp$/, '/')} (first time: log in as admin / ADMIN and choose your own login; the demo site is set up already).`,
        `In another terminal: npm run fuseguard -- sessions list --data-dir ${opts.dataDir}`,
      ].join('\n'));
      const report = setInterval(() => {
        const result = app.control?.lastResult;
        if (result) console.log(`${time()}  zones (L1/L2/L3):\n${zoneLines(result).join('\n')}`);
      }, opts.reportEvery * 1000);
      stopOnSignals(app, async () => {
        clearInterval(report);
        await fleet.stop();
        await meter.stop();
      });
    });
}
