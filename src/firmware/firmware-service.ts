// Firmware rollouts (issue 16, item 7; spec O4, X5): the library of files, the per-station state,
// UpdateFirmware sent in turn so that at most `maxConcurrent` stations update at once, and the
// stations' FirmwareStatusNotification and BootNotification moving their state (rollout-status.ts).
import type { CommandSender } from '../ocpp/command-sender.js';
import type { StationServer } from '../ocpp/station-server.js';
import type { EventLog } from '../services/event-log.js';
import type { SiteEvents } from '../services/site-events.js';
import type { FirmwareFileRow, FirmwareRolloutRow } from '../store/repositories/firmware-repository.js';
import type { Store } from '../store/store.js';
import { FirmwareFiles } from './firmware-files.js';
import { FIRMWARE_SETTINGS_KEY, resolveFirmwareSettings, type FirmwareSettings } from './firmware-settings.js';
import { signedDownloadUrl } from './firmware-url.js';
import { afterBoot, afterFirmwareStatus, IN_PROGRESS, isInProgress, isStalled, roomForMore, type RolloutChange } from './rollout-status.js';

/** How often stalled updates are looked for and waiting ones sent, besides on events. */
const PUMP_INTERVAL_MS = 10_000;

export interface FirmwareServiceDeps {
  dataDir: string;
  store: Store;
  commands: CommandSender;
  stationServer: StationServer;
  events: SiteEvents;
  log: EventLog;
  now: () => number;
  /** Served over TLS: download URLs derived from a station's connection are https. */
  tls: boolean;
}

export interface RolloutTargets {
  stationIds?: string[];
  zone?: string;
  model?: string;
}

export interface RolloutOutcome {
  queued: string[];
  skipped: { stationId: string; reason: string }[];
}

export class FirmwareService {
  readonly files: FirmwareFiles;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> = Promise.resolve();
  private pumpAgain = false;
  private pumpRunning = false;
  private stopped = false;
  private readonly onBooted = ({ stationId }: { stationId: string }) => this.background(this.onBoot(stationId), stationId);
  private readonly onRegistered = () => this.pump();

  constructor(private readonly deps: FirmwareServiceDeps) {
    this.files = new FirmwareFiles(deps.dataDir);
  }

  start(): void {
    this.deps.events.on('station.booted', this.onBooted);
    this.deps.events.on('station.registered', this.onRegistered);
    this.timer = setInterval(() => this.pump(), PUMP_INTERVAL_MS);
    this.timer.unref();
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.deps.events.off('station.booted', this.onBooted);
    this.deps.events.off('station.registered', this.onRegistered);
    await this.pumping;
  }

  async settings(): Promise<FirmwareSettings> {
    return resolveFirmwareSettings((await this.deps.store.settings.getAll())[FIRMWARE_SETTINGS_KEY]);
  }

  async setSettings(settings: FirmwareSettings): Promise<void> {
    await this.deps.store.settings.set({ [FIRMWARE_SETTINGS_KEY]: settings });
    this.pump();
  }

  async upload(content: Buffer, name: string, version: string | null, by: string | null): Promise<FirmwareFileRow> {
    const saved = await this.files.save(content);
    const row: FirmwareFileRow = { id: saved.id, name, version, size_bytes: saved.sizeBytes, sha256: saved.sha256, uploaded_at: this.deps.now(), uploaded_by: by };
    try {
      await this.deps.store.firmware.addFile(row);
    } catch (error) {
      await this.files.remove(saved.id);
      throw error;
    }
    return row;
  }

  /** 'in-use': stations are updating to it (or wait to); they would fail to download it. */
  async remove(id: string): Promise<'removed' | 'not-found' | 'in-use'> {
    const busy = (await this.deps.store.firmware.rolloutsIn(['queued', ...IN_PROGRESS])).some((r) => r.firmware_id === id);
    if (busy) return 'in-use';
    if (!(await this.deps.store.firmware.deleteFile(id))) return 'not-found';
    await this.files.remove(id);
    return 'removed';
  }

