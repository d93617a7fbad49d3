// What a station must hold (O5, D5, D8): metering configuration, the capabilities Fuseguard must
// work within, and the failsafe profile of every connector. Runs once per registration (a boot
// answered Accepted, or a reconnection without a boot), never before: a station may refuse or drop
// requests until its boot is accepted. The failsafe reconciler then keeps every connected
// station's failsafes on what the site calls for (D1), reductions before increases. The live
// setpoints follow through the dispatcher, only on connectors whose failsafe is in place.
import { indexZones, type Failsafe, type ZoneSpec } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import { failsafeProfile, LIVE_STACK_LEVEL, scheduleLimit, type ProfileUnit } from './charging-profiles.js';
import { profileOutcome, type HeldProfiles } from './held-profiles.js';
import type { ConnectorRuntime, SiteState } from './site-state.js';

export interface StationCapabilities {
  maxStackLevel: number;
  rateUnit: 'A' | 'W';
  maxPeriods: number | null;
  sampledData: string | null;
  /** NumberOfConnectors, when the station told. */
  connectorCount: number | null;
  /** False when the station cannot hold the D5 scheme: flagged for the installer. */
  profilesSupported: boolean;
}

/** Where a station is in its lifecycle (D8), as the API shows it. */
export type StationControlState = 'offline' | 'not-booted' | 'not-provisioned' | 'provisioned';

/** The top-level zone of every zone (failsafe reductions and increases are ordered within it). */
function topZones(zones: readonly ZoneSpec[]): Map<string, string> {
  const index = indexZones(zones);
  return new Map(zones.map((z, i) => [z.name, zones[index.path[i][index.path[i].length - 1]].name]));
}

/** The failsafe as the station holds it, A per phase (rounded down to what a profile carries). */
const failsafeLimitA = (failsafeA: number, unit: ProfileUnit): number => (unit.rateUnit === 'A' ? scheduleLimit(failsafeA, unit) : failsafeA);

const METER_VALUES_SAMPLED_DATA = 'Energy.Active.Import.Register,Current.Import,Power.Active.Import';

interface Registration {
  /** Changes at every boot and disconnection: a run of an earlier one flags nothing. */
  epoch: number;
  registered: boolean;
  /** Capabilities learned and metering configured in this registration. */
  configured: boolean;
  /** What was learned of it (the same object as in `known`): one lookup per readiness check. */
  capabilities?: StationCapabilities;
}

export class StationProvisioner {
  private readonly known = new Map<string, StationCapabilities>();
  private readonly stations = new Map<string, Registration>();
  /** One provisioning run at a time per station. */
  private readonly runs = new Map<string, Promise<void>>();
  /** Connectors with a failsafe send in flight: one at a time each. */
  private readonly failsafeInFlight = new Set<string>();
  /** The reconciler's sends, to wait for them. */
  private readonly failsafeSends = new Map<string, Promise<void>>();
  /** Stations the reconciler looks at next round; every one when the failsafes move (reconciledFor). */
  private readonly reconcileDue = new Set<string>();
  private reconciledFor: Record<string, Failsafe> | null = null;
  /** Each zone's top-level zone, for the zones it was made of. */
  private topOf: { zones: readonly ZoneSpec[] | null; top: Map<string, string> } = { zones: null, top: new Map() };

  constructor(
    private readonly commands: CommandSender,
    private readonly state: SiteState,
    private readonly held: HeldProfiles,
    private readonly log: EventLog,
    /** The failsafe the site calls for now, per connector key (D1). */
    private readonly failsafes: () => Record<string, Failsafe>,
    /** Something changed that may let live profiles go out: allocate again. */
    private readonly changed: () => void,
  ) {}

  capabilities(stationId: string): StationCapabilities | undefined {
    return this.known.get(stationId);
  }

  /** Whether the connector takes live profiles: registered, configured, failsafe in place. */
  isReady(runtime: ConnectorRuntime): boolean {
    const station = this.stations.get(runtime.stationId);
    return station?.registered === true && station.configured && station.capabilities?.profilesSupported === true
      && this.held.failsafeHeld(runtime);
  }

