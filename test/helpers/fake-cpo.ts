// A fake CPO central system for the relay tests (U1-U4): ocpp-rpc's RPCServer on 127.0.0.1,
// strict mode, recording every call it gets. It can stop and start again on the same port (an
// outage), numbers transactions from its own counter, and calls the stations it sees.
import type { Server } from 'node:http';
import { RPCServer } from '../../src/ocpp/rpc.js';
import type { SiteFile } from '../../src/site/site-schema.js';
import { testSite } from './harness.js';

interface CpoClient {
  identity: string;
  handle(method: string, handler: (call: { params: unknown }) => Promise<unknown>): void;
  call(method: string, params: unknown, options?: { callTimeoutMs?: number }): Promise<unknown>;
  once(event: 'close', fn: () => void): void;
}

export interface CpoCall {
  identity: string;
  action: string;
  params: Record<string, unknown>;
  at: number;
}

const ACTIONS = ['BootNotification', 'Heartbeat', 'Authorize', 'StartTransaction', 'StopTransaction', 'MeterValues',
  'StatusNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'DataTransfer'];

export class FakeCpo {
  readonly calls: CpoCall[] = [];
  readonly clients = new Map<string, CpoClient>();
  /** Connections accepted, per identity (reconnections count). */
  readonly connections = new Map<string, number>();
  nextTransactionId = 9_001;
  currentTime = () => new Date().toISOString();
  /** Basic auth passwords the CPO asks of some identities (U1); others connect without one. */
  readonly passwords = new Map<string, string>();
  /** Connections refused for a wrong or missing password, per identity. */
  readonly refused = new Map<string, number>();
  /** Answer overrides per action; throw to answer with a CALLERROR. */
  readonly responders = new Map<string, (params: Record<string, unknown>) => unknown>();
  private rpc: InstanceType<typeof RPCServer> | null = null;
  private http: Server | null = null;
  port = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}/cpo`;
  }

  async start(): Promise<void> {
    const rpc = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    rpc.auth((accept, reject, handshake) => {
      const wanted = this.passwords.get(handshake.identity);
      if (wanted === undefined || handshake.password?.toString('utf8') === wanted) {
        accept(undefined, 'ocpp1.6');
        return;
      }
      this.refused.set(handshake.identity, (this.refused.get(handshake.identity) ?? 0) + 1);
      reject(401, 'wrong password');
    });
    rpc.on('client', (client: unknown) => this.attach(client as CpoClient));
    this.http = await rpc.listen(this.port, '127.0.0.1');
    const address = this.http.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.rpc = rpc;
  }

  /** Stops listening and drops every link: the CPO is down. */
  async stop(): Promise<void> {
    const { rpc, http } = this;
    this.rpc = null;
    this.http = null;
    await rpc?.close({ force: true, awaitPending: false } as never);
    await new Promise<void>((resolve) => (http?.listening ? http.close(() => resolve()) : resolve()));
    this.clients.clear();
  }

  of(action: string, identity?: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.action === action && (identity === undefined || c.identity === identity)).map((c) => c.params);
  }

  async call(identity: string, action: string, params: unknown): Promise<unknown> {
    const client = this.clients.get(identity);
    if (!client) throw new Error(`${identity} is not connected to the CPO`);
    return client.call(action, params, { callTimeoutMs: 10_000 });
  }

  private attach(client: CpoClient): void {
    this.clients.set(client.identity, client);
    this.connections.set(client.identity, (this.connections.get(client.identity) ?? 0) + 1);
    client.once('close', () => {
      if (this.clients.get(client.identity) === client) this.clients.delete(client.identity);
    });
    for (const action of ACTIONS) {
      client.handle(action, async ({ params }) => {
        const p = params as Record<string, unknown>;
        this.calls.push({ identity: client.identity, action, params: p, at: Date.now() });
        const custom = this.responders.get(action);
        if (custom) return custom(p);
        return this.answer(action);
      });
    }
  }

  private answer(action: string): unknown {
    switch (action) {
      case 'BootNotification': return { status: 'Accepted', currentTime: this.currentTime(), interval: 300 };
      case 'Heartbeat': return { currentTime: this.currentTime() };
      case 'Authorize': return { idTagInfo: { status: 'Accepted' } };
      case 'StartTransaction': return { transactionId: this.nextTransactionId++, idTagInfo: { status: 'Accepted' } };
      case 'StopTransaction': return { idTagInfo: { status: 'Accepted' } };
      case 'DataTransfer': return { status: 'UnknownVendorId' };
      default: return {};
    }
  }
}

/** Relay timings short enough for tests. */
export const FAST_RELAY = { backoffInitialMs: 100, backoffMaxMs: 400, retryIntervalMs: 100, replayPaceMs: 5, callTimeoutMs: 2_000, commandTimeoutMs: 5_000 };

export function relaySite(cpoUrl: string): SiteFile {
  const site = testSite();
  return {
    ...site,
    settings: { ...site.settings, meterValueSampleIntervalS: 1, upstream: { enabled: true, url: cpoUrl, transactionMessageAttempts: 5, webSocketPingIntervalS: 5 } },
    stations: site.stations?.map((s) => (s.id === 'CP-003' ? { ...s, boxIdentity: 'CPO-0003' } : s)),
  };
}
