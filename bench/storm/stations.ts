// The stations of bench/storm.bench.ts, in a process of their own so that the server under test
// keeps a core to itself on a 2-core machine. Driven over IPC (bench/storm/protocol.ts): a storm
// in waves (connect, BootNotification, StatusNotification Available), then MeterValues at a given
// rate. Each station answers what a server sends after a boot as a plain one-connector station
// would (GetConfiguration, ChangeConfiguration, SetChargingProfile, ...) and keeps the failsafe
// profile (stack level 0) it accepted, so that the bench can check every station holds one.
import { RPCClient } from '../../src/ocpp/rpc.js';
import { pctNum, timed } from '../lib/measure.js';
import type { StormCommand, StormReport } from './protocol.js';

type Client = InstanceType<typeof RPCClient>;

interface Station {
  id: string;
  client: Client;
  connected: boolean;
  /** ms since the storm began at which the first SetChargingProfile arrived. */
  firstProfileAtMs: number | null;
  /** The limit of the stack-level-0 TxDefaultProfile it holds (the failsafe), if any. */
  failsafeLimit: number | null;
}

/** What a one-connector station reports to GetConfiguration. */
const CONFIGURATION: Record<string, string> = {
  ChargeProfileMaxStackLevel: '8',
  ChargingScheduleAllowedChargingRateUnit: 'Current',
  ChargingScheduleMaxPeriods: '24',
  MeterValuesSampledData: 'Energy.Active.Import.Register',
  MeterValueSampleInterval: '60',
  NumberOfConnectors: '1',
  HeartbeatInterval: '300',
};

const stations: Station[] = [];
const commandsByAction: Record<string, number> = {};
let stormStart = 0;
let steadyTimers: NodeJS.Timeout[] = [];

const send = (report: StormReport): void => void process.send?.(report);

process.on('message', (message: StormCommand) => {
  void handle(message).catch((error: unknown) => {
    console.error('storm stations:', error);
    process.exit(1);
  });
});
send({ event: 'ready' });

async function handle(message: StormCommand): Promise<void> {
  switch (message.cmd) {
    case 'storm': return storm(message);
    case 'steady': return steady(message);
    case 'check': return check();
    case 'close': return close();
  }
}

