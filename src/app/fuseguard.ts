// Composition root: the store, the services, the OCPP endpoint and the HTTP server on one port.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { ControlLoop, type ControlLoopOptions } from '../control/control-loop.js';
import { CommandSender } from '../ocpp/command-sender.js';
import { OCPP_PATH, StationServer } from '../ocpp/station-server.js';
import { EventLog } from '../services/event-log.js';
import { SessionService } from '../services/session-service.js';
import { SiteEvents } from '../services/site-events.js';
import { StationService } from '../services/station-service.js';
import { applySite } from '../site/apply-site.js';
import { loadSiteFile } from '../site/load-site-file.js';
import { Store } from '../store/store.js';
import { VERSION } from './version.js';

export interface FuseguardOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** A site file applied at start (R4); a bad one stops the start with its errors. */
  siteFile?: string;
  tls?: { certFile: string; keyFile: string };
  logger?: Logger;
  now?: () => number;
  pingIntervalMs?: number;
  commandTimeoutMs?: number;
  /** The control loop (issue 4); false runs Fuseguard without load management. */
  control?: ControlLoopOptions | false;
}

export interface Fuseguard {
  readonly port: number;
  /** The URL stations are given, without their id: `ws://host:port/ocpp`. */
  readonly ocppUrl: string;
  readonly store: Store;
  readonly events: SiteEvents;
  readonly stations: StationService;
  readonly sessions: SessionService;
  readonly commands: CommandSender;
  readonly stationServer: StationServer;
  readonly log: EventLog;
  readonly control: ControlLoop | null;
  close(): Promise<void>;
}

export async function startFuseguard(options: FuseguardOptions): Promise<Fuseguard> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: 'info' });
  const site = options.siteFile ? loadSiteFile(options.siteFile) : undefined;
  const store = await Store.open(options.dataDir);
  try {
    if (site) {
      const summary = await applySite(store, site, now());
      logger.info({ ...summary, file: options.siteFile }, 'site file applied');
    }
    await store.stations.markAllDisconnected(now());
  } catch (error) {
    await store.close();
    throw error;
  }

  const events = new SiteEvents();
  const log = new EventLog(logger, store, now);
  const stations = new StationService(store, events, log, now);
  const sessions = new SessionService(store, events, log, now);
  const stationServer = new StationServer({ stations, sessions, log }, { pingIntervalMs: options.pingIntervalMs });
  const commands = new CommandSender(stationServer, store, log, now, options.commandTimeoutMs);
  const control = options.control === false ? null : new ControlLoop(store, commands, events, log, now, options.control ?? {});
  await control?.start();

  const http = createHttpServer(options, stationServer);
  await http.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  const port = (http.server.address() as AddressInfo).port;
  const scheme = options.tls ? 'wss' : 'ws';
  const ocppUrl = `${scheme}://${options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'}:${port}${OCPP_PATH}`;
  log.info(`Fuseguard ${VERSION} listening; stations connect to ${ocppUrl}/{chargeBoxId}`, { action: 'start' });

  let closed = false;
  return {
    port, ocppUrl, store, events, stations, sessions, commands, stationServer, log, control,
    async close() {
      if (closed) return;
      closed = true;
      control?.stop();
      await stationServer.close();
      await http.close();
      await new Promise((resolve) => setImmediate(resolve)); // let the last close events queue their writes
      await store.close();
    },
  };
}

function createHttpServer(options: FuseguardOptions, stationServer: StationServer): FastifyInstance {
  const https = options.tls ? { key: readFileSync(options.tls.keyFile), cert: readFileSync(options.tls.certFile) } : null;
  const http = Fastify({ logger: false, ...(https ? { https } : {}) }) as unknown as FastifyInstance;
  http.get('/healthz', async () => ({ status: 'ok', version: VERSION, stationsConnected: stationServer.connectedIds().length }));
  http.server.on('upgrade', (request, socket, head) => {
    if (request.url?.startsWith(`${OCPP_PATH}/`)) {
      stationServer.handleUpgrade(request, socket, head);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  return http;
}
