import type { Command } from 'commander';
import { pino, type Logger } from 'pino';
import { startFuseguard, type Fuseguard, type FuseguardOptions } from '../app/fuseguard.js';
import { SiteApplyError } from '../site/apply-site.js';
import { resolveSettings } from '../site/settings.js';
import { Store } from '../store/store.js';
import { dataDirOption, DEFAULT_PORT, parsePort } from './options.js';
import { describeReason, installProcessPolicy } from './process-policy.js';

interface ServeFlags { dataDir: string; port?: number; host?: string; site?: string; tlsCert?: string; tlsKey?: string }

export function registerServeCommand(program: Command): void {
  program.command('serve')
    .description('run Fuseguard: the OCPP endpoint, the API and the web UI on one port')
    .addOption(dataDirOption())
    .option('--port <port>', `port for OCPP, API and web UI [stored network settings, else ${DEFAULT_PORT}]`, parsePort)
    .option('--host <address>', 'address to listen on [stored network settings, else 0.0.0.0]')
    .option('--site <file>', 'apply this site file at start (R4); idempotent, safe on every restart')
    .option('--tls-cert <file>', 'PEM certificate: serve wss:// and https:// [stored network settings]')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .action(async (flags: ServeFlags) => {
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) program.error('--tls-cert and --tls-key go together');
      const logger = pino({ level: process.env.FUSEGUARD_LOG_LEVEL ?? 'info' });
      let app: Fuseguard;
      let restarting = false;
      // X5: close everything, then start again in this process with the same flags; stored
      // network settings changed since are taken into account.
      const onRestart = () => {
        if (restarting) return;
        restarting = true;
        logger.warn('restarting');
        void app.close()
          .then(async () => { app = await startFuseguard(await serveOptions(flags, logger, onRestart)); })
          .then(() => { restarting = false; logger.info({ port: app.port }, 'restarted'); }, (error: unknown) => {
            console.error(`restart failed: ${error instanceof Error ? error.message : String(error)}`);
            process.exit(1);
          });
      };
      app = await start(async () => startFuseguard(await serveOptions(flags, logger, onRestart)));
      stopOnSignals(() => app);
    });
}

/**
 * The options of a start: command-line flags win; without one, the stored network settings
 * (W8: host, port, TLS files) apply; then the defaults.
 */
export async function serveOptions(flags: ServeFlags, logger: Logger, onRestart: () => void): Promise<FuseguardOptions> {
  const store = await Store.open(flags.dataDir);
  let network: ReturnType<typeof resolveSettings>['network'];
  try {
    network = resolveSettings(await store.settings.getAll()).network;
  } finally {
    await store.close();
  }
  const certFile = flags.tlsCert ?? (flags.tlsKey ? undefined : network.tlsCertFile);
  const keyFile = flags.tlsKey ?? (flags.tlsCert ? undefined : network.tlsKeyFile);
  return {
    dataDir: flags.dataDir, port: flags.port ?? network.port ?? DEFAULT_PORT, host: flags.host ?? network.host ?? '0.0.0.0', siteFile: flags.site,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    logger, onRestart,
  };
}

/** Starts, or exits with the reason (a bad site file lists every bad field). */
export async function start(run: () => Promise<Fuseguard>): Promise<Fuseguard> {
  try {
    return await run();
  } catch (error) {
    console.error(error instanceof SiteApplyError ? error.message : `cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** Graceful shutdown (R3): connections closed, database flushed, then exit. `app` may be a getter (it changes on restart). */
export function stopOnSignals(app: Fuseguard | (() => Fuseguard), beforeClose: () => Promise<void> = async () => {}): void {
  const current = () => (typeof app === 'function' ? app() : app);
  installProcessPolicy({
    rejected: (reason) => current().log.error(`unhandled rejection: ${describeReason(reason)}`, { action: 'process' }),
    uncaught: (error) => current().log.logger.fatal({ err: error }, 'uncaught exception: stopping'),
  });
  const stop = (signal: string) => {
    current().log.info(`${signal}: shutting down`, { action: 'stop' });
    void beforeClose().then(() => current().close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