  /** The stations a rollout names: listed ones, those of a zone and its sub-zones, or those of a model. */
  async resolveTargets(targets: RolloutTargets): Promise<string[]> {
    const stations = (await this.deps.store.stations.list()).filter((s) => s.admission === 'admitted');
    const ids = new Set<string>(targets.stationIds ?? []);
    if (targets.zone !== undefined) {
      const zones = await this.deps.store.zones.list();
      const inZone = new Set([targets.zone]);
      for (let grew = true; grew;) {
        grew = false;
        for (const z of zones) if (z.parent !== null && inZone.has(z.parent) && !inZone.has(z.name)) { inZone.add(z.name); grew = true; }
      }
      for (const s of stations) if (s.zone !== null && inZone.has(s.zone)) ids.add(s.id);
    }
    if (targets.model !== undefined) for (const s of stations) if (s.model === targets.model) ids.add(s.id);
    return [...ids].sort();
  }

  /** Queues the update of each station; one already updating is skipped. Sending starts at once. */
  async rollout(firmwareId: string, stationIds: readonly string[]): Promise<RolloutOutcome> {
    const outcome: RolloutOutcome = { queued: [], skipped: [] };
    const known = new Set((await this.deps.store.stations.list()).filter((s) => s.admission === 'admitted').map((s) => s.id));
    for (const stationId of stationIds) {
      const current = await this.deps.store.firmware.getRollout(stationId);
      if (!known.has(stationId)) outcome.skipped.push({ stationId, reason: 'not an admitted station' });
      else if (current && (current.status === 'queued' || isInProgress(current.status))) outcome.skipped.push({ stationId, reason: `an update is already ${current.status}` });
      else {
        await this.deps.store.firmware.queue(stationId, firmwareId, this.deps.now());
        outcome.queued.push(stationId);
      }
    }
    this.pump();
    return outcome;
  }

  /** Cancels a station's update that was not sent yet; false if there is none waiting. */
  async cancel(stationId: string): Promise<boolean> {
    return this.deps.store.firmware.deleteQueued(stationId);
  }

  /** FirmwareStatusNotification (O3). */
  async onStatus(stationId: string, ocppStatus: string): Promise<void> {
    const current = await this.deps.store.firmware.getRollout(stationId);
    if (!current) return;
    const change = afterFirmwareStatus(current.status, ocppStatus);
    if (!change) return;
    await this.apply(current, change, ocppStatus);
    // Some stations reboot into the new firmware before they report Installed: that boot has
    // come already, and no other may follow.
    if (change.status === 'installed') {
      const station = await this.deps.store.stations.get(stationId);
      if (station?.last_boot_at != null && current.sent_at !== null && station.last_boot_at >= current.sent_at) {
        const file = await this.deps.store.firmware.getFile(current.firmware_id);
        const booted = afterBoot('installed', station.firmware_version, file?.version ?? null);
        if (booted?.status === 'done') await this.apply({ ...current, status: 'installed' }, booted, ocppStatus);
      }
    }
  }

  /** A BootNotification: the station may now run the new firmware. */
  async onBoot(stationId: string): Promise<void> {
    const current = await this.deps.store.firmware.getRollout(stationId);
    if (!current || !isInProgress(current.status)) return;
    const [station, file] = await Promise.all([this.deps.store.stations.get(stationId), this.deps.store.firmware.getFile(current.firmware_id)]);
    const change = afterBoot(current.status, station?.firmware_version ?? null, file?.version ?? null);
    if (change) await this.apply(current, change, current.ocpp_status);
  }

  private async apply(current: FirmwareRolloutRow, change: RolloutChange, ocppStatus: string | null): Promise<void> {
    await this.deps.store.firmware.update(current.station_id, {
      status: change.status, ocpp_status: ocppStatus, error: change.error ?? null, updated_at: this.deps.now(),
    });
    const fields = { stationId: current.station_id, action: 'firmware' };
    if (change.status === 'failed') this.deps.log.warn(`firmware update failed: ${change.error ?? ''}`, fields);
    else if (change.status === 'done') this.deps.log.info('firmware update done', fields);
    // A station finished: another may start.
    if (!isInProgress(change.status)) this.pump();
  }

