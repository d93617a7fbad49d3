// Authentication on the stations (B1, B2, O5): at every registration (a boot accepted, or a
// reconnection without a boot: nothing goes before, D8), and when a
// configuration change moves a connected station to another mode or offline policy, the
// configuration keys of its mode and policy, and in `station-list` mode Fuseguard's badge list
// (SendLocalList, full update, versioned). In `free` mode, a car that plugs in is started with
// RemoteStartTransaction and the `freeModeIdTag` setting. Independent of the control loop: it
// runs with load management off too; with it, a station gets its keys after the control loop's
// provisioning of it (failsafe profiles first, D5). See docs/authentication.md.
import { resolveAuthPolicy, stationAuthKeys, type StationAuthPolicy } from './auth-policy.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import type { SiteEvents } from '../services/site-events.js';
import { resolveSettings } from '../site/settings.js';
import type { Store } from '../store/store.js';

export interface AuthProvisionerOptions {
  /**
   * Resolves when what must reach a station before its authentication keys has gone: the control
   * loop's provisioning, with the failsafe profiles (D5, O5): `ControlLoop.provisioned()`.
   */
  after?: (stationId: string) => Promise<void>;
}

/** One provisioning of a station: waiting its turn, or sending the keys of `policy`. */
interface Run {
  waiting: boolean;
  policy?: string;
  done: Promise<void>;
}

type ListOutcome = 'taken' | 'refused' | 'unanswered';

