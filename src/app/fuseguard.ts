// Composition root: the store, the services, the OCPP endpoint and the HTTP server on one port.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { ControlLoop, type ControlLoopOptions } from '../control/control-loop.js';
import { DigitalInputs } from '../inputs/index.js';
import { validateInputConfigs } from '../inputs/validate-config.js';
import { loadRegisterMaps, MeterPoller, validateMeterConfigs } from '../meters/index.js';
import { FirmwareService } from '../firmware/firmware-service.js';
import type { HandlerDeps } from '../ocpp/handlers/handler.js';
import { CommandSender } from '../ocpp/command-sender.js';
import { resolveSettings } from '../site/settings.js';
import { OCPP_PATH, StationServer } from '../ocpp/station-server.js';
import { linkSettingsOf, registerRelay, Relay, type RelayTuning } from '../relay/relay.js';
import { EventLog } from '../services/event-log.js';
import { Retention } from '../services/retention.js';
import { SessionService } from '../services/session-service.js';
import { SiteEvents } from '../services/site-events.js';
import { StationService } from '../services/station-service.js';
import { applySite } from '../site/apply-site.js';
import { loadSiteFile } from '../site/load-site-file.js';
import { Store } from '../store/store.js';
import { registerApi } from '../api/api.js';
import { ensureFactoryAdmin } from '../api/auth/factory-admin.js';
import type { ApiContext, RunningParts } from '../api/context.js';
import { AuthProvisioner } from '../auth/auth-provisioner.js';
import { followClockSteps } from './clock-steps.js';
import { EXTERNAL_CHANGES_POLL_MS, followExternalChanges } from './external-changes.js';
import { ReferenceClock } from './reference-clock.js';
import { VERSION } from './version.js';

/** How long a client may take to send one HTTP request (headers and body). */
const HTTP_REQUEST_TIMEOUT_MS = 300_000;
/** How often expired pending stations are removed (issue 14, row 9). */
const PENDING_PRUNE_INTERVAL_MS = 3_600_000;

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
  /** Called when an admin asks for a restart (X5); without it, the restart request is refused. */
  onRestart?: () => void;
  /** Timings of the relay to a CPO (U1-U2); tests shorten them. */
  relay?: Partial<RelayTuning>;
  /**
   * How often the store is checked for commits of other processes (the admin commands), which
   * are then reloaded like a change through the API (issue 13) [1000 ms]; 0 turns it off.
   */
  externalChangesPollMs?: number;
  /**
   * How long a client may take to send a whole HTTP request, headers and body (issue 14): a
   * client that trickles a body holds a socket no longer [300 s, Node's own default, which
   * Fastify turns off; room for a 256 MiB backup upload over a slow link].
   */
  httpRequestTimeoutMs?: number;
}

export interface Fuseguard extends RunningParts {
  readonly port: number;
  /** The URL stations are given, without their id: `ws://host:port/ocpp`. */
  readonly ocppUrl: string;
  readonly inputs: DigitalInputs;
  readonly meters: MeterPoller;
  /** The relay to a CPO, when settings.upstream enables it (U1-U4). */
  readonly relay: Relay | null;
  /** An HTTP request to the API without a socket (Fastify's inject), for in-process tests. */
  inject: FastifyInstance['inject'];
  close(): Promise<void>;
}