  /** Sends waiting updates while there is room; one pump at a time, again if asked meanwhile. */
  pump(): void {
    if (this.stopped) return;
    if (this.pumpRunning) {
      this.pumpAgain = true;
      return;
    }
    this.pumpRunning = true;
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        try {
          await this.pumpOnce();
        } catch (error) {
          this.deps.log.error(`firmware rollout: ${error instanceof Error ? error.message : String(error)}`, { action: 'firmware' });
        }
      } while (this.pumpAgain);
    })().finally(() => {
      this.pumpRunning = false;
    });
  }

  private async pumpOnce(): Promise<void> {
    const settings = await this.settings();
    const now = this.deps.now();
    const rows = await this.deps.store.firmware.rolloutsIn(['queued', ...IN_PROGRESS]);
    let inProgress = 0;
    for (const r of rows) {
      if (!isInProgress(r.status)) continue;
      if (isStalled(r.status, r.updated_at, now, settings.stallTimeoutMin * 60_000)) {
        await this.apply(r, { status: 'failed', error: `no news from the station for ${settings.stallTimeoutMin} min` }, r.ocpp_status);
      } else {
        inProgress += 1;
      }
    }
    // Only stations that take requests now; the others keep their place until they connect. The
    // batch goes out together: a slow station does not hold up the others.
    const batch = rows.filter((r) => r.status === 'queued' && this.deps.stationServer.isRegistered(r.station_id))
      .slice(0, roomForMore(inProgress, settings.maxConcurrent));
    await Promise.all(batch.map((r) => this.send(r, settings)));
  }

  private async send(row: FirmwareRolloutRow, settings: FirmwareSettings): Promise<void> {
    const { store, commands, now } = this.deps;
    const baseUrl = settings.baseUrl ?? this.connectionBaseUrl(row.station_id);
    if (!baseUrl) {
      await this.apply(row, { status: 'failed', error: 'no address to give the station: set the firmware base URL' }, null);
      return;
    }
    const expiresS = Math.floor(now() / 1000) + settings.urlValidityH * 3600;
    const location = signedDownloadUrl(baseUrl, await this.files.urlSecret(), { firmwareId: row.firmware_id, stationId: row.station_id, expiresS });
    // Marked before sending: it counts against the limit while the station takes the request;
    // unless it was cancelled, or another file queued, since the pump read it.
    if (!(await store.firmware.claimQueued(row.station_id, row.firmware_id, now()))) return;
    const result = await commands.send(row.station_id, 'UpdateFirmware', { location, retrieveDate: new Date(now()).toISOString() });
    if (result.ok) {
      this.deps.log.info('firmware update sent', { stationId: row.station_id, action: 'firmware' });
    } else if (result.notSent) {
      // It went offline meanwhile: it waits for its next connection, in its place.
      await store.firmware.update(row.station_id, { status: 'queued', sent_at: null, updated_at: now() });
    } else if (result.outcome === 'timeout') {
      // Unanswered: the station may have taken it and be downloading. It keeps its place against
      // the limit until it reports, or until the stall time says it failed.
      this.deps.log.warn(`firmware update unanswered: ${result.message}`, { stationId: row.station_id, action: 'firmware' });
    } else {
      // Refused (an error, a CALLERROR): the station did not take it; not retried blindly.
      const current = await store.firmware.getRollout(row.station_id);
      if (current?.status === 'sent') await this.apply(current, { status: 'failed', error: `UpdateFirmware ${result.outcome}: ${result.message}` }, null);
    }
  }

  /** http(s)://{the Host the station's WebSocket connected to}: the address it reaches Fuseguard at. */
  private connectionBaseUrl(stationId: string): string | null {
    const host = this.deps.stationServer.client(stationId)?.handshake.headers?.host;
    if (typeof host !== 'string' || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return null;
    return `${this.deps.tls ? 'https' : 'http'}://${host}`;
  }

  private background(work: Promise<void>, stationId: string): void {
    work.catch((error: unknown) => this.deps.log.error(`firmware rollout: ${error instanceof Error ? error.message : String(error)}`, { stationId, action: 'firmware' }));
  }
}
