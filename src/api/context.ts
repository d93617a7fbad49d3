// What the API's route plugins work with: the running parts of Fuseguard.
import type { ControlLoop } from '../control/control-loop.js';
import type { FirmwareService } from '../firmware/firmware-service.js';
import type { DigitalInputs } from '../inputs/index.js';
import type { MeterPoller } from '../meters/index.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { StationServer } from '../ocpp/station-server.js';
import type { EventLog } from '../services/event-log.js';
import type { SessionService } from '../services/session-service.js';
import type { SiteEvents } from '../services/site-events.js';
import type { StationService } from '../services/station-service.js';
import type { Store } from '../store/store.js';

/** The running parts of Fuseguard, as the API and its embedders (the `Fuseguard` handle) see them. */
export interface RunningParts {
  readonly store: Store;
  readonly events: SiteEvents;
  readonly stations: StationService;
  readonly sessions: SessionService;
  readonly commands: CommandSender;
  readonly stationServer: StationServer;
  readonly log: EventLog;
  readonly control: ControlLoop | null;
  /**
   * Brings stored configuration (zones, stations, badges, settings, meters, inputs, TOU) into the
   * running parts: a change takes effect without a restart.
   */
  reload(): Promise<void>;
}

export interface ApiContext extends RunningParts {
  readonly dataDir: string;
  /** Firmware library and rollouts (issue 16, item 7). */
  readonly firmware: FirmwareService;
  /** Current ones: reload() may replace them. */
  inputs(): DigitalInputs;
  meters(): MeterPoller;
  readonly now: () => number;
  readonly startedAt: number;
  /** Served over TLS: cookies get Secure. */
  readonly tls: boolean;
  /** Restarts the application (X5), after the answer has gone out. */
  restart(): void;
}