export async function startFuseguard(options: FuseguardOptions): Promise<Fuseguard> {
  // Every part reads the reference time (U3): the system clock, or the CPO's with the relay on.
  const clock = new ReferenceClock(options.now ?? Date.now);
  const now = clock.now;
  const logger = options.logger ?? pino({ level: 'info' });
  const site = options.siteFile ? loadSiteFile(options.siteFile) : undefined;
  const store = await Store.open(options.dataDir);
  try {
    if (site) {
      const { warnings, ...summary } = await applySite(store, site, now());
      logger.info({ ...summary, file: options.siteFile }, 'site file applied');
      // Worth knowing, not wrong (issue 16): e.g. a zone its sub-zones and stations can overdraw.
      for (const w of warnings) logger.warn({ file: options.siteFile, path: w.path }, w.message);
    }
    await store.stations.markAllDisconnected(now());
  } catch (error) {
    await store.close();
    throw error;
  }
  // Read before the configuration is: an admin command's commit from now on is reloaded (issue 13).
  const versionAtStart = await store.dataVersion();

  const events = new SiteEvents();
  const log = new EventLog(logger, store, now);
  const stations = new StationService(store, events, log, now, clock);
  const sessions = new SessionService(store, events, log, now);
  const { ocppMaxFrameBytes, trustProxy: trustProxySetting } = resolveSettings(await store.settings.getAll()).network;
  const trustProxy = trustProxySetting === true;
  // The firmware service joins the handlers' deps once it exists (it needs the command sender).
  const handlerDeps: HandlerDeps = { stations, sessions, log };
  const stationServer = new StationServer(handlerDeps, {
    pingIntervalMs: options.pingIntervalMs, trustProxy, ...(ocppMaxFrameBytes ? { maxFrameBytes: ocppMaxFrameBytes } : {}),
  });
  const commands = new CommandSender(stationServer, store, log, now, options.commandTimeoutMs);
  const firmware = new FirmwareService({ dataDir: options.dataDir, store, commands, stationServer, events, log, now, tls: Boolean(options.tls) });
  handlerDeps.firmware = firmware;
  await ensureFactoryAdmin(store, now());
  // Authentication keys, local lists and free-mode starts (B1, B2), with or without load management.
  const auth = new AuthProvisioner(store, commands, events, log);
  let reconciling = Promise.resolve();
  const control = options.control === false ? null
    : new ControlLoop(store, commands, events, log, now, { ...options.control, stationNow: (stationId) => clock.stationNow(stationId) });
  let inputs = await startDigitalInputs(store, logger, now);
  let meters = await startMeters(store, logger, now);
  wireInputs(inputs, control, log);
  wireMeters(meters, control, log);
  if (control) await control.start();
  // Failsafe profiles first (D5, O5): a connecting station gets its authentication keys once the
  // control loop has provisioned it; both start on the same events, and the station takes one
  // command at a time in the order they were sent.
  auth.attach(control ? { after: (stationId) => control.provisioned(stationId) } : {});
  meters.start();
  const clockResynced = followClockSteps(clock, { control, meters: () => meters, commands, stationServer, log });
  /** Starts the relay of the `upstream` settings, in place of `previous` (undefined at start: none known). */
  const startRelay = async (upstream: string, previous?: Relay | null): Promise<Relay | null> => {
    const settings = linkSettingsOf(JSON.parse(upstream) as Parameters<typeof linkSettingsOf>[0]);
    const started = settings ? new Relay({
      store, commands, stationServer, log, now, expectRemoteStart: (stationId, idTag) => sessions.expectRemoteStart(stationId, idTag),
      clock,
      // The CPO's charging profiles cap the setpoints (U1); without a control loop they are refused.
      ...(control ? { setCap: (stationId: string, connectorId: number | null, capA: number | null) => (connectorId === null
        ? control.state.clearExternalCaps(stationId)
        : control.state.setExternalCap(stationId, connectorId, capA, now())) } : {}),
    }, settings, options.relay) : null;
    // U2: the new relay queues the stations' transaction messages before the old one lets go.
    started?.attach();
    await previous?.stop();
    if (!started) clock.reset();
    // U1: the caps are the CPO's; with the relay off, or relaying to another CPO, they no longer hold.
    const url = settings?.url ?? null;
    const previousUrl = previous === undefined ? undefined : previous?.settings.url ?? null;
    if (control && (url === null || (previousUrl !== undefined && url !== previousUrl))) {
      const dropped = await control.state.clearAllExternalCaps();
      if (dropped > 0) log.info(`${dropped} cap(s) of the CPO dropped: ${url === null ? 'the relay is off' : 'the relay goes to another CPO'}`, { action: 'relay' });
    }
    await started?.start();
    registerRelay(store, started);
    return started;
  };
  let relayConfig = await upstreamConfig(store);
  let relay = await startRelay(relayConfig);
  // `cpo` stations ask the CPO through whichever relay runs now; without one, the B2 policy applies.
  sessions.setAuthorizeUpstream((stationId, idTag) => (relay ? relay.authorizeUpstream(stationId, idTag) : Promise.resolve('unreachable' as const)));

  let started = await deviceConfig(store);
  // One reload at a time: two running together would each stop the relay and start their own.
  let reloading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    const run = reloading.then(reloadNow, reloadNow);
    reloading = run.catch(() => undefined);
    return run;
  };
  const reloadNow = async (): Promise<void> => {
    // Meters and inputs start afresh only when their configuration changed; readings are kept
    // (they carry their time, so an old one is judged stale, never mistaken for a fresh one).
    const config = await deviceConfig(store);
    if (config.inputs !== started.inputs) {
      await inputs.stop();
      inputs = await startDigitalInputs(store, logger, now);
      wireInputs(inputs, control, log);
    }
    if (config.meters !== started.meters) {
      await meters.stop();
      meters = await startMeters(store, logger, now);
      wireMeters(meters, control, log);
      meters.start();
    }
    started = config;
    const upstream = await upstreamConfig(store);
    if (upstream !== relayConfig) {
      relayConfig = upstream;
      relay = await startRelay(upstream, relay);
    } else {
      await relay?.refreshCredentials();
    }
    if (control) {
      await control.state.load();
      control.poke();
    }
    // Stations moved to another mode or offline policy get their keys now, not at their next
    // connection; in the background, as a station may take long to answer.
    reconciling = reconciling.then(() => auth.reconcile()).catch((error: unknown) => {
      log.error(`authentication provisioning failed: ${error instanceof Error ? error.message : String(error)}`, { action: 'provision' });
    });
  };

  const http = await createHttpServer({ ...options, trustProxy }, stationServer, {
    dataDir: options.dataDir, store, events, stations, sessions, commands, stationServer, log, control, now, firmware,
    inputs: () => inputs, meters: () => meters, startedAt: now(), tls: Boolean(options.tls), reload,
    restart: () => {
      if (!options.onRestart) throw new Error('this Fuseguard was not started by the CLI: it cannot restart itself');
      setTimeout(options.onRestart, 100);
    },
  });
  await http.listen({ port: options.port, host: options.host ?? '0.0.0.0' });
  const port = (http.server.address() as AddressInfo).port;
  const scheme = options.tls ? 'wss' : 'ws';
  const ocppUrl = `${scheme}://${options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'}:${port}${OCPP_PATH}`;
  log.info(`Fuseguard ${VERSION} listening; stations connect to ${ocppUrl}/{chargeBoxId}`, { action: 'start' });
  // Pending stations expire and stay under their cap (issue 14, row 9); admitted ones without a
  // password are named once (row 16), and again as each connects; so are those that cannot connect.
  await stations.prunePending();
  await stations.warnAtStart();
  const pruning = setInterval(() => {
    stations.prunePending().catch((error: unknown) => log.error(`pending stations not pruned: ${error instanceof Error ? error.message : String(error)}`, { action: 'admission' }));
  }, PENDING_PRUNE_INTERVAL_MS);
  pruning.unref();
  // The command log, the audit log and samples outside sessions stay within their retention (issue 16, item 12).
  const retention = new Retention(store, log, now);
  retention.start();
  firmware.start();
  const pollMs = options.externalChangesPollMs ?? EXTERNAL_CHANGES_POLL_MS;
  const stopFollowing = pollMs > 0 ? followExternalChanges({ store, stationServer, log, reload }, pollMs, versionAtStart) : async () => undefined;

  let closed = false;
  return {
    port, ocppUrl, store, events, stations, sessions, commands, stationServer, log, control,
    get inputs() { return inputs; },
    get meters() { return meters; },
    get relay() { return relay; },
    reload,
    inject: http.inject.bind(http) as FastifyInstance['inject'],
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruning);
      await retention.stop();
      await stopFollowing();
      control?.stop();
      await inputs.stop();
      await meters.stop();
      await relay?.stop();
      await stationServer.close();
      await firmware.stop(); // after the stations: an update being sent fails at once
      await reconciling; // commands to stations fail at once now
      await clockResynced();
      await http.close();
      await new Promise((resolve) => setImmediate(resolve)); // let the last close events queue their writes
      await store.close();
    },
  };
}

