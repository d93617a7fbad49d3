// U3: when Fuseguard's clock steps to follow the CPO's, the parts that hold instants on it move
// them with it (a measurement keeps its age), and the connected stations are asked for a
// Heartbeat, so that they take the new time from its answer soon rather than at their next one.
// Charging profiles are stamped on each station's own clock (the time it was last given,
// ReferenceClock.stationNow), so a station that has not taken the new time yet keeps valid
// profiles; once it takes it ('station.clockMoved'), the control loop sends its live profiles again
// on the new time. The failsafe profile starts long ago and holds on any clock (D5).
import type { ControlLoop } from '../control/control-loop.js';
import type { MeterPoller } from '../meters/meter-poller.js';
import type { CommandSender } from '../ocpp/command-sender.js';
import type { StationServer } from '../ocpp/station-server.js';
import type { EventLog } from '../services/event-log.js';
import type { ReferenceClock } from './reference-clock.js';

const TRIGGER_TIMEOUT_MS = 10_000;

export interface ClockStepParts {
  control: ControlLoop | null;
  meters: () => MeterPoller;
  commands: CommandSender;
  stationServer: StationServer;
  log: EventLog;
}

/** Follows the clock's steps; returns a function that resolves when the last resync is done. */
export function followClockSteps(clock: ReferenceClock, parts: ClockStepParts): () => Promise<void> {
  let resyncing = Promise.resolve();
  clock.onStep((stepMs) => {
    parts.control?.shiftTimes(stepMs);
    parts.meters().shiftTimes(stepMs);
    resyncing = resyncing.then(() => resyncStations(parts, stepMs));
  });
  return () => resyncing;
}

async function resyncStations(parts: ClockStepParts, stepMs: number): Promise<void> {
  const stationIds = parts.stationServer.connectedIds();
  const results = await Promise.all(stationIds.map((stationId) => parts.commands.send(
    stationId, 'TriggerMessage', { requestedMessage: 'Heartbeat' }, { timeoutMs: TRIGGER_TIMEOUT_MS },
  ).then((r) => r.ok && r.response.status === 'Accepted', () => false)));
  const refused = stationIds.filter((_, i) => !results[i]);
  const moved = `${stepMs > 0 ? '+' : ''}${(stepMs / 1000).toFixed(1)} s`;
  if (refused.length === 0) {
    parts.log.info(`clock moved by ${moved}: ${stationIds.length} station(s) asked for a Heartbeat to take the new time`, { action: 'clock' });
  } else {
    parts.log.warn(`clock moved by ${moved}: ${refused.length} station(s) did not send a Heartbeat on request (${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''}); they take the new time at their next Heartbeat, and their profiles stay on their old time until then`, { action: 'clock' });
  }
}