  controlState(runtime: ConnectorRuntime, connected: boolean): StationControlState {
    if (!connected) return 'offline';
    const station = this.stations.get(runtime.stationId);
    if (!station?.registered) return 'not-booted';
    return this.isReady(runtime) ? 'provisioned' : 'not-provisioned';
  }

  /** The station booted: it may have lost its profiles, and takes requests once registered. */
  booted(stationId: string): void {
    this.restart(stationId);
    for (const runtime of this.state.connectorsOf(stationId)) this.held.mayHaveLost(runtime);
  }

  disconnected(stationId: string): void {
    this.restart(stationId);
  }

  /** D8: the station takes requests now: provision it (once per registration). */
  registered(stationId: string): Promise<void> {
    const station = this.registration(stationId);
    station.registered = true;
    station.configured = false;
    this.state.touchStation(stationId);
    const epoch = station.epoch;
    const run = (this.runs.get(stationId) ?? Promise.resolve()).then(() => this.provision(stationId, epoch)).catch((error: unknown) => {
      this.log.error(`provisioning failed: ${error instanceof Error ? error.message : String(error)}`, { stationId, action: 'provision' });
    }).finally(() => {
      if (this.runs.get(stationId) === run) this.runs.delete(stationId);
      this.reconcileDue.add(stationId);
      this.changed();
    });
    this.runs.set(stationId, run);
    return run;
  }

  /** Resolves once no provisioning run of the station is in progress. */
  async settled(stationId: string): Promise<void> {
    for (let run = this.runs.get(stationId); run; run = this.runs.get(stationId)) await run;
  }

  /** Resolves once no failsafe is in flight. */
  async reconciled(): Promise<void> {
    while (this.failsafeSends.size > 0) await Promise.all([...this.failsafeSends.values()]);
  }

  /**
   * The failsafe reconciler (D8): every connected, provisioned station whose failsafe is not what
   * the site calls for gets it. Reductions go at once; an increase waits while a failsafe in its
   * top-level zone is still being lowered. Nothing waits for a station: every answer calls for
   * another round, which reconciles again, so one slow station holds up no other zone.
   */
  reconcile(failsafes: Record<string, Failsafe>): void {
    if (this.topOf.zones !== this.state.zones) this.topOf = { zones: this.state.zones, top: topZones(this.state.zones) };
    const topOf = (runtime: ConnectorRuntime) => this.topOf.top.get(runtime.zone) ?? runtime.zone;
    // Every connector when the failsafes moved; else only the stations something happened to
    // (a provisioning run or a failsafe send ended): a round must not walk the site (issue 15).
    let connectors: Iterable<ConnectorRuntime>;
    if (failsafes !== this.reconciledFor) {
      this.reconciledFor = failsafes;
      connectors = this.state.connectors.values();
    } else {
      connectors = [...this.reconcileDue].flatMap((stationId) => this.state.connectorsOf(stationId));
    }
    this.reconcileDue.clear();
    const lowering = new Set<string>();
    for (const key of this.failsafeInFlight) {
      const runtime = this.state.connectors.get(key);
      if (runtime) lowering.add(topOf(runtime));
    }
    const increases: ConnectorRuntime[] = [];
    for (const runtime of connectors) {
      // Those in a provisioning run or with a send in flight come back when it ends.
      if (runtime.kind === 'DC' || this.runs.has(runtime.stationId) || this.failsafeInFlight.has(runtime.key)) continue;
      const station = this.stations.get(runtime.stationId);
      if (!station?.registered || !station.configured || !station.capabilities?.profilesSupported) continue;
      const wantedA = failsafeLimitA(failsafes[runtime.key]?.failsafeA ?? 0, this.unitOf(runtime));
      const heldA = this.held.exactlyA(runtime, 'failsafe');
      if (heldA === wantedA) continue;
      if (heldA !== undefined && heldA !== null && wantedA > heldA) { increases.push(runtime); continue; }
      lowering.add(topOf(runtime));
      this.startFailsafe(runtime, failsafes, station.epoch);
    }
    for (const runtime of increases) {
      // After the reductions of its top-level zone: a later round.
      if (lowering.has(topOf(runtime))) this.reconcileDue.add(runtime.stationId);
      else this.startFailsafe(runtime, failsafes, this.stations.get(runtime.stationId)?.epoch ?? -1);
    }
  }