/** The upstream settings the relay is started from, to tell whether a reload must restart it. */
async function upstreamConfig(store: Store): Promise<string> {
  return JSON.stringify(resolveSettings(await store.settings.getAll()).upstream ?? {});
}

/** What the meters and inputs are started from, to tell whether a reload must restart them. */
async function deviceConfig(store: Store): Promise<{ meters: string; inputs: string }> {
  const stored = await store.settings.getAll();
  const settings = resolveSettings(stored);
  return {
    meters: JSON.stringify([stored.meters ?? [], settings.meterPollingMs, settings.registerMapsDir]),
    inputs: JSON.stringify(stored.inputs ?? []),
  };
}

function wireInputs(inputs: DigitalInputs, control: ControlLoop | null, log: EventLog): void {
  if (!control) return;
  control.state.digitalInputs = () => inputs.states();
  inputs.on('change', (change) => {
    log.info(`digital input ${change.id} ${change.high ? 'active' : 'inactive'} (${change.cause})`, { action: 'digital-input' });
    control.poke();
  });
}

function wireMeters(meters: MeterPoller, control: ControlLoop | null, log: EventLog): void {
  if (!control) return;
  meters.on('reading', (name, reading) => {
    control.state.meterReadings.set(name, { currentsA: reading.currentsA, at: reading.at });
    control.poke();
  });
  meters.on('state', (state) => {
    const message = `meter ${state.name}: ${state.status}${state.lost ? ' (lost)' : ''}${state.reason ? `: ${state.reason}` : ''}`;
    if (state.status === 'connected' && !state.lost) log.info(message, { action: 'meter' });
    else log.warn(message, { action: 'meter' });
    control.poke();
  });
}