async function storm({ url, ids, waveSize, provisioned, provisionTimeoutS }: Extract<StormCommand, { cmd: 'storm' }>): Promise<void> {
  stormStart = performance.now();
  const bootMs: number[] = [];
  let failed = 0;
  for (let i = 0; i < ids.length; i += waveSize) {
    await Promise.all(ids.slice(i, i + waveSize).map(async (id) => {
      try {
        const station = await connect(url, id);
        await timed(bootMs, () => station.client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Storm-1' }));
        await station.client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
      } catch (error) {
        if (failed++ === 0) console.error(`storm stations: ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }));
    if ((i + waveSize) % 1000 === 0) console.error(`storm stations: ${i + waveSize} of ${ids.length} booted at ${((performance.now() - stormStart) / 1000).toFixed(1)} s`);
  }
  const bootedMs = performance.now() - stormStart;
  send({ event: 'booted', bootedMs, booted: ids.length - failed, failed, bootP50Ms: pctNum(bootMs, 50), bootP99Ms: pctNum(bootMs, 99) });
  if (!provisioned) return;
  const deadline = performance.now() + provisionTimeoutS * 1000;
  while (stations.some((s) => s.firstProfileAtMs === null) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const times = stations.map((s) => s.firstProfileAtMs).filter((t): t is number => t !== null);
  send({ event: 'provisioned', provisionedMs: Math.max(0, ...times), provisioned: times.length, commandsByAction });
}

async function connect(url: string, id: string): Promise<Station> {
  const client = new RPCClient({ endpoint: url, identity: id, protocols: ['ocpp1.6'], reconnect: false, callTimeoutMs: 300_000 } as ConstructorParameters<typeof RPCClient>[0]);
  const station: Station = { id, client, connected: false, firstProfileAtMs: null, failsafeLimit: null };
  stations.push(station);
  // A wildcard handler (ocpp-rpc's typings know only named ones): every command the server sends.
  (client as unknown as { handle(handler: (call: { method: string; params: Record<string, unknown> }) => unknown): void })
    .handle(({ method, params }) => answer(station, method, params));
  client.on('close', () => { station.connected = false; });
  await client.connect();
  station.connected = true;
  return station;
}

/** Counts a command in the measured window's seconds (steady). */
let onCommand: () => void = () => undefined;

/** What a plain one-connector station answers to what the server asks. */
function answer(station: Station, method: string, params: Record<string, unknown>): unknown {
  commandsByAction[method] = (commandsByAction[method] ?? 0) + 1;
  onCommand();
  switch (method) {
    case 'GetConfiguration': {
      const keys = (params.key as string[] | undefined) ?? Object.keys(CONFIGURATION);
      return {
        configurationKey: keys.filter((k) => k in CONFIGURATION).map((key) => ({ key, readonly: key === 'NumberOfConnectors', value: CONFIGURATION[key] })),
        unknownKey: keys.filter((k) => !(k in CONFIGURATION)),
      };
    }
    case 'SetChargingProfile': {
      station.firstProfileAtMs ??= performance.now() - stormStart;
      const profile = params.csChargingProfiles as { stackLevel: number; chargingProfilePurpose: string; chargingSchedule: { chargingSchedulePeriod: { limit: number }[] } };
      if (profile.stackLevel === 0 && profile.chargingProfilePurpose === 'TxDefaultProfile') station.failsafeLimit = profile.chargingSchedule.chargingSchedulePeriod[0].limit;
      return { status: 'Accepted' };
    }
    case 'ClearChargingProfile': return { status: 'Accepted' };
    case 'GetLocalListVersion': return { listVersion: 0 };
    case 'GetCompositeSchedule': return { status: 'Rejected' };
    case 'RemoteStartTransaction':
    case 'RemoteStopTransaction': return { status: 'Rejected' };
    case 'TriggerMessage':
    case 'UnlockConnector': return { status: 'NotImplemented' };
    default: return { status: 'Accepted' }; // ChangeConfiguration, SendLocalList, ClearCache, Reset, ChangeAvailability
  }
}

/** MeterValues from every station at `callsPerS` in all, spread evenly; latencies after the warm-up. */
async function steady({ callsPerS, warmupS, measureS }: Extract<StormCommand, { cmd: 'steady' }>): Promise<void> {
  const live = stations.filter((s) => s.connected);
  const periodMs = (live.length / callsPerS) * 1000;
  let latencies: number[] | null = null;
  /** Per second of the measured window: the latencies of the calls started in it, and the commands received. */
  let bySecond: { latencies: number[]; commands: number; stallMs: number }[] = [];
  let wallStart = 0;
  let errors = 0;
  let energyWh = 0;
  live.forEach((station, i) => {
    const meter = (): void => {
      energyWh += 1;
      const into = latencies;
      const second = into ? secondOf(performance.now() - wallStart) : null;
      const start = performance.now();
      void station.client.call('MeterValues', meterValues(energyWh)).then(() => {
        const ms = performance.now() - start;
        into?.push(ms);
        second?.latencies.push(ms);
      }).catch(() => { if (into === latencies) errors++; });
    };
    steadyTimers.push(setTimeout(() => steadyTimers.push(setInterval(meter, periodMs)), (i / live.length) * periodMs));
  });
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const secondOf = (ms: number) => (bySecond[Math.floor(ms / 1000)] ??= { latencies: [], commands: 0, stallMs: 0 });
  bySecond = [];
  // This process's own stalls (a 10,000-client process collects too): how late a 10 ms timer fires, the worst per second.
  let tickAt = performance.now();
  const stallTimer = setInterval(() => {
    const at = performance.now();
    if (latencies) { const second = secondOf(at - wallStart); second.stallMs = Math.max(second.stallMs, at - tickAt - 10); }
    tickAt = at;
  }, 10);
  onCommand = () => { if (latencies) secondOf(performance.now() - wallStart).commands += 1; };
  latencies = [];
  errors = 0;
  const commandsBefore = { ...commandsByAction };
  const cpuStart = process.cpuUsage();
  wallStart = performance.now();
  send({ event: 'measuring' });
  await new Promise((r) => setTimeout(r, measureS * 1000));
  const measured = latencies;
  latencies = null;
  onCommand = () => undefined;
  clearInterval(stallTimer);
  const wallS = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  steadyTimers.forEach((t) => clearTimeout(t));
  steadyTimers = [];
  send({
    event: 'steady', calls: measured.length, errors, p50Ms: pctNum(measured, 50), p99Ms: pctNum(measured, 99),
    callsPerS: measured.length / wallS, clientCpuPct: ((cpu.user + cpu.system) / 1e6 / wallS) * 100,
    seconds: Array.from(bySecond, (b, i) => ({ atS: i, calls: b?.latencies.length ?? 0, p99Ms: b ? pctNum(b.latencies, 99) : NaN, maxMs: b ? Math.max(...b.latencies) : NaN, commands: b?.commands ?? 0, stationsStallMs: b?.stallMs ?? 0 })),
    commandsByAction: Object.fromEntries(Object.entries(commandsByAction).map(([action, n]): [string, number] => [action, n - (commandsBefore[action] ?? 0)]).filter(([, n]) => n > 0)),
  });
}

function meterValues(energyWh: number) {
  return { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [
    { value: String(energyWh), unit: 'Wh', measurand: 'Energy.Active.Import.Register' },
    ...['L1', 'L2', 'L3'].map((phase) => ({ value: '0.0', unit: 'A', measurand: 'Current.Import', phase })),
    { value: '0', unit: 'W', measurand: 'Power.Active.Import' },
  ] }] };
}

function check(): void {
  const connected = stations.filter((s) => s.connected);
  send({
    event: 'checked', connected: connected.length,
    failsafeHeld: connected.filter((s) => s.failsafeLimit !== null).length,
    failsafeAboveZero: connected.filter((s) => (s.failsafeLimit ?? 0) > 0).length,
  });
}

async function close(): Promise<void> {
  steadyTimers.forEach((t) => clearTimeout(t));
  await Promise.all(stations.map((s) => s.client.close({ force: true }).catch(() => undefined)));
  send({ event: 'closed' });
  process.disconnect();
}
