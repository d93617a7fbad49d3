// Authentication on the stations (B1, B2, O5): at every boot and reconnection, and when a
// configuration change moves a connected station to another mode or offline policy, the
// configuration keys of its mode and policy, and in `station-list` mode Fuseguard's badge list
// (SendLocalList, full update, versioned). In `free` mode, a car that plugs in is started with
// RemoteStartTransaction and the `freeModeIdTag` setting. Independent of the control loop: it
// runs with load management off too. See docs/authentication.md.
import { resolveAuthPolicy, stationAuthKeys, type StationAuthPolicy } from './auth-policy.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { SiteEvents } from '../services/site-events.js';
import { resolveSettings } from '../site/settings.js';
import type { Store } from '../store/store.js';

export class AuthProvisioner {
  /** `${stationId}#${connectorId}` of free-mode starts in flight. */
  private readonly starting = new Set<string>();
  /** The policy each connected station was last provisioned with, to tell what a reload changed. */
  private readonly provisioned = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly commands: CommandSender,
    private readonly events: SiteEvents,
    private readonly log: EventLog,
  ) {}

  attach(): void {
    this.events.on('station.connected', ({ stationId }) => void this.provisionAdmitted(stationId));
    this.events.on('station.booted', ({ stationId, admitted }) => {
      if (admitted) void this.provisionAdmitted(stationId);
    });
    this.events.on('station.disconnected', ({ stationId }) => this.provisioned.delete(stationId));
    this.events.on('connector.status', ({ stationId, connectorId, status }) => {
      if (status === 'Preparing' && connectorId > 0) void this.startFree(stationId, connectorId).catch((error: unknown) => this.fail(stationId, 'RemoteStartTransaction', error));
    });
    this.events.on('badges.changed', () => void this.pushLists().catch((error: unknown) => this.fail(undefined, 'SendLocalList', error)));
  }

  /**
   * After a configuration change (zones, stations, admission): every connected, admitted station
   * whose mode or offline policy is not the one it was provisioned with gets it now.
   */
  async reconcile(): Promise<void> {
    for (const station of await this.store.stations.list()) {
      if (station.connected !== 1 || station.admission !== 'admitted') continue;
      const policy = await resolveAuthPolicy(this.store, station.id);
      if (this.provisioned.get(station.id) !== policyKey(policy)) await this.provisionLogged(station.id);
    }
  }

  /** What the station must hold for its mode and offline policy (O5). */
  async provision(stationId: string): Promise<void> {
    const policy = await resolveAuthPolicy(this.store, stationId);
    this.provisioned.set(stationId, policyKey(policy));
    for (const [key, value] of stationAuthKeys(policy)) {
      const result = await this.commands.send(stationId, 'ChangeConfiguration', { key, value });
      if (!result.ok || result.response.status !== 'Accepted') {
        this.log.warn(`${key} not set to ${value}: ${result.ok ? result.response.status : result.message}`, { stationId, action: 'ChangeConfiguration' });
      }
    }
    if (policy.mode === 'station-list') await this.pushList(stationId);
    if (policy.mode === 'free') {
      // A car plugged in while the station was away.
      for (const c of await this.store.stations.listConnectors(stationId)) {
        if (c.status === 'Preparing') await this.startFree(stationId, c.connector_id);
      }
    }
  }

  /** SendLocalList, full update: authorized badges Accepted, the others Blocked. */
  async pushList(stationId: string): Promise<boolean> {
    const current = await this.commands.send(stationId, 'GetLocalListVersion', {});
    if (!current.ok) return false;
    if (current.response.listVersion < 0) {
      this.log.warn('the station has no local list (GetLocalListVersion -1): its badge list is not pushed', { stationId, action: 'SendLocalList' });
      return false;
    }
    const badges = await this.store.badges.list();
    const result = await this.commands.send(stationId, 'SendLocalList', {
      listVersion: current.response.listVersion + 1,
      updateType: 'Full',
      localAuthorizationList: badges.map((b) => ({ idTag: b.id_tag, idTagInfo: { status: b.authorized === 1 ? 'Accepted' : 'Blocked' } })),
    });
    if (!result.ok || result.response.status !== 'Accepted') {
      this.log.warn(`badge list not taken: ${result.ok ? result.response.status : result.message}`, { stationId, action: 'SendLocalList' });
      return false;
    }
    return true;
  }

  /** Every connected `station-list` station gets the list again. */
  async pushLists(): Promise<void> {
    for (const station of await this.store.stations.list()) {
      if (station.connected !== 1 || station.admission !== 'admitted') continue;
      if ((await resolveAuthPolicy(this.store, station.id)).mode === 'station-list') await this.pushList(station.id);
    }
  }

  /** `free`: a connector in Preparing without a session is started with the free idTag. */
  private async startFree(stationId: string, connectorId: number): Promise<void> {
    const key = `${stationId}#${connectorId}`;
    if (this.starting.has(key)) return;
    this.starting.add(key);
    try {
      if ((await resolveAuthPolicy(this.store, stationId)).mode !== 'free') return;
      const ongoing = await this.store.transactions.list({ stationId, ongoing: true });
      if (ongoing.some((t) => t.connector_id === connectorId)) return;
      const idTag = resolveSettings(await this.store.settings.getAll()).freeModeIdTag;
      const result = await this.commands.send(stationId, 'RemoteStartTransaction', { connectorId, idTag });
      if (result.ok && result.response.status === 'Accepted') {
        this.log.info(`free mode: charge started on connector ${connectorId} with ${idTag}`, { stationId, action: 'RemoteStartTransaction' });
      } else {
        this.log.warn(`free mode: the station refused to start connector ${connectorId}: ${result.ok ? result.response.status : result.message}`, { stationId, action: 'RemoteStartTransaction' });
      }
    } finally {
      this.starting.delete(key);
    }
  }

  private async provisionAdmitted(stationId: string): Promise<void> {
    if ((await this.store.stations.get(stationId))?.admission !== 'admitted') return;
    await this.provisionLogged(stationId);
  }

  private async provisionLogged(stationId: string): Promise<void> {
    try {
      await this.provision(stationId);
    } catch (error) {
      this.fail(stationId, 'authentication provisioning', error);
    }
  }

  private fail(stationId: string | undefined, action: string, error: unknown): void {
    this.log.error(`${action} failed: ${error instanceof Error ? error.message : String(error)}`, { ...(stationId ? { stationId } : {}), action });
  }
}

const policyKey = (policy: StationAuthPolicy): string => `${policy.mode}/${policy.offline ?? '-'}`;