/** The digital inputs of the stored configuration (M2); a bad one is logged and left out. */
async function startDigitalInputs(store: Store, logger: Logger, now: () => number): Promise<DigitalInputs> {
  const stored = (await store.settings.getAll()).inputs ?? [];
  const validation = validateInputConfigs(stored, ['inputs']);
  if (!validation.ok) logger.error({ errors: validation.errors }, 'stored digital inputs are invalid; none are used');
  const inputs = new DigitalInputs(validation.ok ? validation.configs : [], { now, logger });
  await inputs.start();
  return inputs;
}

/** The meters of the stored configuration (P1-P3); bad maps or meters are logged and left out. */
async function startMeters(store: Store, logger: Logger, now: () => number): Promise<MeterPoller> {
  const stored = await store.settings.getAll();
  const settings = resolveSettings(stored);
  const { maps, errors } = await loadRegisterMaps(settings.registerMapsDir || undefined);
  for (const error of errors) logger.error({ error }, 'register map left out');
  const validation = validateMeterConfigs(Array.isArray(stored.meters) ? stored.meters : [], new Set(maps.keys()));
  if (!validation.ok) logger.error({ errors: validation.errors }, 'stored meters are invalid; none are polled');
  return new MeterPoller({ meters: validation.ok ? validation.configs : [], maps, pollingMs: settings.meterPollingMs, now });
}

async function createHttpServer(options: FuseguardOptions & { trustProxy: boolean }, stationServer: StationServer, ctx: ApiContext): Promise<FastifyInstance> {
  const requestTimeout = options.httpRequestTimeoutMs ?? HTTP_REQUEST_TIMEOUT_MS;
  // Given to Node's server itself: set later (as Fastify does), Node 20 does not apply it. Checked
  // every 30 s; a shorter timeout (tests) more often.
  const serverOptions = { requestTimeout, connectionsCheckingInterval: Math.min(30_000, Math.max(100, requestTimeout / 2)) };
  const https = options.tls ? { ...serverOptions, key: readFileSync(options.tls.keyFile), cert: readFileSync(options.tls.certFile) } : null;
  const http = Fastify({
    logger: false, ...(https ? { https } : { http: serverOptions }),
    // Behind a reverse proxy, the client address (lockout, logs) comes from X-Forwarded-For.
    // One proxy, the peer: the client is the address it appended, the last of X-Forwarded-For.
    // `true` would take the first, which any client writes itself, and dodge lockouts with it;
    // Fastify's hop count trusts nothing (issue 14).
    trustProxy: options.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
    requestTimeout,
    // Unknown fields are refused, not silently dropped: a typo gets an error that names it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }) as unknown as FastifyInstance;
  await registerApi(http, ctx);
  http.get('/healthz', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Liveness, for load balancers and supervisors (R3)' },
  }, async () => ({ status: 'ok', version: VERSION, stationsConnected: stationServer.connectedIds().length }));
  http.server.on('upgrade', (request, socket, head) => {
    if (request.url?.startsWith(`${OCPP_PATH}/`)) {
      stationServer.handleUpgrade(request, socket, head);
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  return http;
}