  private startFailsafe(runtime: ConnectorRuntime, failsafes: Record<string, Failsafe>, epoch: number): void {
    const send = this.sendFailsafe(runtime, failsafes, epoch).then(() => undefined, (error: unknown) => {
      this.log.error(`failsafe profile failed: ${error instanceof Error ? error.message : String(error)}`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
    }).finally(() => {
      this.failsafeSends.delete(runtime.key);
      this.changed();
    });
    this.failsafeSends.set(runtime.key, send);
  }

  private restart(stationId: string): void {
    const station = this.registration(stationId);
    station.epoch += 1;
    station.registered = false;
    station.configured = false;
    this.state.touchStation(stationId);
  }

  private registration(stationId: string): Registration {
    let station = this.stations.get(stationId);
    if (!station) this.stations.set(stationId, station = { epoch: 0, registered: false, configured: false });
    return station;
  }

  private current(stationId: string, epoch: number): boolean {
    return this.stations.get(stationId)?.epoch === epoch;
  }

  private async provision(stationId: string, epoch: number): Promise<void> {
    if (!this.current(stationId, epoch)) return;
    const capabilities = await this.learn(stationId);
    if (!this.current(stationId, epoch)) return;
    // Connectors it has and the site does not list yet: counted at their maximum, provisioned now.
    if (capabilities.connectorCount !== null) await this.state.discoverConnectors(stationId, capabilities.connectorCount);
    (this.stations.get(stationId) as Registration).configured = true;
    this.state.touchStation(stationId);
    if (!capabilities.profilesSupported) {
      await this.state.flagStation(stationId, `ChargeProfileMaxStackLevel ${capabilities.maxStackLevel} leaves no room for a live profile`);
    } else {
      // The failsafe goes first: a live profile must always have it underneath (D5), and until it
      // is in place a station that may have lost its profiles is counted at its maximum. Sent
      // again at every registration (O5), whatever Fuseguard believes it holds.
      const failsafes = this.failsafes();
      let allHeld = true;
      for (const runtime of this.state.connectorsOf(stationId).filter((r) => r.kind !== 'DC')) {
        if (!(await this.sendFailsafe(runtime, failsafes, epoch))) allHeld = false;
        if (!this.current(stationId, epoch)) return;
      }
      // Provisioned: a flag from an earlier connection is lifted; refusals would raise it again.
      if (allHeld) await this.state.flagStation(stationId, null);
      this.changed(); // its live profiles need not wait for the metering below
    }
    for (const [key, value] of [['MeterValuesSampledData', METER_VALUES_SAMPLED_DATA], ['MeterValueSampleInterval', String(this.state.settings.meterValueSampleIntervalS)]]) {
      if (!this.current(stationId, epoch)) return;
      const result = await this.commands.send(stationId, 'ChangeConfiguration', { key, value });
      if (!result.ok || result.response.status !== 'Accepted') {
        this.log.warn(`${key} not set: ${result.ok ? result.response.status : result.message}`, { stationId, action: 'ChangeConfiguration' });
      }
    }
  }

  /** Sends the connector's failsafe; true once it is acknowledged. A refusal flags the station. */
  private async sendFailsafe(runtime: ConnectorRuntime, failsafes: Record<string, Failsafe>, epoch: number): Promise<boolean> {
    const capabilities = this.known.get(runtime.stationId);
    if (!capabilities || this.failsafeInFlight.has(runtime.key)) return false;
    const failsafeA = failsafes[runtime.key]?.failsafeA ?? 0;
    const unit = this.unitOf(runtime);
    const profile = failsafeProfile(runtime.connectorId, failsafeA, unit);
    const limitA = failsafeLimitA(failsafeA, unit);
    this.failsafeInFlight.add(runtime.key);
    const sendId = this.held.sent(runtime, 'failsafe', { limitA, validToAt: null });
    try {
      const result = await this.commands.send(runtime.stationId, 'SetChargingProfile', { connectorId: runtime.connectorId, csChargingProfiles: profile });
      const outcome = profileOutcome(result);
      this.held.answered(runtime, 'failsafe', sendId, outcome);
      if (outcome === 'accepted') return true;
      const why = result.ok ? result.response.status : result.message;
      // A refusal from a station that has booted again meanwhile says nothing: it is provisioned anew.
      if (outcome === 'refused' && !(!result.ok && result.notSent) && this.current(runtime.stationId, epoch)) {
        capabilities.profilesSupported = false;
        this.state.touchStation(runtime.stationId);
        await this.state.flagStation(runtime.stationId, `failsafe profile refused on connector ${runtime.connectorId}`);
        this.log.error(`failsafe profile refused on connector ${runtime.connectorId}: ${why}; the station cannot hold a failsafe`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
      } else {
        this.log.warn(`failsafe profile on connector ${runtime.connectorId} not answered (${why}): counted at its maximum until it is; sent again`, { stationId: runtime.stationId, action: 'SetChargingProfile' });
      }
      return false;
    } finally {
      this.failsafeInFlight.delete(runtime.key);
      this.reconcileDue.add(runtime.stationId);
    }
  }

  private unitOf(runtime: ConnectorRuntime): ProfileUnit {
    return { rateUnit: this.known.get(runtime.stationId)?.rateUnit ?? 'A', numberPhases: runtime.wiring.length === 2 ? 1 : 3 };
  }

  /** GetConfiguration of the smart-charging keys; missing keys get cautious defaults. */
  private async learn(stationId: string): Promise<StationCapabilities> {
    const result = await this.commands.send(stationId, 'GetConfiguration', {
      key: ['ChargeProfileMaxStackLevel', 'ChargingScheduleAllowedChargingRateUnit', 'ChargingScheduleMaxPeriods', 'MeterValuesSampledData', 'NumberOfConnectors'],
    });
    const values = new Map((result.ok ? result.response.configurationKey ?? [] : []).map((k) => [k.key, k.value ?? '']));
    const maxStackLevel = Number(values.get('ChargeProfileMaxStackLevel') ?? NaN);
    const units = (values.get('ChargingScheduleAllowedChargingRateUnit') ?? 'Current').split(',').map((u) => u.trim());
    const connectorCount = Number(values.get('NumberOfConnectors') ?? NaN);
    const capabilities: StationCapabilities = {
      maxStackLevel: Number.isFinite(maxStackLevel) ? maxStackLevel : LIVE_STACK_LEVEL,
      rateUnit: units.includes('Current') ? 'A' : units.includes('Power') ? 'W' : 'A',
      maxPeriods: values.has('ChargingScheduleMaxPeriods') ? Number(values.get('ChargingScheduleMaxPeriods')) : null,
      sampledData: values.get('MeterValuesSampledData') ?? null,
      // A station with an absurd count is not believed (the site and its StatusNotifications still tell).
      connectorCount: Number.isInteger(connectorCount) && connectorCount >= 1 && connectorCount <= 64 ? connectorCount : null,
      profilesSupported: true,
    };
    if (capabilities.maxStackLevel < LIVE_STACK_LEVEL) {
      capabilities.profilesSupported = false;
      this.log.error(`ChargeProfileMaxStackLevel ${capabilities.maxStackLevel} leaves no room for a live profile above the failsafe`, { stationId, action: 'GetConfiguration' });
    }
    this.known.set(stationId, capabilities);
    this.registration(stationId).capabilities = capabilities;
    this.state.touchStation(stationId);
    return capabilities;
  }
}
