// Starts a real Fuseguard on 127.0.0.1 with a fresh data folder, and raw OCPP clients for it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startFuseguard, type Fuseguard, type FuseguardOptions } from '../../src/app/fuseguard.js';
import { RPCClient } from '../../src/ocpp/rpc.js';
import type { SiteFile } from '../../src/site/site-schema.js';
import { tempDir } from './temp-dir.js';

export interface Harness {
  app: Fuseguard;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function startHarness(site?: SiteFile, options: Partial<FuseguardOptions> = {}): Promise<Harness> {
  const dir = tempDir();
  let siteFile: string | undefined;
  if (site) {
    siteFile = join(dir.path, 'site.json');
    writeFileSync(siteFile, JSON.stringify(site));
  }
  const app = await startFuseguard({
    dataDir: join(dir.path, 'data'), port: 0, host: '127.0.0.1', siteFile, logger: pino({ level: 'silent' }), ...options,
  });
  return { app, dataDir: join(dir.path, 'data'), async cleanup() { await app.close(); dir.cleanup(); } };
}

export type RawStation = InstanceType<typeof RPCClient>;

/** A bare OCPP-J client, not strict, so tests can send what a faulty station would. */
export async function connectRaw(url: string, identity: string, options: { password?: string; protocols?: string[]; wsOpts?: Record<string, unknown> } = {}): Promise<RawStation> {
  const client = new RPCClient({
    endpoint: url, identity, password: options.password ?? null, protocols: options.protocols ?? ['ocpp1.6'],
    reconnect: false, strictMode: false, callTimeoutMs: 5_000, wsOpts: options.wsOpts ?? {},
  } as ConstructorParameters<typeof RPCClient>[0]);
  await client.connect();
  return client;
}

/**
 * Sends a raw station's BootNotification and checks it is Accepted: the station is then
 * registered (D8, issue 13), and Fuseguard may send it requests. Returns the answer.
 */
export async function bootRaw(cp: RawStation, req: Record<string, unknown> = { chargePointVendor: 'Test', chargePointModel: 'Raw' }): Promise<{ status: string; interval: number; currentTime: string }> {
  const conf = await cp.call('BootNotification', req) as { status: string; interval: number; currentTime: string };
  if (conf.status !== 'Accepted') throw new Error(`BootNotification of ${cp.identity} answered ${conf.status}, not Accepted`);
  return conf;
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const iso = (at: number) => new Date(at).toISOString();

export const testSite = (): SiteFile => ({
  settings: { unknownStations: 'pending' },
  zones: [{
    name: 'Main', maxCurrentA: 63, mode: 'static', authMode: 'lms-known-badges',
    children: [
      { name: 'Row A', maxCurrentA: 32, mode: 'static' },
      { name: 'Row B', maxCurrentA: 32, mode: 'static', authMode: 'lms-allow-all' },
    ],
  }],
  stations: [
    { id: 'CP-001', zone: 'Row A', password: 'secret-key-001', connectors: [{ id: 1 }] },
    { id: 'CP-002', zone: 'Row A', connectors: [{ id: 1 }, { id: 2, phases: 'L1' }] },
    { id: 'CP-003', zone: 'Row B', connectors: [{ id: 1 }] },
  ],
  badges: [
    { idTag: 'GOOD', authorized: true },
    { idTag: 'BLOCKED', authorized: false },
  ],
});
