// What a station must hold after every boot or reconnection (O5): metering configuration, the
// capabilities Fuseguard must work within, and the failsafe profile of every connector (D5).
// The live setpoints follow through the control loop.
import type { Failsafe } from '../domain/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { EventLog } from '../services/event-log.js';
import { failsafeProfile, LIVE_STACK_LEVEL } from './charging-profiles.js';
import type { SiteState } from './site-state.js';

export interface StationCapabilities {
  maxStackLevel: number;
  rateUnit: 'A' | 'W';
  maxPeriods: number | null;
  sampledData: string | null;
  /** False when the station cannot hold the D5 scheme: flagged for the installer. */
  profilesSupported: boolean;
}

const METER_VALUES_SAMPLED_DATA = 'Energy.Active.Import.Register,Current.Import,Power.Active.Import';

export class StationProvisioner {
  private readonly known = new Map<string, StationCapabilities>();
  /** Stations that hold their failsafe profiles: only they get live profiles. */
  private readonly ready = new Set<string>();

  constructor(
    private readonly commands: CommandSender,
    private readonly state: SiteState,
    private readonly log: EventLog,
  ) {}

  capabilities(stationId: string): StationCapabilities | undefined {
    return this.known.get(stationId);
  }

  isReady(stationId: string): boolean {
    return this.ready.has(stationId);
  }

  /** The connection dropped or the station rebooted: provision again before any live profile. */
  reset(stationId: string): void {
    this.ready.delete(stationId);
  }

  async provision(stationId: string, failsafes: Record<string, Failsafe>): Promise<void> {
    this.ready.delete(stationId);
    const capabilities = await this.learn(stationId);
    for (const [key, value] of [['MeterValuesSampledData', METER_VALUES_SAMPLED_DATA], ['MeterValueSampleInterval', String(this.state.settings.meterValueSampleIntervalS)]]) {
      const result = await this.commands.send(stationId, 'ChangeConfiguration', { key, value });
      if (!result.ok || result.response.status !== 'Accepted') {
        this.log.warn(`${key} not set: ${result.ok ? result.response.status : result.message}`, { stationId, action: 'ChangeConfiguration' });
      }
    }
    if (!capabilities.profilesSupported) {
      await this.state.flagStation(stationId, `ChargeProfileMaxStackLevel ${capabilities.maxStackLevel} leaves no room for a live profile`);
      return;
    }
    // The failsafe goes first: a live profile must always have it underneath (D5).
    for (const runtime of this.state.connectors.values()) {
      if (runtime.stationId !== stationId || runtime.kind === 'DC') continue; // D6: DC has no failsafe
      const failsafeA = failsafes[runtime.key]?.failsafeA ?? 0;
      const profile = failsafeProfile(runtime.connectorId, failsafeA, { rateUnit: capabilities.rateUnit, numberPhases: runtime.wiring.length === 2 ? 1 : 3 });
      const result = await this.commands.send(stationId, 'SetChargingProfile', { connectorId: runtime.connectorId, csChargingProfiles: profile });
      if (!result.ok || result.response.status !== 'Accepted') {
        capabilities.profilesSupported = false;
        await this.state.flagStation(stationId, `failsafe profile refused on connector ${runtime.connectorId}`);
        this.log.error(`failsafe profile refused on connector ${runtime.connectorId}: ${result.ok ? result.response.status : result.message}; the station cannot hold a failsafe`, { stationId, action: 'SetChargingProfile' });
        return;
      }
    }
    this.ready.add(stationId);
    // Provisioned: a flag from an earlier connection is lifted; live refusals would raise it again.
    await this.state.flagStation(stationId, null);
  }

  /** GetConfiguration of the smart-charging keys; missing keys get cautious defaults. */
  private async learn(stationId: string): Promise<StationCapabilities> {
    const result = await this.commands.send(stationId, 'GetConfiguration', {
      key: ['ChargeProfileMaxStackLevel', 'ChargingScheduleAllowedChargingRateUnit', 'ChargingScheduleMaxPeriods', 'MeterValuesSampledData'],
    });
    const values = new Map((result.ok ? result.response.configurationKey ?? [] : []).map((k) => [k.key, k.value ?? '']));
    const maxStackLevel = Number(values.get('ChargeProfileMaxStackLevel') ?? NaN);
    const units = (values.get('ChargingScheduleAllowedChargingRateUnit') ?? 'Current').split(',').map((u) => u.trim());
    const capabilities: StationCapabilities = {
      maxStackLevel: Number.isFinite(maxStackLevel) ? maxStackLevel : LIVE_STACK_LEVEL,
      rateUnit: units.includes('Current') ? 'A' : units.includes('Power') ? 'W' : 'A',
      maxPeriods: values.has('ChargingScheduleMaxPeriods') ? Number(values.get('ChargingScheduleMaxPeriods')) : null,
      sampledData: values.get('MeterValuesSampledData') ?? null,
      profilesSupported: true,
    };
    if (capabilities.maxStackLevel < LIVE_STACK_LEVEL) {
      capabilities.profilesSupported = false;
      this.log.error(`ChargeProfileMaxStackLevel ${capabilities.maxStackLevel} leaves no room for a live profile above the failsafe`, { stationId, action: 'GetConfiguration' });
    }
    this.known.set(stationId, capabilities);
    return capabilities;
  }
}
