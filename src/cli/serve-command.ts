import type { Command } from 'commander';
import { pino } from 'pino';
import { startFuseguard, type Fuseguard } from '../app/fuseguard.js';
import { SiteApplyError } from '../site/apply-site.js';
import { dataDirOption, DEFAULT_PORT, parsePort } from './options.js';

export function registerServeCommand(program: Command): void {
  program.command('serve')
    .description('run Fuseguard: the OCPP endpoint (and later the API and web UI) on one port')
    .addOption(dataDirOption())
    .option('--port <port>', 'port for OCPP, API and web UI', parsePort, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--site <file>', 'apply this site file at start (R4); idempotent, safe on every restart')
    .option('--tls-cert <file>', 'PEM certificate: serve wss:// and https://')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .action(async (opts: { dataDir: string; port: number; host: string; site?: string; tlsCert?: string; tlsKey?: string }) => {
      if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) program.error('--tls-cert and --tls-key go together');
      const app = await start(() => startFuseguard({
        dataDir: opts.dataDir, port: opts.port, host: opts.host, siteFile: opts.site,
        tls: opts.tlsCert && opts.tlsKey ? { certFile: opts.tlsCert, keyFile: opts.tlsKey } : undefined,
        logger: pino({ level: process.env.FUSEGUARD_LOG_LEVEL ?? 'info' }),
      }));
      stopOnSignals(app);
    });
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

/** Graceful shutdown (R3): connections closed, database flushed, then exit. */
export function stopOnSignals(app: Fuseguard, beforeClose: () => Promise<void> = async () => {}): void {
  const stop = (signal: string) => {
    app.log.info(`${signal}: shutting down`, { action: 'stop' });
    void beforeClose().then(() => app.close()).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