export class AuthProvisioner {
  /** `${stationId}#${connectorId}` of free-mode starts in flight. */
  private readonly starting = new Set<string>();
  /**
   * The policy whose keys each registered station took on this connection, to tell what a reload
   * changed. A station whose keys went unanswered (timeout, disconnection) is not in it: the next
   * reconcile tries again.
   */
  private readonly provisioned = new Map<string, string>();
  /** One token per registered connection: a provisioning that outlives its connection records nothing. */
  private readonly connections = new Map<string, object>();
  /** One provisioning at a time per station; one waiting its turn serves every request made meanwhile. */
  private readonly runs = new Map<string, Run>();
  private after: (stationId: string) => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly commands: CommandSender,
    private readonly events: SiteEvents,
    private readonly log: EventLog,
  ) {}

  attach(options: AuthProvisionerOptions = {}): void {
    if (options.after) this.after = options.after;
    // D8: nothing before the station takes requests (its boot accepted, or a request after
    // reconnecting); then once per registration.
    this.events.on('station.registered', ({ stationId }) => {
      this.connections.set(stationId, {});
      void this.provisionSoon(stationId);
    });
    this.events.on('station.disconnected', ({ stationId }) => {
      this.connections.delete(stationId);
      this.provisioned.delete(stationId);
    });
    this.events.on('connector.status', ({ stationId, connectorId, status }) => {
      if (status === 'Preparing' && connectorId > 0) void this.startFree(stationId, connectorId).catch((error: unknown) => this.fail(stationId, 'RemoteStartTransaction', error));
    });
    this.events.on('badges.changed', () => void this.pushLists().catch((error: unknown) => this.fail(undefined, 'SendLocalList', error)));
  }

  /**
   * After a configuration change (zones, stations, admission): every connected, admitted station
   * whose mode or offline policy is not the one it took (or is taking) gets it now.
   */
  async reconcile(): Promise<void> {
    for (const station of await this.store.stations.list()) {
      if (!this.connections.has(station.id) || station.admission !== 'admitted') continue;
      const wanted = policyKey(await resolveAuthPolicy(this.store, station));
      const run = this.runs.get(station.id);
      if (run ? run.waiting || run.policy === wanted : this.provisioned.get(station.id) === wanted) continue;
      await this.provisionSoon(station.id);
    }
  }

  /** Provisions the station after the run in progress (if any) and after `after`. */
  private provisionSoon(stationId: string): Promise<void> {
    const current = this.runs.get(stationId);
    if (current?.waiting) return current.done;
    const run: Run = { waiting: true, done: Promise.resolve() };
    run.done = (current?.done ?? Promise.resolve())
      .then(async () => {
        try {
          await this.after(stationId);
          await this.provision(stationId, run);
        } catch (error) {
          this.fail(stationId, 'authentication provisioning', error);
        }
      })
      .finally(() => {
        if (this.runs.get(stationId) === run) this.runs.delete(stationId);
      });
    this.runs.set(stationId, run);
    return run.done;
  }

  /**
   * What the station must hold for its mode and offline policy (O5). Recorded as provisioned only
   * once the station answered every key: Accepted, or refused (logged; asking again would not
   * change its answer). No answer (timeout, disconnection) leaves it to the next connection or
   * reconcile.
   */
  private async provision(stationId: string, run: Run): Promise<void> {
    run.waiting = false;
    const connection = this.connections.get(stationId);
    const station = await this.store.stations.get(stationId);
    if (station?.admission !== 'admitted') return;
    const policy = await resolveAuthPolicy(this.store, station);
    run.policy = policyKey(policy);
    this.provisioned.delete(stationId);
    // What station-list turns on must be turned off when the station leaves it, also after a
    // restart of Fuseguard: stored with the station.
    const leavingStationList = station.local_list_keys === 1;
    if (policy.mode === 'station-list' && !leavingStationList) await this.markLocalListKeys(stationId, 1);
    for (const [key, value] of stationAuthKeys(policy, { leavingStationList })) {
      const result = await this.commands.send(stationId, 'ChangeConfiguration', { key, value });
      if (!result.ok) {
        this.log.warn(`${key} not set to ${value}: ${result.message}; set again at the next connection or configuration change`, { stationId, action: 'ChangeConfiguration' });
        return;
      }
      if (result.response.status !== 'Accepted') {
        this.log.warn(`${key} not set to ${value}: ${result.response.status}`, { stationId, action: 'ChangeConfiguration' });
      }
    }
    if (policy.mode !== 'station-list' && leavingStationList) await this.markLocalListKeys(stationId, null); // its keys are off now
    if (policy.mode === 'station-list' && (await this.pushList(stationId)) === 'unanswered') return;
    if (this.connections.get(stationId) === connection) this.provisioned.set(stationId, run.policy);
    if (policy.mode === 'free') {
      // A car plugged in while the station was away.
      for (const c of await this.store.stations.listConnectors(stationId)) {
        if (c.status === 'Preparing') await this.startFree(stationId, c.connector_id);
      }
    }
  }

  private async markLocalListKeys(stationId: string, on: 1 | null): Promise<void> {
    await this.store.commit((db) => this.store.stations.update(stationId, { local_list_keys: on }, db));
  }

  /** SendLocalList, full update: authorized badges Accepted, the others Blocked. */
  async pushList(stationId: string): Promise<ListOutcome> {
    const current = await this.commands.send(stationId, 'GetLocalListVersion', {});
    if (!current.ok) return 'unanswered';
    if (current.response.listVersion < 0) {
      this.log.warn('the station has no local list (GetLocalListVersion -1): its badge list is not pushed', { stationId, action: 'SendLocalList' });
      return 'refused';
    }
    const badges = await this.store.badges.list();
    const result = await this.commands.send(stationId, 'SendLocalList', {
      listVersion: current.response.listVersion + 1,
      updateType: 'Full',
      localAuthorizationList: badges.map((b) => ({ idTag: b.id_tag, idTagInfo: { status: b.authorized === 1 ? 'Accepted' : 'Blocked' } })),
    });
    if (!result.ok || result.response.status !== 'Accepted') {
      this.log.warn(`badge list not taken: ${result.ok ? result.response.status : result.message}`, { stationId, action: 'SendLocalList' });
      return result.ok ? 'refused' : 'unanswered';
    }
    return 'taken';
  }

  /** Every connected `station-list` station gets the list again. */
  async pushLists(): Promise<void> {
    for (const station of await this.store.stations.list()) {
      if (!this.connections.has(station.id) || station.admission !== 'admitted') continue;
      if ((await resolveAuthPolicy(this.store, station)).mode === 'station-list') await this.pushList(station.id);
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

  private fail(stationId: string | undefined, action: string, error: unknown): void {
    this.log.error(`${action} failed: ${error instanceof Error ? error.message : String(error)}`, { ...(stationId ? { stationId } : {}), action });
  }
}

const policyKey = (policy: StationAuthPolicy): string => `${policy.mode}/${policy.offline ?? '-'}`;
